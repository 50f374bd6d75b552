/** The JSON shapes of one record explained (GET /campaigns/:id/records/:recordId) and of record list rows. */
import type { DialRecord, HistoryRow, RecordState, Result } from '../domain/types.ts';
import { explainWait, type CapsSnapshot, type WaitExplanation } from '../domain/why.ts';
import type { CampaignCtx } from '../engine/campaigns.ts';
import { DialerdError } from '../lib/errors.ts';
import { recordDials, RECORD_DIALS_SCAN } from '../store/record-dials.ts';
import type { ApiDeps } from './deps.ts';

/** Dials of a record the view shows at most (the newest). */
export const RECORD_VIEW_DIALS = 50;

export interface NumberView {
  index: number;
  /** E.164. */
  number: string;
  /** Counted attempts on this number. */
  attempts: number;
  /** The number the record dials next (or is dialing). */
  current: boolean;
  /** On one of the campaign's DNC lists: never dialled, skipped for the next number. */
  dnc: boolean;
  /** Its attempts reached `attempts.per_number`: the record has moved past it. */
  exhausted: boolean;
  /** Time zones it may be in (its prefix). */
  zones: string[];
}

/** GET /campaigns/:id/records/:recordId. */
export interface RecordView {
  campaign: string;
  id: string;
  state: RecordState;
  /** Epoch ms; null when final. */
  nextAt: number | null;
  attempts: number;
  dials: number;
  repeats: number;
  consecutiveErrors: number;
  lastResult: Result | null;
  /** Why it became final (e.g. `dnc +7495…`, the raw numbers of an invalid record). */
  finalReason: string | null;
  timezone: string | null;
  vars: Record<string, string>;
  numbers: NumberView[];
  /** Why it is not being called right now (domain/why.ts). */
  why: WaitExplanation;
  /** Its dials from the history, newest first, at most RECORD_VIEW_DIALS. */
  history: HistoryRow[];
  /** Set when not every dial of it is shown. */
  historyNote: string | null;
}

/** One row of GET /campaigns/:id/records. */
export interface RecordRow {
  id: string;
  state: RecordState;
  /** The number it dials next. */
  number: string | null;
  attempts: number;
  dials: number;
  nextAt: number | null;
  lastResult: Result | null;
  why: WaitExplanation['reason'];
  detail: string;
  /** When the wait ends, if known (epoch ms). */
  until: number | null;
}

/** The campaign's engine context; DIALERD_ERR_CAMPAIGN_NOT_FOUND for an id the engine does not hold. */
export function requireCampaign(deps: ApiDeps, id: string): CampaignCtx {
  const ctx = deps.engine.campaign(id);
  if (!ctx) throw new DialerdError('DIALERD_ERR_CAMPAIGN_NOT_FOUND', id);
  return ctx;
}

/** Why `rec` waits, from the engine's state right now. */
export function explainRecord(deps: ApiDeps, ctx: CampaignCtx, caps: CapsSnapshot, rec: DialRecord, lastDial: HistoryRow | null, now: number): WaitExplanation {
  const { engine } = deps;
  return explainWait({
    record: rec,
    spec: ctx.spec,
    campaign: ctx.status,
    caps,
    numberZones: rec.numbers.map((n) => engine.zonesFor(n)),
    numberDnc: rec.numbers.map((n) => ctx.dnc.has(n)),
    numberLive: rec.numbers.map((n) => engine.numberIsLive(n)),
    lastDial,
    now,
  });
}

export function recordRow(rec: DialRecord, why: WaitExplanation): RecordRow {
  const { id, state, attempts, dials, nextAt, lastResult } = rec;
  return { id, state, number: rec.numbers[rec.numberIndex] ?? null, attempts, dials, nextAt, lastResult, why: why.reason, detail: why.detail, until: why.until };
}

export async function recordView(deps: ApiDeps, campaign: string, recordId: string): Promise<RecordView> {
  const ctx = requireCampaign(deps, campaign);
  const rec = await deps.store.getRecord(campaign, recordId);
  if (!rec) throw new DialerdError('DIALERD_ERR_RECORD_NOT_FOUND', `${recordId} in campaign ${campaign}`);
  const caps = deps.engine.capsSnapshot(campaign)!;
  const dials = await recordDials(deps.store, rec, RECORD_VIEW_DIALS);
  const why = explainRecord(deps, ctx, caps, rec, dials.rows[0] ?? null, deps.clock.now());
  const shown = dials.rows.filter((r) => !r.held).length;
  let historyNote: string | null = null;
  if (shown < rec.dials) {
    historyNote = `${shown} of ${rec.dials} dials shown, newest first`;
    if (!dials.complete && dials.rows.length < RECORD_VIEW_DIALS) historyNote += `; the others are older than the campaign's last ${RECORD_DIALS_SCAN} dials (dialerd history --campaign)`;
  }
  const perNumber = ctx.spec.attempts.perNumber;
  return {
    campaign,
    id: rec.id,
    state: rec.state,
    nextAt: rec.nextAt,
    attempts: rec.attempts,
    dials: rec.dials,
    repeats: rec.repeats,
    consecutiveErrors: rec.consecutiveErrors,
    lastResult: rec.lastResult,
    finalReason: rec.finalReason,
    timezone: rec.timezone,
    vars: rec.vars,
    numbers: rec.numbers.map((number, index) => ({
      index,
      number,
      attempts: rec.numberAttempts[index] ?? 0,
      current: index === rec.numberIndex,
      dnc: ctx.dnc.has(number),
      exhausted: (rec.numberAttempts[index] ?? 0) >= perNumber,
      zones: deps.engine.zonesFor(number),
    })),
    why,
    history: dials.rows,
    historyNote,
  };
}
