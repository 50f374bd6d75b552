/** Reconnect policy: a pure function of the attempt number, with jitter so a fleet does not stampede. */
export interface ReconnectPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { baseMs: 500, maxMs: 30_000 };

/** Delay before reconnect attempt `attempt` (0-based): exponential, capped, in [½·d, d]. */
export function reconnectDelay(attempt: number, policy: ReconnectPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.max(1, Math.round(ceiling / 2 + (ceiling / 2) * random()));
}
