/**
 * Records explained: GET /campaigns/:id/records/:recordId (one record: numbers, dials, why it
 * waits) and GET /campaigns/:id/records?state=&why=&limit=&cursor= (bounded pages of records by
 * state and reason). A page walks the store in steps (Store.scanRecords), at most
 * LIST_STEPS steps of `limit` records, so a rare reason may give short pages before `next` is null.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { FINAL_STATES, type RecordState } from '../domain/types.ts';
import { isWaitReason, WAIT_REASONS, type WaitReason } from '../domain/why.ts';
import { DialerdError } from '../lib/errors.ts';
import { cursorJson, notACursor } from './cursor.ts';
import type { ApiDeps } from './deps.ts';
import { explainRecord, recordRow, recordView, requireCampaign, type RecordRow } from './record-view.ts';

export const DEFAULT_RECORD_PAGE = 100;
export const MAX_RECORD_PAGE = 1_000;
/** Store steps of `limit` records one page reads at most. */
export const LIST_STEPS = 10;

export const RECORD_STATES: readonly RecordState[] = ['pending', 'dialing', 'waiting', ...FINAL_STATES];

const Params = Type.Object({ id: Type.String(), recordId: Type.String() });
const ListParams = Type.Object({ id: Type.String() });
const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.String()),
    why: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  },
  { additionalProperties: false },
);

interface ListQuery {
  state?: string;
  why?: string;
  limit?: number;
  cursor?: string;
}

/** GET /campaigns/:id/records answer: one page and the cursor of the next (null at the end). */
export interface RecordListReply {
  records: RecordRow[];
  next: string | null;
}

// The store's cursor, wrapped so a client cannot tell (or lean on) which store answers.
const encode = (c: string): string => Buffer.from(JSON.stringify(['rec', c])).toString('base64url');
function decode(s: string): string {
  const v = cursorJson(s);
  if (Array.isArray(v) && v.length === 2 && v[0] === 'rec' && typeof v[1] === 'string') return v[1];
  throw notACursor();
}

function listAsk(q: ListQuery): { state?: RecordState; why?: WaitReason; limit: number } {
  if (q.state !== undefined && !(RECORD_STATES as readonly string[]).includes(q.state)) {
    throw new DialerdError('DIALERD_ERR_USAGE', `state: "${q.state}" is not a record state (${RECORD_STATES.join(', ')})`);
  }
  if (q.why !== undefined && !isWaitReason(q.why)) throw new DialerdError('DIALERD_ERR_USAGE', `why: "${q.why}" is not a reason (${WAIT_REASONS.join(', ')})`);
  const limit = q.limit ?? DEFAULT_RECORD_PAGE;
  if (limit > MAX_RECORD_PAGE) throw new DialerdError('DIALERD_ERR_USAGE', `limit: ${limit} is more than ${MAX_RECORD_PAGE} records a page; follow "next" for more`);
  return { ...(q.state !== undefined ? { state: q.state as RecordState } : {}), ...(q.why !== undefined ? { why: q.why as WaitReason } : {}), limit };
}

export function recordRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Params: { id: string; recordId: string } }>('/campaigns/:id/records/:recordId', { schema: { params: Params } }, async (req) =>
    recordView(deps, req.params.id, req.params.recordId),
  );

  app.get<{ Params: { id: string }; Querystring: ListQuery }>(
    '/campaigns/:id/records',
    { schema: { params: ListParams, querystring: ListQuery } },
    async (req): Promise<RecordListReply> => {
      const id = req.params.id;
      const ctx = requireCampaign(deps, id);
      const ask = listAsk(req.query);
      let cursor = req.query.cursor !== undefined ? decode(req.query.cursor) : null;
      const caps = deps.engine.capsSnapshot(id)!;
      const now = deps.clock.now();
      const records: RecordRow[] = [];
      for (let step = 0; step < LIST_STEPS; step++) {
        const page = await deps.store.scanRecords(id, { cursor, count: ask.limit, ...(ask.state ? { state: ask.state } : {}) });
        for (const [i, { record, cursor: after }] of page.rows.entries()) {
          const why = explainRecord(deps, ctx, caps, record, null, now);
          if (ask.why !== undefined && why.reason !== ask.why) continue;
          records.push(recordRow(record, why));
          if (records.length === ask.limit) {
            const atEnd = i === page.rows.length - 1 && page.cursor === null;
            return { records, next: atEnd ? null : encode(after) };
          }
        }
        cursor = page.cursor;
        if (cursor === null) break;
      }
      return { records, next: cursor === null ? null : encode(cursor) };
    },
  );
}
