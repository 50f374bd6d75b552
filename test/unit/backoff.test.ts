import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/lib/backoff.ts';

describe('backoffDelay', () => {
  const p = { baseMs: 100, maxMs: 5000 };
  it('doubles from the base, with jitter in [d/2, d]', () => {
    expect(backoffDelay(0, p, () => 0)).toBe(50);
    expect(backoffDelay(0, p, () => 0.999999)).toBe(100);
    expect(backoffDelay(3, p, () => 0.5)).toBe(600);
    expect(backoffDelay(3, p, () => 1)).toBe(800);
  });
  it('is capped and never gives up, even after thousands of attempts', () => {
    expect(backoffDelay(50, p, () => 0)).toBe(2500);
    expect(backoffDelay(5000, p, () => 1)).toBe(5000);
    expect(backoffDelay(1e9, p, () => 0.5)).toBe(3750);
  });
  it('never returns 0 (a tight reconnect loop)', () => {
    expect(backoffDelay(0, { baseMs: 0, maxMs: 0 }, () => 0)).toBe(1);
  });
});
