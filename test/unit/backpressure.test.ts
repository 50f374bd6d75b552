import { describe, expect, it } from 'vitest';
import { backpressureSettle, effectiveCps, noBackpressure, type Backpressure } from '../../src/domain/backpressure.ts';
import type { Result } from '../../src/domain/types.ts';

const C = 20;
const T = 1_700_000_000_000;
const feed = (s: Backpressure, results: Result[], at = T) => results.reduce((x, r) => backpressureSettle(x, r, C, at), s);
const burst: Result[] = ['congestion', 'congestion', 'congestion'];

describe('carrier backpressure (AIMD)', () => {
  it('runs at the configured rate until a burst of 3 congestions in a row halves it', () => {
    const two = feed(noBackpressure(C), ['congestion', 'congestion']);
    expect(effectiveCps(two, C, T)).toBe(20);
    expect(effectiveCps(feed(two, ['congestion']), C, T)).toBe(10);
  });

  it('another result breaks the row (cancelled does not)', () => {
    expect(effectiveCps(feed(noBackpressure(C), ['congestion', 'congestion', 'busy', 'congestion']), C, T)).toBe(20);
    expect(effectiveCps(feed(noBackpressure(C), ['congestion', 'congestion', 'cancelled', 'congestion']), C, T)).toBe(10);
  });

  it('halves per burst, never below a tenth of the configured rate', () => {
    let s = noBackpressure(C);
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      s = feed(s, burst);
      seen.push(effectiveCps(s, C, T));
    }
    expect(seen).toEqual([10, 5, 2.5, 2, 2, 2]);
  });

  it('recovers additively, a tenth of the configured rate every 10 s, up to the configured rate', () => {
    const s = feed(feed(noBackpressure(C), burst), burst); // 5 cps at T
    expect([0, 9_999, 10_000, 20_000, 60_000, 80_000, 600_000].map((ms) => effectiveCps(s, C, T + ms))).toEqual([5, 5, 7, 9, 17, 20, 20]);
  });

  it('a burst while recovering halves the recovered rate and restarts the recovery', () => {
    const s = feed(noBackpressure(C), burst); // 10 at T
    const later = feed(s, burst, T + 30_000); // 16 at T+30s, halved → 8
    expect(effectiveCps(later, C, T + 30_000)).toBe(8);
    expect(effectiveCps(later, C, T + 40_000)).toBe(10);
  });
});
