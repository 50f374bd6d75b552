/**
 * Restart reconciliation (src/engine/reconcile.ts): a dial a previous run left live that the PBX
 * no longer has is `lost` (counted, its own rule), and a real end wins over that verdict in every
 * order of: the PBX's live list answering, the end event, the verdict being written.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.ts';
import { DialerdError } from '../../src/lib/errors.ts';
import { settle, VirtualScheduler } from '../../src/lib/virtual-scheduler.ts';
import { allHistory } from '../../src/store/history-pages.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import type { Store } from '../../src/store/port.ts';
import { ManualPbx } from '../fakes/manual-pbx.ts';
import { manualEngine } from '../helpers/engine-rig.ts';
import { makeRecord, makeSpec } from '../helpers/spec.ts';

const T0 = Date.UTC(2026, 11, 1, 9);
const HOUR = 3600_000;
const BUSY = { q850: 17, sip: 486 };

function engineOn(store: Store, scheduler: VirtualScheduler, pbx: ManualPbx, ids: string[]): Engine {
  return manualEngine({ store, scheduler, pbx, newDialId: () => ids.shift()! });
}

/** A first run dials d1 (accepted, ringing) and dies; a second engine on a fresh PBX link is built, not begun. */
async function restartWithLiveDial() {
  const scheduler = new VirtualScheduler(T0);
  const store = createMemoryStore();
  const pbx1 = new ManualPbx('pbx', () => scheduler.now());
  await pbx1.start();
  const first = engineOn(store, scheduler, pbx1, ['d1']);
  await first.addRecords('c1', [makeRecord('c1', 'r1', ['+79160000001'], T0)]);
  await first.upsertCampaign(makeSpec({ id: 'c1' }), { has: () => false });
  await first.begin();
  await settle();
  pbx1.accept('d1');
  await settle();
  expect((await store.liveDials()).map((l) => l.dialId)).toEqual(['d1']);
  // kill -9: the first engine hears nothing more.
  const pbx = new ManualPbx('pbx', () => scheduler.now());
  await pbx.start();
  const engine = engineOn(store, scheduler, pbx, ['d2']);
  await engine.upsertCampaign(makeSpec({ id: 'c1' }), { has: () => false });
  return { engine, store, pbx, scheduler };
}

/** The PBX still has d1 (a channel the second run's link sees). */
function pbxHas(pbx: ManualPbx, dialId: string): void {
  pbx.dials.set(dialId, { req: { dialId } as never, accepted: true, ended: false, resolve: () => {}, reject: () => {} });
}

async function rows(store: Store) {
  return (await allHistory(store, {})).map((r) => [r.dialId, r.result]);
}

describe('restart reconciliation', () => {
  it('a dial the PBX no longer has is lost: counted as an attempt, retried after 1 h, never at once', async () => {
    const { engine, store } = await restartWithLiveDial();
    await engine.begin();
    await settle();
    expect(await rows(store)).toEqual([['d1', 'lost']]);
    const rec = (await store.getRecord('c1', 'r1'))!;
    expect(rec.attempts).toBe(1);
    expect(rec.state).toBe('waiting');
    expect(rec.nextAt).toBe(T0 + HOUR);
    const [row] = await allHistory(store, {});
    expect(row!.action).toBe('retry_after');
  });

  it('a dial that ended while no engine listened is settled with the end the PBX remembers, and the memory is forgotten', async () => {
    const { engine, store, pbx, scheduler } = await restartWithLiveDial();
    const endedAt = scheduler.now();
    pbx.endQuietly('d1', { ...BUSY, progress: true });
    await engine.begin();
    await settle();
    expect(await rows(store)).toEqual([['d1', 'busy']]);
    const [row] = await allHistory(store, {});
    expect(row!.endedAt).toBe(endedAt);
    expect(pbx.remembered.has('d1')).toBe(false);
  });

  it('an answered call that ended while no engine listened keeps its talk time', async () => {
    const { engine, store, pbx, scheduler } = await restartWithLiveDial();
    pbx.endQuietly('d1', { q850: 16, answeredAt: scheduler.now() - 90_000 });
    await engine.begin();
    await settle();
    expect(await rows(store)).toEqual([['d1', 'answered']]);
    const [row] = await allHistory(store, {});
    expect(row!.talkSeconds).toBe(90);
  });

  it('a dial the PBX does not list yet but has when asked by id (FreeSWITCH lists a new channel ~200 ms late) is adopted, not lost', async () => {
    const { engine, store, pbx } = await restartWithLiveDial();
    pbx.liveDials = async (expected: readonly string[] = []) => expected.filter((id) => id === 'd1');
    await engine.begin();
    await settle();
    expect(await rows(store)).toEqual([]);
    expect(engine.live()).toBe(1);
    pbx.liveDials = async () => [];
    pbx.end('d1', BUSY);
    await settle();
    expect(await rows(store)).toEqual([['d1', 'busy']]);
  });

  it('an answering machine that ended while no engine listened stays a machine (the PBX remembers the AMD verdict)', async () => {
    const { engine, store, pbx, scheduler } = await restartWithLiveDial();
    pbx.endQuietly('d1', { q850: 16, answeredAt: scheduler.now() - 20_000 }, { status: 'MACHINE', cause: 'MAXWORDS-3-2' });
    await engine.begin();
    await settle();
    expect(await rows(store)).toEqual([['d1', 'machine']]);
    const [row] = await allHistory(store, {});
    expect([row!.amdStatus, row!.amdCause]).toEqual(['MACHINE', 'MAXWORDS-3-2']);
  });

  it('an end that arrived before reconciliation began wins: busy, not lost', async () => {
    const { engine, store, pbx } = await restartWithLiveDial();
    pbx.end('d1', BUSY);
    await engine.begin();
    await settle();
    expect(await rows(store)).toEqual([['d1', 'busy']]);
  });

  it('an end right after the PBX listed the dial as live, before it is adopted, settles it (not stuck, not lost)', async () => {
    const { engine, store, pbx } = await restartWithLiveDial();
    pbxHas(pbx, 'd1');
    const list = pbx.liveDials.bind(pbx);
    pbx.liveDials = async () => {
      const live = await list();
      pbx.end('d1', BUSY);
      return live;
    };
    await engine.begin();
    await settle();
    expect(await rows(store)).toEqual([['d1', 'busy']]);
    expect(engine.live()).toBe(0);
  });

  it('an end after the adoption settles it normally', async () => {
    const { engine, store, pbx } = await restartWithLiveDial();
    pbxHas(pbx, 'd1');
    await engine.begin();
    await settle();
    expect(engine.live()).toBe(1);
    pbx.end('d1', BUSY);
    await settle();
    expect(await rows(store)).toEqual([['d1', 'busy']]);
  });

  it('an end while the lost verdict is still unwritten (store down) replaces it: one row, busy', async () => {
    const { engine, store, pbx, scheduler } = await restartWithLiveDial();
    const write = store.settle.bind(store);
    let fails = 1;
    store.settle = async (s) => {
      if (fails-- > 0) {
        pbx.end('d1', BUSY); // the real end comes while the verdict's write fails
        throw new DialerdError('DIALERD_ERR_STORE_DOWN', 'test');
      }
      return write(s);
    };
    const begun = engine.begin(); // waits for the verdict's retry: the clock must run
    scheduler.at(T0 + 60_000, () => {});
    await scheduler.run({ until: T0 + 60_000 });
    await begun;
    expect(await rows(store)).toEqual([['d1', 'busy']]);
  });

  it('an end after the lost verdict was written is ignored: one row, lost', async () => {
    const { engine, store, pbx } = await restartWithLiveDial();
    await engine.begin();
    await settle();
    pbx.end('d1', BUSY);
    await settle();
    expect(await rows(store)).toEqual([['d1', 'lost']]);
  });
});
