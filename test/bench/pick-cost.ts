/**
 * Cost of picking the next due record: store.claimDue(…, 1) followed by release (the record
 * goes back with a later nextAt, as when a window is closed) or settle (the dial's outcome is
 * written, record final), at growing list sizes. Claims run one at a time, as the engine
 * issues them, so a Redis figure is one localhost round trip plus the script.
 */
import type { DialRecord } from '../../src/domain/types.ts';
import type { Store } from '../../src/store/port.ts';
import { row } from '../contract/store-fixtures.ts';
import { load } from './records.ts';
import type { Cell } from './report.ts';

/** In the past, so a daemon on the real clock finds these records due (heap.ts). */
export const PICK_T0 = Date.UTC(2025, 0, 1, 6, 0);
const T0 = PICK_T0;
const LATER = T0 + 3_600_000;
const WARMUP = 1_000;

export const PICK_HEAD = ['store', 'records', 'load s', 'claims', 'claimDue µs mean', 'p50', 'p99', 'release µs mean', 'settle µs mean', 'pick+release µs', 'pick+settle µs'];

/** Per-operation durations in ms. */
class Samples {
  private readonly xs: number[] = [];
  add(ms: number): void {
    this.xs.push(ms);
  }
  meanUs(): number {
    return (this.xs.reduce((a, b) => a + b, 0) * 1000) / this.xs.length;
  }
  pUs(p: number): number {
    const s = [...this.xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 1000;
  }
  get count(): number {
    return this.xs.length;
  }
}

/**
 * Grows one campaign to each size in `sizes` (records due now) and measures `iterations`
 * claim+release and `iterations` claim+settle at each, after a warm-up. One row per size.
 */
export async function pickCost(kind: string, store: Store, sizes: number[], iterations: number): Promise<Cell[][]> {
  const campaign = `pick-${kind}`;
  const rows: Cell[][] = [];
  let have = 0;
  let seq = 0;
  for (const size of sizes) {
    const l0 = performance.now();
    await load(store, campaign, have, size, T0);
    const loadS = (performance.now() - l0) / 1000;
    have = size;
    let claims = new Samples();
    let releases = new Samples();
    const settles = new Samples();
    const claimOne = async (): Promise<DialRecord> => {
      const a = performance.now();
      const [rec] = await store.claimDue(campaign, T0, 1);
      claims.add(performance.now() - a);
      if (!rec) throw new Error(`pick ${kind}: nothing due at ${size} records`);
      return rec;
    };
    const release = async (rec: DialRecord): Promise<void> => {
      const a = performance.now();
      await store.release({ ...rec, state: 'waiting', nextAt: LATER });
      releases.add(performance.now() - a);
    };
    const settle = async (rec: DialRecord): Promise<void> => {
      const dialId = `p-${kind}-${++seq}`;
      const record: DialRecord = { ...rec, state: 'done', nextAt: null, dials: rec.dials + 1, finalReason: 'done' };
      const history = row(dialId, { campaign, record: rec.id, number: rec.numbers[0]!, result: 'answered', action: 'done', nextAt: null, final: 'done' });
      const a = performance.now();
      await store.settle({ dialId, record, history });
      settles.add(performance.now() - a);
    };
    for (let i = 0; i < WARMUP; i++) await release(await claimOne());
    claims = new Samples();
    releases = new Samples();
    for (let i = 0; i < iterations; i++) await release(await claimOne());
    for (let i = 0; i < iterations; i++) await settle(await claimOne());
    const claim = claims.meanUs();
    rows.push([kind, size, loadS, claims.count, claim, claims.pUs(0.5), claims.pUs(0.99), releases.meanUs(), settles.meanUs(), claim + releases.meanUs(), claim + settles.meanUs()]);
  }
  return rows;
}
