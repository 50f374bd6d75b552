/**
 * The campaigns the engine runs and their state changes: desired state from the file,
 * start_at / end_at timers, pause / resume / complete, automatic pauses (PBX down, errors, a
 * rule, the trunk breakers, budgets in engine/budgets.ts, a campaign file gone) and
 * auto-completion. Every change goes through the pure `domain/campaign` transition (see
 * applyCampaignEvent); the dialing itself is the Engine's.
 */
import type { CampaignEvent } from '../domain/campaign.ts';
import type { CampaignSpec, PauseReason } from '../domain/types.ts';
import { DialerdError } from '../lib/errors.ts';
import { isTrunkFaultReason } from '../domain/guards.ts';
import type { PbxAdapter } from '../pbx/port.ts';
import { StormGuards } from './storm-guards.ts';
import { Budgets } from './budgets.ts';
import { TrunkBreakers } from './trunk-breakers.ts';
import { applyCampaignEvent, cancelTimers, newCtx, type CampaignCtx, type ChangeReason } from './campaigns.ts';
import type { CampaignChange, DncCheck, EngineDeps, HeldEvent } from './types.ts';

/** What the control needs from the engine. */
export interface ControlHost {
  /** Run the campaign's pump (dialing). */
  kick(ctx: CampaignCtx): void;
  /** Live dials of a campaign. */
  liveFor(campaign: string): number;
  /** A state change happened (announce it). */
  announce(change: CampaignChange): void;
  /** Run a background step without letting it crash the daemon. */
  guard(p: Promise<unknown>): Promise<void>;
  /** The storm guard put a record back (announce it). */
  held(e: HeldEvent): void;
}

export class CampaignControl {
  readonly campaigns = new Map<string, CampaignCtx>();
  /** One breaker per trunk: trunk faults pause every campaign on it. */
  readonly breakers: TrunkBreakers;
  /** One storm guard per campaign: a run of one suspect result pauses it and does not count. */
  readonly storms: StormGuards;
  /** Daily budgets, lifetime limits and trunk minute packages (reason `budget`). */
  readonly budgets: Budgets;

  constructor(
    private readonly deps: Pick<EngineDeps, 'store' | 'logger' | 'scheduler' | 'trunks' | 'pbxes'>,
    private readonly host: ControlHost,
  ) {
    this.breakers = new TrunkBreakers(deps, {
      campaignsOn: (trunk) => [...this.campaigns.values()].filter((c) => c.spec.trunk === trunk),
      pause: async (ctx, reason, detail) => void (await this.event(ctx, { type: 'pause', reason, detail }, reason)),
      kick: (ctx) => host.kick(ctx),
    });
    this.storms = new StormGuards(deps, {
      pause: async (ctx, detail) => void (await this.event(ctx, { type: 'pause', reason: 'suspect_results', detail }, 'suspect_results')),
      held: (e) => host.held(e),
    });
    this.budgets = new Budgets(deps, {
      event: (ctx, e, reason) => this.event(ctx, e, reason),
      guard: (p) => host.guard(p),
      campaignsOn: (trunk) => [...this.campaigns.values()].filter((c) => c.spec.trunk === trunk),
    });
  }

  get(id: string): CampaignCtx | undefined {
    return this.campaigns.get(id);
  }

  /**
   * Add a campaign or replace its spec (SIGHUP). Its desired state from the file is applied;
   * a state persisted by an earlier run (completed, paused by hand) wins over the file's
   * `running`.
   */
  async upsert(spec: CampaignSpec, dnc: DncCheck): Promise<void> {
    const now = this.deps.scheduler.now();
    let ctx = this.campaigns.get(spec.id);
    if (ctx) {
      const before = ctx.spec.state;
      ctx.spec = spec;
      ctx.dnc = dnc;
      await this.fileMissing(spec.id, null);
      if (spec.state !== before) await this.applyEdit(ctx, now);
      await this.budgets.check(ctx); // a limit raised (or lowered) in the file
      this.armTimers(ctx);
      this.host.kick(ctx);
      return;
    }
    ctx = newCtx(spec, dnc);
    this.campaigns.set(spec.id, ctx);
    const saved = await this.deps.store.getCampaign(spec.id);
    if (saved) {
      ctx.status = { state: saved.state, pauseReason: saved.pauseReason, pauseDetail: saved.pauseDetail };
      ctx.consecutiveErrors = saved.consecutiveErrors;
    }
    await this.budgets.seed(ctx); // before an earlier run's `budget` pause is re-evaluated
    if (!saved || saved.state === 'draft' || saved.state === 'scheduled' || (saved.state === 'running' && spec.state !== 'running')) {
      await this.applyDesired(ctx, now);
    }
    const reason = ctx.status.state === 'paused' ? ctx.status.pauseReason : null;
    if (isTrunkFaultReason(reason)) {
      // Paused by a trunk breaker in an earlier run: it stays paused until resumed, and that resume probes.
      this.breakers.restore(spec.trunk, reason, ctx.status.pauseDetail, now);
    } else if (reason && reason !== 'manual' && reason !== 'errors' && reason !== 'suspect_results') {
      // An automatic reason from an earlier run: re-evaluate it now.
      if (!this.activeReasons(ctx).includes(reason)) await this.event(ctx, { type: 'reason_cleared', reason }, null);
    }
    await this.checkPbxPause(ctx);
    await this.budgets.check(ctx);
    this.armTimers(ctx);
    this.host.kick(ctx);
  }

  private async applyDesired(ctx: CampaignCtx, now: number): Promise<void> {
    const s = ctx.spec;
    if (s.state === 'running' || s.state === 'scheduled') await this.event(ctx, { type: 'activate', now, startAt: s.startAt }, null);
    else if (s.state === 'paused') {
      await this.event(ctx, { type: 'activate', now, startAt: s.startAt }, null);
      await this.event(ctx, { type: 'pause', reason: 'manual' }, 'manual');
    } else if (s.state === 'completed') await this.complete(s.id, 'manual');
  }

  /** The file's desired state was edited (SIGHUP): pause, resume, complete or re-activate. */
  private async applyEdit(ctx: CampaignCtx, now: number): Promise<void> {
    const want = ctx.spec.state;
    const st = ctx.status.state;
    if (want === 'completed') await this.complete(ctx.spec.id, 'manual');
    else if (want === 'paused' && (st === 'running' || st === 'scheduled')) await this.event(ctx, { type: 'pause', reason: 'manual' }, 'manual');
    else if ((want === 'running' || want === 'scheduled') && st === 'paused' && ctx.status.pauseReason === 'manual') {
      this.resumeBreaker(ctx, now);
      await this.event(ctx, { type: 'resume', activeReasons: this.activeReasons(ctx), now, startAt: ctx.spec.startAt }, null);
    } else if ((want === 'running' || want === 'scheduled') && st === 'draft') await this.event(ctx, { type: 'activate', now, startAt: ctx.spec.startAt }, null);
    else if (want === 'draft' && st === 'scheduled') await this.event(ctx, { type: 'draft' }, null);
  }

  private armTimers(ctx: CampaignCtx): void {
    const s = this.deps.scheduler;
    ctx.startTimer?.cancel();
    ctx.endTimer?.cancel();
    ctx.startTimer = null;
    ctx.endTimer = null;
    if (ctx.status.state === 'scheduled' && ctx.spec.startAt !== null) {
      ctx.startTimer = s.at(ctx.spec.startAt, () => void this.host.guard(this.event(ctx, { type: 'start_due' }, 'start_at').then(() => this.host.kick(ctx))));
    }
    if (ctx.spec.endAt !== null && ctx.status.state !== 'completed') {
      ctx.endTimer = s.at(ctx.spec.endAt, () => void this.host.guard(this.complete(ctx.spec.id, 'end_at')));
    }
  }

  /** Manual pause: live calls finish, no new dial starts. */
  async pause(id: string, reason: PauseReason = 'manual', detail?: string): Promise<void> {
    const ctx = this.require(id);
    await this.event(ctx, { type: 'pause', reason, ...(detail ? { detail } : {}) }, reason === 'manual' ? 'manual' : reason);
  }

  /**
   * Resume; refused (DIALERD_ERR_RESUME_REFUSED) while an automatic reason still holds, and while
   * the trunk's breaker is open (its cool-down); past that, the breaker half-opens: one probe dial.
   */
  async resume(id: string): Promise<void> {
    const ctx = this.require(id);
    const now = this.deps.scheduler.now();
    const refused = ctx.status.state === 'paused' ? this.breakers.refusal(ctx.spec.trunk, now) : null;
    if (refused) throw new DialerdError('DIALERD_ERR_RESUME_REFUSED', `${refused.reason} (${refused.detail}) still holds`);
    this.resumeBreaker(ctx, now);
    // Before the event, which persists it: a resume must survive the next restart.
    ctx.consecutiveErrors = 0;
    await this.event(ctx, { type: 'resume', activeReasons: this.activeReasons(ctx), now, startAt: ctx.spec.startAt }, null);
    this.armTimers(ctx);
    this.host.kick(ctx);
  }

  /** Complete: remaining records become `cancelled`; live calls finish. */
  async complete(id: string, by: 'manual' | 'done' | 'end_at' | 'deleted'): Promise<void> {
    const ctx = this.require(id);
    if (ctx.status.state === 'completed') return;
    await this.event(ctx, { type: 'complete', by }, by);
    cancelTimers(ctx);
    ctx.budgetTimer = null;
    const n = await this.deps.store.finalizeAll(id, 'cancelled', `campaign completed (${by})`);
    if (n > 0) this.deps.logger.info({ campaign: id, records: n }, `campaign ${id}: ${n} records cancelled`);
  }

  /**
   * The campaign's file is gone or unreadable (`why`), or back (null). Gone: a running campaign
   * pauses (`file_missing`; nothing is cancelled) and resume is refused while it stays gone. Back:
   * a `file_missing` pause clears, so the campaign returns to running; any other state it had
   * (paused by hand, scheduled, …) is kept as it was.
   */
  async fileMissing(id: string, why: string | null): Promise<void> {
    const ctx = this.require(id);
    ctx.fileMissing = why;
    if (why && ctx.status.state === 'running') await this.event(ctx, { type: 'pause', reason: 'file_missing', detail: why }, 'file_missing');
    else if (!why && ctx.status.state === 'paused' && ctx.status.pauseReason === 'file_missing') {
      await this.event(ctx, { type: 'reason_cleared', reason: 'file_missing' }, null);
    }
  }

  require(id: string): CampaignCtx {
    const ctx = this.campaigns.get(id);
    if (!ctx) throw new DialerdError('DIALERD_ERR_CAMPAIGN_NOT_FOUND', id);
    return ctx;
  }

  private async event(ctx: CampaignCtx, e: CampaignEvent, reason: ChangeReason): Promise<CampaignChange | null> {
    const change = await applyCampaignEvent(ctx, e, reason, { store: this.deps.store, logger: this.deps.logger, now: this.deps.scheduler.now() });
    if (change) {
      this.host.announce(change);
      if (change.to === 'running') {
        // Another reason cleared (or start_at came) while the file is gone: it pauses again for that.
        if (ctx.fileMissing) await this.fileMissing(ctx.spec.id, ctx.fileMissing);
        else this.host.kick(ctx);
      }
    }
    return change;
  }

  /** Automatic pause reasons that hold right now for this campaign. */
  private activeReasons(ctx: CampaignCtx): PauseReason[] {
    const breaker = this.breakers.refusal(ctx.spec.trunk, this.deps.scheduler.now());
    const file = ctx.fileMissing ? (['file_missing'] as const) : [];
    return [...this.pbxReasons(ctx), ...(this.budgets.spent(ctx) ? (['budget'] as const) : []), ...(breaker ? [breaker.reason] : []), ...file];
  }

  /** A paused campaign is about to resume: when nothing else holds it, its trunk's breaker half-opens. */
  private resumeBreaker(ctx: CampaignCtx, now: number): void {
    if (ctx.status.state === 'paused' && this.activeReasons(ctx).length === 0) this.breakers.resume(ctx.spec.trunk, now);
  }

  private pbxReasons(ctx: CampaignCtx): PauseReason[] {
    const pbx = this.pbxOf(ctx);
    if (!pbx) return ['trunk_down'];
    const st = pbx.status();
    if (st === 'auth_failed') return ['pbx_auth'];
    if (st !== 'up') return ['pbx_down'];
    return [];
  }

  async checkPbxPause(ctx: CampaignCtx): Promise<void> {
    const held = this.pbxReasons(ctx);
    if (ctx.status.state === 'running' && held.length > 0) {
      await this.event(ctx, { type: 'pause', reason: held[0]!, detail: `${this.pbxOf(ctx)?.name ?? ctx.spec.trunk}` }, held[0]!);
    } else if (ctx.status.state === 'paused' && ctx.status.pauseReason && held.length === 0 && this.pbxClears(ctx, ctx.status.pauseReason)) {
      await this.event(ctx, { type: 'reason_cleared', reason: ctx.status.pauseReason }, null);
    }
  }

  /** `trunk_down` is also the breaker's (errors): the PBX coming back clears it only while that breaker is closed. */
  private pbxClears(ctx: CampaignCtx, reason: PauseReason): boolean {
    if (reason === 'trunk_down') return this.breakers.state(ctx.spec.trunk).mode === 'closed';
    return reason === 'pbx_down' || reason === 'pbx_auth';
  }

  pbxOf(ctx: CampaignCtx): PbxAdapter | undefined {
    const trunk = this.deps.trunks[ctx.spec.trunk];
    return trunk ? this.deps.pbxes.get(trunk.pbx) : undefined;
  }

  /**
   * `noEvidence`: the outcome was lost or the PBX went away; like `cancelled` it leaves the
   * campaign's consecutive-error count alone (a PBX restart must never pause it with `errors`).
   */
  async afterResult(ctx: CampaignCtx, result: string, pauseRule: boolean, noEvidence = false): Promise<void> {
    if (!noEvidence && result !== 'cancelled') ctx.consecutiveErrors = result === 'error' ? ctx.consecutiveErrors + 1 : 0;
    if (ctx.status.state === 'running') {
      if (pauseRule) await this.event(ctx, { type: 'pause', reason: 'rule', detail: 'a rule asked to pause the campaign' }, 'rule');
      else if (ctx.consecutiveErrors >= ctx.spec.maxConsecutiveErrors) {
        await this.event(ctx, { type: 'pause', reason: 'errors', detail: `${ctx.consecutiveErrors} consecutive errors` }, 'errors');
      }
    }
    await this.budgets.check(ctx);
    await this.checkDone(ctx);
  }

  /** Auto-complete when every record is final and nothing is live (`complete_when_done`). */
  async checkDone(ctx: CampaignCtx): Promise<void> {
    if (!ctx.spec.completeWhenDone || ctx.status.state !== 'running' || this.host.liveFor(ctx.spec.id) > 0) return;
    const c = await this.deps.store.counts(ctx.spec.id);
    const open = (c.states.pending ?? 0) + (c.states.waiting ?? 0) + (c.states.dialing ?? 0);
    if (open === 0 && ctx.status.state === 'running') await this.complete(ctx.spec.id, 'done');
  }
}
