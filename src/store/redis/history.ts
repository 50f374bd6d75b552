/** History queries over the per-campaign history zsets (scored by startedAt). */
import type { Redis } from 'ioredis';
import type { HistoryRow } from '../../domain/types.ts';
import { compareHistory, matchesHistory } from '../common.ts';
import type { HistoryFilter } from '../port.ts';
import { decodeHistory } from './codec.ts';
import type { StoreKeys } from './keys.ts';

const PAGE = 1_000;

/** Rows matching `f`, ordered by startedAt then dialId, at most `f.limit`. */
export async function queryHistory(client: Redis, keys: StoreKeys, f: HistoryFilter): Promise<HistoryRow[]> {
  const limit = f.limit ?? Number.POSITIVE_INFINITY;
  if (limit <= 0) return [];
  const campaigns = f.campaign !== undefined ? [f.campaign] : await client.smembers(keys.histc);
  const min = f.from !== undefined ? String(f.from) : '-inf';
  const max = f.to !== undefined ? `(${f.to}` : '+inf';
  const rows: HistoryRow[] = [];
  for (const c of campaigns) {
    let found = 0;
    for (let offset = 0; found < limit; offset += PAGE) {
      const page = await client.zrangebyscore(keys.hist(c), min, max, 'LIMIT', offset, PAGE);
      for (const raw of page) {
        const r = decodeHistory(raw);
        if (!matchesHistory(r, f)) continue;
        rows.push(r);
        if (++found >= limit) break;
      }
      if (page.length < PAGE) break;
    }
  }
  rows.sort(compareHistory);
  return Number.isFinite(limit) ? rows.slice(0, limit) : rows;
}
