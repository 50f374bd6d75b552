/** Synthetic records for the benchmarks, built in chunks so a million never sit in the heap at once. */
import type { DialRecord } from '../../src/domain/types.ts';
import type { Store } from '../../src/store/port.ts';
import { makeRecord } from '../helpers/spec.ts';

/** Record `i` of a campaign: one distinct RU mobile number, a name and an amount, due at `at`. */
export function benchRecord(campaign: string, i: number, at: number): DialRecord {
  return makeRecord(campaign, `r${i}`, [`+${79_160_000_000 + i}`], at, { name: `Subscriber ${i}`, amount: String(1000 + (i % 9000)) });
}

/** Records [from, to) in chunks of `chunk`. */
export function* recordChunks(campaign: string, from: number, to: number, at: number, chunk = 10_000): Generator<DialRecord[]> {
  for (let i = from; i < to; i += chunk) {
    const out: DialRecord[] = [];
    for (let j = i; j < Math.min(to, i + chunk); j++) out.push(benchRecord(campaign, j, at));
    yield out;
  }
}

/** Adds records [from, to) to the store; returns how many it added. */
export async function load(store: Store, campaign: string, from: number, to: number, at: number): Promise<number> {
  let n = 0;
  for (const batch of recordChunks(campaign, from, to, at)) n += await store.addRecords(campaign, batch);
  return n;
}
