/**
 * Per-minute and per-hour dial counts of a campaign (Store.rates): kept for the last
 * RATE_MINUTES minutes and RATE_HOURS hours of startedAt. The memory store keeps them in
 * RateBuckets; the redis store keeps the same fields in one hash per campaign (settle-10.lua),
 * read back by `recentRates`.
 */
import type { RateCounts, RecentRates } from './port.ts';

export const RATE_MINUTES = 120;
export const RATE_HOURS = 48;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The bucket indexes of an instant: epoch minute and epoch hour. */
export const minuteOf = (t: number): number => Math.floor(t / MINUTE_MS);
export const hourOf = (t: number): number => Math.floor(t / HOUR_MS);

/** One granularity: counts by index, at most `keep` indexes up to the newest written. */
class Ring {
  private readonly counts = new Map<number, RateCounts>();
  private newest = -Infinity;

  constructor(private readonly keep: number) {}

  add(index: number, answer: boolean): void {
    if (index <= this.newest - this.keep) return;
    if (index > this.newest) {
      this.newest = index;
      for (const k of this.counts.keys()) if (k <= index - this.keep) this.counts.delete(k);
    }
    const c = this.counts.get(index) ?? { dials: 0, answers: 0 };
    this.counts.set(index, { dials: c.dials + 1, answers: c.answers + (answer ? 1 : 0) });
  }

  get(index: number): RateCounts | undefined {
    return this.counts.get(index);
  }
}

/** A campaign's buckets in memory. */
export class RateBuckets {
  private readonly minutes = new Ring(RATE_MINUTES);
  private readonly hours = new Ring(RATE_HOURS);

  add(startedAt: number, answer: boolean): void {
    this.minutes.add(minuteOf(startedAt), answer);
    this.hours.add(hourOf(startedAt), answer);
  }

  read(now: number): RecentRates {
    return recentRates(now, (kind, i) => (kind === 'm' ? this.minutes : this.hours).get(i));
  }
}

/** The `rates` answer at `now` from a lookup of bucket (kind m|h, index) → counts. */
export function recentRates(now: number, get: (kind: 'm' | 'h', index: number) => RateCounts | undefined): RecentRates {
  const series = (kind: 'm' | 'h', current: number, n: number): RateCounts[] =>
    Array.from({ length: n }, (_, i) => {
      const c = get(kind, current - i);
      return c ? { ...c } : { dials: 0, answers: 0 };
    });
  return { minutes: series('m', minuteOf(now), RATE_MINUTES), hours: series('h', hourOf(now), RATE_HOURS) };
}
