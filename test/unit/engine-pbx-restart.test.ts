/**
 * A PBX restart mid-campaign: originates refused because the PBX link is down are technical
 * errors, and so are ringing calls the switch cut as it shut down; neither pauses the campaign
 * with `errors` (it pauses `pbx_down`, which clears itself),
 * and a manual resume of an `errors` pause survives the next start (the count is persisted as 0).
 */
import { describe, expect, it } from 'vitest';
import { DialerdError } from '../../src/lib/errors.ts';
import { settle, VirtualScheduler } from '../../src/lib/virtual-scheduler.ts';
import { allHistory } from '../../src/store/history-pages.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import type { Store } from '../../src/store/port.ts';
import { ManualPbx } from '../fakes/manual-pbx.ts';
import { manualEngine } from '../helpers/engine-rig.ts';
import { makeRecord, makeSpec } from '../helpers/spec.ts';

const T0 = Date.UTC(2026, 11, 1, 9);
const spec = makeSpec({ id: 'c1', concurrency: 3, maxConsecutiveErrors: 3 });

async function running(store: Store = createMemoryStore(), withRecords = true) {
  const scheduler = new VirtualScheduler(T0);
  const pbx = new ManualPbx('pbx', () => scheduler.now());
  await pbx.start();
  let n = 0;
  const engine = manualEngine({ store, scheduler, pbx, newDialId: () => `d${++n}` });
  if (withRecords) await engine.addRecords('c1', [1, 2, 3, 4, 5, 6].map((i) => makeRecord('c1', `r${i}`, [`+7916000000${i}`], T0)));
  await engine.upsertCampaign(spec, { has: () => false });
  await engine.begin();
  await settle();
  return { engine, store, pbx };
}

describe('a PBX restart mid-campaign', () => {
  it('originates refused with DIALERD_ERR_PBX_DOWN are technical errors that never pause the campaign with `errors`; it pauses pbx_down and resumes by itself', async () => {
    const { engine, store, pbx } = await running();
    const pending = [...pbx.dials.values()];
    expect(pending).toHaveLength(3);
    for (const d of pending) d.reject(new DialerdError('DIALERD_ERR_PBX_DOWN', 'core stop'));
    await settle();
    expect((await allHistory(store, {})).map((r) => r.result)).toEqual(['error', 'error', 'error']);
    expect(engine.campaign('c1')!.status.state).toBe('running');
    expect(engine.campaign('c1')!.consecutiveErrors).toBe(0);
    pbx.setLink('down');
    await settle();
    expect(engine.campaign('c1')!.status).toMatchObject({ state: 'paused', pauseReason: 'pbx_down' });
    pbx.setLink('up');
    await settle();
    expect(engine.campaign('c1')!.status.state).toBe('running');
  });

  it('ringing calls the PBX cut as it shut down (cause 0, no SIP code) are technical errors, not failed, and never pause with `errors`', async () => {
    const { engine, store, pbx } = await running();
    for (const d of [...pbx.dials.values()]) pbx.accept(d.req.dialId);
    await settle();
    for (const d of [...pbx.dials.values()]) pbx.end(d.req.dialId, { q850: 0, sip: null, progress: true });
    await settle();
    expect((await allHistory(store, {})).map((r) => r.result)).toEqual(['error', 'error', 'error']);
    expect(engine.campaign('c1')!.status.state).toBe('running');
    expect((await store.getRecord('c1', 'r1'))!.attempts).toBe(0);
  });

  it('other refusals still count toward `errors`', async () => {
    const { engine, pbx } = await running();
    for (const d of [...pbx.dials.values()]) pbx.refuse(d.req.dialId);
    await settle();
    expect(engine.campaign('c1')!.status).toMatchObject({ state: 'paused', pauseReason: 'errors' });
  });

  it('a manual resume of an `errors` pause survives a restart: the persisted count is 0', async () => {
    const store = createMemoryStore();
    const first = await running(store);
    for (const d of [...first.pbx.dials.values()]) first.pbx.refuse(d.req.dialId);
    await settle();
    expect(first.engine.campaign('c1')!.status.pauseReason).toBe('errors');
    await first.engine.resume('c1');
    await settle();
    expect((await store.getCampaign('c1'))!.consecutiveErrors).toBe(0);
    // Restart: the next refused originate does not re-pause the campaign.
    const second = await running(store, false);
    expect(second.engine.campaign('c1')!.consecutiveErrors).toBe(0);
  });
});
