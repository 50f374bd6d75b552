/**
 * FreeSWITCH's memory of ends (src/pbx/esl/memory.ts): the hook FreeSWITCH expands at hangup,
 * read back as the hangup event it stands for and mapped by the one mapping (factsFromHangup);
 * what is read back is PBX input, parsed defensively.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { amdOf, factsFromHangup } from '../../src/pbx/esl/mapping.ts';
import { hangupHook, memoryVar, parseMicroEpoch, parseStoredEnd } from '../../src/pbx/esl/memory.ts';
import { parsePlainEvent } from '../../src/pbx/esl/protocol.ts';

const UUID = '0b8e5a36-7c0e-4c4f-9a51-5b0e2d9d7a11';
const NOW = Date.UTC(2026, 10, 30, 12);
/** What the lab FreeSWITCH 1.10.12 stored for real dials (global_getvar after the hook ran). */
const LAB = {
  busy: 'v1;USER_BUSY;17;486;486;recv_refuse;1796018484381224;0;0;1796018484601209;127.0.0.1;',
  answered: 'v1;NORMAL_CLEARING;16;200;;recv_bye;1796018484661217;0;1796018484861251;1796018485881381;127.0.0.1;',
  ringTimeout: 'v1;NO_ANSWER;19;;487;send_cancel;1796018486681200;0;0;1796018488001217;127.0.0.1;',
};

/** FreeSWITCH's expansion of the hook against a hangup event's channel variables. */
const expandHook = (ev: Record<string, string>): string =>
  hangupHook(UUID).replace(/\$\{(\w+)\}/g, (_, n: string) => ev[`variable_${n}`] ?? '').slice(`global_setvar ${memoryVar(UUID)}=`.length);

describe('FreeSWITCH memory of ends', () => {
  it('the hook stores one global per channel, every field from a channel variable FreeSWITCH sets', () => {
    expect(hangupHook(UUID)).toBe(
      `global_setvar dialerd_end_${UUID}=v2;\${hangup_cause};\${hangup_cause_q850};\${sip_term_status};\${sip_invite_failure_status};\${sip_hangup_disposition};\${progress_uepoch};\${progress_media_uepoch};\${answer_uepoch};\${end_uepoch};\${sip_network_ip};\${dialerd_hangup};\${amd_result};\${amd_cause};\${avmd_detect}`,
    );
  });

  it('a remembered end maps exactly as the live CHANNEL_HANGUP_COMPLETE it was expanded from (the phrase aside, logs only)', () => {
    const t = readFileSync(new URL('../fixtures/freeswitch/channel_hangup_complete.event', import.meta.url), 'utf8');
    const live = parsePlainEvent(t)!;
    const stored = parseStoredEnd(expandHook(live))!;
    const { causeText: _a, ...fromMemory } = factsFromHangup(stored.event, false, NOW);
    const { causeText: _b, ...fromEvent } = factsFromHangup(live, false, NOW);
    expect(fromMemory).toEqual(fromEvent);
    expect(stored.endUs).toBe(Number(live['variable_end_uepoch']));
  });

  it('reads what the lab FreeSWITCH stored: busy, answered with talk time, ring timeout', () => {
    expect(factsFromHangup(parseStoredEnd(LAB.busy)!.event, false, NOW)).toMatchObject({ causeName: 'USER_BUSY', q850: 17, sip: 486, progress: true, answeredAt: null, farEndResponded: true });
    expect(factsFromHangup(parseStoredEnd(LAB.answered)!.event, false, NOW)).toMatchObject({ causeName: 'NORMAL_CLEARING', q850: 16, sip: 200, answeredAt: NOW - 1020 });
    // The 487 answers FreeSWITCH's own CANCEL: no SIP code of the far end.
    expect(factsFromHangup(parseStoredEnd(LAB.ringTimeout)!.event, false, NOW)).toMatchObject({ causeName: 'NO_ANSWER', q850: 19, sip: null, ringTimeoutHit: true });
  });

  it('the AMD verdict is remembered with the end (mod_amd variables, mod_avmd detection); a v1 memory reads without it', () => {
    const amd = parseStoredEnd('v2;NORMAL_CLEARING;16;200;;recv_bye;1796018486681200;0;1796018487001200;1796018488001217;127.0.0.1;;MACHINE;MAXWORDS-3-2;')!;
    expect(amdOf(amd.event)).toEqual({ status: 'MACHINE', cause: 'MAXWORDS-3-2' });
    const avmd = parseStoredEnd('v2;NORMAL_CLEARING;16;200;;recv_bye;1796018486681200;0;1796018487001200;1796018488001217;127.0.0.1;;;;TRUE')!;
    expect(amdOf(avmd.event)).toEqual({ status: 'MACHINE', cause: 'BEEP' });
    expect(amdOf(parseStoredEnd(LAB.answered)!.event)).toBeNull();
    expect(parseStoredEnd('v2;NORMAL_CLEARING;16;200;;recv_bye;1796018486681200;0;1796018487001200;1796018488001217;127.0.0.1;;MACH INE;;')).toBeNull();
  });

  it('an end a daemon asked for (dialerd_hangup, set before its uuid_kill) is soft, live or remembered', () => {
    const asked = parseStoredEnd('v1;NORMAL_CLEARING;16;;;send_cancel;1796018486681200;0;0;1796018488001217;127.0.0.1;true')!;
    expect(factsFromHangup(asked.event, false, NOW)).toMatchObject({ soft: true, causeName: 'NORMAL_CLEARING', answeredAt: null });
    expect(factsFromHangup(parseStoredEnd(LAB.busy)!.event, false, NOW).soft).toBe(false);
  });

  it('anything not exactly our format is not a memory (PBX input)', () => {
    const bad = [
      '-ERR no reply',
      '',
      'v2;USER_BUSY;17;486;486;recv_refuse;1;0;0;2;127.0.0.1;',
      'v1;USER_BUSY;17;486;486;recv_refuse;1;0;0;2;127.0.0.1',
      'v1;USER_BUSY;17;486;486;recv_refuse;1;0;0;2;127.0.0.1;;extra',
      'v1;user busy;17;486;486;recv_refuse;1;0;0;2;127.0.0.1;',
      'v1;USER_BUSY;1700;486;486;recv_refuse;1;0;0;2;127.0.0.1;',
      'v1;USER_BUSY;17;486;486;recv_refuse;1;0;0;;127.0.0.1;',
      'v1;USER_BUSY;17;486;486;recv_refuse;1;0;0;2;$(system x);',
      'v1;USER_BUSY;17;486;486;Recv Refuse;1;0;0;2;127.0.0.1;',
      'v1;USER_BUSY;17;486;486;recv_refuse;1;0;0;2;127.0.0.1;yes',
      `v1;${'A'.repeat(600)};17;486;486;recv_refuse;1;0;0;2;127.0.0.1;`,
    ];
    for (const b of bad) expect(parseStoredEnd(b), b).toBeNull();
    expect(parseMicroEpoch('1796018488001217\n')).toBe(1796018488001217);
    expect(parseMicroEpoch('-ERR no reply')).toBeNull();
  });
});
