/**
 * The redial deck's worked example (domain.md §4), reproduced dial by dial:
 * 2 numbers; 5 attempts per record, 3 per number; no_answer → retry after 3 h;
 * busy → 3 repeats 5 min apart, then retry after 3 h. Every dial lasts 30 s.
 */
import { describe, expect, it } from 'vitest';
import { newRecord } from '../../src/domain/record.ts';
import { decide } from '../../src/domain/retry.ts';
import { DEFAULT_RULES } from '../../src/domain/rules.ts';
import type { AttemptLimits, Decision, DialRecord, Result, Rule, RuleKey } from '../../src/domain/types.ts';

const MIN = 60_000;
const H = 3_600_000;
const DIAL_MS = 30_000;
const T0 = Date.UTC(2026, 0, 12, 9, 0, 0);

const limits: AttemptLimits = {
  perRecord: 5,
  perNumber: 3,
  shortCallSeconds: 10,
  technicalErrors: { firstDelaySeconds: 60, factor: 2, maxDelaySeconds: 3600, free: 9 },
};
const rules: Record<RuleKey, Rule> = {
  ...DEFAULT_RULES,
  no_answer: { repeat: null, then: { kind: 'retry_after', seconds: 3 * 3600 } },
  busy: { repeat: { times: 3, everySeconds: 5 * 60 }, then: { kind: 'retry_after', seconds: 3 * 3600 } },
};

interface Row { at: number; number: number; attempt: number; result: Result; decision: Decision; nextAt: number | null }

/** Dial the record through `script` the way the engine would: claim at nextAt, dial 30 s, decide. */
function play(script: Result[]): { rows: Row[]; record: DialRecord } {
  let record = newRecord({ campaign: 'c', id: 'r1', numbers: ['+74951239000', '+79164561278'], nextAt: T0 });
  const rows: Row[] = [];
  for (const result of script) {
    if (record.nextAt === null) throw new Error('script dials a final record');
    const at = record.nextAt;
    const claimed: DialRecord = { ...record, state: 'dialing', dials: record.dials + 1 };
    const out = decide({ record: claimed, result, endedAt: at + DIAL_MS, attempts: limits, rules });
    rows.push({ at, number: claimed.numberIndex, attempt: out.attempt, result, decision: out.decision, nextAt: out.nextAt });
    record = out.record;
  }
  return { rows, record };
}

describe('the worked example of domain.md §4', () => {
  const script: Result[] = ['busy', 'busy', 'busy', 'busy', 'no_answer', 'no_answer', 'no_answer', 'busy', 'busy', 'no_answer'];
  const { rows, record } = play(script);

  it('reproduces every dial time, number, attempt and decision', () => {
    const t = (ms: number) => T0 + ms;
    expect(rows.map(({ at, number, attempt, decision }) => ({ at, number, attempt, decision }))).toEqual([
      // attempt 1, number 1: a busy and its three short repeats, 5 min after each end
      { at: t(0), number: 0, attempt: 1, decision: 'repeat' },
      { at: t(30_000 + 5 * MIN), number: 0, attempt: 1, decision: 'repeat' },
      { at: t(2 * 30_000 + 10 * MIN), number: 0, attempt: 1, decision: 'repeat' },
      { at: t(3 * 30_000 + 15 * MIN), number: 0, attempt: 1, decision: 'retry_after' },
      // attempts 2 and 3, number 1: 3 h after the previous end
      { at: t(4 * 30_000 + 15 * MIN + 3 * H), number: 0, attempt: 2, decision: 'retry_after' },
      { at: t(5 * 30_000 + 15 * MIN + 6 * H), number: 0, attempt: 3, decision: 'retry_after' },
      // number 1 has its 3 attempts: number 2, still 3 h later
      { at: t(6 * 30_000 + 15 * MIN + 9 * H), number: 1, attempt: 4, decision: 'retry_after' },
      // attempt 5: busy, busy, then no_answer closes it (repeats shared across results)
      { at: t(7 * 30_000 + 15 * MIN + 12 * H), number: 1, attempt: 5, decision: 'repeat' },
      { at: t(8 * 30_000 + 20 * MIN + 12 * H), number: 1, attempt: 5, decision: 'repeat' },
      { at: t(9 * 30_000 + 25 * MIN + 12 * H), number: 1, attempt: 5, decision: 'retry_after' },
    ]);
    expect(rows.at(-1)?.nextAt).toBeNull();
  });

  it('gives number 2 only 2 attempts and closes the record exhausted after 5', () => {
    expect(record.state).toBe('exhausted');
    expect(record.finalReason).toBe('per_record');
    expect(record.attempts).toBe(5);
    expect(record.numberAttempts).toEqual([3, 2]);
    expect(record.dials).toBe(10);
    expect(record.nextAt).toBeNull();
  });

  it('closes after 4 busy dials at most per attempt, whatever follows', () => {
    const { rows: busy } = play(['busy', 'busy', 'busy', 'busy', 'busy']);
    expect(busy.map((r) => r.decision)).toEqual(['repeat', 'repeat', 'repeat', 'retry_after', 'repeat']);
    expect(busy.map((r) => r.attempt)).toEqual([1, 1, 1, 1, 2]);
  });

  it('exhausts a record whose two numbers answer nothing after 3 + 2 attempts', () => {
    const { rows: na, record: r } = play(Array<Result>(5).fill('no_answer'));
    expect(na.map((x) => x.number)).toEqual([0, 0, 0, 1, 1]);
    expect(na.map((x) => x.at - T0)).toEqual([0, 1, 2, 3, 4].map((k) => k * (3 * H + DIAL_MS)));
    expect(r.state).toBe('exhausted');
  });
});
