/**
 * Per-trunk metrics: live dials against the trunk's cap, its breaker, its lifetime dials and talk
 * time (from the store, so they survive restarts) and its results by SIP and Q.850 code (counted
 * by this process from the settled dials: not kept per code in the store).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { HistoryRow } from '../domain/types.ts';
import type { ApiDeps } from './deps.ts';

const BREAKER_MODES = ['closed', 'open', 'half_open'] as const;

/** A PBX-reported code as a label: only an integer in the code's range, else `none` (bounded labels from outside data). */
function codeLabel(code: number | null, min: number, max: number): string {
  return code !== null && Number.isInteger(code) && code >= min && code <= max ? String(code) : 'none';
}

/** Register the trunk metrics; returns the listener to detach from the engine on close. */
export function trunkMetrics(registry: Registry, deps: ApiDeps, storeUp: () => boolean): () => void {
  const { engine, store } = deps;
  const registers = [registry];
  new Gauge({
    name: 'dialerd_trunk_live_dials',
    help: 'Dials live right now on each configured trunk.',
    labelNames: ['trunk'] as const,
    registers,
    collect() {
      this.reset();
      for (const t of engine.trunkViews()) this.set({ trunk: t.name }, t.live);
    },
  });
  new Gauge({
    name: 'dialerd_trunk_max_concurrency',
    help: "Each configured trunk's concurrency cap.",
    labelNames: ['trunk'] as const,
    registers,
    collect() {
      this.reset();
      for (const t of engine.trunkViews()) this.set({ trunk: t.name }, t.concurrency);
    },
  });
  new Gauge({
    name: 'dialerd_trunk_breaker_state',
    help: "Each configured trunk's breaker: 1 for its current state (closed, open, half_open), 0 for the others.",
    labelNames: ['trunk', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const t of engine.trunkViews()) for (const s of BREAKER_MODES) this.set({ trunk: t.name, state: s }, s === t.breaker ? 1 : 0);
    },
  });
  const usage = (name: string, help: string, pick: (u: { dials: number; talkSeconds: number }) => number): void =>
    void new Counter({
      name,
      help,
      labelNames: ['trunk'] as const,
      registers,
      async collect() {
        this.reset();
        if (!storeUp()) return;
        for (const t of engine.trunkViews()) this.inc({ trunk: t.name }, pick(await store.usage('trunk', t.name)));
      },
    });
  usage('dialerd_trunk_dials_total', 'Dials settled on each configured trunk over its whole life (from the store: survives restarts).', (u) => u.dials);
  usage('dialerd_trunk_talk_seconds_total', 'Talk seconds on each configured trunk over its whole life (from the store: survives restarts).', (u) => u.talkSeconds);
  const results = new Counter({
    name: 'dialerd_trunk_results_total',
    help: 'Settled dials by trunk, result, SIP code and Q.850 cause (`none` when unknown), since this process started.',
    labelNames: ['trunk', 'result', 'sip', 'q850'] as const,
    registers,
  });
  const onDial = (row: HistoryRow): void =>
    void results.inc({ trunk: row.trunk, result: row.result, sip: codeLabel(row.sip, 100, 699), q850: codeLabel(row.q850, 0, 127) });
  engine.on('dial', onDial);
  return () => void engine.off('dial', onDial);
}
