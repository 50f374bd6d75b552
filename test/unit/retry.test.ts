import { describe, expect, it } from 'vitest';
import { newRecord } from '../../src/domain/record.ts';
import { currentAttempt, decide, technicalErrorDelay } from '../../src/domain/retry.ts';
import type { RetryInput } from '../../src/domain/retry.ts';
import { DEFAULT_RULES } from '../../src/domain/rules.ts';
import { isDialerdError } from '../../src/lib/errors.ts';
import type { Action, AttemptLimits, DialRecord, Result, Rule, RuleKey } from '../../src/domain/types.ts';

const END = 1_700_000_000_000;
const policy = { firstDelaySeconds: 60, factor: 2, maxDelaySeconds: 600, free: 2 };
const limits: AttemptLimits = { perRecord: 5, perNumber: 3, shortCallSeconds: 10, technicalErrors: policy };

function dialing(over: Partial<DialRecord> = {}): DialRecord {
  const r = newRecord({ campaign: 'c', id: 'r', numbers: ['+1', '+2', '+3'], nextAt: END - 60_000 });
  return { ...r, state: 'dialing', dials: 1, ...over };
}
function withAction(result: Result, then: Action, repeat: Rule['repeat'] = null): Record<RuleKey, Rule> {
  return { ...DEFAULT_RULES, [result]: { repeat, then } };
}
function run(record: DialRecord, result: Result, rules: Record<RuleKey, Rule> = DEFAULT_RULES, lim = limits) {
  const input: RetryInput = { record, result, endedAt: END, attempts: lim, rules };
  return decide(input);
}

describe('newRecord / currentAttempt', () => {
  it('builds a pending record on its first number', () => {
    const r = newRecord({ campaign: 'c', id: 'x', numbers: ['+1', '+2'], vars: { name: 'A' }, nextAt: 5 });
    expect(r).toMatchObject({ state: 'pending', nextAt: 5, numberIndex: 0, attempts: 0, numberAttempts: [0, 0], timezone: null, vars: { name: 'A' } });
    expect(currentAttempt(r)).toBe(1);
    expect(currentAttempt({ ...r, attempts: 3 })).toBe(4);
  });
});

describe('technicalErrorDelay', () => {
  it('doubles from the first delay and caps', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map((n) => technicalErrorDelay(n, policy))).toEqual([60, 120, 240, 480, 600, 600, 600]);
    expect(technicalErrorDelay(0, policy)).toBe(60);
  });
});

describe('decide: repeats', () => {
  it('repeats within the attempt, not counted, from endedAt', () => {
    const out = run(dialing(), 'busy');
    expect(out).toMatchObject({ decision: 'repeat', nextAt: END + 600_000, countedAttempt: false, attempt: 1, final: null });
    expect(out.record).toMatchObject({ state: 'waiting', repeats: 1, attempts: 0, numberAttempts: [0, 0, 0], lastResult: 'busy' });
  });
  it('shares the repeat count across results in one attempt', () => {
    // silence allows 1 repeat; a busy already used 1 in this attempt → silence closes it
    const out = run(dialing({ repeats: 1 }), 'silence');
    expect(out.decision).toBe('stop_number');
    expect(out.countedAttempt).toBe(true);
    expect(out.record.repeats).toBe(0);
  });
});

describe('decide: an answered call we cut (interrupted)', () => {
  it('follows the interrupted rule (default: a counted retry after 1 h), not answered\'s done', () => {
    const out = decide({ record: dialing(), result: 'answered', interrupted: true, endedAt: END, attempts: limits, rules: DEFAULT_RULES });
    expect(out).toMatchObject({ decision: 'retry_after', nextAt: END + 3_600_000, final: null, countedAttempt: true });
    expect(out.record).toMatchObject({ state: 'waiting', attempts: 1, numberAttempts: [1, 0, 0], lastResult: 'answered' });
  });
  it('takes the campaign\'s own interrupted rule', () => {
    const rules = { ...DEFAULT_RULES, interrupted: { repeat: null, then: { kind: 'done' } } } as Record<RuleKey, Rule>;
    expect(decide({ record: dialing(), result: 'answered', interrupted: true, endedAt: END, attempts: limits, rules })).toMatchObject({ decision: 'done', final: 'done' });
  });
});

describe('decide: closing actions', () => {
  it('done → final done, counted', () => {
    const out = run(dialing({ repeats: 2 }), 'answered');
    expect(out).toMatchObject({ decision: 'done', final: 'done', nextAt: null, countedAttempt: true });
    expect(out.record).toMatchObject({ state: 'done', attempts: 1, numberAttempts: [1, 0, 0], repeats: 0, finalReason: 'done' });
  });
  it('done is not stopped by the per-record limit', () => {
    expect(run(dialing({ attempts: 4, numberAttempts: [2, 2, 0] }), 'answered').record.state).toBe('done');
  });
  it('stop_record → exhausted', () => {
    const out = run(dialing(), 'rejected', withAction('rejected', { kind: 'stop_record' }));
    expect(out.record).toMatchObject({ state: 'exhausted', finalReason: 'stop_record', nextAt: null });
    expect(out.decision).toBe('stop_record');
  });
  it('retry_after stays on the number at endedAt + X', () => {
    const out = run(dialing({ numberAttempts: [1, 0, 0], attempts: 1 }), 'no_answer');
    expect(out).toMatchObject({ decision: 'retry_after', nextAt: END + 3_600_000, attempt: 2 });
    expect(out.record).toMatchObject({ state: 'waiting', numberIndex: 0, numberAttempts: [2, 0, 0], attempts: 2 });
  });
  it('retry_after moves to the next number once this one is spent', () => {
    const out = run(dialing({ numberAttempts: [2, 0, 0], attempts: 2 }), 'no_answer');
    expect(out).toMatchObject({ decision: 'retry_after', nextAt: END + 3_600_000 });
    expect(out.record).toMatchObject({ numberIndex: 1, numberAttempts: [3, 0, 0] });
  });
  it('retry_after skips spent numbers and exhausts when none is left', () => {
    const r = dialing({ numbers: ['+1', '+2'], numberIndex: 1, numberAttempts: [1, 2], attempts: 3 });
    const out = run(r, 'no_answer');
    expect(out.record).toMatchObject({ state: 'exhausted', finalReason: 'per_number', nextAt: null });
    expect(out.final).toBe('exhausted');
  });
  it('per_record closes whatever the action', () => {
    for (const then of [{ kind: 'retry_after', seconds: 60 }, { kind: 'next_number' }, { kind: 'stop_number' }, { kind: 'pause_campaign' }] as Action[]) {
      const out = run(dialing({ attempts: 4, numberAttempts: [2, 2, 0], numberIndex: 1 }), 'machine', withAction('machine', then));
      expect(out.record).toMatchObject({ state: 'exhausted', finalReason: 'per_record', attempts: 5 });
      expect(out.decision).toBe(then.kind);
    }
  });
  it('next_number → next number now', () => {
    const out = run(dialing(), 'machine', withAction('machine', { kind: 'next_number' }));
    expect(out).toMatchObject({ decision: 'next_number', nextAt: END });
    expect(out.record).toMatchObject({ numberIndex: 1, numberAttempts: [1, 0, 0] });
  });
  it('next_number on the last number → exhausted', () => {
    const out = run(dialing({ numberIndex: 2 }), 'machine', withAction('machine', { kind: 'next_number' }));
    expect(out.record).toMatchObject({ state: 'exhausted', finalReason: 'no_next_number' });
  });
  it('stop_number abandons the number for good', () => {
    const out = run(dialing(), 'invalid_number');
    expect(out).toMatchObject({ decision: 'stop_number', nextAt: END });
    expect(out.record).toMatchObject({ numberIndex: 1, numberAttempts: [3, 0, 0] });
  });
  it('pause_campaign → waiting now, and asks to pause', () => {
    const out = run(dialing(), 'failed', withAction('failed', { kind: 'pause_campaign' }));
    expect(out).toMatchObject({ decision: 'pause_campaign', nextAt: END, pauseCampaign: true, countedAttempt: true });
    expect(out.record).toMatchObject({ state: 'waiting', numberIndex: 0 });
  });
});

describe('decide: technical errors (free = 2)', () => {
  it('errors 1 and 2 are free with backoff; error 3 is the first counted one', () => {
    let r = dialing({ repeats: 1 });
    const seen: Array<[number, boolean, number]> = [];
    for (let k = 0; k < 4; k++) {
      const out = run(r, 'error');
      seen.push([out.nextAt! - END, out.countedAttempt, out.record.attempts]);
      expect(out.decision).toBe('retry_after');
      r = { ...out.record, state: 'dialing' };
    }
    expect(seen).toEqual([
      [60_000, false, 0],
      [120_000, false, 0],
      [240_000, true, 1],
      [480_000, true, 2],
    ]);
    expect(r.consecutiveErrors).toBe(4);
  });
  it('a free error keeps the attempt open (repeats untouched)', () => {
    expect(run(dialing({ repeats: 2 }), 'error').record.repeats).toBe(2);
  });
  it('any other result resets the consecutive errors', () => {
    expect(run(dialing({ consecutiveErrors: 5 }), 'busy').record.consecutiveErrors).toBe(0);
  });
  it('counted errors obey per_number', () => {
    const out = run(dialing({ consecutiveErrors: 2, numberAttempts: [2, 0, 0], attempts: 2 }), 'error');
    expect(out.record).toMatchObject({ numberIndex: 1, numberAttempts: [3, 0, 0], attempts: 3 });
  });
});

describe('decide: trunk faults are technical results (free = 2)', () => {
  it.each(['insufficient_funds', 'trunk_rejected'] as const)('%s: free with backoff, then counted as retry_after, like error', (result) => {
    let r = dialing();
    const seen: Array<[string, number, boolean, number]> = [];
    for (let k = 0; k < 4; k++) {
      const out = run(r, result);
      seen.push([out.decision, out.nextAt! - END, out.countedAttempt, out.record.attempts]);
      r = { ...out.record, state: 'dialing' };
    }
    expect(seen).toEqual([
      ['retry_after', 60_000, false, 0],
      ['retry_after', 120_000, false, 0],
      ['retry_after', 240_000, true, 1],
      ['retry_after', 480_000, true, 2],
    ]);
  });
  it('a mix of technical results is one run of consecutive errors', () => {
    const a = run(dialing(), 'error');
    const b = run({ ...a.record, state: 'dialing' }, 'insufficient_funds');
    const c = run({ ...b.record, state: 'dialing' }, 'trunk_rejected');
    expect([a, b, c].map((o) => [o.record.consecutiveErrors, o.countedAttempt])).toEqual([[1, false], [2, false], [3, true]]);
  });
  it('never stop_number, whatever the campaign\'s rule for the result says', () => {
    const rules = { ...withAction('trunk_rejected', { kind: 'stop_number' }), insufficient_funds: { repeat: null, then: { kind: 'stop_record' } } } as Record<RuleKey, Rule>;
    for (const result of ['trunk_rejected', 'insufficient_funds'] as const) {
      const out = run(dialing({ consecutiveErrors: 2 }), result, rules);
      expect(out).toMatchObject({ decision: 'retry_after', final: null, countedAttempt: true });
      expect(out.record).toMatchObject({ state: 'waiting', numberIndex: 0, numberAttempts: [1, 0, 0] });
    }
  });
  it('a subscriber result after them resets the count', () => {
    expect(run(dialing({ consecutiveErrors: 2 }), 'no_answer').record.consecutiveErrors).toBe(0);
  });
});

describe('decide: cancelled and guards', () => {
  it('cancelled → waiting at endedAt, nothing counted or reset', () => {
    const r = dialing({ repeats: 2, consecutiveErrors: 1, attempts: 1, numberAttempts: [1, 0, 0] });
    const out = run(r, 'cancelled');
    expect(out).toMatchObject({ nextAt: END, countedAttempt: false, attempt: 2, pauseCampaign: false, final: null });
    expect(out.record).toEqual({ ...r, state: 'waiting', nextAt: END, lastResult: 'cancelled' });
  });
  it('does not touch dials (the engine counts originations)', () => {
    expect(run(dialing({ dials: 7 }), 'answered').record.dials).toBe(7);
  });
  it('refuses a record that is not being dialed', () => {
    let caught: unknown;
    try { run({ ...dialing(), state: 'waiting' }, 'busy'); } catch (e) { caught = e; }
    expect(isDialerdError(caught, 'DIALERD_ERR_ILLEGAL_TRANSITION')).toBe(true);
  });
});
