/** GET /history: call history rows (domain.md §6), filtered; JSON or CSV (RFC 4180). */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { RESULTS, type HistoryRow, type Result } from '../domain/types.ts';
import { DialerdError } from '../lib/errors.ts';
import { historyCsvHeader, historyRowToCsv } from '../store/history-csv.ts';
import type { HistoryFilter } from '../store/port.ts';
import type { ApiDeps } from './deps.ts';

const Query = Type.Object(
  {
    campaign: Type.Optional(Type.String({ minLength: 1 })),
    result: Type.Optional(Type.String()),
    from: Type.Optional(Type.String({ minLength: 1 })),
    to: Type.Optional(Type.String({ minLength: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);

interface HistoryQuery {
  campaign?: string;
  result?: string;
  from?: string;
  to?: string;
  limit?: number;
  format?: 'json' | 'csv';
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
  if (q.limit !== undefined) f.limit = q.limit;
  return f;
}

export function historyRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: HistoryQuery }>('/history', { schema: { querystring: Query } }, async (req, reply) => {
    const rows = await deps.store.history(historyFilter(req.query));
    if (req.query.format === 'csv') {
      const lines = [historyCsvHeader(), ...rows.map(historyRowToCsv)];
      return reply.type('text/csv; charset=utf-8').send(`${lines.join('\r\n')}\r\n`);
    }
    return { rows } satisfies { rows: HistoryRow[] };
  });
}
