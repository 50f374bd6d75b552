/**
 * The whole dial path on a virtual clock: the real Engine, the SimPbx with zero-latency
 * outcomes and a real Store (memory or Redis). Wired as src/engine/simulation.ts wires it;
 * only the clock driver differs, because `simulate()` stops when no virtual timer is pending,
 * which with Redis happens while a store round trip is still in flight.
 */
import type { TrunkConfig } from '../../src/config/daemon-types.ts';
import type { CampaignSpec, DialRecord } from '../../src/domain/types.ts';
import { Engine } from '../../src/engine/engine.ts';
import { SlidingWindowLimiter } from '../../src/engine/rate.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { settle, VirtualScheduler } from '../../src/lib/virtual-scheduler.ts';
import { parseOutcomes } from '../../src/pbx/sim/outcomes.ts';
import { SimPbx } from '../../src/pbx/sim/sim-adapter.ts';
import type { Store } from '../../src/store/port.ts';

/** Rings 0 s, answers, hangs up at once: every dial ends in the same virtual instant. */
export const INSTANT_ANSWER = parseOutcomes('default: { ring: 0s, then: { answer: 0s } }');

export interface RigResult {
  dials: number;
  wallMs: number;
  state: string;
}

/** A campaign spec no cap limits: everyone answers at once and `answered` (talk ≥ 0 s) is `done`. */
export function uncappedSpec(spec: CampaignSpec, concurrency = 1_000): CampaignSpec {
  return { ...spec, concurrency, callsPerSecond: 1_000_000, attempts: { ...spec.attempts, shortCallSeconds: 0 } };
}

/**
 * Loads `records` through the engine (not timed), then runs the campaign until it completes;
 * times begin() to completion on the wall clock. Throws past `deadlineMs` of wall time.
 */
export async function runCampaign(
  store: Store,
  spec: CampaignSpec,
  records: Iterable<DialRecord[]>,
  from: number,
  deadlineMs = 120_000,
): Promise<RigResult> {
  const scheduler = new VirtualScheduler(from);
  const pbx = new SimPbx({ name: 'sim', scheduler, outcomes: INSTANT_ANSWER, seed: 1 });
  const trunk: TrunkConfig = { name: spec.trunk, pbx: 'sim', endpoint: 'SIM/{number}', concurrency: spec.concurrency, callsPerSecond: spec.callsPerSecond };
  let seq = 0;
  const engine = new Engine({
    store,
    scheduler,
    logger: silentLogger(),
    pbxes: new Map([['sim', pbx]]),
    trunks: { [trunk.name]: trunk },
    maxConcurrency: spec.concurrency,
    zones: { zonesFor: () => [] },
    rateLimiter: (cps) => new SlidingWindowLimiter(cps),
    newDialId: () => `b-${++seq}`,
  });
  let dials = 0;
  engine.on('dial', () => void dials++);
  await pbx.start();
  for (const batch of records) await engine.addRecords(spec.id, batch);
  await engine.upsertCampaign(spec, { has: () => false });
  const done = (): boolean => engine.campaign(spec.id)?.status.state === 'completed' && engine.live() === 0;
  const t0 = performance.now();
  await engine.begin();
  // Virtual timers run back to back; when none is pending but the campaign is not done, a
  // store reply is on its way: let the event loop take it, then go on.
  while (!done()) {
    await scheduler.run({ stop: done });
    if (done()) break;
    if (performance.now() - t0 > deadlineMs) throw new Error(`campaign ${spec.id} not done after ${deadlineMs} ms (${dials} dials)`);
    await settle();
  }
  const wallMs = performance.now() - t0;
  await engine.stop(0);
  await pbx.stop();
  return { dials, wallMs, state: engine.campaign(spec.id)?.status.state ?? 'unknown' };
}
