/**
 * Property-style tests: seeded random result sequences, random limits and rule tables;
 * the invariants of the retry contract must hold after every dial.
 */
import { mulberry32 } from '../../src/lib/prng.ts';
import { describe, expect, it } from 'vitest';
import { newRecord } from '../../src/domain/record.ts';
import { decide } from '../../src/domain/retry.ts';
import { DEFAULT_RULES } from '../../src/domain/rules.ts';
import { RESULTS, isFinal } from '../../src/domain/types.ts';
import type { Action, AttemptLimits, DialRecord, Result, Rule, RuleKey } from '../../src/domain/types.ts';

const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function randomAction(r: () => number): Action {
  const kind = pick(r, ['done', 'stop_number', 'next_number', 'stop_record', 'pause_campaign', 'retry_after', 'retry_after'] as const);
  return kind === 'retry_after' ? { kind, seconds: int(r, 0, 86_400) } : { kind };
}
function randomRules(r: () => number): Record<RuleKey, Rule> {
  const rules: Record<RuleKey, Rule> = { ...DEFAULT_RULES };
  for (const res of RESULTS) {
    if (r() < 0.5) continue;
    const repeat = r() < 0.5 ? { times: int(r, 0, 4), everySeconds: int(r, 60, 600) } : null;
    rules[res] = { repeat, then: randomAction(r) };
  }
  return rules;
}
function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

describe('retry invariants over random sequences', () => {
  it('hold for 500 seeded records', () => {
    let finals = 0;
    for (let seed = 1; seed <= 500; seed++) {
      const r = mulberry32(seed);
      const lim: AttemptLimits = {
        perRecord: int(r, 1, 8),
        perNumber: int(r, 1, 4),
        shortCallSeconds: 10,
        technicalErrors: { firstDelaySeconds: 60, factor: 2, maxDelaySeconds: 3600, free: int(r, 0, 3) },
      };
      const rules = randomRules(r);
      const maxTimes = Math.max(0, ...RESULTS.map((x) => rules[x].repeat?.times ?? 0));
      const numbers = Array.from({ length: int(r, 1, 3) }, (_, i) => `+1555000${i}`);
      let rec: DialRecord = newRecord({ campaign: 'c', id: `r${seed}`, numbers, nextAt: 0 });

      for (let step = 0; step < 60 && !isFinal(rec.state); step++) {
        const claimed = deepFreeze<DialRecord>({ ...rec, state: 'dialing', dials: rec.dials + 1, numberAttempts: [...rec.numberAttempts] });
        const snapshot = JSON.stringify(claimed);
        const endedAt = rec.nextAt! + int(r, 1, 120) * 1000;
        const result = pick(r, RESULTS);
        const out = decide({ record: claimed, result, endedAt, attempts: lim, rules });
        const n = out.record;
        const ctx = `seed ${seed} step ${step} ${result}`;

        expect(JSON.stringify(claimed), ctx).toBe(snapshot);
        expect(n.attempts, ctx).toBeLessThanOrEqual(lim.perRecord);
        for (const a of n.numberAttempts) expect(a, ctx).toBeLessThanOrEqual(lim.perNumber);
        expect(n.numberAttempts.reduce((s, a) => s + a, 0), ctx).toBeGreaterThanOrEqual(n.attempts);
        expect(n.repeats, ctx).toBeLessThanOrEqual(maxTimes);
        expect(isFinal(n.state), ctx).toBe(n.nextAt === null);
        expect(out.final !== null, ctx).toBe(n.nextAt === null);
        expect(out.nextAt, ctx).toBe(n.nextAt);
        if (n.nextAt !== null) expect(n.nextAt, ctx).toBeGreaterThanOrEqual(endedAt);
        expect(n.numberIndex, ctx).toBeLessThan(numbers.length);
        expect(n.numberIndex, ctx).toBeGreaterThanOrEqual(claimed.numberIndex);
        expect(out.attempt, ctx).toBe(claimed.attempts + 1);
        expect(n.attempts - claimed.attempts, ctx).toBe(out.countedAttempt ? 1 : 0);
        expect(n.dials, ctx).toBe(claimed.dials);
        expect(n.lastResult, ctx).toBe(result);
        if (!isFinal(n.state)) expect(n.state, ctx).toBe('waiting');
        rec = n;
      }
      if (isFinal(rec.state)) finals++;
    }
    // the generator must actually reach final states, or the checks above prove little
    expect(finals).toBeGreaterThan(250);
  });

  it('an attempt never has more dials than 1 + the largest repeat count', () => {
    for (let seed = 1000; seed < 1200; seed++) {
      const r = mulberry32(seed);
      const lim: AttemptLimits = { perRecord: 99, perNumber: 99, shortCallSeconds: 10, technicalErrors: { firstDelaySeconds: 1, factor: 1, maxDelaySeconds: 1, free: 0 } };
      const rules = randomRules(r);
      const maxTimes = Math.max(0, ...RESULTS.map((x) => rules[x].repeat?.times ?? 0));
      let rec = newRecord({ campaign: 'c', id: 'x', numbers: ['+1', '+2'], nextAt: 0 });
      let dialsInAttempt = 0;
      for (let step = 0; step < 40 && !isFinal(rec.state); step++) {
        const result = pick(r, RESULTS.filter((x) => x !== 'cancelled'));
        const out = decide({ record: { ...rec, state: 'dialing' }, result, endedAt: rec.nextAt!, attempts: lim, rules });
        dialsInAttempt++;
        expect(dialsInAttempt, `seed ${seed}`).toBeLessThanOrEqual(1 + maxTimes);
        if (out.countedAttempt) dialsInAttempt = 0;
        rec = out.record;
      }
    }
  });
});
