/** Store latency: a histogram of every store operation's wall-clock time (fed by store/timed.ts). */
import { Histogram } from 'prom-client';
import type { StoreObserver } from '../store/timed.ts';

export type StoreLatency = Histogram<'op' | 'outcome'>;

/** A store-latency histogram on no registry yet (the API's metrics register it) and the observer that feeds it. */
export function storeLatency(): { histogram: StoreLatency; observe: StoreObserver } {
  const histogram = new Histogram({
    name: 'dialerd_store_operation_seconds',
    help: 'Store operations by port method and outcome (ok, error): wall-clock seconds from call to answer.',
    labelNames: ['op', 'outcome'] as const,
    // Redis answers in well under a millisecond on one host; the upper buckets catch a struggling one.
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [],
  });
  return { histogram, observe: (op, outcome, seconds) => histogram.observe({ op, outcome }, seconds) };
}
