/**
 * The Store contract (src/store/port.ts), run against every implementation:
 * store-memory.test.ts and store-redis.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DialRecord, HistoryRow } from '../../src/domain/types.ts';
import { allHistory } from '../../src/store/history-pages.ts';
import type { CampaignRuntime, HistoryFilter, HistoryPosition, RecordScanPage, Store } from '../../src/store/port.ts';
import { hourOf, RATE_HOURS, RATE_MINUTES } from '../../src/store/rate-buckets.ts';
import { T0, live, rec, row } from './store-fixtures.ts';
import { countsModelSuite } from './store-model.contract.ts';

const ids = (rs: DialRecord[]): string[] => rs.map((r) => r.id);
const hIds = (hs: HistoryRow[]): string[] => hs.map((h) => h.dialId);

export function storeContract(name: string, make: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await make();
    });
    afterEach(async () => {
      await s.clear();
      await s.close();
    });

    describe('records', () => {
      it('adds records idempotently by id and leaves existing ones untouched', async () => {
        expect(await s.addRecords('c1', [rec('a'), rec('b'), rec('c')])).toBe(3);
        expect(await s.addRecords('c1', [rec('b', { vars: { name: 'changed' } }), rec('d')])).toBe(1);
        expect((await s.getRecord('c1', 'b'))?.vars).toEqual({ name: 'Name b' });
        expect(await s.getRecord('c1', 'zz')).toBeNull();
        expect((await s.counts('c1')).states).toEqual({ pending: 4 });
      });

      it('keeps campaigns apart', async () => {
        await s.addRecords('c1', [rec('a')]);
        await s.addRecords('c2', [rec('a', { campaign: 'c2', nextAt: T0 + 5 })]);
        expect(await s.getRecord('c2', 'a')).toMatchObject({ campaign: 'c2', nextAt: T0 + 5 });
        expect(ids(await s.claimDue('c1', T0 + 10, 10))).toEqual(['a']);
        expect(await s.nextDueAt('c2')).toBe(T0 + 5);
        expect(await s.getRecord('c3', 'a')).toBeNull();
      });

      it('round-trips a record exactly, including empty arrays and objects', async () => {
        const full = rec('a', { timezone: 'Europe/Moscow', vars: {}, numberAttempts: [1, 0], lastResult: 'busy' });
        const empty = rec('e', { numbers: [], numberAttempts: [], vars: {} });
        await s.addRecords('c1', [full, empty]);
        expect(await s.getRecord('c1', 'a')).toEqual(full);
        const [claimed] = await s.claimDue('c1', T0, 1);
        expect(claimed).toEqual({ ...full, state: 'dialing' });
        expect(await s.getRecord('c1', 'a')).toEqual({ ...full, state: 'dialing' });
        await s.finalizeAll('c1', 'cancelled', 'done by hand');
        expect(await s.getRecord('c1', 'e')).toEqual({ ...empty, state: 'cancelled', nextAt: null, finalReason: 'done by hand' });
      });

      it('does not index invalid or final records', async () => {
        await s.addRecords('c1', [
          rec('i', { state: 'invalid', nextAt: null, numbers: [], numberAttempts: [] }),
          rec('b', { state: 'blocked', nextAt: null }),
          rec('d', { state: 'done', nextAt: T0 }),
        ]);
        expect(await s.claimDue('c1', T0 + 1e9, 10)).toEqual([]);
        expect(await s.nextDueAt('c1')).toBeNull();
        expect((await s.counts('c1')).states).toEqual({ invalid: 1, blocked: 1, done: 1 });
      });

      it('marks a record removed once; unknown ids answer false', async () => {
        await s.addRecords('c1', [rec('a'), rec('b')]);
        expect(await s.removeRecord('c1', 'a')).toBe(true);
        expect(await s.removeRecord('c1', 'a')).toBe(false);
        expect(await s.removeRecord('c1', 'nope')).toBe(false);
        expect(await s.getRecord('c1', 'a')).toMatchObject({ state: 'removed', nextAt: null });
        expect(ids(await s.claimDue('c1', T0, 10))).toEqual(['b']);
        expect((await s.counts('c1')).states).toEqual({ removed: 1, dialing: 1 });
      });
    });

    describe('due index', () => {
      it('claims earliest first, ties by id, only nextAt ≤ now, up to limit', async () => {
        await s.addRecords('c1', [
          rec('x', { nextAt: T0 + 2 }),
          rec('b', { nextAt: T0 + 1 }),
          rec('a', { nextAt: T0 + 1 }),
          rec('w', { state: 'waiting', nextAt: T0 }),
          rec('late', { nextAt: T0 + 5 }),
        ]);
        const first = await s.claimDue('c1', T0 + 2, 3);
        expect(ids(first)).toEqual(['w', 'a', 'b']);
        expect(first.every((r) => r.state === 'dialing')).toBe(true);
        expect(ids(await s.claimDue('c1', T0 + 2, 10))).toEqual(['x']);
        expect(await s.claimDue('c1', T0 + 4, 10)).toEqual([]);
        expect(await s.getRecord('c1', 'a')).toMatchObject({ state: 'dialing' });
        expect(ids(await s.claimDue('c1', T0 + 5, 10))).toEqual(['late']);
        expect(await s.claimDue('c1', T0 + 1e9, 0)).toEqual([]);
        expect((await s.counts('c1')).states).toEqual({ dialing: 5 });
      });

      it('treats a pending record without nextAt as due at once', async () => {
        await s.addRecords('c1', [rec('n', { nextAt: null }), rec('a', { nextAt: T0 })]);
        expect(await s.nextDueAt('c1')).toBe(0);
        expect(ids(await s.claimDue('c1', T0, 10))).toEqual(['n', 'a']);
      });

      it('returns each record exactly once to 20 concurrent claimers', async () => {
        const all = Array.from({ length: 100 }, (_, i) => rec(`r${String(i).padStart(3, '0')}`, { nextAt: T0 + (i % 7) }));
        await s.addRecords('c1', all);
        const batches = await Promise.all(Array.from({ length: 20 }, () => s.claimDue('c1', T0 + 10, 7)));
        const got = batches.flatMap(ids);
        expect(got).toHaveLength(100);
        expect(new Set(got).size).toBe(100);
        expect(await s.claimDue('c1', T0 + 10, 100)).toEqual([]);
        expect((await s.counts('c1')).states).toEqual({ dialing: 100 });
      });

      it('reports the earliest nextAt, or null', async () => {
        expect(await s.nextDueAt('c1')).toBeNull();
        await s.addRecords('c1', [rec('a', { nextAt: T0 + 9 }), rec('b', { nextAt: T0 + 3 })]);
        expect(await s.nextDueAt('c1')).toBe(T0 + 3);
        await s.claimDue('c1', T0 + 3, 1);
        expect(await s.nextDueAt('c1')).toBe(T0 + 9);
        await s.claimDue('c1', T0 + 9, 1);
        expect(await s.nextDueAt('c1')).toBeNull();
      });

      it('release reindexes a waiting record at its new nextAt', async () => {
        await s.addRecords('c1', [rec('a'), rec('b', { nextAt: T0 + 500 })]);
        const [a] = await s.claimDue('c1', T0, 1);
        await s.release({ ...a!, state: 'waiting', nextAt: T0 + 1000 });
        expect(await s.nextDueAt('c1')).toBe(T0 + 500);
        expect(ids(await s.claimDue('c1', T0 + 999, 10))).toEqual(['b']);
        expect(await s.nextDueAt('c1')).toBe(T0 + 1000);
        expect(ids(await s.claimDue('c1', T0 + 1000, 10))).toEqual(['a']);
        expect((await s.counts('c1')).states).toEqual({ dialing: 2 });
      });

      it('release to a final state leaves the record out of the index', async () => {
        await s.addRecords('c1', [rec('a')]);
        const [a] = await s.claimDue('c1', T0, 1);
        await s.release({ ...a!, state: 'blocked', nextAt: null, finalReason: 'dnc:+74951234567' });
        expect(await s.getRecord('c1', 'a')).toMatchObject({ state: 'blocked', finalReason: 'dnc:+74951234567' });
        expect(await s.nextDueAt('c1')).toBeNull();
        expect((await s.counts('c1')).states).toEqual({ blocked: 1 });
      });

      it('release does not revive a record removed while claimed', async () => {
        await s.addRecords('c1', [rec('a')]);
        const [a] = await s.claimDue('c1', T0, 1);
        await s.removeRecord('c1', 'a');
        await s.release({ ...a!, state: 'waiting', nextAt: T0 + 10 });
        expect(await s.getRecord('c1', 'a')).toMatchObject({ state: 'removed' });
        expect(await s.nextDueAt('c1')).toBeNull();
        expect((await s.counts('c1')).states).toEqual({ removed: 1 });
      });

      it('finalizeAll moves pending and waiting records only', async () => {
        await s.addRecords('c1', [
          rec('p'),
          rec('w', { state: 'waiting', nextAt: T0 + 60_000 }),
          rec('d', { nextAt: T0 - 1 }),
          rec('ok', { state: 'done', nextAt: null, finalReason: 'done' }),
        ]);
        expect(ids(await s.claimDue('c1', T0 - 1, 1))).toEqual(['d']);
        expect(await s.finalizeAll('c1', 'cancelled', 'campaign completed')).toBe(2);
        expect(await s.getRecord('c1', 'p')).toMatchObject({ state: 'cancelled', nextAt: null, finalReason: 'campaign completed' });
        expect(await s.getRecord('c1', 'w')).toMatchObject({ state: 'cancelled', nextAt: null });
        expect(await s.getRecord('c1', 'd')).toMatchObject({ state: 'dialing' });
        expect(await s.getRecord('c1', 'ok')).toMatchObject({ state: 'done', finalReason: 'done' });
        expect(await s.nextDueAt('c1')).toBeNull();
        expect((await s.counts('c1')).states).toEqual({ cancelled: 2, dialing: 1, done: 1 });
        expect(await s.finalizeAll('c1', 'cancelled', 'again')).toBe(0);
      });
    });

    describe('settle and live dials', () => {
      it('settles once per dialId: writes, reindexes, counts, appends history, drops the live dial', async () => {
        await s.addRecords('c1', [rec('r1')]);
        const [r1] = await s.claimDue('c1', T0, 1);
        await s.putLiveDial(live('d1'));
        await s.putLiveDial(live('d2', { record: 'other' }));
        const next = { ...r1!, state: 'waiting' as const, nextAt: T0 + 3_600_000, dials: 1, lastResult: 'no_answer' as const };
        expect(await s.settle({ dialId: 'd1', record: next, history: row('d1') })).toBe(true);
        const after = await s.counts('c1');
        expect(after).toEqual({ states: { waiting: 1 }, results: { no_answer: 1 }, dials: 1 });
        expect(await s.getRecord('c1', 'r1')).toEqual(next);
        expect(await s.nextDueAt('c1')).toBe(T0 + 3_600_000);
        expect((await s.liveDials()).map((d) => d.dialId)).toEqual(['d2']);

        const again = { ...next, state: 'done' as const, nextAt: null };
        expect(await s.settle({ dialId: 'd1', record: again, history: row('d1', { result: 'answered' }) })).toBe(false);
        expect(await s.counts('c1')).toEqual(after);
        expect(await s.getRecord('c1', 'r1')).toEqual(next);
        expect(await allHistory(s, { campaign: 'c1' })).toEqual([row('d1')]);
      });

      it('recoverDialing puts dialing records without a live dial back in the index; others untouched', async () => {
        await s.addRecords('c1', [rec('a'), rec('b', { nextAt: T0 + 1 }), rec('c', { nextAt: T0 + 2 }), rec('w', { state: 'waiting', nextAt: T0 + 9 })]);
        await s.addRecords('c2', [rec('a', { campaign: 'c2' })]);
        const [a, b, c] = await s.claimDue('c1', T0 + 5, 3);
        await s.claimDue('c2', T0, 1);
        // b was dialed before (a retry): it goes back to waiting; a never was: pending.
        await s.release({ ...b!, state: 'waiting', dials: 2, attempts: 1 });
        expect(ids(await s.claimDue('c1', T0 + 5, 1))).toEqual(['b']);
        expect(await s.recoverDialing('c1', ['c'])).toBe(2);
        expect(await s.getRecord('c1', 'a')).toEqual({ ...a!, state: 'pending' });
        expect(await s.getRecord('c1', 'b')).toMatchObject({ state: 'waiting', dials: 2, nextAt: T0 + 1 });
        expect(await s.getRecord('c1', 'c')).toEqual({ ...c!, state: 'dialing' });
        expect((await s.counts('c1')).states).toEqual({ pending: 1, waiting: 2, dialing: 1 });
        expect(ids(await s.claimDue('c1', T0 + 5, 10))).toEqual(['a', 'b']);
        expect((await s.getRecord('c2', 'a'))?.state).toBe('dialing');
        expect(await s.recoverDialing('c1', ['a', 'b', 'c'])).toBe(0);
        expect(await s.recoverDialing('nope', [])).toBe(0);
      });

      it('recoverDialing covers a large campaign', async () => {
        await s.addRecords('c1', Array.from({ length: 300 }, (_, i) => rec(`r${String(i).padStart(3, '0')}`, { nextAt: T0 + i })));
        await s.claimDue('c1', T0 + 1000, 200);
        expect(await s.recoverDialing('c1', ['r000'])).toBe(199);
        expect((await s.counts('c1')).states).toEqual({ pending: 299, dialing: 1 });
        expect(await s.nextDueAt('c1')).toBe(T0 + 1);
      });

      it('lists live dials as written', async () => {
        expect(await s.liveDials()).toEqual([]);
        await s.putLiveDial(live('d1', { answeredAt: T0 + 5 }));
        await s.putLiveDial(live('d2', { campaign: 'c2' }));
        const got = (await s.liveDials()).sort((a, b) => a.dialId.localeCompare(b.dialId));
        expect(got).toEqual([live('d1', { answeredAt: T0 + 5 }), live('d2', { campaign: 'c2' })]);
      });

      it('settle after removeRecord keeps `removed` but writes history and counts the dial', async () => {
        await s.addRecords('c1', [rec('r1')]);
        const [r1] = await s.claimDue('c1', T0, 1);
        expect(await s.removeRecord('c1', 'r1')).toBe(true);
        const settled = await s.settle({ dialId: 'd1', record: { ...r1!, state: 'waiting', nextAt: T0 + 10 }, history: row('d1') });
        expect(settled).toBe(true);
        expect(await s.getRecord('c1', 'r1')).toMatchObject({ state: 'removed', nextAt: null });
        expect(await s.nextDueAt('c1')).toBeNull();
        expect(await allHistory(s, {})).toHaveLength(1);
        expect(await s.counts('c1')).toEqual({ states: { removed: 1 }, results: { no_answer: 1 }, dials: 1 });
      });

      it('settle writes a dialing record but never a final one (cancelled)', async () => {
        await s.addRecords('c1', [rec('r1'), rec('r2')]);
        const [r1] = await s.claimDue('c1', T0, 1);
        expect(await s.finalizeAll('c1', 'cancelled', 'completed')).toBe(1);
        const done = { ...r1!, state: 'done' as const, nextAt: null, finalReason: 'done' };
        expect(await s.settle({ dialId: 'd1', record: done, history: row('d1', { result: 'answered' }) })).toBe(true);
        expect(await s.getRecord('c1', 'r1')).toEqual(done);
        const stale = rec('r2', { state: 'waiting', nextAt: T0 + 10 });
        expect(await s.settle({ dialId: 'd2', record: stale, history: row('d2', { record: 'r2' }) })).toBe(true);
        expect(await s.getRecord('c1', 'r2')).toMatchObject({ state: 'cancelled', finalReason: 'completed' });
        expect(await s.nextDueAt('c1')).toBeNull();
        expect(await s.counts('c1')).toEqual({ states: { done: 1, cancelled: 1 }, results: { answered: 1, no_answer: 1 }, dials: 2 });
      });
    });

    describe('holdDial (the storm guard undoes a dial)', () => {
      /** r1 (pending) claimed and settled by d1 into `settled`; returns the record before and after. */
      async function settleOne(settledOver: Partial<DialRecord>, id = 'r1', dialId = 'd1', held: boolean | undefined = undefined): Promise<{ before: DialRecord; settled: DialRecord }> {
        await s.addRecords('c1', [rec(id)]);
        const before = (await s.getRecord('c1', id))!;
        const [claimed] = await s.claimDue('c1', T0, 1);
        const settled: DialRecord = { ...claimed!, dials: 1, lastResult: 'invalid_number', ...settledOver };
        await s.settle({ dialId, record: settled, history: row(dialId, { record: id, result: 'invalid_number', sip: 404, q850: 1, held }) });
        return { before, settled };
      }

      it('puts a record made final back exactly as before, reindexed and counted; marks only its row held', async () => {
        const { before, settled } = await settleOne({ state: 'exhausted', nextAt: null, attempts: 1, numberAttempts: [2, 2], finalReason: 'no_next_number' });
        await s.settle({ dialId: 'd0', record: settled, history: row('d0', { record: 'r1' }) }); // another row at the same startedAt
        expect(await s.nextDueAt('c1')).toBeNull();
        expect(await s.holdDial('c1', { dialId: 'd1', startedAt: T0, settled, before })).toBe(true);
        expect(await s.getRecord('c1', 'r1')).toEqual(before);
        expect(await s.nextDueAt('c1')).toBe(T0);
        expect(await s.counts('c1')).toEqual({ states: { pending: 1 }, results: { invalid_number: 1, no_answer: 1 }, dials: 2 });
        const rows = await allHistory(s, { campaign: 'c1' });
        expect(rows.map((r) => [r.dialId, r.held])).toEqual([['d0', false], ['d1', true]]);
        expect(rows[1]).toEqual({ ...row('d1', { result: 'invalid_number', sip: 404, q850: 1 }), held: true });
        expect(ids(await s.claimDue('c1', T0, 10))).toEqual(['r1']);
        // A row written with `held: false` gets it set in place.
        const two = await settleOne({ state: 'waiting', nextAt: T0 + 1 }, 'r2', 'd2', false);
        expect(await s.holdDial('c1', { dialId: 'd2', startedAt: T0, ...two })).toBe(true);
        expect((await allHistory(s, { campaign: 'c1' })).find((r) => r.dialId === 'd2')).toEqual({ ...row('d2', { record: 'r2', result: 'invalid_number', sip: 404, q850: 1 }), held: true });
      });

      it('changes nothing when the record moved on since the settle (claimed, dialed, removed)', async () => {
        const { before, settled } = await settleOne({ state: 'waiting', nextAt: T0 + 60_000 });
        const [claimed] = await s.claimDue('c1', T0 + 60_000, 1);
        expect(await s.holdDial('c1', { dialId: 'd1', startedAt: T0, settled, before })).toBe(false);
        expect(await s.getRecord('c1', 'r1')).toEqual(claimed);
        const again = { ...claimed!, state: 'waiting' as const, dials: 2, nextAt: T0 + 120_000 };
        await s.settle({ dialId: 'd2', record: again, history: row('d2', { startedAt: T0 + 60_000 }) });
        expect(await s.holdDial('c1', { dialId: 'd1', startedAt: T0, settled, before })).toBe(false);
        expect(await s.getRecord('c1', 'r1')).toEqual(again);
        await s.removeRecord('c1', 'r1');
        expect(await s.holdDial('c1', { dialId: 'd2', startedAt: T0 + 60_000, settled: again, before })).toBe(false);
        expect((await s.counts('c1')).states).toEqual({ removed: 1 });
        expect((await allHistory(s, { campaign: 'c1' })).some((r) => r.held)).toBe(false);
        expect(await s.holdDial('nope', { dialId: 'd1', startedAt: T0, settled, before })).toBe(false);
      });
    });

    describe('lifetime usage', () => {
      it('settle counts dials and talk per campaign and per trunk, once per dialId; clear forgets it', async () => {
        expect(await s.usage('campaign', 'c1')).toEqual({ dials: 0, talkSeconds: 0 });
        await s.addRecords('c1', [rec('a'), rec('b')]);
        await s.addRecords('c2', [rec('a', { campaign: 'c2' })]);
        const [a] = await s.claimDue('c1', T0, 1);
        const [b] = await s.claimDue('c2', T0, 1);
        const answered = { result: 'answered' as const, answeredAt: T0 + 1000 };
        await s.settle({ dialId: 'd1', record: { ...a!, state: 'done', nextAt: null }, history: row('d1', { ...answered, talkSeconds: 61.3 }) });
        await s.settle({ dialId: 'd1', record: { ...a!, state: 'done', nextAt: null }, history: row('d1', { ...answered, talkSeconds: 61.3 }) });
        await s.settle({ dialId: 'd2', record: { ...b!, state: 'done', nextAt: null }, history: row('d2', { ...answered, campaign: 'c2', talkSeconds: 0.2 }) });
        await s.settle({ dialId: 'd3', record: { ...a!, state: 'waiting', nextAt: T0 }, history: row('d3', { trunk: 't2' }) });
        expect(await s.usage('campaign', 'c1')).toEqual({ dials: 2, talkSeconds: 61.3 });
        expect(await s.usage('campaign', 'c2')).toEqual({ dials: 1, talkSeconds: 0.2 });
        expect(await s.usage('trunk', 't1')).toEqual({ dials: 2, talkSeconds: 61.5 });
        expect(await s.usage('trunk', 't2')).toEqual({ dials: 1, talkSeconds: 0 });
        expect(await s.usage('trunk', 'c1')).toEqual({ dials: 0, talkSeconds: 0 }); // scopes apart
        await s.clear();
        expect(await s.usage('trunk', 't1')).toEqual({ dials: 0, talkSeconds: 0 });
      });
    });

    describe('rates (dials and answers per minute and hour)', () => {
      const M = 60_000;
      const H = 3_600_000;
      const base = Math.floor(T0 / H) * H; // an hour boundary
      let n = 0;
      const settleAt = async (campaign: string, startedAt: number, result: HistoryRow['result'] = 'busy'): Promise<void> => {
        const id = `r${++n}`;
        await s.addRecords(campaign, [rec(id, { campaign })]);
        const [r] = await s.claimDue(campaign, T0 + 400 * H, 1);
        await s.settle({ dialId: `d${n}`, record: { ...r!, state: 'done', nextAt: null }, history: row(`d${n}`, { campaign, record: id, startedAt, result }) });
      };

      it('counts each settled dial once in its minute and hour, answers (answered, answered_short) apart, per campaign', async () => {
        await settleAt('c1', base + 5 * M + 1, 'answered');
        await settleAt('c1', base + 5 * M + 59_999, 'machine');
        await settleAt('c1', base + 7 * M, 'answered_short');
        await settleAt('c2', base + 7 * M);
        await s.settle({ dialId: 'd1', record: rec('r1', { state: 'done', nextAt: null }), history: row('d1', { startedAt: base + 5 * M + 1 }) });
        const r = await s.rates('c1', base + 7 * M + 30_000);
        expect(r.minutes).toHaveLength(RATE_MINUTES);
        expect(r.hours).toHaveLength(RATE_HOURS);
        expect(r.minutes.slice(0, 3)).toEqual([{ dials: 1, answers: 1 }, { dials: 0, answers: 0 }, { dials: 2, answers: 1 }]);
        expect(r.hours[0]).toEqual({ dials: 3, answers: 2 });
        expect(r.hours[1]).toEqual({ dials: 0, answers: 0 });
        expect((await s.rates('c2', base + 7 * M)).minutes[0]).toEqual({ dials: 1, answers: 0 });
        expect((await s.rates('c3', base)).hours.every((c) => c.dials === 0)).toBe(true);
        // Read later, the same buckets sit further back; none lies in the future.
        const later = await s.rates('c1', base + 2 * H + 5 * M);
        expect(later.minutes[120 - 1]).toEqual({ dials: 0, answers: 0 });
        expect(later.hours[2]).toEqual({ dials: 3, answers: 2 });
        expect((await s.rates('c1', base + 6 * M)).minutes[0]).toEqual({ dials: 0, answers: 0 });
        await s.clear();
        expect((await s.rates('c1', base + 7 * M)).hours[0]).toEqual({ dials: 0, answers: 0 });
      });

      it('keeps a bounded window: buckets older than RATE_MINUTES / RATE_HOURS behind the newest are dropped', async () => {
        await settleAt('c1', base);
        await settleAt('c1', base + (RATE_MINUTES - 1) * M);
        let r = await s.rates('c1', base + (RATE_MINUTES - 1) * M);
        expect(r.minutes[RATE_MINUTES - 1]).toEqual({ dials: 1, answers: 0 });
        await settleAt('c1', base + RATE_MINUTES * M); // the first minute falls out
        await settleAt('c1', base - M); // settled after its minute aged out: only its hour counts
        r = await s.rates('c1', base + (RATE_MINUTES - 1) * M);
        expect(r.minutes[RATE_MINUTES - 1]).toEqual({ dials: 0, answers: 0 });
        expect(r.minutes[0]).toEqual({ dials: 1, answers: 0 });
        expect(r.hours[hourOf(base + (RATE_MINUTES - 1) * M) - hourOf(base - M)]).toEqual({ dials: 1, answers: 0 });
        // A long gap: every old bucket goes at once.
        await settleAt('c1', base + 30 * 24 * H);
        r = await s.rates('c1', base + 30 * 24 * H);
        expect(r.minutes.reduce((a, c) => a + c.dials, 0)).toBe(1);
        expect(r.hours.reduce((a, c) => a + c.dials, 0)).toBe(1);
        expect((await s.rates('c1', base + (RATE_MINUTES - 1) * M)).hours.reduce((a, c) => a + c.dials, 0)).toBe(0);
      });
    });

    describe('history', () => {
      const rows = [
        row('h1', { startedAt: T0 + 1000, result: 'busy' }),
        row('h2', { startedAt: T0 + 2000, result: 'answered', answeredAt: T0 + 2010, talkSeconds: 42 }),
        row('h3', { startedAt: T0 + 3000, result: 'busy', campaign: 'c2' }),
        row('h4', { startedAt: T0 + 4000, result: 'no_answer' }),
        row('h0', { startedAt: T0 + 2000, result: 'busy' }),
      ];
      beforeEach(async () => {
        for (const h of rows) await s.settle({ dialId: h.dialId, record: rec(h.record, { campaign: h.campaign }), history: h });
      });

      const all = (f: HistoryFilter): Promise<HistoryRow[]> => allHistory(s, f);

      it('returns every row in startedAt order (ties by dialId)', async () => {
        expect(hIds(await all({}))).toEqual(['h1', 'h0', 'h2', 'h3', 'h4']);
        expect((await all({ campaign: 'c1', result: 'answered' }))[0]).toEqual(rows[1]);
      });

      it('filters by campaign, result and [from, to)', async () => {
        expect(hIds(await all({ campaign: 'c1' }))).toEqual(['h1', 'h0', 'h2', 'h4']);
        expect(hIds(await all({ campaign: 'c2' }))).toEqual(['h3']);
        expect(hIds(await all({ campaign: 'nope' }))).toEqual([]);
        expect(hIds(await all({ result: 'busy' }))).toEqual(['h1', 'h0', 'h3']);
        expect(hIds(await all({ from: T0 + 2000, to: T0 + 4000 }))).toEqual(['h0', 'h2', 'h3']);
        expect(hIds(await all({ campaign: 'c1', result: 'busy', from: T0 + 1500 }))).toEqual(['h0']);
      });

      it('a page holds the first `limit` rows; `next` is the last row\'s position, null exactly at the end', async () => {
        expect(await s.history({ limit: 2 })).toEqual({ rows: [rows[0], rows[4]], next: { startedAt: T0 + 2000, dialId: 'h0' } });
        const p2 = await s.history({ limit: 2, after: { startedAt: T0 + 2000, dialId: 'h0' } });
        expect(hIds(p2.rows)).toEqual(['h2', 'h3']);
        expect(await s.history({ limit: 2, after: p2.next! })).toEqual({ rows: [rows[3]], next: null });
        // A full last page says so: no empty page to fetch.
        expect(await s.history({ limit: 5 })).toMatchObject({ next: null });
        expect((await s.history({ campaign: 'c1', result: 'busy', limit: 1 })).rows).toEqual([rows[0]]);
        expect(await s.history({ campaign: 'nope', limit: 10 })).toEqual({ rows: [], next: null });
      });

      it('a cursor combines with the filters: before `from` it starts at `from`, at or past `to` nothing is left', async () => {
        expect(hIds((await s.history({ limit: 10, from: T0 + 2000, after: { startedAt: T0 + 1000, dialId: 'h1' } })).rows)).toEqual(['h0', 'h2', 'h3', 'h4']);
        expect(hIds((await s.history({ limit: 10, campaign: 'c1', result: 'busy', after: { startedAt: T0 + 1000, dialId: 'h1' } })).rows)).toEqual(['h0']);
        expect(await s.history({ limit: 10, to: T0 + 3000, after: { startedAt: T0 + 3000, dialId: 'a' } })).toEqual({ rows: [], next: null });
        // A position between rows (no row has it) is fine: strictly after it.
        expect(hIds((await s.history({ limit: 10, after: { startedAt: T0 + 2000, dialId: 'h1' } })).rows)).toEqual(['h2', 'h3', 'h4']);
      });

      it("order: 'desc' pages newest first; `after` is then the position the page starts before", async () => {
        const p1 = await s.history({ limit: 2, order: 'desc' });
        expect(p1).toEqual({ rows: [rows[3], rows[2]], next: { startedAt: T0 + 3000, dialId: 'h3' } });
        const p2 = await s.history({ limit: 2, order: 'desc', after: p1.next! });
        expect(hIds(p2.rows)).toEqual(['h2', 'h0']);
        expect(await s.history({ limit: 2, order: 'desc', after: p2.next! })).toEqual({ rows: [rows[0]], next: null });
        expect(hIds((await s.history({ limit: 10, order: 'desc', campaign: 'c1', from: T0 + 2000, to: T0 + 4000 })).rows)).toEqual(['h2', 'h0']);
        expect(hIds((await s.history({ limit: 10, order: 'desc', to: T0 + 3000, after: { startedAt: T0 + 4000, dialId: 'h4' } })).rows)).toEqual(['h2', 'h0', 'h1']);
        expect(await s.history({ limit: 10, order: 'desc', from: T0 + 2000, after: { startedAt: T0 + 2000, dialId: 'h0' } })).toEqual({ rows: [], next: null });
        expect(hIds((await s.history({ limit: 10, order: 'desc', after: { startedAt: T0 + 2000, dialId: 'h1' } })).rows)).toEqual(['h0', 'h1']);
      });
    });

    describe('history pages across equal startedAt', () => {
      // 3 campaigns, 60 rows; most share one of four startedAt values, settled in shuffled order.
      const many: HistoryRow[] = Array.from({ length: 60 }, (_, i) =>
        row(`d${String((i * 37) % 60).padStart(2, '0')}`, { campaign: `c${i % 3}`, record: `r${i}`, startedAt: T0 + 1000 * (i % 4), result: i % 5 === 0 ? 'busy' : 'no_answer' }),
      );
      beforeEach(async () => {
        for (const h of many) await s.settle({ dialId: h.dialId, record: rec(h.record, { campaign: h.campaign }), history: h });
      });
      const sorted = (f: (h: HistoryRow) => boolean): string[] =>
        many.filter(f).sort((a, b) => a.startedAt - b.startedAt || (a.dialId < b.dialId ? -1 : 1)).map((h) => h.dialId);

      for (const [limit, order] of [1, 3, 7, 16, 60].flatMap((l) => [[l, 'asc'], [l, 'desc']] as const)) {
        it(`limit ${limit}, ${order}: walking \`next\` yields every row once, in order, no page over the limit`, async () => {
          for (const [f, keep] of [
            [{}, () => true],
            [{ campaign: 'c1' }, (h: HistoryRow) => h.campaign === 'c1'],
            [{ result: 'busy' as const, from: T0 + 1000 }, (h: HistoryRow) => h.result === 'busy' && h.startedAt >= T0 + 1000],
          ] as [HistoryFilter, (h: HistoryRow) => boolean][]) {
            const seen: string[] = [];
            let after: HistoryPosition | undefined;
            for (;;) {
              const page = await s.history({ ...f, order, limit, ...(after ? { after } : {}) });
              expect(page.rows.length).toBeLessThanOrEqual(limit);
              seen.push(...hIds(page.rows));
              if (page.next === null) break;
              expect(page.rows).toHaveLength(limit);
              expect(page.next).toEqual({ startedAt: page.rows.at(-1)!.startedAt, dialId: page.rows.at(-1)!.dialId });
              after = page.next;
            }
            expect(seen).toEqual(order === 'asc' ? sorted(keep) : sorted(keep).reverse());
          }
        });
      }
    });

    describe('scanRecords (a bounded walk over a campaign\'s records)', () => {
      /** Every row of a walk from the start, steps of `count`; each step's rows checked against the bound. */
      async function walk(campaign: string, count: number, state?: DialRecord['state']): Promise<string[]> {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: RecordScanPage = await s.scanRecords(campaign, { cursor, count, ...(state ? { state } : {}) });
          expect(page.rows.length).toBeLessThanOrEqual(count);
          seen.push(...page.rows.map((r) => r.record.id));
          cursor = page.cursor;
        } while (cursor !== null);
        return seen;
      }

      it('returns every record of the campaign (big enough for a hashtable on redis), filtered by state, in bounded steps', async () => {
        const all = Array.from({ length: 300 }, (_, i) => rec(`r${i}`, i % 3 === 0 ? { state: 'waiting', dials: 1 } : {}));
        await s.addRecords('c1', all);
        await s.addRecords('c2', [rec('other', { campaign: 'c2', state: 'waiting' })]);
        expect(new Set(await walk('c1', 7))).toEqual(new Set(all.map((r) => r.id)));
        const waiting = await walk('c1', 50, 'waiting');
        expect(new Set(waiting)).toEqual(new Set(all.filter((r) => r.state === 'waiting').map((r) => r.id)));
        expect(await walk('c9', 10)).toEqual([]);
      });

      it("a row's cursor goes on right after it, inside a step too", async () => {
        await s.addRecords('c1', ['a', 'b', 'c', 'd'].map((id) => rec(id)));
        const first = await s.scanRecords('c1', { cursor: null, count: 4 });
        expect(first.rows.map((r) => r.record)).toEqual(expect.arrayContaining([rec('a'), rec('d')]));
        const after = await s.scanRecords('c1', { cursor: first.rows[1]!.cursor, count: 10 });
        expect(after.rows.map((r) => r.record.id)).toEqual(first.rows.slice(2).map((r) => r.record.id));
        expect(after.cursor).toBeNull();
      });

      it('refuses a cursor it did not give out', async () => {
        await s.addRecords('c1', [rec('a')]);
        await expect(s.scanRecords('c1', { cursor: 'x;FLUSHALL', count: 1 })).rejects.toMatchObject({ code: 'DIALERD_ERR_USAGE' });
      });
    });

    describe('campaigns and clear', () => {
      const camp = (id: string, over: Partial<CampaignRuntime> = {}): CampaignRuntime => ({
        id,
        state: 'running',
        pauseReason: null,
        pauseDetail: null,
        consecutiveErrors: 0,
        updatedAt: T0,
        ...over,
      });

      it('puts, overwrites, gets and lists campaign runtimes', async () => {
        expect(await s.getCampaign('x')).toBeNull();
        expect(await s.listCampaigns()).toEqual([]);
        await s.putCampaign(camp('b'));
        await s.putCampaign(camp('a'));
        const paused = camp('b', { state: 'paused', pauseReason: 'pbx_down', pauseDetail: 'pbx1', updatedAt: T0 + 1 });
        await s.putCampaign(paused);
        expect(await s.getCampaign('b')).toEqual(paused);
        expect(await s.listCampaigns()).toEqual([camp('a'), paused]);
      });

      it('clear removes everything', async () => {
        await s.putCampaign(camp('a'));
        await s.addRecords('c1', [rec('r1'), rec('r2')]);
        await s.putLiveDial(live('d9'));
        await s.settle({ dialId: 'd1', record: rec('r1', { state: 'done', nextAt: null }), history: row('d1') });
        await s.clear();
        expect(await s.listCampaigns()).toEqual([]);
        expect(await s.getRecord('c1', 'r2')).toBeNull();
        expect(await s.nextDueAt('c1')).toBeNull();
        expect(await s.liveDials()).toEqual([]);
        expect(await allHistory(s, {})).toEqual([]);
        expect(await s.counts('c1')).toEqual({ states: {}, results: {}, dials: 0 });
        // The settled set is gone too: the same dialId settles again.
        await s.addRecords('c1', [rec('r1')]);
        expect(await s.settle({ dialId: 'd1', record: rec('r1', { state: 'done', nextAt: null }), history: row('d1') })).toBe(true);
      });
    });

    countsModelSuite(() => s);
  });
}

