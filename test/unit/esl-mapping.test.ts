import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { amdOf, factsFromHangup, factsFromJobError, normaliseAmdStatus } from '../../src/pbx/esl/mapping.ts';
import { errCause, parseChannelUuids, parsePlainEvent } from '../../src/pbx/esl/protocol.ts';

/** Our clock, far from the captures' switch clock: instants must be ours. */
const NOW = Date.UTC(2026, 10, 30, 12);
const DIR = new URL('../fixtures/freeswitch/', import.meta.url);
const event = (f: string) => {
  const t = readFileSync(new URL(f, DIR), 'utf8');
  return parsePlainEvent(f.endsWith('.frame') ? t.slice(t.indexOf('\n\n') + 2) : t)!;
};

describe('ESL events → raw facts', () => {
  it('reads a captured answered CHANNEL_HANGUP_COMPLETE', () => {
    const f = factsFromHangup(event('channel_hangup_complete.event'), false, NOW);
    // answered 65 039 ms before the hangup (answer_uepoch → end_uepoch), on our clock
    expect(f).toMatchObject({ causeName: 'NORMAL_CLEARING', q850: 16, sip: 200, answeredAt: NOW - 65_039, ringTimeoutHit: false, originateFailed: false, soft: false });
  });

  it('reads a captured unanswered leg FreeSWITCH cancelled itself: no SIP code', () => {
    const f = factsFromHangup(event('channel_hangup_originator_cancel.frame'), false, NOW);
    // no hangup_cause_q850 in this capture: the name is the fact, the domain reads its number
    expect(f).toMatchObject({ causeName: 'ORIGINATOR_CANCEL', q850: null, sip: null, answeredAt: null });
  });

  it('takes the answer instant from Caller-Channel-Answered-Time when answer_uepoch is absent (to the event instant)', () => {
    const f = factsFromHangup(event('channel_hangup_normal_clearing.frame'), true, NOW);
    expect(f).toMatchObject({ causeName: 'NORMAL_CLEARING', sip: 200, answeredAt: NOW - (1420557124255 - 1420557115834), soft: true });
  });

  it('falls back to sip_invite_failure_status and proto_specific_hangup_cause', () => {
    expect(factsFromHangup({ 'Event-Name': 'CHANNEL_HANGUP_COMPLETE', 'Hangup-Cause': 'USER_BUSY', variable_sip_invite_failure_status: '486' }, false, NOW).sip).toBe(486);
    expect(factsFromHangup({ 'Event-Name': 'CHANNEL_HANGUP_COMPLETE', 'Hangup-Cause': 'USER_BUSY', variable_proto_specific_hangup_cause: 'sip:600' }, false, NOW).sip).toBe(600);
  });

  it('marks a ring timeout; reports refusal causes as they came, without deciding', () => {
    expect(factsFromHangup({ 'Event-Name': 'X', 'Hangup-Cause': 'NO_ANSWER', variable_hangup_cause_q850: '19' }, false, NOW)).toMatchObject({ ringTimeoutHit: true, originateFailed: false, q850: 19 });
    expect(factsFromHangup({ 'Event-Name': 'X', 'Hangup-Cause': 'GATEWAY_DOWN', variable_hangup_cause_q850: '16' }, false, NOW)).toMatchObject({ originateFailed: false, causeName: 'GATEWAY_DOWN', q850: 16 });
    expect(factsFromHangup({ 'Event-Name': 'X', 'Hangup-Cause': 'CHAN_NOT_IMPLEMENTED', variable_hangup_cause_q850: '66' }, false, NOW)).toMatchObject({ originateFailed: false, q850: 66 });
  });

  it('reports whether the carrier was heard: progress stamps and sip_network_ip (../shared/lab/freeswitch no-listener-t5, blackhole-t5)', () => {
    const base = { 'Event-Name': 'CHANNEL_HANGUP_COMPLETE', 'Hangup-Cause': 'NORMAL_TEMPORARY_FAILURE', variable_hangup_cause_q850: '41', variable_sip_term_status: '503', variable_progress_uepoch: '0' };
    expect(factsFromHangup(base, false, NOW)).toMatchObject({ sip: 503, progress: false, farEndResponded: false });
    expect(factsFromHangup({ ...base, variable_sip_network_ip: '127.0.0.1', variable_progress_uepoch: '1796003956200270' }, false, NOW)).toMatchObject({ progress: true, farEndResponded: true });
    expect(factsFromHangup(base, false, NOW, true).progress).toBe(true);
  });

  it('does not take the 487 answering its own CANCEL (ring timeout) for the far end\'s final answer', () => {
    const ev = { 'Event-Name': 'CHANNEL_HANGUP_COMPLETE', 'Hangup-Cause': 'NO_ANSWER', variable_sip_hangup_disposition: 'send_cancel', variable_sip_invite_failure_status: '487' };
    expect(factsFromHangup(ev, false, NOW)).toMatchObject({ sip: null, ringTimeoutHit: true });
  });

  it('reads BACKGROUND_JOB -ERR bodies', () => {
    expect(errCause('-ERR RECOVERY_ON_TIMER_EXPIRE\n')).toBe('RECOVERY_ON_TIMER_EXPIRE');
    expect(errCause('+OK 7f4de4bc')).toBeNull();
    // no channel event seen: FreeSWITCH never reported a channel, whatever the cause
    expect(factsFromJobError('GATEWAY_DOWN', '-ERR GATEWAY_DOWN')).toMatchObject({ causeName: 'GATEWAY_DOWN', q850: null, originateFailed: true, causeText: '-ERR GATEWAY_DOWN' });
    expect(factsFromJobError('CHAN_NOT_IMPLEMENTED', '-ERR CHAN_NOT_IMPLEMENTED')).toMatchObject({ causeName: 'CHAN_NOT_IMPLEMENTED', originateFailed: true });
    // the channel rang, then its hangup event was lost: the cause is all there is
    expect(factsFromJobError('USER_BUSY', '-ERR USER_BUSY', true)).toMatchObject({ causeName: 'USER_BUSY', q850: null, originateFailed: false, progress: true });
    expect(factsFromJobError('NO_ANSWER', '-ERR NO_ANSWER')).toMatchObject({ ringTimeoutHit: true });
    expect(factsFromJobError(null, '-ERR')).toMatchObject({ causeName: null, originateFailed: true });
  });

  it('normalises AMD verdicts from avmd, mod_amd events and channel variables', () => {
    expect(amdOf(event('custom_avmd_beep.event'))).toEqual({ status: 'MACHINE', cause: 'BEEP' });
    expect(amdOf({ 'Event-Name': 'CUSTOM', 'Event-Subclass': 'amd::info', amd_result: 'person', amd_cause: 'MAXWORDS-3-2' })).toEqual({ status: 'HUMAN', cause: 'MAXWORDS-3-2' });
    expect(amdOf({ 'Event-Name': 'CHANNEL_HANGUP_COMPLETE', variable_amd_result: 'Machine', variable_amd_cause: 'LONGGREETING' })).toEqual({ status: 'MACHINE', cause: 'LONGGREETING' });
    expect(amdOf({ 'Event-Name': 'CHANNEL_HANGUP_COMPLETE', variable_avmd_detect: 'TRUE' })).toEqual({ status: 'MACHINE', cause: 'BEEP' });
    expect(amdOf(event('channel_hangup_complete.event'))).toBeNull();
    expect(normaliseAmdStatus('not sure')).toBe('NOTSURE');
    expect(normaliseAmdStatus('NOAUDIODATA')).toBe('NOAUDIODATA');
  });

  it('reads show channels as json, empty or not', () => {
    expect(parseChannelUuids('{"row_count":0}')).toEqual([]);
    expect(parseChannelUuids('{"row_count":2,"rows":[{"uuid":"a"},{"uuid":"b"}]}')).toEqual(['a', 'b']);
    expect(() => parseChannelUuids('-ERR no')).toThrow();
  });
});
