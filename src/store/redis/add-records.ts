/**
 * Bulk import: records go in script calls of ADD_CHUNK, queued in pipelines of ADD_PIPELINE
 * calls, with two pipelines in flight so Node encodes the next batch while Redis runs one.
 */
import type { Redis } from 'ioredis';
import type { DialRecord } from '../../domain/types.ts';
import { dueArg, encodeRecord } from './codec.ts';
import type { StoreKeys } from './keys.ts';
import { callFenced, type Fence } from './scripts.ts';

const ADD_CHUNK = 1_000;
const ADD_PIPELINE = 8;
const IN_FLIGHT = 2;

export async function addRecordsBulk(r: Redis, k: StoreKeys, fence: Fence, campaign: string, records: DialRecord[]): Promise<number> {
  const keys = [k.rec(campaign), k.due(campaign), k.cnt(campaign)];
  const batch = ADD_CHUNK * ADD_PIPELINE;
  const inFlight: Promise<number>[] = [];
  let added = 0;
  for (let i = 0; i < records.length; i += batch) {
    const pipe = r.pipeline();
    for (let j = i; j < Math.min(records.length, i + batch); j += ADD_CHUNK) {
      const args: string[] = [];
      for (let x = j; x < Math.min(records.length, j + ADD_CHUNK); x++) {
        const row: DialRecord = { ...records[x]!, campaign };
        args.push(row.id, encodeRecord(row), row.state, dueArg(row));
      }
      callFenced(pipe, 'add-records', fence, keys, args);
    }
    const done = pipe.exec().then((replies) => {
      let n = 0;
      for (const [err, v] of replies ?? []) {
        if (err) throw err;
        n += Number(v);
      }
      return n;
    });
    // A later batch may fail while we await an earlier one: never leave its rejection unhandled.
    done.catch(() => {});
    inFlight.push(done);
    if (inFlight.length >= IN_FLIGHT) added += await inFlight.shift()!;
  }
  for (const n of await Promise.all(inFlight)) added += n;
  return added;
}
