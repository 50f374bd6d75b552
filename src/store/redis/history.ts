/**
 * History pages over the per-campaign history zsets (scored by startedAt; members start with
 * the dialId). Paging is by score cursor, never by a growing `LIMIT offset`: each read starts
 * at an exclusive `(score`, and the rows sharing the boundary score (one millisecond) are read
 * as a whole group and ordered by dialId in Node, so a cursor inside a group loses nothing.
 */
import type { Redis } from 'ioredis';
import type { HistoryRow } from '../../domain/types.ts';
import { compareHistory, historyOrder, matchesHistory, toPage } from '../common.ts';
import type { HistoryPage, HistoryQuery } from '../port.ts';
import { decodeHistory } from './codec.ts';
import type { StoreKeys } from './keys.ts';

/** Rows per ZRANGEBYSCORE round trip. */
const CHUNK = 1_000;

/** One page of history: up to `q.limit` rows after `q.after`, across the filtered campaigns. */
export async function queryHistory(client: Redis, keys: StoreKeys, q: HistoryQuery): Promise<HistoryPage> {
  const campaigns = q.campaign !== undefined ? [q.campaign] : await client.smembers(keys.histc);
  const found: HistoryRow[] = [];
  for (const c of campaigns) found.push(...(await campaignRows(client, keys.hist(c), q, q.limit + 1)));
  found.sort(historyOrder(q));
  return toPage(found, q.limit);
}

/**
 * At least `want` matching rows of one zset past the query's position in its order (whole score
 * groups), or all that remain. Ascending walks ZRANGEBYSCORE from `from` to `to`; descending walks
 * ZREVRANGEBYSCORE from `to` back to `from`.
 */
async function campaignRows(client: Redis, key: string, q: HistoryQuery, want: number): Promise<HistoryRow[]> {
  const desc = q.order === 'desc';
  const low = q.from !== undefined ? String(q.from) : '-inf';
  const high = q.to !== undefined ? `(${q.to}` : '+inf';
  let start = desc ? high : low;
  const end = desc ? low : high;
  const out: HistoryRow[] = [];
  const past = (r: HistoryRow): boolean => !q.after || (desc ? compareHistory(r, q.after) < 0 : compareHistory(r, q.after) > 0);
  const keep = (rows: HistoryRow[]): void => {
    for (const r of rows) if (matchesHistory(r, q) && past(r)) out.push(r);
  };
  const at = q.after?.startedAt;
  // A position before the walk's start changes nothing; one past its end leaves nothing.
  const beforeStart = at === undefined || (desc ? q.to !== undefined && at >= q.to : q.from !== undefined && at < q.from);
  if (!beforeStart) {
    if (desc ? q.from !== undefined && at < q.from : q.to !== undefined && at >= q.to) return [];
    keep(await scoreGroup(client, key, at));
    start = `(${at}`;
  }
  const chunk = Math.min(want, CHUNK);
  while (out.length < want) {
    const page = desc
      ? await client.zrevrangebyscore(key, start, end, 'WITHSCORES', 'LIMIT', 0, chunk)
      : await client.zrangebyscore(key, start, end, 'WITHSCORES', 'LIMIT', 0, chunk);
    if (page.length === 0) break;
    const last = Number(page[page.length - 1]);
    const whole: HistoryRow[] = [];
    for (let i = 0; i < page.length; i += 2) if (Number(page[i + 1]) !== last) whole.push(decodeHistory(page[i]!));
    keep(whole);
    // The last score may continue past this chunk: read its whole group.
    keep(await scoreGroup(client, key, last));
    if (page.length < chunk * 2) break;
    start = `(${last}`;
  }
  return out;
}

/** Every row whose startedAt is exactly `score` (the dials of one millisecond). */
async function scoreGroup(client: Redis, key: string, score: number): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  for (let offset = 0; ; offset += CHUNK) {
    const page = await client.zrangebyscore(key, score, score, 'LIMIT', offset, CHUNK);
    rows.push(...page.map(decodeHistory));
    if (page.length < CHUNK) return rows;
  }
}
