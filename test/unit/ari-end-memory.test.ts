/** The ARI adapter's reading of Asterisk's memory of ends (src/pbx/ari/end-memory.ts): PBX input, parsed strictly. */
import { describe, expect, it } from 'vitest';
import { applyEvent, newDial } from '../../src/pbx/ari/dial-state.ts';
import { isSafeDialId, parsePingTimestamp, parseRemembered, recalled } from '../../src/pbx/ari/end-memory.ts';
import { originate } from '../../src/pbx/ari/originate.ts';
import type { AriRest } from '../../src/pbx/ari/rest.ts';
import { dialRequest } from '../helpers/dial-request.ts';

describe('the hangup handler value', () => {
  it('reads the fields [dialerd-end] writes', () => {
    expect(parseRemembered('1|17|486|Ringing||1764480000123')).toEqual({ q850: 17, lastSip: 486, state: 'Ringing', answerMs: null, endMs: 1764480000123, amd: null });
    expect(parseRemembered('2|17|486|Ringing||1764480000123||')).toEqual({ q850: 17, lastSip: 486, state: 'Ringing', answerMs: null, endMs: 1764480000123, amd: null });
    expect(parseRemembered('2|16|200|Up|1764480000000|1764480004500|MACHINE|MAXWORDS-3-2')).toMatchObject({ answerMs: 1764480000000, amd: { status: 'MACHINE', cause: 'MAXWORDS-3-2' } });
    expect(parseRemembered('1|16|200|Up|1764480000000|1764480004500')).toMatchObject({ lastSip: 200, answerMs: 1764480000000 });
    expect(parseRemembered('1|19||Down||1764480000123')).toMatchObject({ q850: 19, lastSip: null, state: 'Down' });
  });
  it.each([
    ['', 'empty'],
    ['2|17|486|Ringing||1764480000123', 'unknown version'],
    ['1|17|486|Ringing||1764480000123|x', 'extra field'],
    ['1|17|486|Ringing||1764480000123|MACHINE|X', 'AMD fields in a version 1 value'],
    ['2|17|486|Ringing||1764480000123', 'version 2 without its AMD fields'],
    ['2|16|200|Up||1764480000123|machine;x|', 'an AMD status not in AMD()\'s words'],
    ['1|17|4861|Ringing||1764480000123', 'SIP code too long'],
    ['1|17|486|Ring\u001b[31m||1764480000123', 'control characters in the state'],
    ['1|17|486|Ringing|1764480009999|1764480000123', 'answered after its end'],
    ['1|-1|486|Ringing||1764480000123', 'negative cause'],
    [`1|17|486|${'R'.repeat(300)}||1764480000123`, 'oversized'],
  ])('refuses %j (%s)', (v) => {
    expect(parseRemembered(v)).toBeNull();
  });
  it('sets the instants back from our now by Asterisk\'s own differences; the talk time is exact', () => {
    const r = recalled(parseRemembered('1|16|200|Up|1000000000000|1000000004500')!, 1000000010000, 5_000_000);
    expect(r.at).toBe(5_000_000 - 5500);
    expect(r.facts.answeredAt).toBe(r.at - 4500);
    expect(r.facts).toMatchObject({ q850: 16, sip: null, progress: true, ringTimeoutHit: false, outcomeLost: false, soft: false });
  });
  it('an end later than Asterisk\'s (whole-second) EPOCH is now, never in the future', () => {
    expect(recalled(parseRemembered('1|17|486|Ringing||1000000000900')!, 1000000000500, 77).at).toBe(77);
  });
  it('a final SIP answer is the SIP code; a 180 is progress only; no answer at all within the ring timeout is a ring timeout', () => {
    expect(recalled(parseRemembered('1|17|486|Ringing||1000000000000')!, 1e12, 0).facts).toMatchObject({ sip: 486, progress: true, ringTimeoutHit: false, farEndResponded: true });
    expect(recalled(parseRemembered('1|19|180|Ringing||1000000000000')!, 1e12, 0).facts).toMatchObject({ sip: null, progress: true, ringTimeoutHit: true });
    expect(recalled(parseRemembered('1|19||Down||1000000000000')!, 1e12, 0).facts).toMatchObject({ sip: null, progress: false, ringTimeoutHit: true, farEndResponded: null });
  });
  it('Up at hangup without an answer stamp (cut by core stop before the dialplan ran) is answered, at its end', () => {
    expect(recalled(parseRemembered('1|0|200|Up||1000000000000')!, 1000000001000, 50_000).facts).toMatchObject({ answeredAt: 49_000, sip: null });
    expect(recalled(parseRemembered('1|0|200|Ringing||1000000000000')!, 1000000001000, 50_000).facts).toMatchObject({ answeredAt: 49_000, sip: null });
  });
});

describe("Asterisk's now", () => {
  it('is read from the ping timestamp, offset included, to the millisecond', () => {
    expect(parsePingTimestamp('2026-11-30T06:22:00.123+0000')).toBe(Date.UTC(2026, 10, 30, 6, 22, 0, 123));
    expect(parsePingTimestamp('2026-11-30T09:22:00.123+0300')).toBe(Date.UTC(2026, 10, 30, 6, 22, 0, 123));
    for (const bad of [null, 17, '', '2026-11-30T06:22:00Z', '2026-11-30T06:22:00.123+0000\n', 'x'.repeat(99)]) expect(parsePingTimestamp(bad)).toBeNull();
  });
});

describe('what the originate puts into the dialplan', () => {
  const rest: AriRest = { call: async () => ({ status: 200, body: {} }), close: () => {} };
  const deps = { rest, app: 'dialerd', claim: () => {}, release: () => {}, onUnknownParams: () => {}, goingAway: async () => false };
  it.each([
    [{ context: 'sales,1000,1', extension: 's', priority: 1 }],
    [{ context: 'sales', extension: 's)${SHELL(id)}', priority: 1 }],
    [{ context: 'sales', extension: 's 1', priority: 1 }],
    [{ context: '', extension: 's', priority: 1 }],
    [{ context: 'sales', extension: 's', priority: 0 }],
  ])('refuses on_answer %j, which would reshape Goto()', async (onAnswer) => {
    await expect(originate(dialRequest('PJSIP/x', { onAnswer }), deps)).rejects.toMatchObject({ code: 'DIALERD_ERR_ORIGINATE_REFUSED' });
  });
  it('refuses a dial id that could not name a variable, and takes ordinary ones', async () => {
    expect(isSafeDialId('dialerd-0b8e5a36-7c0e-4c4f-9a51-5b0e2d9d7a11')).toBe(true);
    await expect(originate(dialRequest('PJSIP/x', { dialId: 'a)b' }), deps)).rejects.toMatchObject({ code: 'DIALERD_ERR_ORIGINATE_REFUSED' });
    await expect(originate(dialRequest('PJSIP/x', { onAnswer: { context: 'sales-2', extension: '+7495*1#', priority: 3 } }), deps)).resolves.toMatchObject({ kind: 'created' });
  });
});

describe('an originate refused while Asterisk goes away (chaos finding B)', () => {
  const refusing = (status: number): AriRest => ({ call: async () => ({ status, body: { message: 'Allocation failed' } }), close: () => {} });
  const deps = (status: number, goingAway: boolean, asked: string[]) => ({
    rest: refusing(status), app: 'dialerd', claim: () => {}, release: () => {}, onUnknownParams: () => {},
    goingAway: async () => (asked.push('asked'), goingAway),
  });
  it('a 5xx followed by the link dropping is the PBX going away, not the trunk refusing', async () => {
    await expect(originate(dialRequest('PJSIP/x'), deps(500, true, []))).rejects.toMatchObject({ code: 'DIALERD_ERR_PBX_DOWN' });
  });
  it('a 5xx while the link stays up, and any 4xx, is a refusal', async () => {
    await expect(originate(dialRequest('PJSIP/x'), deps(500, false, []))).rejects.toMatchObject({ code: 'DIALERD_ERR_ORIGINATE_REFUSED' });
    const asked: string[] = [];
    await expect(originate(dialRequest('PJSIP/x'), deps(400, true, asked))).rejects.toMatchObject({ code: 'DIALERD_ERR_ORIGINATE_REFUSED' });
    expect(asked).toEqual([]);
  });
});

describe('a channel cut by core stop just after the carrier answered (chaos, seed 11)', () => {
  it('destroyed in state Up with no Up state change heard: answered, then ended', () => {
    const d = newDial(dialRequest('PJSIP/x'), 'c1', 0);
    const ch = { id: 'c1', name: 'PJSIP/carrier-1', state: 'Ringing' };
    applyEvent(d, { type: 'ChannelStateChange', channel: ch }, 10);
    const out = applyEvent(d, { type: 'ChannelDestroyed', channel: { ...ch, state: 'Up' }, cause: 0 }, 400).out;
    expect(out.map((e) => e.type)).toEqual(['answered', 'ended']);
  });
});
