/**
 * The engine's live dials: by dialId, the numbers they hold, and waiters for "none left".
 * Removing a dial frees its number and its cap slot in one step, exactly once.
 */
import type { Scheduler } from '../lib/clock.ts';
import type { LiveDialState } from './dial.ts';

export class DialBook {
  private readonly dials = new Map<string, LiveDialState>();
  private readonly numbers = new Set<string>();
  private idleWaiters: (() => void)[] = [];

  get size(): number {
    return this.dials.size;
  }

  get(dialId: string): LiveDialState | undefined {
    return this.dials.get(dialId);
  }

  has(dialId: string): boolean {
    return this.dials.has(dialId);
  }

  values(): IterableIterator<LiveDialState> {
    return this.dials.values();
  }

  numberIsLive(e164: string): boolean {
    return this.numbers.has(e164);
  }

  add(d: LiveDialState): void {
    this.dials.set(d.id, d);
    this.numbers.add(d.number);
  }

  /** Forget a dial: its number and its cap slot are free again. */
  remove(d: LiveDialState): void {
    if (this.dials.get(d.id) !== d) return;
    this.dials.delete(d.id);
    this.numbers.delete(d.number);
    d.slot.release();
    if (this.dials.size > 0) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  /** Resolves true when no dial is live, false when `ms` passed first. */
  waitIdle(ms: number, scheduler: Scheduler): Promise<boolean> {
    if (this.dials.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = scheduler.at(scheduler.now() + ms, () => resolve(false));
      this.idleWaiters.push(() => {
        timer.cancel();
        resolve(true);
      });
    });
  }
}
