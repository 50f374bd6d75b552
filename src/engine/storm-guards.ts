/**
 * One storm guard per campaign (the pure machine is domain/guards.ts): this class keeps their
 * states, feeds them the campaign's settled dials and applies their effects — a trip pauses the
 * campaign (reason `suspect_results`) and undoes the held dials: each record goes back exactly as
 * it was before its dial (store.holdDial), and the dial's history row is marked `held`.
 *
 * Decisions:
 * - Per campaign, on the campaign's trunk: `guards.same_result` is a campaign setting, and the
 *   records to restore are the campaign's. Campaigns sharing a broken trunk each trip on their own
 *   dials. A campaign moved to another trunk (SIGHUP) starts a fresh window.
 * - A record is restored only if it has not changed since the held dial settled (not claimed,
 *   re-dialed, removed or completed meanwhile); otherwise that dial stands (and its row is not
 *   marked). Within a window the records are all different, so a repeat of one of them would
 *   have broken the run.
 * - Not persisted: after a restart the window starts empty (the snapshots are gone); a campaign
 *   paused `suspect_results` stays paused until resumed.
 */
import { stormResume, stormSettle, watchingStorm, type StormDial, type StormEffect, type StormState } from '../domain/guards.ts';
import type { DialRecord, HistoryRow } from '../domain/types.ts';
import type { CampaignCtx } from './campaigns.ts';
import type { LiveDialState } from './dial.ts';
import type { EngineDeps, HeldEvent } from './types.ts';

export interface StormHost {
  /** Pause the campaign with reason `suspect_results`. */
  pause(ctx: CampaignCtx, detail: string): Promise<void>;
  /** A held dial's record was put back. */
  held(e: HeldEvent): void;
}

/** What the guard keeps of a settled dial: its facts and the record before and after it. */
export function stormDial(d: LiveDialState, row: HistoryRow, settled: DialRecord, outcomeLost: boolean): StormDial {
  const dials = d.record.dials - 1;
  const before: DialRecord = { ...d.record, state: dials === 0 ? 'pending' : 'waiting', dials };
  return { dialId: d.id, startedAt: row.startedAt, result: row.result, sip: row.sip, q850: row.q850, outcomeLost, before, after: settled };
}

export class StormGuards {
  private readonly states = new Map<string, StormState>();

  constructor(
    private readonly deps: Pick<EngineDeps, 'store' | 'logger' | 'scheduler'>,
    private readonly host: StormHost,
  ) {}

  /**
   * The campaign's guard on `trunk`. A tripped guard whose campaign runs again left its pause
   * however it did (`campaign resume`, the file's state, a reason clearing): its result is confirmed.
   */
  private state(ctx: CampaignCtx, trunk: string): StormState {
    const s = this.states.get(ctx.spec.id);
    if (!s || s.trunk !== trunk) return watchingStorm(trunk);
    return s.tripped !== null && ctx.status.state === 'running' ? stormResume(s) : s;
  }

  /** Feed a settled dial of the campaign on `trunk` and apply what follows. */
  async settled(ctx: CampaignCtx, trunk: string, dial: StormDial): Promise<void> {
    const step = stormSettle(this.state(ctx, trunk), dial, ctx.spec.guards.sameResultCount);
    this.states.set(ctx.spec.id, step.state);
    for (const e of step.effects) await this.apply(ctx, e);
  }

  private async apply(ctx: CampaignCtx, e: StormEffect): Promise<void> {
    const id = ctx.spec.id;
    if (e.kind === 'trip') {
      this.deps.logger.warn({ campaign: id, result: e.result, dials: e.held.length, detail: e.detail }, `campaign ${id}: storm guard: ${e.detail}; those dials do not count`);
      if (ctx.status.state === 'running' || ctx.status.state === 'paused') await this.host.pause(ctx, e.detail);
    }
    let restored = 0;
    for (const h of e.held) {
      const ok = await this.deps.store.holdDial(id, { dialId: h.dialId, startedAt: h.startedAt, settled: h.after, before: h.before });
      if (!ok) continue;
      restored++;
      this.host.held({ campaign: id, record: h.before.id, dialId: h.dialId, state: h.before.state, at: this.deps.scheduler.now() });
    }
    if (restored < e.held.length) this.deps.logger.info({ campaign: id, held: e.held.length, restored }, `campaign ${id}: storm guard: ${e.held.length - restored} records changed since their dial and keep it`);
  }
}
