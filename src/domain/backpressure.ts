/**
 * Carrier backpressure (AIMD): a burst of `congestion` (503/500, Q.850 34/38/41/42/44/47) on a
 * trunk halves its effective calls-per-second, never below a tenth of the configured rate; once
 * the congestion stops the rate grows back by a tenth of the configured rate every 10 s (additive
 * increase), up to the configured rate. Pure: the state is a rate at an instant, and the effective
 * rate at any later instant is computed from it, so no timer is needed to recover.
 *
 * - A burst is BACKPRESSURE.burst congestion results in a row on the trunk; any other result
 *   (except `cancelled`) breaks the row. After a halving the row starts again from zero, so the
 *   dials already in flight at the old rate halve it at most once more per burst they make.
 * - The effective rate is an extra limit: the configured one still applies, so it is never exceeded.
 */
import type { Result } from './types.ts';

export const BACKPRESSURE = Object.freeze({
  /** Congestion results in a row that halve the rate. */
  burst: 3,
  /** The effective rate never goes below this fraction of the configured one. */
  floorFraction: 0.1,
  /** Additive increase: this fraction of the configured rate ... */
  stepFraction: 0.1,
  /** ... every this many ms without a halving. */
  stepEveryMs: 10_000,
});

export interface Backpressure {
  /** The effective rate set at `since` (before any recovery). */
  cps: number;
  since: number;
  /** Congestion results in a row since the last halving. */
  run: number;
}

/** Full rate, no congestion seen. */
export function noBackpressure(configured: number): Backpressure {
  return { cps: configured, since: 0, run: 0 };
}

/** The effective calls-per-second at `now`: the rate set at `since` plus the additive recovery. */
export function effectiveCps(s: Backpressure, configured: number, now: number): number {
  if (s.cps >= configured) return configured;
  const steps = Math.floor(Math.max(0, now - s.since) / BACKPRESSURE.stepEveryMs);
  return Math.min(configured, s.cps + steps * configured * BACKPRESSURE.stepFraction);
}

/** Feed one settled dial on the trunk (ended at `at`). */
export function backpressureSettle(s: Backpressure, result: Result, configured: number, at: number): Backpressure {
  if (result === 'cancelled') return s;
  if (result !== 'congestion') return s.run === 0 ? s : { ...s, run: 0 };
  if (s.run + 1 < BACKPRESSURE.burst) return { ...s, run: s.run + 1 };
  const halved = effectiveCps(s, configured, at) / 2;
  return { cps: Math.max(configured * BACKPRESSURE.floorFraction, halved), since: at, run: 0 };
}
