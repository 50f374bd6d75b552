/**
 * Reconnect policy, pure: attempt number → delay before the next try.
 * "Full jitter" (delay drawn uniformly in [base·2^n / 2, base·2^n], capped) so that many daemons
 * losing the same Asterisk do not all come back in the same millisecond.
 */
export interface BackoffPolicy {
  /** Delay around the first retry. */
  baseMs: number;
  /** Ceiling of any delay. */
  maxMs: number;
  /** Give up after this many attempts; `null` = never give up (the daemon's choice). */
  maxAttempts: number | null;
}

export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({ baseMs: 500, maxMs: 30_000, maxAttempts: null });

/**
 * Delay before reconnect attempt `attempt` (0 = first retry after a loss), or `null` to stop.
 * `random` is injected (a number in [0, 1)) so tests are deterministic.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number | null {
  if (policy.maxAttempts !== null && attempt >= policy.maxAttempts) return null;
  // 2^attempt overflows to Infinity past ~1024; cap the exponent, the ceiling is reached long before.
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  const floor = ceiling / 2;
  return Math.round(floor + (ceiling - floor) * random());
}
