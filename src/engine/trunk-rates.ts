/**
 * The trunks' effective calls-per-second under carrier backpressure (domain/backpressure.ts):
 * fed every settled dial, it gives the extra rate limiter a trunk's dials must pass while its
 * effective rate is below the configured one (the configured limiter always applies too).
 */
import { backpressureSettle, effectiveCps, noBackpressure, type Backpressure } from '../domain/backpressure.ts';
import type { Result } from '../domain/types.ts';
import type { RateLimiter } from './rate.ts';
import type { EngineDeps } from './types.ts';

export class TrunkRates {
  private readonly states = new Map<string, Backpressure>();
  /** The effective limiter per trunk and the rate it was built for (rebuilt when the rate moves). */
  private readonly limiters = new Map<string, { cps: number; limiter: RateLimiter }>();
  /** Start instants taken through a trunk's effective limiter, newest last: a rebuilt limiter replays them. */
  private readonly starts = new Map<string, number[]>();

  constructor(private readonly deps: Pick<EngineDeps, 'trunks' | 'logger' | 'rateLimiter'>) {}

  private configured(trunk: string): number {
    return this.deps.trunks[trunk]?.callsPerSecond ?? 1;
  }

  /** The trunk's calls-per-second at `now` (the configured rate unless congestion lowered it). */
  cps(trunk: string, now: number): number {
    const s = this.states.get(trunk);
    return s ? effectiveCps(s, this.configured(trunk), now) : this.configured(trunk);
  }

  /** The extra limiter while the effective rate is below the configured one, else null. */
  limiter(trunk: string, now: number): RateLimiter | null {
    const cps = this.cps(trunk, now);
    if (cps >= this.configured(trunk)) {
      this.limiters.delete(trunk);
      this.starts.delete(trunk);
      return null;
    }
    const held = this.limiters.get(trunk);
    if (held?.cps === cps) return held.limiter;
    const limiter = this.replaying(trunk, cps);
    this.limiters.set(trunk, { cps, limiter });
    return limiter;
  }

  /**
   * A limiter at `cps` that already knows the trunk's recent starts (a fresh one would allow a
   * whole window's starts at once when the rate steps up), and records the starts it allows.
   */
  private replaying(trunk: string, cps: number): RateLimiter {
    const inner = this.deps.rateLimiter(cps);
    const recent = this.starts.get(trunk) ?? [];
    this.starts.set(trunk, recent);
    for (const t of recent) inner.take(t);
    const keep = Math.ceil(this.configured(trunk)) + 1;
    return {
      available: (now) => inner.available(now),
      nextAt: (now) => inner.nextAt(now),
      take: (now) => {
        const wait = inner.take(now);
        if (wait === 0 && recent.push(now) > keep) recent.shift();
        return wait;
      },
    };
  }

  settled(trunk: string, result: Result, at: number): void {
    const configured = this.configured(trunk);
    const before = this.states.get(trunk) ?? noBackpressure(configured);
    const after = backpressureSettle(before, result, configured, at);
    if (after === before) return;
    this.states.set(trunk, after);
    if (after.cps < effectiveCps(before, configured, at)) {
      this.deps.logger.warn({ trunk, cps: after.cps, configured }, `trunk ${trunk}: congestion, calls per second lowered to ${after.cps}`);
    }
  }
}
