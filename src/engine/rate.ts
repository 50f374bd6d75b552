/**
 * Calls-per-second limiting behind a port. The engine asks "may I start a dial now, and if
 * not, when?" so it can sleep on its scheduler instead of polling. Implementations:
 * `TokenBucket` (pure arithmetic on instants passed in: works on the real and the virtual
 * clock alike).
 */
export interface RateLimiter {
  /** Take one token at `now` if available; returns 0 on success, else the instant (ms) when one will be. */
  take(now: number): number;
  /** Tokens available at `now` (without taking). */
  available(now: number): number;
}

/**
 * A token bucket refilled at `perSecond`, holding at most `burst` tokens (default: one
 * second's worth, at least 1). `perSecond` may be fractional (0.5 = one call every 2 s).
 */
export class TokenBucket implements RateLimiter {
  private tokens: number;
  private last: number | null = null;
  private readonly burst: number;

  constructor(private readonly perSecond: number, burst?: number) {
    this.burst = Math.max(1, burst ?? Math.floor(perSecond));
    this.tokens = this.burst;
  }

  private refill(now: number): void {
    if (this.last === null) this.last = now;
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
      this.last = now;
    }
  }

  available(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens + 1e-9);
  }

  take(now: number): number {
    this.refill(now);
    if (this.tokens >= 1 - 1e-9) {
      this.tokens -= 1;
      return 0;
    }
    return now + Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
  }
}
