/**
 * Work the engine started and must see through before it says `stopped`: the tail of a settle
 * (guards, budgets, auto-complete) runs after its dial left the live book, so waiting for no live
 * dial is not enough; a stop that did not wait for it wrote to a closed store.
 */
import type { Scheduler, Timer } from '../lib/clock.ts';

export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  /** Run `fn`, counted until it settles (its rejection is the caller's). */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = fn();
    this.running.add(p);
    const done = (): void => void this.running.delete(p);
    p.then(done, done);
    return p;
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves true once nothing runs (work started meanwhile included), false after `ms`. */
  async idle(ms: number, scheduler: Scheduler): Promise<boolean> {
    let timer: Timer | null = null;
    const deadline = new Promise<'timeout'>((r) => (timer = scheduler.at(scheduler.now() + ms, () => r('timeout'))));
    try {
      while (this.running.size > 0) {
        if ((await Promise.race([Promise.allSettled([...this.running]), deadline])) === 'timeout') return false;
      }
      return true;
    } finally {
      (timer as Timer | null)?.cancel();
    }
  }
}
