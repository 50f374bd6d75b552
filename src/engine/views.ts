/**
 * Read-only views of the engine's state for the control API and /metrics: what each trunk carries
 * now, and what holds a campaign's due records back (domain/why.ts reads the snapshot). Nothing
 * here changes state.
 */
import type { CapsSnapshot } from '../domain/why.ts';
import type { CampaignControl } from './campaign-control.ts';
import type { CampaignCtx } from './campaigns.ts';
import type { Caps } from './caps.ts';
import type { RateLimiter } from './rate.ts';
import type { EngineDeps, TrunkView } from './types.ts';

export interface ViewHost {
  deps: Pick<EngineDeps, 'trunks' | 'scheduler'>;
  caps: Caps;
  control: CampaignControl;
  /** The rate limiters a dial of this campaign must pass (campaign, trunk). */
  rates(ctx: CampaignCtx): RateLimiter[];
}

/** Every configured trunk: live dials, its concurrency cap, its breaker. */
export function trunkViews(h: ViewHost): TrunkView[] {
  return Object.values(h.deps.trunks).map((t) => ({
    name: t.name,
    live: h.caps.liveOnTrunk(t.name),
    concurrency: t.concurrency,
    breaker: h.control.breakers.state(t.name).mode,
  }));
}

/** The caps, rates, breaker and budget a due record of campaign `id` meets now; undefined for an unknown campaign. */
export function capsSnapshot(h: ViewHost, id: string): CapsSnapshot | undefined {
  const ctx = h.control.campaigns.get(id);
  if (!ctx) return undefined;
  const now = h.deps.scheduler.now();
  const trunk = ctx.spec.trunk;
  const rates = h.rates(ctx);
  const live = h.caps.liveFor(id);
  return {
    campaign: { live, max: ctx.spec.concurrency },
    trunk: { name: trunk, live: h.caps.liveOnTrunk(trunk), max: h.deps.trunks[trunk]?.concurrency ?? 0 },
    global: { live: h.caps.live(), max: h.caps.globalCap() },
    cps: { available: Math.min(...rates.map((r) => r.available(now))), nextAt: Math.max(...rates.map((r) => r.nextAt(now))) },
    breaker: h.control.breakers.gate(trunk),
    budget: { room: h.control.budgets.room(ctx, live), spent: h.control.budgets.spent(ctx) },
  };
}
