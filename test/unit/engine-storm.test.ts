/**
 * The storm guard through the engine on the simulated PBX and a virtual clock: a trunk answering
 * 404 to every number pauses the campaign `suspect_results` after 10 dials, and those dials do
 * not count — every record is exactly as before, their history rows are marked held. Resume
 * confirms the results: then the rules apply.
 */
import { describe, expect, it } from 'vitest';
import type { DialRecord } from '../../src/domain/types.ts';
import { allHistory } from '../../src/store/history-pages.ts';
import type { Store } from '../../src/store/port.ts';
import { finals, rig, T0 } from '../helpers/engine-rig.ts';
import { makeSpec } from '../helpers/spec.ts';

const DETAIL_404 = 'trunk t1: the last 10 dials, from 10 different records, all ended invalid_number (SIP 404 ×10)';

async function records(store: Store, n: number): Promise<(DialRecord | null)[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => store.getRecord('c1', `r${i}`)));
}

/** `+7916000000i` answers `even` on even i, `odd` on odd i. */
function alternating(n: number, even: string, odd: string): string {
  const lines = Array.from({ length: n }, (_, i) => `  "+${79160000000 + i}": [${i % 2 === 0 ? even : odd}]`);
  return `default: answered\nnumbers:\n${lines.join('\n')}\n`;
}

describe('storm guard: 404 on every call', () => {
  it('pauses suspect_results after 10 dials, 0 records final, every record exactly as before, the 10 rows held', async () => {
    const r = await rig({ outcomes: 'default: { sip: 404 }' });
    const before = await records(r.store, 100);
    await r.runFor(600_000);
    expect(r.dials).toHaveLength(10);
    expect(r.dials.every((d) => d.result === 'invalid_number' && d.final === 'exhausted')).toBe(true);
    expect(r.status()).toEqual({ state: 'paused', pauseReason: 'suspect_results', pauseDetail: DETAIL_404 });
    expect(r.changes.at(-1)).toMatchObject({ from: 'running', to: 'paused', reason: 'suspect_results', detail: DETAIL_404 });
    expect(await finals(r.store)).toBe(0);
    expect(await records(r.store, 100)).toEqual(before);
    const rows = await allHistory(r.store, { campaign: 'c1' });
    expect(rows.map((h) => [h.record, h.result, h.sip, h.held])).toEqual(r.dials.map((d) => [d.record, 'invalid_number', 404, true]));
  });

  it('resume confirms the results: the rules apply as configured and the guard does not trip on them again', async () => {
    const r = await rig({ outcomes: 'default: { sip: 404 }', records: 30 });
    await r.runFor(600_000);
    expect(r.status().pauseReason).toBe('suspect_results');
    await r.engine.resume('c1');
    await r.scheduler.run();
    expect(r.dials).toHaveLength(40);
    expect(r.dials.slice(10).map((d) => d.held)).toEqual(Array(30).fill(undefined));
    expect(r.status().state).toBe('completed');
    expect((await r.store.counts('c1')).states).toEqual({ exhausted: 30 });
    const recs = await records(r.store, 30);
    expect(recs.every((x) => x?.state === 'exhausted' && x.finalReason === 'no_next_number' && x.lastResult === 'invalid_number' && x.dials === 1)).toBe(true);
    expect(r.changes.filter((c) => c.reason === 'suspect_results')).toHaveLength(1);
  });

  it('a manual pause over suspect_results, resumed through the file (SIGHUP), confirms the results too', async () => {
    const spec = makeSpec({ concurrency: 1, maxConsecutiveErrors: 20 });
    const r = await rig({ outcomes: 'default: { sip: 404 }', specs: [spec], records: 30 });
    await r.runFor(600_000);
    await r.engine.pause('c1');
    expect(r.status()).toMatchObject({ state: 'paused', pauseReason: 'manual', pauseDetail: `paused by hand; while suspect_results: ${DETAIL_404}` });
    await r.engine.upsertCampaign({ ...spec, state: 'paused' }, { has: () => false });
    await r.engine.upsertCampaign({ ...spec, state: 'running' }, { has: () => false });
    await r.scheduler.run();
    expect(r.dials).toHaveLength(40);
    expect(r.status().state).toBe('completed');
    expect((await r.store.counts('c1')).states).toEqual({ exhausted: 30 });
  });

  it('dials live at the trip that end the same way are held too (concurrency 5): nothing is spent', async () => {
    const r = await rig({ outcomes: 'default: { ring: 5s, then: { sip: 404 } }', specs: [makeSpec({ concurrency: 5, maxConsecutiveErrors: 20 })] });
    const before = await records(r.store, 100);
    await r.runFor(600_000);
    expect(r.status().pauseReason).toBe('suspect_results');
    expect(r.dials.length).toBeGreaterThan(10);
    expect(await finals(r.store)).toBe(0);
    expect(await records(r.store, 100)).toEqual(before);
    expect((await allHistory(r.store, { campaign: 'c1' })).every((h) => h.held === true)).toBe(true);
  });

  it('after a restart a campaign paused suspect_results stays paused; resume is allowed', async () => {
    const first = await rig({ outcomes: 'default: { sip: 404 }', records: 20 });
    await first.runFor(600_000);
    await first.engine.stop(0);
    const second = await rig({ outcomes: 'default: { sip: 404 }', store: first.store, from: first.scheduler.now() });
    await second.runFor(600_000);
    expect(second.status()).toEqual({ state: 'paused', pauseReason: 'suspect_results', pauseDetail: DETAIL_404 });
    expect(second.dials).toHaveLength(0);
    await second.engine.resume('c1');
    expect(second.status().state).toBe('running');
  });
});

describe('storm guard: no storm', () => {
  it('different results mixed (404 and 603 alternating) do not pause: the rules apply', async () => {
    const r = await rig({ outcomes: alternating(20, '{ sip: 404 }', '{ sip: 603 }'), records: 20 });
    await r.runFor(600_000);
    expect(r.dials).toHaveLength(20);
    expect(r.changes.some((c) => c.to === 'paused')).toBe(false);
    expect((await r.store.counts('c1')).states).toEqual({ exhausted: 10, waiting: 10 });
  });

  it('the same record twice in the window does not pause (5 records, 404 with 3 short repeats)', async () => {
    const spec = makeSpec({ concurrency: 1, maxConsecutiveErrors: 20, rules: { invalid_number: { repeat: { times: 3, everySeconds: 60 }, then: { kind: 'stop_number' } } } });
    const r = await rig({ outcomes: 'default: { sip: 404 }', specs: [spec], records: 5 });
    await r.scheduler.run({ until: T0 + 3600_000 });
    expect(r.dials).toHaveLength(20);
    expect(r.changes.some((c) => c.to === 'paused')).toBe(false);
    expect(r.status().state).toBe('completed');
    expect((await r.store.counts('c1')).states).toEqual({ exhausted: 5 });
  });

  it('`guards.same_result.count: 0` turns it off: 404 on everything exhausts the list as the rules say', async () => {
    const spec = makeSpec({ concurrency: 1, maxConsecutiveErrors: 20, guards: { sameResultCount: 0 } });
    const r = await rig({ outcomes: 'default: { sip: 404 }', specs: [spec], records: 20 });
    await r.scheduler.run();
    expect(r.changes.some((c) => c.to === 'paused')).toBe(false);
    expect(await finals(r.store)).toBe(20);
  });
});
