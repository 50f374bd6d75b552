/**
 * Prometheus metrics (prom-client, on a registry of our own so two daemons in one process do not
 * collide). Gauges are read from the engine and the store at scrape time. Counters that must
 * survive a restart (dials by result; a trunk's dials and talk seconds) are read from the store's
 * own counters at scrape time rather than counted here; the rest count since this process started
 * (Prometheus' rate() handles restarts). README "Metrics and dashboard" lists them all.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { CAMPAIGN_STATES } from '../domain/types.ts';
import type { ApiDeps } from './deps.ts';
import { processRegistry } from './metrics-process.ts';
import { trunkMetrics } from './metrics-trunks.ts';

export interface Metrics {
  registry: Registry;
  /** Stop counting (unsubscribes from the engine). */
  close(): void;
}

export function createMetrics(deps: ApiDeps, storeUp: () => boolean): Metrics {
  const { engine, store, pbxes } = deps;
  // one registry holding this daemon's metrics and the process's shared ones
  const registry = Registry.merge([processRegistry()]);
  if (deps.storeLatency) registry.registerMetric(deps.storeLatency);
  new Counter({
    name: 'dialerd_dials_total',
    help: 'Settled dials by campaign and result, from the store (survives restarts).',
    labelNames: ['campaign', 'result'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!storeUp()) return;
      for (const id of engine.campaignIds()) {
        const c = await store.counts(id);
        for (const [result, n] of Object.entries(c.results)) this.inc({ campaign: id, result }, n ?? 0);
      }
    },
  });
  new Gauge({
    name: 'dialerd_live_dials',
    help: 'Dials live right now, by campaign.',
    labelNames: ['campaign'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const id of engine.campaignIds()) this.set({ campaign: id }, engine.liveFor(id));
    },
  });
  new Gauge({
    name: 'dialerd_campaign_max_concurrency',
    help: "Each campaign's concurrency cap.",
    labelNames: ['campaign'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const id of engine.campaignIds()) this.set({ campaign: id }, engine.campaign(id)?.spec.concurrency ?? 0);
    },
  });
  new Gauge({
    name: 'dialerd_max_concurrency',
    help: 'The daemon-wide concurrency cap (max_concurrency).',
    registers: [registry],
    collect() {
      this.set(engine.maxConcurrency());
    },
  });
  new Gauge({
    name: 'dialerd_campaign_state',
    help: 'Campaign state: 1 for the current state, 0 for the others.',
    labelNames: ['campaign', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const id of engine.campaignIds()) {
        const st = engine.campaign(id)?.status.state;
        for (const s of CAMPAIGN_STATES) this.set({ campaign: id, state: s }, s === st ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'dialerd_campaign_records',
    help: 'Records per campaign and record state (from the store).',
    labelNames: ['campaign', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!storeUp()) return;
      for (const id of engine.campaignIds()) {
        const c = await store.counts(id);
        for (const [state, n] of Object.entries(c.states)) this.set({ campaign: id, state }, n ?? 0);
      }
    },
  });
  new Gauge({
    name: 'dialerd_trunk_calls_per_second',
    help: "Each campaign trunk's calls per second right now: the configured rate unless carrier congestion lowered it.",
    labelNames: ['trunk'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const trunks = new Set(engine.campaignIds().map((id) => engine.campaign(id)?.spec.trunk));
      for (const t of trunks) if (t !== undefined) this.set({ trunk: t }, engine.trunkCps(t));
    },
  });
  new Gauge({
    name: 'dialerd_pbx_up',
    help: 'PBX control link: 1 up, 0 otherwise.',
    labelNames: ['pbx'] as const,
    registers: [registry],
    collect() {
      for (const [name, p] of pbxes) this.set({ pbx: name }, p.status() === 'up' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'dialerd_store_up',
    help: 'Store reachable: 1 up, 0 down.',
    registers: [registry],
    collect() {
      this.set(storeUp() ? 1 : 0);
    },
  });
  const { daemon } = deps;
  new Counter({
    name: 'dialerd_config_reloads_total',
    help: 'SIGHUP reloads since the daemon started: ok, or rejected (dialerd.yaml or a campaign file was invalid and kept its running version).',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [result, n] of Object.entries(daemon?.reloads() ?? { ok: 0, rejected: 0 })) this.inc({ result }, n);
    },
  });
  new Counter({
    name: 'dialerd_import_rows_total',
    help: 'Contact list rows read by imports since the daemon started, by campaign.',
    labelNames: ['campaign'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [campaign, n] of daemon?.importRows() ?? []) this.inc({ campaign }, n);
    },
  });
  const detachTrunks = trunkMetrics(registry, deps, storeUp);
  return { registry, close: detachTrunks };
}
