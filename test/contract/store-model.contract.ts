/**
 * Part of the Store contract: a seeded random sequence of operations checked step by step
 * against a plain model (which records are due, in which order, and the exact counts).
 */
import { mulberry32 } from '../../src/lib/prng.ts';
import { expect, it } from 'vitest';
import type { DialRecord, RecordState, Result } from '../../src/domain/types.ts';
import { isFinal } from '../../src/domain/types.ts';
import type { CampaignCounts, Store } from '../../src/store/port.ts';
import { T0, rec, row } from './store-fixtures.ts';

interface ModelRec {
  state: RecordState;
  nextAt: number;
}


const RESULTS: Result[] = ['answered', 'busy', 'no_answer', 'congestion', 'error'];

export function countsModelSuite(get: () => Store): void {
  it('matches a model over a random sequence of operations (due order, counts)', async () => {
    const s = get();
    const rnd = mulberry32(20261122);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const model = new Map<string, ModelRec>();
    const results: Partial<Record<Result, number>> = {};
    let dials = 0;
    let claimed: DialRecord[] = [];
    const settledIds: string[] = [];
    let now = T0;
    let seq = 0;

    const expected = (): CampaignCounts => {
      const states: Partial<Record<RecordState, number>> = {};
      for (const m of model.values()) states[m.state] = (states[m.state] ?? 0) + 1;
      return { states, results: { ...results }, dials };
    };
    const isDue = (m: ModelRec): boolean => m.state === 'pending' || m.state === 'waiting';
    const setState = (id: string, state: RecordState, nextAt: number): void => {
      const m = model.get(id);
      if (m && !isFinal(m.state)) model.set(id, { state, nextAt });
    };

    for (let step = 0; step < 300; step++) {
      const op = rnd();
      if (op < 0.15) {
        const batch: DialRecord[] = [];
        for (let i = 0, n = 1 + Math.floor(rnd() * 5); i < n; i++) {
          const id = rnd() < 0.2 && model.size > 0 ? pick([...model.keys()]) : `r${++seq}`;
          const state = pick<RecordState>(['pending', 'pending', 'waiting', 'invalid', 'blocked']);
          batch.push(rec(id, { state, nextAt: now + Math.floor(rnd() * 50) }));
        }
        let added = 0;
        for (const r of batch) {
          if (model.has(r.id)) continue;
          model.set(r.id, { state: r.state, nextAt: r.nextAt! });
          added++;
        }
        expect(await s.addRecords('c1', batch)).toBe(added);
      } else if (op < 0.4) {
        const limit = 1 + Math.floor(rnd() * 4);
        const want = [...model.entries()]
          .filter(([, m]) => isDue(m) && m.nextAt <= now)
          .sort(([a, x], [b, y]) => x.nextAt - y.nextAt || (a < b ? -1 : 1))
          .slice(0, limit)
          .map(([id]) => id);
        const got = await s.claimDue('c1', now, limit);
        expect(got.map((r) => r.id)).toEqual(want);
        for (const r of got) setState(r.id, 'dialing', model.get(r.id)!.nextAt);
        claimed.push(...got);
      } else if (op < 0.55 && claimed.length > 0) {
        const r = pick(claimed);
        claimed = claimed.filter((c) => c !== r);
        const blocked = rnd() < 0.3;
        const next = blocked ? { ...r, state: 'blocked' as const, nextAt: null } : { ...r, state: 'waiting' as const, nextAt: now + 20 };
        await s.release(next);
        setState(r.id, next.state, next.nextAt ?? 0);
      } else if (op < 0.8 && claimed.length > 0) {
        const r = pick(claimed);
        claimed = claimed.filter((c) => c !== r);
        const result = pick(RESULTS);
        const state = pick<RecordState>(['waiting', 'done', 'exhausted']);
        const nextAt = state === 'waiting' ? now + Math.floor(rnd() * 40) : null;
        const dialId = `d${++seq}`;
        expect(await s.settle({ dialId, record: { ...r, state, nextAt }, history: row(dialId, { record: r.id, result }) })).toBe(true);
        settledIds.push(dialId);
        setState(r.id, state, nextAt ?? 0);
        results[result] = (results[result] ?? 0) + 1;
        dials++;
      } else if (op < 0.85 && settledIds.length > 0) {
        const dialId = pick(settledIds);
        const again = { dialId, record: rec('r1', { state: 'done', nextAt: null }), history: row(dialId, { result: 'answered' }) };
        expect(await s.settle(again)).toBe(false);
      } else if (op < 0.92 && model.size > 0) {
        const id = rnd() < 0.1 ? 'missing' : pick([...model.keys()]);
        const m = model.get(id);
        expect(await s.removeRecord('c1', id)).toBe(m !== undefined && m.state !== 'removed');
        if (m) model.set(id, { state: 'removed', nextAt: 0 });
      } else if (op < 0.94) {
        const due = [...model.values()].filter(isDue);
        expect(await s.finalizeAll('c1', 'cancelled', 'model')).toBe(due.length);
        for (const m of due) m.state = 'cancelled';
      } else {
        now += Math.floor(rnd() * 30);
      }
      if (step % 10 === 0) expect(await s.counts('c1')).toEqual(expected());
    }
    expect(await s.counts('c1')).toEqual(expected());
    const due = [...model.values()].filter(isDue).map((m) => m.nextAt);
    expect(await s.nextDueAt('c1')).toBe(due.length > 0 ? Math.min(...due) : null);
  });
}
