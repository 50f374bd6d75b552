/**
 * A dry run: one campaign on the simulated PBX, a virtual clock and the memory store —
 * the same Engine code `dialerd run` uses, so windows, holidays, caps, rules, DNC, invalid
 * numbers and the guards (trunk breaker, storm guard) behave exactly as in production.
 */
import type { TrunkConfig } from '../config/daemon-types.ts';
import type { CampaignSpec, DialRecord, HistoryRow } from '../domain/types.ts';
import { silentLogger, type Logger } from '../lib/logger.ts';
import { VirtualScheduler } from '../lib/virtual-scheduler.ts';
import { DEFAULT_OUTCOMES, type Outcomes } from '../pbx/sim/outcomes.ts';
import { SimPbx } from '../pbx/sim/sim-adapter.ts';
import { createMemoryStore } from '../store/memory/index.ts';
import type { Store } from '../store/port.ts';
import { Engine } from './engine.ts';
import { SlidingWindowLimiter } from './rate.ts';
import type { CampaignChange, DncCheck, FinalEvent, HeldEvent, ZoneLookup } from './types.ts';

export interface SimulationOptions {
  spec: CampaignSpec;
  /** Records to load (already imported from the contacts file). */
  records: AsyncIterable<DialRecord[]> | DialRecord[][];
  dnc: DncCheck;
  zones: ZoneLookup;
  outcomes?: Outcomes;
  seed?: number;
  /** Virtual start instant. */
  from: number;
  /** Stop at this virtual instant even if the campaign is not done. */
  until?: number;
  store?: Store;
  logger?: Logger;
  /** Called for every dial as it settles and every record that becomes final. */
  onDial?: (row: HistoryRow) => void;
  onFinal?: (e: FinalEvent) => void;
  onCampaign?: (e: CampaignChange) => void;
  /** The storm guard undid a dial: its record is back as before it. */
  onHeld?: (e: HeldEvent) => void;
  /** Observe the live count after every event (tests). */
  onTick?: (engine: Engine) => void;
}

export interface SimulationResult {
  /** Virtual instant reached. */
  end: number;
  state: string;
  /** Why the campaign is paused at the end (null unless paused), and the detail. */
  pauseReason: string | null;
  pauseDetail: string | null;
  engine: Engine;
  store: Store;
  pbx: SimPbx;
  /** The virtual clock, to run on after the simulation stopped (tests). */
  scheduler: VirtualScheduler;
}

export async function simulate(o: SimulationOptions): Promise<SimulationResult> {
  const scheduler = new VirtualScheduler(o.from);
  const store = o.store ?? createMemoryStore();
  const pbx = new SimPbx({ name: 'sim', scheduler, outcomes: o.outcomes ?? DEFAULT_OUTCOMES, seed: o.seed ?? 1 });
  const trunk: TrunkConfig = {
    name: o.spec.trunk,
    pbx: 'sim',
    endpoint: 'SIM/{number}',
    concurrency: o.spec.concurrency,
    callsPerSecond: o.spec.callsPerSecond,
  };
  const spec: CampaignSpec = { ...o.spec, state: o.spec.state === 'completed' ? 'completed' : 'running' };
  let seq = 0;
  const engine = new Engine({
    store,
    scheduler,
    logger: o.logger ?? silentLogger(),
    pbxes: new Map([['sim', pbx]]),
    trunks: { [trunk.name]: trunk },
    maxConcurrency: spec.concurrency,
    zones: o.zones,
    rateLimiter: (cps) => new SlidingWindowLimiter(cps),
    newDialId: () => `sim-${++seq}`,
  });
  if (o.onDial) engine.on('dial', (row) => o.onDial!(row));
  if (o.onFinal) engine.on('final', (e) => o.onFinal!(e));
  if (o.onCampaign) engine.on('campaign', (e) => o.onCampaign!(e));
  if (o.onHeld) engine.on('held', (e) => o.onHeld!(e));
  if (o.onTick) {
    const tick = o.onTick;
    pbx.on(() => tick(engine));
  }
  await pbx.start();
  for await (const batch of o.records) await engine.addRecords(spec.id, batch);
  await engine.upsertCampaign(spec, o.dnc);
  await engine.begin();
  const end = await scheduler.run({
    ...(o.until !== undefined ? { until: o.until } : {}),
    stop: () => engine.campaign(spec.id)?.status.state === 'completed' && engine.live() === 0,
  });
  const status = engine.campaign(spec.id)?.status;
  return { end, state: status?.state ?? 'unknown', pauseReason: status?.pauseReason ?? null, pauseDetail: status?.pauseDetail ?? null, engine, store, pbx, scheduler };
}
