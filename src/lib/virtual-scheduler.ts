/**
 * A virtual clock for `dialerd simulate` and tests: time jumps from one timer to the next.
 * Between timers every pending promise chain is allowed to settle (the memory store and the
 * simulated PBX do no real I/O), so a simulated month runs in seconds and deterministically.
 */
import type { Scheduler, Timer } from './clock.ts';

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Let every queued microtask and immediate run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class VirtualScheduler implements Scheduler {
  private t: number;
  private seq = 0;
  private heap: Entry[] = [];

  constructor(start: number) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  at(at: number, fn: () => void): Timer {
    const e: Entry = { at: Math.max(at, this.t), seq: this.seq++, fn, cancelled: false };
    this.push(e);
    return { cancel: () => void (e.cancelled = true) };
  }

  /** Instant of the next pending timer, or null. */
  peek(): number | null {
    this.dropCancelled();
    return this.heap[0]?.at ?? null;
  }

  /**
   * Run timers in time order until none is left, `until` is passed, or `stop()` says so.
   * Returns the virtual instant reached.
   */
  async run(opts: { until?: number; stop?: () => boolean } = {}): Promise<number> {
    await settle();
    for (;;) {
      if (opts.stop?.()) break;
      const next = this.peek();
      if (next === null) break;
      if (opts.until !== undefined && next > opts.until) {
        this.t = opts.until;
        break;
      }
      const e = this.pop()!;
      this.t = e.at;
      e.fn();
      await settle();
    }
    return this.t;
  }

  /**
   * Run timers against the real clock, `speed` times faster, but never wait more than
   * `maxGapMs` of real time for the next timer: long quiet stretches (a retry in 3 h) pass in
   * an instant while calls still take visible time. Used by the demo. Runs until `stop()`.
   */
  async runPaced(opts: { speed: number; maxGapMs: number; stop: () => boolean }): Promise<void> {
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    while (!opts.stop()) {
      const next = this.peek();
      if (next === null) {
        await sleep(opts.maxGapMs);
        continue;
      }
      const wait = Math.min((next - this.t) / opts.speed, opts.maxGapMs);
      if (wait >= 1) await sleep(wait);
      if (this.peek() !== next) continue; // an earlier timer arrived meanwhile
      const e = this.pop()!;
      this.t = e.at;
      e.fn();
      await settle();
    }
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) this.pop();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
