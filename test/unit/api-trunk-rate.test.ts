/** The trunk's effective calls per second (carrier backpressure) in campaign status and /metrics. */
import { describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../src/api/deps.ts';
import { createMetrics } from '../../src/api/metrics.ts';
import { campaignView } from '../../src/api/views.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { makeSpec } from '../helpers/spec.ts';

function deps(): ApiDeps {
  const ctx = { spec: makeSpec({ id: 'c1', trunk: 'carrier-a' }), status: { state: 'running', pauseReason: null, pauseDetail: null } };
  const engine = {
    campaignIds: () => ['c1'],
    campaign: (id: string) => (id === 'c1' ? ctx : undefined),
    liveFor: () => 0,
    live: () => 0,
    trunkCps: (t: string) => (t === 'carrier-a' ? 2.5 : 0),
    trunkViews: () => [],
    maxConcurrency: () => 10,
    on: () => engine,
    off: () => engine,
  };
  return { engine: engine as unknown as ApiDeps['engine'], store: createMemoryStore(), pbxes: new Map(), clock: { now: () => 0 }, logger: silentLogger() };
}

describe('trunk calls per second in the API', () => {
  it('campaign status carries trunkCallsPerSecond', async () => {
    expect(await campaignView(deps(), 'c1')).toMatchObject({ trunk: 'carrier-a', trunkCallsPerSecond: 2.5 });
  });
  it('/metrics has dialerd_trunk_calls_per_second per trunk of a campaign', async () => {
    const m = createMetrics(deps(), () => true);
    expect(await m.registry.metrics()).toMatch(/^dialerd_trunk_calls_per_second\{trunk="carrier-a"\} 2\.5$/m);
    m.close();
  });
});
