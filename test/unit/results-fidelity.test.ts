/**
 * Issue 11's fidelity fixes, from the facts each adapter reports (the ESL mapping of a
 * CHANNEL_HANGUP_COMPLETE, the ARI dial state folded from its events): the same far-end
 * behaviour gives the same result on both switches, and only the domain decides.
 */
import { describe, expect, it } from 'vitest';
import { carrierDead, mapResult, sipDefault } from '../../src/domain/results.ts';
import { sipCause } from '../../src/domain/causes.ts';
import type { CauseOverrides, RawFacts, Result } from '../../src/domain/types.ts';
import type { AriEvent } from '../../src/pbx/ari/ari-types.ts';
import { applyEvent, newDial } from '../../src/pbx/ari/dial-state.ts';
import { factsFromHangup, factsFromJobError } from '../../src/pbx/esl/mapping.ts';
import type { EndFacts } from '../../src/pbx/port.ts';
import { dialRequest } from '../e2e/shared/fixtures.ts';

/** When the hangup event reached us (our clock). */
const NOW = Date.UTC(2026, 10, 30, 12);
const NONE: CauseOverrides = { sip: {}, q850: {} };

const raw = (f: EndFacts): RawFacts => ({
  answered: false, ringSeconds: 0.5, talkSeconds: 0, q850: f.q850, sip: f.sip, causeName: f.causeName,
  amdStatus: null, amdCause: null, ringTimeoutHit: f.ringTimeoutHit, cancelledByUs: false,
  originateFailed: f.originateFailed, progress: f.progress, farEndResponded: f.farEndResponded,
});
const result = (f: EndFacts, overrides = NONE): Result => mapResult(raw(f), { shortCallSeconds: 2, overrides }).result;

/** What FreeSWITCH 1.10.12 reports for a carrier's final answer after 100/180 (lab matrix.txt shape). */
function fs(sip: number | null, causeName: string, q850: number, extra: Record<string, string> = {}): EndFacts {
  return factsFromHangup({
    'Event-Name': 'CHANNEL_HANGUP_COMPLETE', 'Hangup-Cause': causeName, variable_hangup_cause_q850: String(q850),
    ...(sip === null ? {} : { variable_sip_term_status: String(sip), variable_sip_invite_failure_status: String(sip), variable_sip_hangup_disposition: 'recv_refuse' }),
    variable_sip_network_ip: '127.0.0.1', variable_progress_uepoch: '1796003956200270', variable_answer_uepoch: '0', ...extra,
  }, false, NOW, true);
}

/** What Asterisk 22 reports over ARI (lab matrix.txt shape: ringing, the far end's hangup request, destroyed). */
function ast(sip: number | null, cause: number, opts: { ring?: boolean; hangupReq?: boolean; afterMs?: number } = {}): EndFacts {
  const d = newDial(dialRequest('PJSIP/carrier/sip:1@127.0.0.1:1', { ringTimeoutSeconds: 5 }), 'c1', 0);
  const ch = { id: 'c1', name: 'PJSIP/carrier-1', state: 'Ringing' };
  const evs: AriEvent[] = [];
  if (opts.ring !== false) evs.push({ type: 'ChannelStateChange', channel: ch });
  if (opts.hangupReq !== false) evs.push({ type: 'ChannelHangupRequest', channel: ch, cause, ...(sip === null ? {} : { tech_cause: sip }) });
  evs.push({ type: 'ChannelDestroyed', channel: ch, cause, ...(sip === null ? {} : { tech_cause: sip }) });
  let end: EndFacts | null = null;
  for (const e of evs) for (const o of applyEvent(d, e, opts.afterMs ?? 550).out) if (o.type === 'ended') end = o.facts;
  return end!;
}

describe('the same SIP answer gives the same result on both switches', () => {
  it('580 (not in RFC 3398): Asterisk derives 34, FreeSWITCH 31; both read it as 500 → 41 → congestion', () => {
    expect(result(ast(580, 34))).toBe('congestion');
    expect(result(fs(580, 'NORMAL_UNSPECIFIED', 31))).toBe('congestion');
    expect(sipCause(580)).toBe(41);
  });

  it('a Reason header is ignored: FreeSWITCH honours it (486 + cause=21 → CALL_REJECTED), the SIP code decides', () => {
    expect(result(fs(486, 'CALL_REJECTED', 21))).toBe('busy');
    expect(result(ast(486, 17))).toBe('busy');
    expect(result(fs(503, 'USER_BUSY', 17))).toBe('congestion');
  });

  it('a campaign override by Q.850 applies to the cause derived from the SIP code, not to the PBX\'s', () => {
    const o: CauseOverrides = { sip: {}, q850: { 41: 'failed', 34: 'busy', 31: 'busy' } };
    expect(result(ast(580, 34), o)).toBe('failed');
    expect(result(fs(580, 'NORMAL_UNSPECIFIED', 31), o)).toBe('failed');
  });

  it.each([
    [400, 'congestion'], [405, 'failed'], [410, 'invalid_number'], [481, 'congestion'], [485, 'invalid_number'],
    [499, 'congestion'], [501, 'failed'], [599, 'congestion'], [604, 'invalid_number'], [607, 'rejected'],
    [650, 'busy'], [699, 'busy'],
  ] as const)('SIP %i → %s whatever cause the PBX put beside it', (sip, expected) => {
    expect(sipDefault(sip)).toBe(expected);
    for (const q850 of [16, 21, 31, 34, 127]) expect(result(ast(sip, q850))).toBe(expected);
  });
});

describe('Q.850 66 (CHAN_NOT_IMPLEMENTED) is the same on both switches and a campaign can override it', () => {
  it('after a channel existed', () => {
    const onFs = factsFromHangup({ 'Event-Name': 'CHANNEL_HANGUP_COMPLETE', 'Hangup-Cause': 'CHAN_NOT_IMPLEMENTED', variable_hangup_cause_q850: '66' }, false, NOW);
    const onAst = ast(null, 66, { hangupReq: false });
    expect(result(onFs)).toBe('failed');
    expect(result(onAst)).toBe('failed');
    const o: CauseOverrides = { sip: {}, q850: { 66: 'error' } };
    expect(result(onFs, o)).toBe('error');
    expect(result(onAst, o)).toBe('error');
  });

  it('when only the originate job said it and no channel was ever reported, the dial never left: error (Asterisk refuses the POST)', () => {
    expect(result(factsFromJobError('CHAN_NOT_IMPLEMENTED', '-ERR CHAN_NOT_IMPLEMENTED'))).toBe('error');
    // after the channel was seen, the cause decides, overrides included
    expect(result(factsFromJobError('CHAN_NOT_IMPLEMENTED', '-ERR CHAN_NOT_IMPLEMENTED', true))).toBe('failed');
    expect(result(factsFromJobError('CHAN_NOT_IMPLEMENTED', '-ERR CHAN_NOT_IMPLEMENTED', true), { sip: {}, q850: { 66: 'rejected' } })).toBe('rejected');
  });
});

describe('a dead carrier is error, not congestion or no_answer', () => {
  it("FreeSWITCH, nothing listening: sofia-sip's local 503 within ~20 ms, no progress, no sip_network_ip (lab no-listener-t5)", () => {
    const f = factsFromHangup({
      'Event-Name': 'CHANNEL_HANGUP_COMPLETE', 'Hangup-Cause': 'NORMAL_TEMPORARY_FAILURE', variable_hangup_cause_q850: '41',
      variable_sip_term_status: '503', variable_sip_invite_failure_status: '503', variable_sip_hangup_disposition: 'recv_refuse',
      variable_sip_network_port: '0', variable_progress_uepoch: '0', variable_answer_uepoch: '0',
    }, false, NOW);
    expect(f).toMatchObject({ sip: 503, progress: false, farEndResponded: false });
    expect(result(f)).toBe('error');
    expect(result(f, { sip: { 503: 'busy' }, q850: { 41: 'busy' } })).toBe('error');
    // a real carrier's 503 (heard, after 100/180) stays congestion
    expect(result(fs(503, 'NORMAL_TEMPORARY_FAILURE', 41))).toBe('congestion');
    // ... and so does one that came straight after 100 Trying, without ringing
    expect(result(fs(503, 'NORMAL_TEMPORARY_FAILURE', 41, { variable_progress_uepoch: '0' }))).toBe('congestion');
  });

  it('FreeSWITCH, carrier host silent: NO_ANSWER at the ring timeout, no progress (lab blackhole-t5)', () => {
    const f = factsFromHangup({
      'Event-Name': 'CHANNEL_HANGUP_COMPLETE', 'Hangup-Cause': 'NO_ANSWER', variable_hangup_cause_q850: '19',
      variable_sip_invite_failure_status: '487', variable_sip_hangup_disposition: 'send_cancel', variable_progress_uepoch: '0', variable_answer_uepoch: '0',
    }, false, NOW);
    expect(f).toMatchObject({ sip: null, ringTimeoutHit: true, progress: false, farEndResponded: false });
    expect(result(f)).toBe('error');
  });

  it('Asterisk, carrier port closed or host silent: cause 19 / 480 at the ring timeout with no ringing and no hangup request', () => {
    const f = ast(480, 19, { ring: false, hangupReq: false, afterMs: 5082 });
    expect(f).toMatchObject({ ringTimeoutHit: true, progress: false });
    expect(result(f)).toBe('error');
  });

  it('a ring timeout after ringing is no_answer on both (FreeSWITCH\'s 487 to its own CANCEL is no SIP answer)', () => {
    const onFs = fs(null, 'NO_ANSWER', 19, { variable_sip_invite_failure_status: '487', variable_sip_hangup_disposition: 'send_cancel' });
    expect(onFs.sip).toBeNull();
    expect(result(onFs)).toBe('no_answer');
    expect(result(ast(480, 19, { hangupReq: false, afterMs: 5045 }))).toBe('no_answer');
  });

  it('facts that are not known never make a dead carrier', () => {
    const unknown = raw({ ...fs(503, 'NORMAL_TEMPORARY_FAILURE', 41), progress: null, farEndResponded: null });
    expect(carrierDead(unknown)).toBe(false);
    expect(carrierDead({ ...unknown, ringTimeoutHit: true })).toBe(false);
  });
});
