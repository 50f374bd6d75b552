/** Records an adapter's events and lets a test wait for one (event-driven, no sleeping). */
import type { PbxAdapter, PbxEvent } from '../../../src/pbx/port.ts';

type Pred = (e: PbxEvent) => boolean;

export class Recorder {
  readonly events: PbxEvent[] = [];
  private waiters: Array<{ pred: Pred; resolve(e: PbxEvent): void }> = [];

  constructor(adapter: PbxAdapter) {
    adapter.on((e) => {
      this.events.push(e);
      for (const w of [...this.waiters]) {
        if (w.pred(e)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    });
  }

  /** The first event (already seen or future) matching `pred`. */
  waitFor(pred: Pred, what = 'event', timeoutMs = 8000): Promise<PbxEvent> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; saw ${JSON.stringify(this.events.slice(-5))}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  /** The next event matching `pred` from now on. */
  next(pred: Pred, what = 'event', timeoutMs = 8000): Promise<PbxEvent> {
    const from = this.events.length;
    return this.waitFor((e) => this.events.indexOf(e) >= from && pred(e), what, timeoutMs);
  }

  ended(dialId: string): Promise<Extract<PbxEvent, { type: 'ended' }>> {
    return this.waitFor((e) => e.type === 'ended' && e.dialId === dialId, `ended ${dialId}`) as Promise<Extract<PbxEvent, { type: 'ended' }>>;
  }

  status(s: string): Promise<PbxEvent> {
    return this.next((e) => e.type === 'status' && e.status === s, `status ${s}`);
  }

  of(dialId: string): PbxEvent[] {
    return this.events.filter((e) => 'dialId' in e && e.dialId === dialId);
  }
}
