/**
 * GET /history: call history rows (domain.md §6), filtered, oldest first (`order=desc`: newest
 * first, the store pages backwards). JSON answers one page (`limit`
 * rows, default 1 000, at most 10 000) and `next`, the cursor of the following page or null at
 * the end. CSV (RFC 4180, formula-safe) streams every matching row (or the first `limit`) in
 * constant memory, reading the store a page at a time.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { RESULTS, type HistoryRow, type Result } from '../domain/types.ts';
import { DialerdError } from '../lib/errors.ts';
import { historyCsvStream } from '../store/history-csv.ts';
import { historyRows } from '../store/history-pages.ts';
import type { HistoryFilter } from '../store/port.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { ApiDeps } from './deps.ts';

/** Rows of a JSON page when the query names no `limit`. */
export const DEFAULT_HISTORY_PAGE = 1_000;
/** The largest JSON page; a CSV export has no maximum (it streams). */
export const MAX_HISTORY_PAGE = 10_000;

const Query = Type.Object(
  {
    campaign: Type.Optional(Type.String({ minLength: 1 })),
    result: Type.Optional(Type.String()),
    from: Type.Optional(Type.String({ minLength: 1 })),
    to: Type.Optional(Type.String({ minLength: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  },
  { additionalProperties: false },
);

interface HistoryQuery {
  campaign?: string;
  result?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
  format?: 'json' | 'csv';
  order?: 'asc' | 'desc';
}

/** The JSON answer: one page and the cursor of the next (null at the end). */
export interface HistoryReply {
  rows: HistoryRow[];
  next: string | null;
}

/** An instant as ISO 8601 or epoch milliseconds. */
export function parseInstant(name: string, v: string): number {
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) throw new DialerdError('DIALERD_ERR_USAGE', `${name}: "${v}" is not an ISO 8601 instant or epoch milliseconds`);
  return ms;
}

/** The store filter for a query; throws DIALERD_ERR_USAGE for a bad result or instant. */
export function historyFilter(q: HistoryQuery): HistoryFilter {
  const f: HistoryFilter = {};
  if (q.campaign !== undefined) f.campaign = q.campaign;
  if (q.result !== undefined) {
    if (!(RESULTS as readonly string[]).includes(q.result)) {
      throw new DialerdError('DIALERD_ERR_USAGE', `result: "${q.result}" is not a result (${RESULTS.join(', ')})`);
    }
    f.result = q.result as Result;
  }
  if (q.from !== undefined) f.from = parseInstant('from', q.from);
  if (q.to !== undefined) f.to = parseInstant('to', q.to);
  if (q.order !== undefined) f.order = q.order;
  return f;
}

export function historyRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: HistoryQuery }>('/history', { schema: { querystring: Query } }, async (req, reply) => {
    const q = req.query;
    const filter = historyFilter(q);
    const after = q.cursor !== undefined ? decodeCursor(q.cursor) : undefined;
    if (q.format === 'csv') {
      const rows = historyRows(deps.store, filter, { ...(after ? { after } : {}), ...(q.limit !== undefined ? { max: q.limit } : {}) });
      return reply.type('text/csv; charset=utf-8').send(historyCsvStream(rows));
    }
    const limit = q.limit ?? DEFAULT_HISTORY_PAGE;
    if (limit > MAX_HISTORY_PAGE) {
      throw new DialerdError('DIALERD_ERR_USAGE', `limit: ${limit} is more than ${MAX_HISTORY_PAGE} rows a page; follow "next" for more (or format=csv)`);
    }
    const page = await deps.store.history({ ...filter, ...(after ? { after } : {}), limit });
    return { rows: page.rows, next: page.next && encodeCursor(page.next) } satisfies HistoryReply;
  });
}
