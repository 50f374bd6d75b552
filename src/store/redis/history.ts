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
  const rowsOf = q.order === 'desc' ? campaignRowsDesc : campaignRows;
  for (const c of campaigns) found.push(...(await rowsOf(client, keys.hist(c), q, q.limit + 1)));
  found.sort(historyOrder(q));
  return toPage(found, q.limit);
}

/** At least `want` matching rows of one zset after the query's position (whole score groups), or all that remain. */
async function campaignRows(client: Redis, key: string, q: HistoryQuery, want: number): Promise<HistoryRow[]> {
  const max = q.to !== undefined ? `(${q.to}` : '+inf';
  const out: HistoryRow[] = [];
  const keep = (rows: HistoryRow[]): void => {
    for (const r of rows) if (matchesHistory(r, q) && (!q.after || compareHistory(r, q.after) > 0)) out.push(r);
  };
  let min = q.from !== undefined ? String(q.from) : '-inf';
  if (q.after && (q.from === undefined || q.after.startedAt >= q.from)) {
    if (q.to !== undefined && q.after.startedAt >= q.to) return [];
    keep(await scoreGroup(client, key, q.after.startedAt));
    min = `(${q.after.startedAt}`;
  }
  const chunk = Math.min(want, CHUNK);
  while (out.length < want) {
    const page = await client.zrangebyscore(key, min, max, 'WITHSCORES', 'LIMIT', 0, chunk);
    if (page.length === 0) break;
    const last = Number(page[page.length - 1]);
    const before: HistoryRow[] = [];
    for (let i = 0; i < page.length; i += 2) if (Number(page[i + 1]) < last) before.push(decodeHistory(page[i]!));
    keep(before);
    // The last score may continue past this chunk: read its whole group.
    keep(await scoreGroup(client, key, last));
    if (page.length < chunk * 2) break;
    min = `(${last}`;
  }
  return out;
}

/** campaignRows walking back in time (ZREVRANGEBYSCORE): rows strictly before `q.after`, whole score groups. */
async function campaignRowsDesc(client: Redis, key: string, q: HistoryQuery, want: number): Promise<HistoryRow[]> {
  const min = q.from !== undefined ? String(q.from) : '-inf';
  const out: HistoryRow[] = [];
  const keep = (rows: HistoryRow[]): void => {
    for (const r of rows) if (matchesHistory(r, q) && (!q.after || compareHistory(r, q.after) < 0)) out.push(r);
  };
  let max = q.to !== undefined ? `(${q.to}` : '+inf';
  if (q.after && (q.to === undefined || q.after.startedAt < q.to)) {
    if (q.from !== undefined && q.after.startedAt < q.from) return [];
    keep(await scoreGroup(client, key, q.after.startedAt));
    max = `(${q.after.startedAt}`;
  }
  const chunk = Math.min(want, CHUNK);
  while (out.length < want) {
    const page = await client.zrevrangebyscore(key, max, min, 'WITHSCORES', 'LIMIT', 0, chunk);
    if (page.length === 0) break;
    const last = Number(page[page.length - 1]);
    const after: HistoryRow[] = [];
    for (let i = 0; i < page.length; i += 2) if (Number(page[i + 1]) > last) after.push(decodeHistory(page[i]!));
    keep(after);
    keep(await scoreGroup(client, key, last));
    if (page.length < chunk * 2) break;
    max = `(${last}`;
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
