/**
 * Calls-per-second limiting behind a port. The engine asks "may I start a dial now?" and,
 * when not, sleeps on its scheduler instead of polling. Pure arithmetic on the instants passed
 * in, so it runs on the real and the virtual clock alike (the simulate contract: same engine
 * code). Replaceable: a distributed limiter only has to implement `RateLimiter`.
 */
export interface RateLimiter {
  /** Take one start at `now` if allowed; returns 0 on success, else the instant (ms) when one will be. */
  take(now: number): number;
  /** Starts allowed at `now` (without taking). */
  available(now: number): number;
  /** When the next start will be allowed (`now` if one is available). */
  nextAt(now: number): number;
}

/**
 * A strict sliding window: at most `n` starts in any window of `windowMs`, with
 * n = max(1, floor(cps)) and windowMs = n·1000/cps. So "5 calls per second" never means 6 in
 * some second, and 0.5 means one call every 2 s.
 */
export class SlidingWindowLimiter implements RateLimiter {
  private readonly n: number;
  private readonly windowMs: number;
  /** Start instants of the last n starts, oldest first. */
  private readonly starts: number[] = [];

  constructor(callsPerSecond: number) {
    this.n = Math.max(1, Math.floor(callsPerSecond));
    this.windowMs = (this.n * 1000) / callsPerSecond;
  }

  private prune(now: number): void {
    while (this.starts.length > 0 && now - this.starts[0]! >= this.windowMs) this.starts.shift();
  }

  available(now: number): number {
    this.prune(now);
    return this.n - this.starts.length;
  }

  take(now: number): number {
    this.prune(now);
    if (this.starts.length < this.n) {
      this.starts.push(now);
      return 0;
    }
    return Math.ceil(this.starts[0]! + this.windowMs);
  }

  /** When the next start will be allowed (now if one is available). */
  nextAt(now: number): number {
    this.prune(now);
    return this.starts.length < this.n ? now : Math.ceil(this.starts[0]! + this.windowMs);
  }
}

/** Limiters by key (a trunk, a campaign). The rate is part of the key, so an edited
 *  calls_per_second takes effect at the next dial. */
export class RateBook {
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(private readonly make: (callsPerSecond: number) => RateLimiter) {}

  get(key: string, callsPerSecond: number): RateLimiter {
    const k = `${key}@${callsPerSecond}`;
    let l = this.limiters.get(k);
    if (!l) {
      l = this.make(callsPerSecond);
      this.limiters.set(k, l);
    }
    return l;
  }
}
