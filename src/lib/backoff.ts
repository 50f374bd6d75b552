/**
 * Reconnect policy, pure: attempt number → delay before the next try. One policy for every
 * link (ARI, ESL, Redis). Exponential and capped, with "equal jitter" (drawn uniformly in
 * [d/2, d]) so a fleet of daemons losing the same PBX does not come back in the same
 * millisecond. There is no give-up: a daemon keeps reconnecting for as long as it runs.
 */
export interface BackoffPolicy {
  /** Delay around the first retry. */
  baseMs: number;
  /** Ceiling of any delay. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({ baseMs: 500, maxMs: 30_000 });

/** Delay before retry `attempt` (0 = the first retry after a loss). `random` in [0, 1) is injected for tests. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  // 2^attempt overflows past ~1024; the ceiling is reached long before 2^30.
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.max(1, Math.round(ceiling / 2 + (ceiling / 2) * random()));
}
