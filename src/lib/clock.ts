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

