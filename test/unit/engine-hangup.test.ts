/**
 * A hang-up only counts once the PBX accepted it (src/pbx/port.ts): a dial whose hang-up was
 * refused (link down) keeps its real result, and one whose hang-up went through is `cancelled`.
 */
import { describe, expect, it } from 'vitest';
import { settle, VirtualScheduler } from '../../src/lib/virtual-scheduler.ts';
import { allHistory } from '../../src/store/history-pages.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { ManualPbx } from '../fakes/manual-pbx.ts';
import { manualEngine } from '../helpers/engine-rig.ts';
import { makeRecord, makeSpec } from '../helpers/spec.ts';

const T0 = Date.UTC(2026, 11, 1, 9);

async function oneLiveDial() {
  const scheduler = new VirtualScheduler(T0);
  const store = createMemoryStore();
  const pbx = new ManualPbx('pbx', () => scheduler.now());
  await pbx.start();
  const engine = manualEngine({ store, scheduler, pbx, newDialId: () => 'd1' });
  await engine.addRecords('c1', [makeRecord('c1', 'r1', ['+79160000001'], T0)]);
  await engine.upsertCampaign(makeSpec({ id: 'c1' }), { has: () => false });
  await engine.begin();
  await settle();
  pbx.accept('d1');
  await settle();
  return { engine, store, pbx };
}

describe('engine hang-up', () => {
  it('a hang-up refused while the link is down does not make the dial cancelled: it ends 486 and is recorded busy', async () => {
    const { engine, store, pbx } = await oneLiveDial();
    pbx.setLink('down');
    await engine.removeRecord('c1', 'r1');
    pbx.setLink('up');
    pbx.end('d1', { q850: 17, sip: 486 });
    await settle();
    const rows = await allHistory(store, {});
    expect(rows.map((r) => [r.dialId, r.result])).toEqual([['d1', 'busy']]);
  });

  it('an accepted hang-up makes the dial cancelled', async () => {
    const { engine, store } = await oneLiveDial();
    await engine.removeRecord('c1', 'r1');
    await settle();
    const rows = await allHistory(store, {});
    expect(rows.map((r) => [r.dialId, r.result])).toEqual([['d1', 'cancelled']]);
  });
});
