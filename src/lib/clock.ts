/**
 * Clocks and timers. The engine never calls Date.now()/setTimeout directly: it gets a
 * `Scheduler`, so the same code runs on the real clock (`run`) and a virtual one (`simulate`).
 */
import type { Clock } from '../domain/types.ts';

export interface Timer {
  cancel(): void;
}

export interface Scheduler extends Clock {
  /** Call `fn` once at or after `at` (epoch ms). */
  at(at: number, fn: () => void): Timer;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  at(at, fn) {
    // setTimeout caps at ~24.8 days; re-arm for longer waits.
    const MAX = 2_000_000_000;
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const delay = at - Date.now();
      handle = setTimeout(delay > MAX ? arm : fn, Math.max(0, Math.min(delay, MAX)));
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  },
};

/**
 * The real clock, sped up `speed` times from `origin` (the demo: an hour of retries in a few
 * seconds). speed 1 is the real clock.
 */
export function scaledScheduler(speed: number, origin: number = Date.now()): Scheduler {
  if (speed === 1) return realScheduler;
  const now = (): number => origin + Math.round((Date.now() - origin) * speed);
  return {
    now,
    at(at, fn) {
      const h = setTimeout(fn, Math.max(0, (at - now()) / speed));
      return { cancel: () => clearTimeout(h) };
    },
  };
}
