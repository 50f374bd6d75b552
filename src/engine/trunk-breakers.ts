/**
 * One breaker per trunk (the pure machine is domain/guards.ts): this class keeps their states,
 * feeds them the settled dials and applies their effects — an opened breaker pauses every
 * running campaign on the trunk (reason trunk_funds / trunk_auth / trunk_down, the detail naming
 * the trunk, the codes and how many dials), a closed one kicks them.
 *
 * Not persisted: after a restart a campaign still paused for a trunk fault restores its trunk's
 * breaker open (`restore`), resumable at once, so the first resume still sends one probe dial.
 */
import {
  breakerGate,
  breakerResume,
  breakerSettle,
  breakerStart,
  closedBreaker,
  DEFAULT_BREAKER,
  restoredBreaker,
  type BreakerEffect,
  type BreakerState,
  type SettledDial,
  type TrunkFaultReason,
} from '../domain/guards.ts';
import type { CampaignCtx } from './campaigns.ts';
import type { EngineDeps } from './types.ts';

export interface BreakerHost {
  /** Every campaign whose spec dials through `trunk`. */
  campaignsOn(trunk: string): CampaignCtx[];
  /** Pause a running campaign (automatic reason). */
  pause(ctx: CampaignCtx, reason: TrunkFaultReason, detail: string): Promise<void>;
  kick(ctx: CampaignCtx): void;
}

export class TrunkBreakers {
  private readonly states = new Map<string, BreakerState>();

  constructor(
    private readonly deps: Pick<EngineDeps, 'trunks' | 'logger'>,
    private readonly host: BreakerHost,
  ) {}

  state(trunk: string): BreakerState {
    return this.states.get(trunk) ?? closedBreaker(trunk);
  }

  /** May a dial start on the trunk: `free`, `probe` (one, then call `start`), `wait` (a probe is out) or `open`. */
  gate(trunk: string): ReturnType<typeof breakerGate> {
    return breakerGate(this.state(trunk));
  }

  /** A dial started on the trunk (takes the probe slot when half-open). */
  start(trunk: string, dialId: string): void {
    this.states.set(trunk, breakerStart(this.state(trunk), dialId));
  }

  /** Why resuming a campaign on the trunk is refused right now, or null. */
  refusal(trunk: string, now: number): { reason: TrunkFaultReason; detail: string } | null {
    const a = breakerResume(this.state(trunk), now);
    return a.ok ? null : { reason: a.reason, detail: a.detail };
  }

  /** A campaign on the trunk is resumed: an open breaker past its cool-down half-opens. */
  resume(trunk: string, now: number): void {
    const before = this.state(trunk);
    const a = breakerResume(before, now);
    if (!a.ok || a.state === before) return;
    this.states.set(trunk, a.state);
    this.deps.logger.info({ trunk, reason: before.reason }, `trunk ${trunk}: breaker half-open, one probe dial goes through`);
  }

  /** A campaign loaded paused for a trunk fault (an earlier run): hold its trunk's breaker open. */
  restore(trunk: string, reason: TrunkFaultReason, detail: string | null, now: number): void {
    if (this.state(trunk).mode === 'closed') this.states.set(trunk, restoredBreaker(trunk, reason, detail, now));
  }

  /** Feed a settled dial on `trunk` and apply what follows. */
  async settled(trunk: string, dial: SettledDial): Promise<void> {
    const step = breakerSettle(this.state(trunk), dial, this.deps.trunks[trunk]?.breaker ?? DEFAULT_BREAKER);
    this.states.set(trunk, step.state);
    for (const e of step.effects) await this.apply(e);
  }

  /** A running campaign met its trunk's open breaker (it started or was resumed meanwhile): pause it too. */
  async pauseIfOpen(ctx: CampaignCtx): Promise<void> {
    const s = this.state(ctx.spec.trunk);
    if (s.mode === 'open' && s.reason && ctx.status.state === 'running') await this.host.pause(ctx, s.reason, s.detail ?? s.reason);
  }

  private async apply(e: BreakerEffect): Promise<void> {
    if (e.kind === 'open') {
      this.deps.logger.warn({ trunk: e.trunk, reason: e.reason, dials: e.dials, detail: e.detail }, `trunk ${e.trunk}: breaker open (${e.reason}): ${e.detail}`);
      for (const ctx of this.host.campaignsOn(e.trunk)) if (ctx.status.state === 'running') await this.host.pause(ctx, e.reason, e.detail);
    } else {
      this.deps.logger.info({ trunk: e.trunk, detail: e.detail }, `trunk ${e.trunk}: breaker closed: ${e.detail}`);
      for (const ctx of this.host.campaignsOn(e.trunk)) this.host.kick(ctx);
    }
  }
}
