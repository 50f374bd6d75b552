/**
 * The campaigns' budgets as the engine keeps them: the daily budget (`limits.max_*`, counted
 * from today's history at load, then per settled dial), the lifetime limits (`limits.total_*`)
 * and each trunk's minute package (`trunks.<name>.minutes`), both counted by the store's
 * `settle` and read once at load. Spent → the campaign pauses with reason `budget` (records stay
 * waiting, live calls finish); the daily part clears at the next day, a lifetime limit or a
 * package only when it is raised (campaign file + SIGHUP; a trunk's package: a restart).
 * The arithmetic is domain/budget.ts.
 */
import type { CampaignEvent } from '../domain/campaign.ts';
import {
  addDial,
  addTotal,
  budgetSpent,
  budgetZone,
  dayOf,
  dayStart,
  dialRoom,
  nextDayStart,
  packageSpent,
  totalDialRoom,
  totalSpent,
  type Totals,
} from '../domain/budget.ts';
import type { HistoryRow } from '../domain/types.ts';
import { historyRows } from '../store/history-pages.ts';
import type { CampaignCtx, ChangeReason } from './campaigns.ts';
import type { EngineDeps } from './types.ts';

export interface BudgetHost {
  event(ctx: CampaignCtx, e: CampaignEvent, reason: ChangeReason): Promise<unknown>;
  guard(p: Promise<unknown>): Promise<void>;
  campaignsOn(trunk: string): CampaignCtx[];
}

export class Budgets {
  /** Each trunk's lifetime usage, read from the store once, then counted per settled dial. */
  private readonly trunkTotals = new Map<string, Totals>();

  constructor(
    private readonly deps: Pick<EngineDeps, 'store' | 'scheduler' | 'trunks'>,
    private readonly host: BudgetHost,
  ) {}

  /** Why the campaign may not dial now (daily budget, lifetime limit, trunk package), or null. */
  spent(ctx: CampaignCtx): string | null {
    const now = this.deps.scheduler.now();
    const trunk = ctx.spec.trunk;
    return (
      budgetSpent(ctx.spec.limits, ctx.usage, dayOf(now, budgetZone(ctx.spec))) ??
      totalSpent(ctx.spec.limits, ctx.totals) ??
      packageSpent(trunk, this.deps.trunks[trunk]?.packageTalkSeconds, this.trunkTotals.get(trunk) ?? { dials: 0, talkSeconds: 0 })
    );
  }

  /** Dials the campaign may start now: daily and lifetime dial limits, counting its `live` dials (Infinity without them). */
  room(ctx: CampaignCtx, live: number): number {
    if (this.spent(ctx)) return 0;
    const day = dayOf(this.deps.scheduler.now(), budgetZone(ctx.spec));
    return Math.min(dialRoom(ctx.spec.limits, ctx.usage, day, live), totalDialRoom(ctx.spec.limits, ctx.totals, live));
  }

  /** At load: today's usage from the call history, lifetime usage of the campaign and its trunk from the store. */
  async seed(ctx: CampaignCtx): Promise<void> {
    const { store, scheduler } = this.deps;
    ctx.totals = await store.usage('campaign', ctx.spec.id);
    if (!this.trunkTotals.has(ctx.spec.trunk)) this.trunkTotals.set(ctx.spec.trunk, await store.usage('trunk', ctx.spec.trunk));
    const { limits } = ctx.spec;
    if (limits.maxDialsPerDay === null && limits.maxTalkSeconds === null) return;
    const now = scheduler.now();
    const zone = budgetZone(ctx.spec);
    const usage = { day: dayOf(now, zone), dials: 0, talkSeconds: 0 };
    for await (const r of historyRows(store, { campaign: ctx.spec.id, from: dayStart(now, zone) })) {
      usage.dials++;
      usage.talkSeconds += r.talkSeconds;
    }
    ctx.usage = usage;
  }

  /** A dial was settled and persisted: count it, then check every campaign on its trunk (the package is shared). */
  async counted(ctx: CampaignCtx | undefined, row: HistoryRow): Promise<void> {
    const t = this.trunkTotals.get(row.trunk);
    if (t) this.trunkTotals.set(row.trunk, addTotal(t, row.talkSeconds));
    if (ctx) {
      ctx.usage = addDial(ctx.usage, dayOf(row.startedAt, budgetZone(ctx.spec)), row.talkSeconds);
      ctx.totals = addTotal(ctx.totals, row.talkSeconds);
    }
    for (const other of this.host.campaignsOn(row.trunk)) if (other !== ctx) await this.check(other);
  }

  /**
   * Spent → pause (reason `budget`); no longer spent (a new day, a raised limit) → a `budget`
   * pause clears. While paused for it, look again at the next day in the campaign's zone.
   */
  async check(ctx: CampaignCtx): Promise<void> {
    const why = this.spent(ctx);
    if (why && ctx.status.state === 'running') {
      await this.host.event(ctx, { type: 'pause', reason: 'budget', detail: why }, 'budget');
    } else if (!why && ctx.status.state === 'paused' && ctx.status.pauseReason === 'budget') {
      await this.host.event(ctx, { type: 'reason_cleared', reason: 'budget' }, null);
    }
    if (ctx.status.state === 'paused' && ctx.status.pauseReason === 'budget' && !ctx.budgetTimer) {
      const at = nextDayStart(this.deps.scheduler.now(), budgetZone(ctx.spec));
      ctx.budgetTimer = this.deps.scheduler.at(at, () => {
        ctx.budgetTimer = null;
        void this.host.guard(this.check(ctx));
      });
    }
  }
}
