/**
 * Process metrics: prom-client's defaults (CPU, resident memory, heap, event-loop lag, GC, open
 * handles and file descriptors) under their standard names (`process_*`, `nodejs_*`), which every
 * Node.js dashboard and alert rule expects; Prometheus' `job`/`instance` labels say which daemon.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

let shared: Registry | null = null;

/**
 * The registry holding them, built once per process: they describe the process, and each
 * collection starts a GC observer and an event-loop monitor that are never stopped, so a second
 * daemon in the same process (tests) shares them instead of starting more.
 */
export function processRegistry(): Registry {
  if (shared === null) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}
