/** The engine on the simulated PBX and a virtual clock, with outcomes a test can switch mid-run. */
import type { TrunkConfig } from '../../src/config/daemon-types.ts';
import type { CampaignSpec, HistoryRow } from '../../src/domain/types.ts';
import { Engine } from '../../src/engine/engine.ts';
import { SlidingWindowLimiter } from '../../src/engine/rate.ts';
import type { CampaignChange } from '../../src/engine/types.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { VirtualScheduler } from '../../src/lib/virtual-scheduler.ts';
import { parseOutcomes, type Outcomes } from '../../src/pbx/sim/outcomes.ts';
import { SimPbx } from '../../src/pbx/sim/sim-adapter.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import type { Store } from '../../src/store/port.ts';
import { makeRecords, makeSpec } from './spec.ts';
import type { ManualPbx } from '../fakes/manual-pbx.ts';

export const T0 = Date.UTC(2026, 11, 1, 6, 0);

export interface Rig {
  engine: Engine;
  scheduler: VirtualScheduler;
  pbx: SimPbx;
  store: Store;
  outcomes: Outcomes;
  dials: HistoryRow[];
  changes: CampaignChange[];
  /** Run the virtual clock `ms` further (or until nothing is left). */
  runFor(ms: number): Promise<void>;
  status(id?: string): { state: string; pauseReason: string | null; pauseDetail: string | null };
}

export async function rig(o: { outcomes: string; specs?: CampaignSpec[]; records?: number; store?: Store; from?: number; trunk?: Partial<TrunkConfig> }): Promise<Rig> {
  const scheduler = new VirtualScheduler(o.from ?? T0);
  const outcomes = parseOutcomes(o.outcomes);
  const pbx = new SimPbx({ name: 'sim', scheduler, outcomes });
  const store = o.store ?? createMemoryStore();
  let n = 0;
  const trunk: TrunkConfig = { name: 't1', pbx: 'sim', endpoint: 'SIM/{number}', concurrency: 10, callsPerSecond: 100, ...o.trunk };
  const engine = new Engine({
    store, scheduler, logger: silentLogger(), pbxes: new Map([['sim', pbx]]), trunks: { t1: trunk }, maxConcurrency: 1000,
    zones: { zonesFor: () => [] }, rateLimiter: (cps) => new SlidingWindowLimiter(cps), newDialId: () => `d${scheduler.now()}-${++n}`,
  });
  const dials: HistoryRow[] = [];
  const changes: CampaignChange[] = [];
  engine.on('dial', (row) => dials.push(row));
  engine.on('campaign', (c) => changes.push(c));
  await pbx.start();
  const specs = o.specs ?? [makeSpec({ concurrency: 1, maxConsecutiveErrors: 20 })];
  if (!o.store) for (const s of specs) await engine.addRecords(s.id, makeRecords(s.id, o.records ?? 100, T0, s.id === 'c1' ? 79160000000 : 79260000000));
  for (const s of specs) await engine.upsertCampaign(s, { has: () => false });
  await engine.begin();
  return {
    engine, scheduler, pbx, store, outcomes, dials, changes,
    runFor: async (ms) => {
      const until = scheduler.now() + ms;
      scheduler.at(until, () => {}); // the clock reaches `until` even when nothing else is due
      await scheduler.run({ until });
    },
    status: (id = 'c1') => engine.campaign(id)!.status,
  };
}

/** Records in a final state. */
export async function finals(store: Store, id = 'c1'): Promise<number> {
  const c = await store.counts(id);
  return Object.entries(c.states).filter(([s]) => !['pending', 'waiting', 'dialing'].includes(s)).reduce((a, [, n]) => a + (n ?? 0), 0);
}

/** Switch the simulated carrier's default outcome (e.g. `answered`: the carrier is fixed). */
export function switchOutcomes(r: Rig, text: string): void {
  r.outcomes.defaultMix = parseOutcomes(`default: ${text}`).defaultMix;
}

/**
 * An engine on one ManualPbx named `pbx` (trunk `t1`, concurrency 5): for tests that drive the
 * PBX's events by hand. `newDialId` names the dials in order.
 */
export function manualEngine(o: { store: Store; scheduler: VirtualScheduler; pbx: ManualPbx; newDialId: () => string }): Engine {
  return new Engine({
    store: o.store,
    scheduler: o.scheduler,
    logger: silentLogger(),
    pbxes: new Map([['pbx', o.pbx]]),
    trunks: { t1: { name: 't1', pbx: 'pbx', endpoint: 'X/{number}', concurrency: 5, callsPerSecond: 1000 } },
    maxConcurrency: 5,
    zones: { zonesFor: () => [] },
    rateLimiter: (cps) => new SlidingWindowLimiter(cps),
    newDialId: o.newDialId,
  });
}
