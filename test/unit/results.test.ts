import { describe, expect, it } from 'vitest';
import {
  DEFAULT_Q850_MAP,
  DEFAULT_SIP_MAP,
  FREESWITCH_CAUSE_MAP,
  defaultMappingMarkdown,
  describeDefaultMapping,
  endedBySwitch,
  mapResult,
  parseAmdCause,
} from '../../src/domain/results.ts';
import { FREESWITCH_CAUSE_CODES } from '../../src/domain/causes.ts';
import { RESULTS, type CauseOverrides, type RawFacts, type Result } from '../../src/domain/types.ts';

const NONE: CauseOverrides = { sip: {}, q850: {} };

function facts(over: Partial<RawFacts> = {}): RawFacts {
  return {
    answered: false, ringSeconds: 5, talkSeconds: 0, q850: null, sip: null, causeName: null,
    amdStatus: null, amdCause: null, ringTimeoutHit: false, cancelledByUs: false, ...over,
  };
}
const result = (over: Partial<RawFacts>, overrides: CauseOverrides = NONE, shortCallSeconds = 10): Result =>
  mapResult(facts(over), { shortCallSeconds, overrides }).result;
const answered = (over: Partial<RawFacts>) =>
  mapResult(facts({ answered: true, talkSeconds: 60, q850: 16, ...over }), { shortCallSeconds: 10, overrides: NONE });

describe('parseAmdCause', () => {
  it.each([
    ['MAXWORDS-3-2', { kind: 'MAXWORDS', values: [3, 2] }],
    ['TOOLONG-4900', { kind: 'TOOLONG', values: [4900] }],
    ['INITIALSILENCE-2500-2500', { kind: 'INITIALSILENCE', values: [2500, 2500] }],
    ['HUMAN-800-800', { kind: 'HUMAN', values: [800, 800] }],
    ['LONGGREETING-1500-1500', { kind: 'LONGGREETING', values: [1500, 1500] }],
    ['INITIALSILENCE', { kind: 'INITIALSILENCE', values: [] }],
    ['maxwords-3-2', { kind: 'MAXWORDS', values: [3, 2] }],
  ])('%s', (cause, expected) => {
    expect(parseAmdCause(cause)).toEqual(expected);
  });

  it.each([[null], [''], ['  '], ['MAXWORDS-x-2'], ['-3-2'], ['MAXWORDS--2']])('%j is not a cause', (cause) => {
    expect(parseAmdCause(cause)).toBeNull();
  });
});

describe('mapResult: before anything else', () => {
  it('originate failure is error, even if we also cancelled', () => {
    expect(result({ originateFailed: true })).toBe('error');
    expect(result({ originateFailed: true, cancelledByUs: true, q850: 17, sip: 486 })).toBe('error');
  });

  it('an unanswered dial we cancelled is cancelled, whatever the PBX reports', () => {
    expect(result({ cancelledByUs: true, q850: 127, sip: 487 })).toBe('cancelled');
    expect(result({ cancelledByUs: true, q850: 16, causeName: 'ORIGINATOR_CANCEL', sip: 487 })).toBe('cancelled');
    expect(result({ cancelledByUs: true, q850: 17, sip: 486 }, { sip: { 486: 'failed' }, q850: {} })).toBe('cancelled');
  });

  it('a call whose outcome was lost (link down, or gone across a restart) is lost unless we know it was answered', () => {
    expect(result({ outcomeLost: true })).toBe('lost');
    expect(result({ outcomeLost: true, q850: null, sip: null })).toBe('lost');
    expect(result({ outcomeLost: true, answered: true, talkSeconds: 60 })).toBe('answered');
    expect(result({ outcomeLost: true, cancelledByUs: true })).toBe('cancelled');
  });

  it('an unanswered dial the switch ended itself (no SIP code, no cause: Asterisk at core stop) is a technical error, not failed', () => {
    expect(result({ q850: 0, sip: null })).toBe('error');
    expect(result({ q850: null, sip: null, progress: true })).toBe('error');
    expect(result({ q850: 0, sip: 486 })).toBe('busy');
    expect(result({ q850: 0, sip: null, ringTimeoutHit: true })).toBe('no_answer');
    expect(result({ q850: 0, sip: null, cancelledByUs: true })).toBe('cancelled');
  });

  it("FreeSWITCH's SYSTEM_SHUTDOWN on an unanswered dial is the switch's doing: error, and no evidence for the guards", () => {
    const shutdown = { q850: 16, sip: null, causeName: 'SYSTEM_SHUTDOWN' };
    expect(result(shutdown)).toBe('error');
    expect(endedBySwitch(facts(shutdown))).toBe(true);
    expect(endedBySwitch(facts({ ...shutdown, answered: true, talkSeconds: 5 }))).toBe(false);
    expect(endedBySwitch(facts({ q850: 41, sip: 503, causeName: 'NORMAL_TEMPORARY_FAILURE' }))).toBe(false);
  });

  it('487 we did not send the CANCEL for is no_answer (Asterisk 127/487, FreeSWITCH ORIGINATOR_CANCEL)', () => {
    expect(result({ q850: 127, sip: 487 })).toBe('no_answer');
    expect(result({ q850: 16, causeName: 'ORIGINATOR_CANCEL' })).toBe('no_answer');
  });
});

describe('mapResult: answered', () => {
  it('talk time against short_call', () => {
    expect(answered({ talkSeconds: 10 })).toEqual({ result: 'answered', amdNotSure: false });
    expect(answered({ talkSeconds: 9.99 })).toEqual({ result: 'answered_short', amdNotSure: false });
    expect(answered({ talkSeconds: 3, q850: 0, amdStatus: 'HUMAN', amdCause: 'HUMAN-800-800' }).result).toBe(
      'answered_short',
    );
  });

  it('AMD MACHINE is machine, whatever the talk time', () => {
    expect(answered({ amdStatus: 'MACHINE', amdCause: 'MAXWORDS-3-2', talkSeconds: 1 }).result).toBe('machine');
    expect(answered({ amdStatus: 'machine', amdCause: null }).result).toBe('machine');
  });

  it.each([
    ['INITIALSILENCE', null],
    ['NOAUDIODATA', null],
    ['MACHINE', 'INITIALSILENCE-2500-2500'],
    ['NOTSURE', 'INITIALSILENCE-2500-2500'],
  ])('AMD %s / %s is silence', (amdStatus, amdCause) => {
    expect(answered({ amdStatus, amdCause })).toEqual({ result: 'silence', amdNotSure: false });
  });

  it('NOTSURE is answered or answered_short, flagged', () => {
    expect(answered({ amdStatus: 'NOTSURE', amdCause: 'TOOLONG-4900' })).toEqual({ result: 'answered', amdNotSure: true });
    expect(answered({ amdStatus: 'NOTSURE', amdCause: 'TOOLONG-4900', talkSeconds: 5 })).toEqual({
      result: 'answered_short',
      amdNotSure: true,
    });
  });

  it('AMD HANGUP (they hung up during detection) is judged by talk time', () => {
    expect(answered({ amdStatus: 'HANGUP', amdCause: 'HANGUP', talkSeconds: 2 }).result).toBe('answered_short');
  });

  it('ignores cause codes and overrides once answered', () => {
    const over: CauseOverrides = { sip: { 486: 'busy' }, q850: { 16: 'failed', 0: 'failed', 32: 'failed' } };
    for (const q850 of [0, 16, 32, 17]) {
      expect(mapResult(facts({ answered: true, talkSeconds: 30, q850, sip: 486 }), {
        shortCallSeconds: 10,
        overrides: over,
      })).toEqual({ result: 'answered', amdNotSure: false });
    }
  });

  it('an answered call we hung up is answered and interrupted, whatever its length: never a short call', () => {
    for (const talkSeconds of [0.5, 8, 30]) {
      expect(answered({ talkSeconds, cancelledByUs: true })).toEqual({ result: 'answered', amdNotSure: false, interrupted: true });
    }
    expect(answered({ talkSeconds: 8, cancelledByUs: true, amdStatus: 'NOTSURE' })).toEqual({ result: 'answered', amdNotSure: true, interrupted: true });
    // AMD's verdict stands: a machine we cut is a machine.
    expect(answered({ talkSeconds: 8, cancelledByUs: true, amdStatus: 'MACHINE', amdCause: 'MAXWORDS-3-2' })).toEqual({ result: 'machine', amdNotSure: false });
  });
});

describe('mapResult: overrides', () => {
  const overrides: CauseOverrides = { sip: { 486: 'no_answer', 404: 'failed' }, q850: { 17: 'congestion', 41: 'busy' } };

  it('a SIP override beats a Q.850 override', () => {
    expect(result({ q850: 17, sip: 486 }, overrides)).toBe('no_answer');
  });

  it('a Q.850 override beats the default SIP table', () => {
    expect(result({ q850: 17, sip: 600 }, overrides)).toBe('congestion');
    expect(result({ q850: 41, sip: 503, causeName: 'NORMAL_TEMPORARY_FAILURE' }, overrides)).toBe('busy');
  });

  it('applies to the cause a FreeSWITCH name stands for when q850 is missing', () => {
    expect(result({ causeName: 'USER_BUSY' }, overrides)).toBe('congestion');
  });

  it('never treats the 16 FreeSWITCH reports for an internal cause as that cause', () => {
    expect(result({ q850: 16, causeName: 'GATEWAY_DOWN' }, { sip: {}, q850: { 16: 'busy' } })).toBe('error');
    expect(result({ q850: 16, causeName: 'NORMAL_CLEARING' }, { sip: {}, q850: { 16: 'busy' } })).toBe('busy');
  });

  it('leaves codes without an override to the defaults', () => {
    expect(result({ q850: 1, sip: 404 }, overrides)).toBe('failed');
    expect(result({ q850: 19, sip: 480 }, overrides)).toBe('no_answer');
  });
});

describe('mapResult: traps', () => {
  it('Q.850 21 with SIP 402 is insufficient_funds (our account is out of credit)', () => {
    expect(result({ q850: 21, sip: 402 })).toBe('insufficient_funds');
    expect(result({ q850: 21, sip: 402, causeName: 'CALL_REJECTED' })).toBe('insufficient_funds');
  });

  it.each([401, 403, 407])('Q.850 21 with SIP %i is trunk_rejected (our trunk\'s credentials or rights)', (sip) => {
    expect(result({ q850: 21, sip })).toBe('trunk_rejected');
    expect(result({ q850: 21, sip, causeName: 'CALL_REJECTED' })).toBe('trunk_rejected');
  });

  it('a campaign maps a trunk code back with causes: (sip: { 403: failed })', () => {
    const back: CauseOverrides = { sip: { 403: 'failed', 402: 'rejected' }, q850: {} };
    expect(result({ q850: 21, sip: 403 }, back)).toBe('failed');
    expect(result({ q850: 21, sip: 402 }, back)).toBe('rejected');
    expect(result({ q850: 21, sip: 401 }, back)).toBe('trunk_rejected');
  });

  it('a campaign maps any code to a trunk fault with causes: (sip: { 488: trunk_rejected })', () => {
    expect(result({ q850: 88, sip: 488 }, { sip: { 488: 'trunk_rejected' }, q850: {} })).toBe('trunk_rejected');
  });

  it.each([603, 607, 608])('Q.850 21 with SIP %i is rejected', (sip) => {
    expect(result({ q850: 21, sip })).toBe('rejected');
  });

  it('Q.850 21 with no SIP code is rejected; with a SIP code the code decides (499 reads as 400: 41)', () => {
    expect(result({ q850: 21 })).toBe('rejected');
    expect(result({ q850: 21, sip: 499 })).toBe('congestion');
    expect(result({ causeName: 'CALL_REJECTED' })).toBe('rejected');
  });

  it('Q.850 3 is invalid_number only with 485/604', () => {
    expect(result({ q850: 3, sip: 485 })).toBe('invalid_number');
    expect(result({ q850: 3, sip: 604 })).toBe('invalid_number');
    expect(result({ q850: 3 })).toBe('failed');
  });

  it('Q.850 32 (soft-hangup flag) is never a cause', () => {
    expect(result({ q850: 32 }, { sip: {}, q850: { 32: 'busy' } })).toBe('failed');
    expect(result({ q850: 32, ringTimeoutHit: true })).toBe('no_answer');
  });

  it('the SIP code beats the Q.850 cause derived from a Reason header', () => {
    expect(result({ q850: 21, sip: 486 })).toBe('busy');
    expect(result({ q850: 41, sip: 480 })).toBe('no_answer');
  });

  it('ring timeout is cause 19 whatever SIP code the switch reported with it (its own CANCEL\'s 487, Asterisk\'s 480)', () => {
    expect(result({ q850: 16, ringTimeoutHit: true })).toBe('no_answer');
    expect(result({ q850: 16 })).toBe('failed');
    expect(result({ q850: 19, sip: 487, ringTimeoutHit: true, progress: true }, { sip: { 487: 'busy' }, q850: {} })).toBe('no_answer');
    expect(result({ q850: 19, sip: 480, ringTimeoutHit: true }, { sip: {}, q850: { 19: 'rejected' } })).toBe('rejected');
  });
});

describe('mapResult: FreeSWITCH', () => {
  it.each([
    ['ALLOTTED_TIMEOUT', 'no_answer'], ['PROGRESS_TIMEOUT', 'no_answer'], ['NO_PICKUP', 'no_answer'],
    ['GATEWAY_DOWN', 'error'], ['INVALID_GATEWAY', 'error'], ['USER_NOT_REGISTERED', 'error'],
    ['INVALID_URL', 'error'], ['INVALID_PROFILE', 'error'], ['SYSTEM_SHUTDOWN', 'error'], ['CRASH', 'error'],
    ['USER_CHALLENGE', 'failed'], ['MEDIA_TIMEOUT', 'failed'], ['MANAGER_REQUEST', 'failed'],
    ['BUSY_EVERYWHERE', 'busy'], ['DECLINE', 'rejected'], ['UNWANTED', 'rejected'],
    ['DOES_NOT_EXIST_ANYWHERE', 'invalid_number'], ['STALE_DATE', 'failed'],
  ] as const)('%s hidden behind q850 16 is %s', (causeName, expected) => {
    expect(result({ q850: 16, causeName })).toBe(expected);
    expect(result({ q850: 16, causeName, ringTimeoutHit: true })).toBe(expected);
  });

  it.each([
    ['DESTINATION_OUT_OF_ORDER', 27, 'unreachable'], ['SUBSCRIBER_ABSENT', 20, 'unreachable'],
    ['NORMAL_TEMPORARY_FAILURE', 41, 'congestion'], ['RECOVERY_ON_TIMER_EXPIRE', 102, 'no_answer'],
    ['NO_USER_RESPONSE', 18, 'no_answer'], ['NO_ANSWER', 19, 'no_answer'], ['USER_BUSY', 17, 'busy'],
    ['UNALLOCATED_NUMBER', 1, 'invalid_number'], ['NUMBER_CHANGED', 22, 'invalid_number'],
    ['NO_ROUTE_DESTINATION', 3, 'failed'], ['INCOMPATIBLE_DESTINATION', 88, 'failed'],
  ] as const)('%s (%i) follows its Q.850 code, with or without q850', (causeName, q850, expected) => {
    expect(result({ q850, causeName })).toBe(expected);
    expect(result({ causeName })).toBe(expected);
    expect(FREESWITCH_CAUSE_MAP[causeName]).toBe(expected);
  });

  it('has a result for every Hangup-Cause name, each internal one (above 127) listed on purpose', () => {
    expect(Object.keys(FREESWITCH_CAUSE_MAP).sort()).toEqual(Object.keys(FREESWITCH_CAUSE_CODES).sort());
    const internal = Object.entries(FREESWITCH_CAUSE_CODES).filter(([, code]) => code > 127).map(([n]) => n);
    const listed = describeDefaultMapping().flatMap((r) => r.freeswitch);
    expect(listed.sort()).toEqual(internal.sort());
    for (const name of internal) expect(result({ q850: 16, causeName: name })).toBe(FREESWITCH_CAUSE_MAP[name]);
  });

  // sofia_glue_sip_cause_to_freeswitch vs Asterisk's sip2cause (matrix.txt) for the same SIP answer.
  it.each([
    [486, 17, 'USER_BUSY', 17, 'busy'],
    [600, 17, 'USER_BUSY', 17, 'busy'],
    [404, 1, 'UNALLOCATED_NUMBER', 1, 'invalid_number'],
    [484, 28, 'INVALID_NUMBER_FORMAT', 28, 'invalid_number'],
    [480, 19, 'NO_USER_RESPONSE', 18, 'no_answer'],
    [408, 18, 'RECOVERY_ON_TIMER_EXPIRE', 102, 'no_answer'],
    [504, 102, 'RECOVERY_ON_TIMER_EXPIRE', 102, 'no_answer'],
    [503, 34, 'NORMAL_TEMPORARY_FAILURE', 41, 'congestion'],
    [500, 38, 'NORMAL_TEMPORARY_FAILURE', 41, 'congestion'],
    [603, 21, 'CALL_REJECTED', 21, 'rejected'],
    [403, 21, 'CALL_REJECTED', 21, 'trunk_rejected'],
    [502, 27, 'NETWORK_OUT_OF_ORDER', 38, 'unreachable'],
  ] as const)('SIP %i: Asterisk cause %i and FreeSWITCH %s (%i) agree', (sip, astQ850, fsName, fsQ850, expected) => {
    expect(result({ sip, q850: astQ850 })).toBe(expected);
    expect(result({ sip, q850: fsQ850, causeName: fsName })).toBe(expected);
  });

  it('FreeSWITCH honouring a Reason header still gives what Asterisk gives (486 + Q.850 21)', () => {
    expect(result({ sip: 486, q850: 21, causeName: 'CALL_REJECTED' })).toBe(result({ sip: 486, q850: 17 }));
  });
});

describe('default tables', () => {
  it('are domain.md §3, plus the documented additions', () => {
    expect(describeDefaultMapping().map(({ result, q850, sip }) => ({ result, q850, sip }))).toEqual([
      { result: 'answered', q850: [], sip: [] },
      { result: 'answered_short', q850: [], sip: [] },
      { result: 'machine', q850: [], sip: [] },
      { result: 'silence', q850: [], sip: [] },
      { result: 'busy', q850: [17], sip: [486, 600] },
      { result: 'no_answer', q850: [18, 19, 102], sip: [408, 480, 487, 504] },
      { result: 'rejected', q850: [21], sip: [603, 607, 608] },
      { result: 'unreachable', q850: [20, 27], sip: [502] },
      { result: 'invalid_number', q850: [1, 22, 28], sip: [404, 410, 484, 485, 604] },
      { result: 'congestion', q850: [34, 38, 41, 42, 44, 47], sip: [400, 481, 500, 503] },
      { result: 'failed', q850: [], sip: [405, 406, 413, 414, 415, 416, 420, 421, 423, 482, 483, 488, 501, 505, 513, 606] },
      { result: 'insufficient_funds', q850: [], sip: [402] },
      { result: 'trunk_rejected', q850: [], sip: [401, 403, 407] },
      { result: 'error', q850: [], sip: [] },
      { result: 'cancelled', q850: [], sip: [] },
      { result: 'lost', q850: [], sip: [] },
    ]);
  });

  it('say what mapResult does, code by code', () => {
    for (const row of describeDefaultMapping()) {
      for (const q850 of row.q850) expect(result({ q850 })).toBe(row.result);
      for (const sip of row.sip) expect(result({ sip })).toBe(row.result);
      for (const causeName of row.freeswitch) expect(result({ causeName, q850: 16 })).toBe(row.result);
    }
    expect(Object.keys(DEFAULT_Q850_MAP)).toHaveLength(describeDefaultMapping().flatMap((r) => r.q850).length);
    expect(Object.keys(DEFAULT_SIP_MAP)).toHaveLength(describeDefaultMapping().flatMap((r) => r.sip).length);
  });

  it('are frozen', () => {
    expect(Object.isFrozen(DEFAULT_SIP_MAP)).toBe(true);
    expect(Object.isFrozen(DEFAULT_Q850_MAP)).toBe(true);
    expect(Object.isFrozen(FREESWITCH_CAUSE_MAP)).toBe(true);
  });

  it('render as a Markdown table with one row per result', () => {
    const lines = defaultMappingMarkdown().split('\n');
    expect(lines).toHaveLength(2 + RESULTS.length);
    expect(lines[0]).toBe('| result | Q.850 | SIP | FreeSWITCH cause |');
    expect(lines).toContain('| `busy` | 17 | 486, 600 | BUSY_EVERYWHERE |');
  });
});
