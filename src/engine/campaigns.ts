/**
 * A campaign as the engine holds it, and its state changes: every change goes through the
 * pure `domain/campaign` transition, is persisted, logged `old -> new`, and announced.
 */
import { transition, type CampaignEvent, type CampaignStatus } from '../domain/campaign.ts';
import type { CampaignSpec, PauseReason } from '../domain/types.ts';
import type { Timer } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Store } from '../store/port.ts';
import type { BudgetUsage, Totals } from '../domain/budget.ts';
import type { CampaignChange, DncCheck } from './types.ts';

export interface CampaignCtx {
  spec: CampaignSpec;
  dnc: DncCheck;
  status: CampaignStatus;
  /** Consecutive `error` results across the campaign. */
  consecutiveErrors: number;
  wake: { at: number; timer: Timer } | null;
  startTimer: Timer | null;
  endTimer: Timer | null;
  pumping: boolean;
  again: boolean;
  /** Records may be left `dialing` with no live dial (start, store outage, pump failure): recover before claiming. */
  recover: boolean;
  /** Today's dials and talk time, against `spec.limits`. */
  usage: BudgetUsage;
  /** Lifetime dials and talk time (the store's count), against `spec.limits.total_*`. */
  totals: Totals;
  /** Wakes a budget pause at the next day. */
  budgetTimer: Timer | null;
  /** Why its file is gone or unreadable (SIGHUP), or null while it is there: reason `file_missing`. */
  fileMissing: string | null;
}

export function newCtx(spec: CampaignSpec, dnc: DncCheck): CampaignCtx {
  return {
    spec,
    dnc,
    status: { state: 'draft', pauseReason: null, pauseDetail: null },
    consecutiveErrors: 0,
    wake: null,
    startTimer: null,
    endTimer: null,
    pumping: false,
    again: false,
    recover: true,
    usage: { day: '', dials: 0, talkSeconds: 0 },
    totals: { dials: 0, talkSeconds: 0 },
    budgetTimer: null,
    fileMissing: null,
  };
}

/** Cancel every timer the campaign holds (its wake-up, start_at, end_at, the budget's next day). */
export function cancelTimers(ctx: CampaignCtx): void {
  ctx.wake?.timer.cancel();
  ctx.wake = null;
  ctx.startTimer?.cancel();
  ctx.endTimer?.cancel();
  ctx.budgetTimer?.cancel();
}

export type ChangeReason = CampaignChange['reason'];

/**
 * Apply one event. Returns the change (null when nothing changed) or throws the domain's
 * typed error for an illegal move.
 */
export async function applyCampaignEvent(
  ctx: CampaignCtx,
  event: CampaignEvent,
  reason: ChangeReason,
  deps: { store: Store; logger: Logger; now: number },
): Promise<CampaignChange | null> {
  const r = transition(ctx.status, event);
  if (!r.ok) throw r.error;
  if (!r.changed) return null;
  const from = ctx.status.state;
  ctx.status = r.status;
  const change: CampaignChange = {
    id: ctx.spec.id,
    from,
    to: r.status.state,
    reason: reason ?? (r.status.pauseReason as PauseReason | null),
    detail: r.status.pauseDetail,
    at: deps.now,
  };
  await deps.store.putCampaign({
    id: ctx.spec.id,
    state: r.status.state,
    pauseReason: r.status.pauseReason,
    pauseDetail: r.status.pauseDetail,
    consecutiveErrors: ctx.consecutiveErrors,
    updatedAt: deps.now,
  });
  deps.logger.info(
    { campaign: ctx.spec.id, from, to: change.to, reason: change.reason, detail: change.detail },
    `campaign ${ctx.spec.id}: ${from} -> ${change.to}${change.reason ? ` (${change.reason})` : ''}`,
  );
  return change;
}
