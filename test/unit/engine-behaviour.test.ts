/** The engine on the simulated PBX and a virtual clock: scheduling, windows, DNC, control. */
import { describe, expect, it } from 'vitest';
import type { HistoryRow } from '../../src/domain/types.ts';
import { simulate } from '../../src/engine/simulation.ts';
import type { CampaignChange, FinalEvent } from '../../src/engine/types.ts';
import { parseOutcomes } from '../../src/pbx/sim/outcomes.ts';
import { makeRecord, makeRecords, makeSpec } from '../helpers/spec.ts';
import { allHistory } from '../../src/store/history-pages.ts';

const T0 = Date.UTC(2026, 11, 1, 6, 0); // Tue 1 Dec 2026 06:00 UTC = 09:00 Moscow
const noDnc = { has: () => false };
const noZones = { zonesFor: () => [] };

async function run(opts: Parameters<typeof simulate>[0]) {
  const dials: HistoryRow[] = [];
  const finals: FinalEvent[] = [];
  const changes: CampaignChange[] = [];
  const r = await simulate({ ...opts, onDial: (d) => dials.push(d), onFinal: (f) => finals.push(f), onCampaign: (c) => changes.push(c) });
  return { ...r, dials, finals, changes };
}

describe('engine on the simulator', () => {
  it('dials every record once when everyone answers, then completes', async () => {
    const r = await run({ spec: makeSpec({ concurrency: 10 }), records: [makeRecords('c1', 50, T0)], dnc: noDnc, zones: noZones, from: T0 });
    expect(r.dials).toHaveLength(50);
    expect(new Set(r.dials.map((d) => d.record)).size).toBe(50);
    expect(r.dials.every((d) => d.result === 'answered' && d.action === 'done')).toBe(true);
    expect(r.finals.filter((f) => f.state === 'done')).toHaveLength(50);
    expect(r.state).toBe('completed');
    expect(r.changes.at(-1)).toMatchObject({ to: 'completed', reason: 'done' });
  });

  it('respects calls_per_second: starts are spaced', async () => {
    const r = await run({ spec: makeSpec({ concurrency: 100, callsPerSecond: 2 }), records: [makeRecords('c1', 20, T0)], dnc: noDnc, zones: noZones, from: T0 });
    const starts = r.dials.map((d) => d.startedAt).sort((a, b) => a - b);
    for (let i = 0; i + 2 < starts.length; i++) expect(starts[i + 2]! - starts[i]!).toBeGreaterThanOrEqual(1000);
  });

  it('never dials outside the calling window; waits for it to open', async () => {
    const spec = makeSpec({
      callingHours: { timezone: 'Europe/Moscow', subscriberLocalTime: false, windows: [{ days: [1, 2, 3, 4, 5], startMinute: 10 * 60, endMinute: 11 * 60 }], holidays: [] },
    });
    const r = await run({ spec, records: [makeRecords('c1', 3, T0)], dnc: noDnc, zones: noZones, from: T0 });
    expect(r.dials).toHaveLength(3);
    for (const d of r.dials) expect(d.startedAt).toBeGreaterThanOrEqual(T0 + 3600_000);
    expect(Math.min(...r.dials.map((d) => d.startedAt))).toBe(T0 + 3600_000);
  });

  it('blocks numbers on the DNC list at dial time and never originates them', async () => {
    const recs = makeRecords('c1', 5, T0);
    const blocked = recs[2]!.numbers[0]!;
    const r = await run({ spec: makeSpec(), records: [recs], dnc: { has: (n) => n === blocked }, zones: noZones, from: T0 });
    expect(r.pbx.originated.map((o) => o.number)).not.toContain(blocked);
    expect(r.finals.find((f) => f.record === 'r2')).toMatchObject({ state: 'blocked' });
    expect(r.dials).toHaveLength(4);
  });

  it('a DNC hit blocks only that number: the record goes on with its next one', async () => {
    const recs = [makeRecord('c1', 'two', ['+79160000001', '+79160000002'], T0), makeRecord('c1', 'both', ['+79160000003', '+79160000004'], T0)];
    const dnc = new Set(['+79160000001', '+79160000003', '+79160000004']);
    const r = await run({ spec: makeSpec(), records: [recs], dnc: { has: (n) => dnc.has(n) }, zones: noZones, from: T0 });
    expect(r.pbx.originated.map((o) => o.number)).toEqual(['+79160000002']);
    expect(r.dials[0]).toMatchObject({ record: 'two', numberIndex: 1, result: 'answered' });
    expect(r.finals.find((f) => f.record === 'two')).toMatchObject({ state: 'done' });
    expect(r.finals.find((f) => f.record === 'both')).toMatchObject({ state: 'blocked' });
  });

  it("the campaign's calls_per_second holds even when the trunk allows more", async () => {
    const { Engine } = await import('../../src/engine/engine.ts');
    const { SlidingWindowLimiter } = await import('../../src/engine/rate.ts');
    const { VirtualScheduler } = await import('../../src/lib/virtual-scheduler.ts');
    const { SimPbx } = await import('../../src/pbx/sim/sim-adapter.ts');
    const { createMemoryStore } = await import('../../src/store/memory/index.ts');
    const { silentLogger } = await import('../../src/lib/logger.ts');
    const scheduler = new VirtualScheduler(T0);
    const pbx = new SimPbx({ name: 'sim', scheduler });
    const store = createMemoryStore();
    let n = 0;
    const engine = new Engine({
      store,
      scheduler,
      logger: silentLogger(),
      pbxes: new Map([['sim', pbx]]),
      trunks: { t1: { name: 't1', pbx: 'sim', endpoint: 'SIM/{number}', concurrency: 100, callsPerSecond: 100 } },
      maxConcurrency: 100,
      zones: noZones,
      rateLimiter: (cps) => new SlidingWindowLimiter(cps),
      newDialId: () => `d${++n}`,
    });
    await pbx.start();
    await engine.addRecords('c1', makeRecords('c1', 12, T0));
    await engine.upsertCampaign(makeSpec({ concurrency: 100, callsPerSecond: 3 }), noDnc);
    await engine.begin();
    await scheduler.run();
    const starts = (await allHistory(store, { campaign: 'c1' })).map((h) => h.startedAt).sort((a, b) => a - b);
    expect(starts).toHaveLength(12);
    for (let i = 0; i + 3 < starts.length; i++) expect(starts[i + 3]! - starts[i]!).toBeGreaterThanOrEqual(1000);
  });

  it('a daily dial budget pauses the campaign (reason budget) until the next day; records wait', async () => {
    const spec = makeSpec({ concurrency: 3, limits: { maxDialsPerDay: 5, maxTalkSeconds: null, totalDials: null, totalTalkSeconds: null }, callingHours: null });
    const r = await run({ spec, records: [makeRecords('c1', 12, T0)], outcomes: parseOutcomes('default: { answer: 1m }'), dnc: noDnc, zones: noZones, from: T0 });
    const perDay = new Map<string, number>();
    for (const d of r.dials) perDay.set(new Date(d.startedAt).toISOString().slice(0, 10), (perDay.get(new Date(d.startedAt).toISOString().slice(0, 10)) ?? 0) + 1);
    expect([...perDay.values()]).toEqual([5, 5, 2]);
    const budgetPauses = r.changes.filter((c) => c.to === 'paused' && c.reason === 'budget');
    expect(budgetPauses).toHaveLength(2);
    expect(budgetPauses[0]!.detail).toMatch(/5 dials today/);
    // Each resumes at the next UTC midnight by itself.
    const resumes = r.changes.filter((c) => c.from === 'paused' && c.to === 'running');
    expect(resumes.map((c) => new Date(c.at).toISOString())).toEqual(['2026-12-02T00:00:00.000Z', '2026-12-03T00:00:00.000Z']);
    expect(r.state).toBe('completed');
    expect(r.finals.filter((f) => f.state === 'done')).toHaveLength(12);
  });

  it('a daily talk budget pauses after the call that spends it; resume is refused meanwhile', async () => {
    const spec = makeSpec({ concurrency: 1, limits: { maxDialsPerDay: null, maxTalkSeconds: 12 * 60, totalDials: null, totalTalkSeconds: null } });
    const r = await run({ spec, records: [makeRecords('c1', 6, T0)], outcomes: parseOutcomes('default: { answer: 5m }'), dnc: noDnc, zones: noZones, from: T0, until: T0 + 3600_000 });
    expect(r.dials).toHaveLength(3); // 15 talk minutes ≥ 12
    expect(r.state).toBe('paused');
    await expect(r.engine.resume('c1')).rejects.toMatchObject({ code: 'DIALERD_ERR_RESUME_REFUSED' });
  });

  it('reports invalid records as final and never dials them', async () => {
    const bad = { ...makeRecord('c1', 'bad', [], T0), state: 'invalid' as const, nextAt: null, finalReason: 'invalid: "abc"' };
    const r = await run({ spec: makeSpec(), records: [[bad, ...makeRecords('c1', 2, T0)]], dnc: noDnc, zones: noZones, from: T0 });
    expect(r.finals.find((f) => f.record === 'bad')).toMatchObject({ state: 'invalid' });
    expect(r.dials.map((d) => d.record)).not.toContain('bad');
    expect(r.state).toBe('completed');
  });

  it('auto-pauses after N consecutive errors', async () => {
    const r = await run({
      // Below the trunk breaker's 5 (test/unit/engine-breaker.test.ts): the campaign's own net trips first.
      spec: makeSpec({ maxConsecutiveErrors: 3, concurrency: 1 }),
      records: [makeRecords('c1', 20, T0)],
      outcomes: parseOutcomes('default: error'),
      dnc: noDnc,
      zones: noZones,
      from: T0,
      until: T0 + 3600_000,
    });
    expect(r.dials).toHaveLength(3);
    expect(r.state).toBe('paused');
    expect(r.changes.at(-1)).toMatchObject({ to: 'paused', reason: 'errors' });
  });

  it('end_at completes the campaign and cancels what is left', async () => {
    const r = await run({
      spec: makeSpec({ endAt: T0 + 30 * 60_000, concurrency: 1, callsPerSecond: 1 }),
      records: [makeRecords('c1', 100, T0)],
      outcomes: parseOutcomes('default: { answer: 5m }'),
      dnc: noDnc,
      zones: noZones,
      from: T0,
    });
    expect(r.state).toBe('completed');
    expect(r.changes.at(-1)).toMatchObject({ to: 'completed', reason: 'end_at' });
    const counts = await r.store.counts('c1');
    expect(counts.states.cancelled).toBeGreaterThan(80);
    expect((counts.states.pending ?? 0) + (counts.states.waiting ?? 0)).toBe(0);
    for (const d of r.dials) expect(d.startedAt).toBeLessThan(T0 + 30 * 60_000);
  });

  it('scripted outcomes are consumed per dial; the last one repeats', async () => {
    const outcomes = parseOutcomes(`numbers:\n  "+79160000000": [busy, { sip: 480 }, { answer: 45s }]\n`);
    const spec = makeSpec({ rules: { busy: { repeat: { times: 3, everySeconds: 300 }, then: { kind: 'retry_after', seconds: 3600 } }, no_answer: { repeat: null, then: { kind: 'retry_after', seconds: 600 } } } });
    const r = await run({ spec, records: [makeRecords('c1', 1, T0)], outcomes, dnc: noDnc, zones: noZones, from: T0 });
    expect(r.dials.map((d) => [d.result, d.action, d.sip])).toEqual([
      ['busy', 'repeat', 486],
      ['no_answer', 'retry_after', 480],
      ['answered', 'done', null],
    ]);
    expect(r.dials[2]!.talkSeconds).toBe(45);
  });

  it('a number shared by two records is never in two live dials', async () => {
    const recs = [makeRecord('c1', 'a', ['+79160000001'], T0), makeRecord('c1', 'b', ['+79160000001'], T0)];
    const r = await run({ spec: makeSpec({ concurrency: 5 }), records: [recs], outcomes: parseOutcomes('default: { answer: 1m }'), dnc: noDnc, zones: noZones, from: T0 });
    const [x, y] = r.dials;
    expect(r.dials).toHaveLength(2);
    expect(y!.startedAt).toBeGreaterThanOrEqual(x!.endedAt);
  });
});
