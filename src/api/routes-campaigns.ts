/**
 * Campaign control: list, status, pause, resume, complete, add records, remove a record.
 * Every action goes through the Engine (it owns state transitions, persistence and the
 * 'campaign' announcements); the API only translates HTTP.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MAX_RECORD_ID_LENGTH, recordIdError } from '../domain/record.ts';
import { MAX_VARS_PER_RECORD, varsError } from '../domain/vars.ts';
import { DialerdError } from '../lib/errors.ts';
import { buildRecords, type ContactInput, type ContactProblem } from './contacts.ts';
import type { ApiDeps } from './deps.ts';
import { campaignView, type CampaignView } from './views.ts';

/** Contacts per POST; the CLI sends bigger files in batches of this size. */
export const MAX_CONTACTS_PER_REQUEST = 5000;

const Contact = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: MAX_RECORD_ID_LENGTH }),
    phones: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 }),
    timezone: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    // Names, case clashes and sizes are checked by varsError (a 400 naming the key).
    vars: Type.Optional(Type.Record(Type.String(), Type.String(), { maxProperties: MAX_VARS_PER_RECORD })),
  },
  { additionalProperties: false },
);
const ContactsBody = Type.Array(Contact, { maxItems: MAX_CONTACTS_PER_REQUEST });
const IdParams = Type.Object({ id: Type.String() });
const RecordParams = Type.Object({ id: Type.String(), recordId: Type.String() });

/** POST /campaigns/:id/records answer. */
export interface AddRecordsReply {
  received: number;
  /** New records stored (valid and invalid). */
  added: number;
  /** Ids the campaign already had: left untouched. */
  existing: number;
  valid: number;
  invalid: number;
  duplicateIds: number;
  /** Numbers not dialled as repeats inside the request (see api/contacts.ts). */
  duplicateNumbers: number;
  problems: ContactProblem[];
}

/** DELETE /campaigns/:id/records/:recordId answer. */
export interface RemoveRecordReply {
  campaign: string;
  record: string;
  state: 'removed';
  /** False when it was already removed. */
  changed: boolean;
}

export function campaignRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { engine } = deps;

  app.get('/campaigns', async (): Promise<{ campaigns: CampaignView[] }> => {
    const ids = [...new Set([...engine.campaignIds(), ...(deps.daemon?.importingIds() ?? [])])].sort();
    return { campaigns: await Promise.all(ids.map((id) => campaignView(deps, id))) };
  });

  app.get<{ Params: { id: string } }>('/campaigns/:id', { schema: { params: IdParams } }, async (req) => campaignView(deps, req.params.id));

  app.post<{ Params: { id: string } }>('/campaigns/:id/pause', { schema: { params: IdParams } }, async (req) => {
    await engine.pause(req.params.id, 'manual');
    return campaignView(deps, req.params.id);
  });

  app.post<{ Params: { id: string } }>('/campaigns/:id/resume', { schema: { params: IdParams } }, async (req) => {
    await engine.resume(req.params.id);
    return campaignView(deps, req.params.id);
  });

  app.post<{ Params: { id: string } }>('/campaigns/:id/complete', { schema: { params: IdParams } }, async (req) => {
    await engine.complete(req.params.id, 'manual');
    return campaignView(deps, req.params.id);
  });

  app.post<{ Params: { id: string }; Body: ContactInput[] }>(
    '/campaigns/:id/records',
    { schema: { params: IdParams, body: ContactsBody } },
    async (req): Promise<AddRecordsReply> => {
      req.body.forEach((c, i) => {
        const bad = recordIdError(c.id) ?? (c.vars === undefined ? null : varsError(c.vars));
        if (bad !== null) throw new DialerdError('DIALERD_ERR_USAGE', `contact ${i} (id ${JSON.stringify(c.id)}): ${bad}`);
      });
      const id = req.params.id;
      const ctx = engine.campaign(id);
      if (!ctx) throw new DialerdError('DIALERD_ERR_CAMPAIGN_NOT_FOUND', id);
      if (ctx.status.state === 'completed') throw new DialerdError('DIALERD_ERR_ILLEGAL_TRANSITION', `add records to campaign ${id}: it is completed`);
      const now = deps.clock.now();
      const built = buildRecords(id, ctx.spec.contacts.region, req.body, Math.max(now, ctx.spec.startAt ?? now), ctx.spec.numbers);
      const added = built.records.length > 0 ? await engine.addRecords(id, built.records) : 0;
      return {
        received: req.body.length,
        added,
        existing: built.records.length - added,
        valid: built.valid,
        invalid: built.invalid,
        duplicateIds: built.duplicateIds,
        duplicateNumbers: built.duplicateNumbers,
        problems: built.problems,
      };
    },
  );

  app.delete<{ Params: { id: string; recordId: string } }>(
    '/campaigns/:id/records/:recordId',
    { schema: { params: RecordParams } },
    async (req): Promise<RemoveRecordReply> => {
      const { id, recordId } = req.params;
      const changed = await engine.removeRecord(id, recordId);
      if (!changed && !(await deps.store.getRecord(id, recordId))) throw new DialerdError('DIALERD_ERR_RECORD_NOT_FOUND', `${recordId} in campaign ${id}`);
      return { campaign: id, record: recordId, state: 'removed', changed };
    },
  );
}
