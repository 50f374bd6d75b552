/**
 * The dialing engine: picks due records, respects the caps, originates through the PBX port,
 * settles results through the domain, and drives campaign state.
 *
 * Guarantees:
 * - Caps (campaign, trunk, global) are reserved synchronously before originate and released
 *   exactly once, after the dial is settled and persisted: never exceeded under any event order.
 * - A number is never in two live dials (across records and campaigns).
 * - No busy polling and no overlapping loops: one pump per campaign at a time; it sleeps until
 *   the next due instant, a freed slot, or a rate token.
 * - A dial is settled once (the store's settle is idempotent too); a settle that fails because
 *   the store is down is retried until it succeeds, holding its slot meanwhile.
 */
import { EventEmitter } from 'node:events';
import type { CampaignEvent } from '../domain/campaign.ts';
import { mapResult } from '../domain/results.ts';
import { currentAttempt, decide } from '../domain/retry.ts';
import type { CampaignSpec, DialRecord, FinalState, PauseReason } from '../domain/types.ts';
import { isOpen, nextOpen, zonesToCheck } from '../domain/windows.ts';
import { DialerdError } from '../lib/errors.ts';
import { emptyEndFacts, type EndFacts, type PbxAdapter, type PbxEvent } from '../pbx/port.ts';
import { Caps } from './caps.ts';
import { applyCampaignEvent, newCtx, type CampaignCtx, type ChangeReason } from './campaigns.ts';
import { recoverClaims } from './recover.ts';
import { historyRow, liveDial, rawFacts, type LiveDialState } from './dial.ts';
import type { RateLimiter } from './rate.ts';
import type { CampaignChange, DncCheck, EngineDeps, EngineEvents } from './types.ts';

/** Records claimed per store round trip. */
const BATCH = 64;
/** A number already in a live dial is tried again this much later. */
const NUMBER_BUSY_DELAY_MS = 15_000;
/** When no calling window opens within the horizon, look again this much later. */
const NO_WINDOW_DELAY_MS = 86_400_000;

export class Engine extends EventEmitter {
  private readonly campaigns = new Map<string, CampaignCtx>();
  private readonly dials = new Map<string, LiveDialState>();
  private readonly liveNumbers = new Set<string>();
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly caps: Caps;
  private readonly unsubscribe: (() => void)[] = [];
  private stopping = false;
  /** stop() has finished: dials not settled by now are left to the next start's reconciliation. */
  private stopped = false;
  /** PBXes whose live dials have been reconciled since their link came up: only these dial. */
  private readonly ready = new Set<string>();
  private begun = false;
  private storeUp = true;
  private idleWaiters: (() => void)[] = [];
  /** Settles waiting to retry: the store coming back retries them at once, not after their backoff. */
  private storeWaiters: (() => void)[] = [];

  constructor(private readonly deps: EngineDeps) {
    super();
    this.caps = new Caps(deps.maxConcurrency, {
      campaign: (id) => this.campaigns.get(id)?.spec.concurrency ?? 0,
      trunk: (name) => deps.trunks[name]?.concurrency ?? 0,
    });
    for (const pbx of deps.pbxes.values()) this.unsubscribe.push(pbx.on((e) => this.onPbxEvent(pbx, e)));
    const off = deps.store.onStatus?.((up, reason) => this.onStoreStatus(up, reason));
    if (off) this.unsubscribe.push(off);
  }

  override emit<K extends keyof EngineEvents>(event: K, ...args: Parameters<EngineEvents[K]>): boolean {
    return super.emit(event, ...args);
  }

  override on<K extends keyof EngineEvents>(event: K, listener: EngineEvents[K]): this {
    return super.on(event, listener);
  }

  /** Live dials right now (all campaigns). */
  live(): number {
    return this.caps.live();
  }

  liveFor(campaign: string): number {
    return this.caps.liveFor(campaign);
  }

  campaign(id: string): CampaignCtx | undefined {
    return this.campaigns.get(id);
  }

  campaignIds(): string[] {
    return [...this.campaigns.keys()];
  }

  // ---- campaigns -------------------------------------------------------------------------

  /**
   * Add a campaign or replace its spec (SIGHUP). Its desired state from the file is applied;
   * a state persisted by an earlier run (completed, paused by hand) wins over the file's
   * `running`.
   */
  async upsertCampaign(spec: CampaignSpec, dnc: DncCheck): Promise<void> {
    const now = this.deps.scheduler.now();
    let ctx = this.campaigns.get(spec.id);
    if (ctx) {
      const before = ctx.spec.state;
      ctx.spec = spec;
      ctx.dnc = dnc;
      if (spec.state !== before) await this.applyEdit(ctx, now);
      this.armTimers(ctx);
      this.kick(ctx);
      return;
    }
    ctx = newCtx(spec, dnc);
    this.campaigns.set(spec.id, ctx);
    const saved = await this.deps.store.getCampaign(spec.id);
    if (saved) {
      ctx.status = { state: saved.state, pauseReason: saved.pauseReason, pauseDetail: saved.pauseDetail };
      ctx.consecutiveErrors = saved.consecutiveErrors;
    }
    if (!saved || saved.state === 'draft' || saved.state === 'scheduled' || (saved.state === 'running' && spec.state !== 'running')) {
      await this.applyDesired(ctx, now);
    }
    if (ctx.status.state === 'paused' && ctx.status.pauseReason && ctx.status.pauseReason !== 'manual' && ctx.status.pauseReason !== 'errors') {
      // An automatic reason from an earlier run: re-evaluate it now.
      if (!this.activeReasons(ctx).includes(ctx.status.pauseReason)) await this.event(ctx, { type: 'reason_cleared', reason: ctx.status.pauseReason }, null);
    }
    await this.checkPbxPause(ctx);
    this.armTimers(ctx);
    this.kick(ctx);
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
      ctx.startTimer = s.at(ctx.spec.startAt, () => void this.guard(this.event(ctx, { type: 'start_due' }, 'start_at').then(() => this.kick(ctx))));
    }
    if (ctx.spec.endAt !== null && ctx.status.state !== 'completed') {
      ctx.endTimer = s.at(ctx.spec.endAt, () => void this.guard(this.complete(ctx.spec.id, 'end_at')));
    }
  }

  /** Manual pause: live calls finish, no new dial starts. */
  async pause(id: string, reason: PauseReason = 'manual', detail?: string): Promise<void> {
    const ctx = this.ctx(id);
    await this.event(ctx, { type: 'pause', reason, ...(detail ? { detail } : {}) }, reason === 'manual' ? 'manual' : reason);
  }

  /** Resume; refused (DIALERD_ERR_RESUME_REFUSED) while an automatic reason still holds. */
  async resume(id: string): Promise<void> {
    const ctx = this.ctx(id);
    await this.event(ctx, { type: 'resume', activeReasons: this.activeReasons(ctx), now: this.deps.scheduler.now(), startAt: ctx.spec.startAt }, null);
    this.armTimers(ctx);
    ctx.consecutiveErrors = 0;
    this.kick(ctx);
  }

  /** Complete: remaining records become `cancelled`; live calls finish. */
  async complete(id: string, by: 'manual' | 'done' | 'end_at' | 'deleted'): Promise<void> {
    const ctx = this.ctx(id);
    if (ctx.status.state === 'completed') return;
    await this.event(ctx, { type: 'complete', by }, by);
    ctx.wake?.timer.cancel();
    ctx.wake = null;
    ctx.startTimer?.cancel();
    ctx.endTimer?.cancel();
    const n = await this.deps.store.finalizeAll(id, 'cancelled', `campaign completed (${by})`);
    if (n > 0) this.deps.logger.info({ campaign: id, records: n }, `campaign ${id}: ${n} records cancelled`);
  }

  /** Add records (import, or to a running campaign). Ids already present are left alone. */
  async addRecords(id: string, records: DialRecord[]): Promise<number> {
    const added = await this.deps.store.addRecords(id, records);
    const now = this.deps.scheduler.now();
    if (added > 0) for (const r of records) if (r.state === 'invalid') this.emit('final', { campaign: id, record: r.id, state: 'invalid', reason: r.finalReason, at: now });
    const ctx = this.campaigns.get(id);
    if (ctx) this.kick(ctx);
    return added;
  }

  /** Remove a record: `removed`; a live dial on it is hung up. */
  async removeRecord(id: string, recordId: string): Promise<boolean> {
    this.ctx(id);
    const ok = await this.deps.store.removeRecord(id, recordId);
    if (!ok) return false;
    for (const d of this.dials.values()) if (d.spec.id === id && d.record.id === recordId) await this.hangup(d);
    this.emit('final', { campaign: id, record: recordId, state: 'removed', reason: 'removed', at: this.deps.scheduler.now() });
    return true;
  }

  private ctx(id: string): CampaignCtx {
    const ctx = this.campaigns.get(id);
    if (!ctx) throw new DialerdError('DIALERD_ERR_CAMPAIGN_NOT_FOUND', id);
    return ctx;
  }

  private async event(ctx: CampaignCtx, e: CampaignEvent, reason: ChangeReason): Promise<CampaignChange | null> {
    const change = await applyCampaignEvent(ctx, e, reason, { store: this.deps.store, logger: this.deps.logger, now: this.deps.scheduler.now() });
    if (change) {
      this.emit('campaign', change);
      if (change.to === 'running') this.kick(ctx);
      if (change.to === 'completed') this.wakeIdle();
    }
    return change;
  }

  /** Automatic pause reasons that hold right now for this campaign. */
  private activeReasons(ctx: CampaignCtx): PauseReason[] {
    const pbx = this.pbxOf(ctx);
    if (!pbx) return ['trunk_down'];
    const st = pbx.status();
    if (st === 'auth_failed') return ['pbx_auth'];
    if (st !== 'up') return ['pbx_down'];
    return [];
  }

  private async checkPbxPause(ctx: CampaignCtx): Promise<void> {
    const held = this.activeReasons(ctx);
    if (ctx.status.state === 'running' && held.length > 0) {
      await this.event(ctx, { type: 'pause', reason: held[0]!, detail: `${this.pbxOf(ctx)?.name ?? ctx.spec.trunk}` }, held[0]!);
    } else if (ctx.status.state === 'paused' && ctx.status.pauseReason && held.length === 0 && ['pbx_down', 'pbx_auth', 'trunk_down'].includes(ctx.status.pauseReason)) {
      await this.event(ctx, { type: 'reason_cleared', reason: ctx.status.pauseReason }, null);
    }
  }

  private pbxOf(ctx: CampaignCtx): PbxAdapter | undefined {
    const trunk = this.deps.trunks[ctx.spec.trunk];
    return trunk ? this.deps.pbxes.get(trunk.pbx) : undefined;
  }

  // ---- the pump --------------------------------------------------------------------------

  private dialable(ctx: CampaignCtx): boolean {
    const pbx = this.pbxOf(ctx);
    return this.begun && !this.stopping && this.storeUp && ctx.status.state === 'running' && pbx?.status() === 'up' && this.ready.has(pbx.name);
  }

  /**
   * Start dialing: reconcile every PBX that is up, then pump. Until then nothing dials, so
   * calls a previous run left live are counted against the caps before any new one starts.
   */
  async begin(): Promise<void> {
    for (const pbx of this.deps.pbxes.values()) if (pbx.status() === 'up') await this.reconcilePbx(pbx);
    this.begun = true;
    this.kickAll();
  }

  private async reconcilePbx(pbx: PbxAdapter): Promise<void> {
    try {
      await this.reconcile(pbx.name);
      if (pbx.status() === 'up') this.ready.add(pbx.name);
    } catch (err) {
      this.deps.logger.warn({ pbx: pbx.name, err: errText(err) }, 'reconciliation failed; will retry when the link is up again');
    }
  }

  /** Run the campaign's pump, never two at once: a kick during a pump runs it again after. */
  kick(ctx: CampaignCtx): void {
    if (ctx.pumping) {
      ctx.again = true;
      return;
    }
    ctx.pumping = true;
    ctx.again = false;
    void this.pump(ctx)
      .catch((err) => this.onPumpError(ctx, err))
      .finally(() => {
        ctx.pumping = false;
        if (ctx.again) this.kick(ctx);
      });
  }

  private kickAll(): void {
    for (const ctx of this.campaigns.values()) this.kick(ctx);
  }

  private sleepUntil(ctx: CampaignCtx, at: number): void {
    if (ctx.wake && ctx.wake.at <= at) return;
    ctx.wake?.timer.cancel();
    const timer = this.deps.scheduler.at(at, () => {
      if (ctx.wake?.timer === timer) ctx.wake = null;
      this.kick(ctx);
    });
    ctx.wake = { at, timer };
  }

  private limiter(key: string, cps: number): RateLimiter {
    // The rate is part of the key: an edited calls_per_second takes effect at the next dial.
    const k = `${key}@${cps}`;
    let l = this.limiters.get(k);
    if (!l) {
      l = this.deps.rateLimiter(cps);
      this.limiters.set(k, l);
    }
    return l;
  }

  /** The trunk's and the campaign's calls-per-second limiters: a start needs both. */
  private rates(ctx: CampaignCtx): [RateLimiter, RateLimiter] {
    const trunk = this.deps.trunks[ctx.spec.trunk]!;
    return [this.limiter(`trunk:${trunk.name}`, trunk.callsPerSecond), this.limiter(`campaign:${ctx.spec.id}`, ctx.spec.callsPerSecond)];
  }

  private async pump(ctx: CampaignCtx): Promise<void> {
    const { store, scheduler } = this.deps;
    const trunk = ctx.spec.trunk;
    if (ctx.recover && this.dialable(ctx)) {
      const own = [...this.dials.values()].filter((d) => d.spec.id === ctx.spec.id).map((d) => d.record.id);
      const n = await recoverClaims(store, ctx.spec.id, own);
      ctx.recover = false;
      if (n > 0) this.deps.logger.warn({ campaign: ctx.spec.id, records: n }, `campaign ${ctx.spec.id}: ${n} records left dialing with no live dial are due again`);
    }
    for (;;) {
      if (!this.dialable(ctx)) return;
      const free = this.caps.free(ctx.spec.id, trunk);
      if (free <= 0) return; // a freed slot kicks us
      const now = scheduler.now();
      const rates = this.rates(ctx);
      const tokens = Math.min(...rates.map((r) => r.available(now)));
      if (tokens <= 0) {
        this.sleepUntil(ctx, Math.max(...rates.map((r) => r.nextAt(now))));
        return;
      }
      const want = Math.min(free, tokens, BATCH);
      const claimed = await store.claimDue(ctx.spec.id, now, want);
      for (const rec of claimed) await this.startOrDefer(ctx, rec);
      if (claimed.length < want) {
        const next = await store.nextDueAt(ctx.spec.id);
        if (next !== null) this.sleepUntil(ctx, Math.max(next, scheduler.now() + 1));
        else await this.checkDone(ctx);
        return;
      }
    }
  }

  /** Put a claimed record back with a new schedule, or final. */
  private async putBack(rec: DialRecord, nextAt: number | null, final?: { state: FinalState; reason: string }): Promise<void> {
    const back: DialRecord = final
      ? { ...rec, state: final.state, nextAt: null, finalReason: final.reason }
      : { ...rec, state: rec.dials === 0 ? 'pending' : 'waiting', nextAt };
    await this.deps.store.release(back);
    if (final) this.emit('final', { campaign: rec.campaign, record: rec.id, state: final.state, reason: final.reason, at: this.deps.scheduler.now() });
  }

  private async startOrDefer(ctx: CampaignCtx, rec: DialRecord): Promise<void> {
    const now = this.deps.scheduler.now();
    const spec = ctx.spec;
    const number = rec.numbers[rec.numberIndex];
    if (number === undefined) return this.putBack(rec, null, { state: 'exhausted', reason: 'no_number' });
    if (ctx.dnc.has(number)) {
      // Only this number is blocked: the record goes on with its next number that may be dialed.
      const next = rec.numbers.findIndex((n, i) => i > rec.numberIndex && rec.numberAttempts[i]! < spec.attempts.perNumber && !ctx.dnc.has(n));
      if (next < 0) return this.putBack(rec, null, { state: 'blocked', reason: `dnc ${number}` });
      const numberAttempts = rec.numberAttempts.map((a, i) => (i === rec.numberIndex ? Math.max(a, spec.attempts.perNumber) : a));
      return this.putBack({ ...rec, numberIndex: next, numberAttempts, repeats: 0 }, now);
    }
    const hours = spec.callingHours;
    if (hours) {
      const zones = zonesToCheck(hours, rec.timezone, hours.subscriberLocalTime ? this.deps.zones.zonesFor(number) : []);
      if (!isOpen(hours, zones, now)) return this.putBack(rec, nextOpen(hours, zones, now) ?? now + NO_WINDOW_DELAY_MS);
    }
    if (this.liveNumbers.has(number)) return this.putBack(rec, now + NUMBER_BUSY_DELAY_MS);
    if (!this.dialable(ctx)) return this.putBack(rec, rec.nextAt ?? now);
    const slot = this.caps.reserve(spec.id, spec.trunk);
    if (!slot) return this.putBack(rec, rec.nextAt ?? now);
    const rates = this.rates(ctx);
    if (rates.some((r) => r.available(now) <= 0)) {
      slot.release();
      return this.putBack(rec, rec.nextAt ?? now);
    }
    for (const r of rates) r.take(now);
    const pbx = this.pbxOf(ctx)!;
    const trunk = this.deps.trunks[spec.trunk]!;
    const record: DialRecord = { ...rec, state: 'dialing', dials: rec.dials + 1 };
    const d: LiveDialState = {
      id: this.deps.newDialId(),
      spec,
      record,
      number,
      attempt: currentAttempt(rec),
      slot,
      pbx,
      trunk,
      startedAt: now,
      answeredAt: null,
      amdStatus: null,
      amdCause: null,
      hungUp: false,
      settling: false,
    };
    this.dials.set(d.id, d);
    this.liveNumbers.add(number);
    try {
      await this.deps.store.putLiveDial(liveDial(d));
    } catch (err) {
      // Not originated: free what it held; the record stays `dialing` for recoverClaims.
      this.dials.delete(d.id);
      this.liveNumbers.delete(number);
      slot.release();
      this.wakeIdle();
      throw err;
    }
    // Not awaited: the pump goes on while the PBX answers the request (its slot is already held).
    void this.guard(
      pbx
        .originate({
          dialId: d.id,
          campaign: spec.id,
          record: rec.id,
          number,
          endpoint: trunk.endpoint.replaceAll('{number}', number),
          callerId: spec.callerId,
          ringTimeoutSeconds: spec.ringTimeoutSeconds,
          vars: rec.vars,
          amd: spec.amd,
          onAnswer: spec.onAnswer,
        })
        .catch(async (err: unknown) => {
          // The PBX certainly did not create the call (port contract): the dial never left.
          this.deps.logger.warn({ campaign: spec.id, record: rec.id, dialId: d.id, err: errText(err) }, 'originate refused');
          await this.settle(d, this.deps.scheduler.now(), { ...emptyEndFacts(), originateFailed: true, causeText: errText(err) });
        }),
    );
  }

  // ---- PBX events and settling -----------------------------------------------------------

  private onPbxEvent(pbx: PbxAdapter, e: PbxEvent): void {
    if (e.type === 'status') {
      this.deps.logger.info({ pbx: pbx.name, status: e.status, reason: e.reason }, `pbx ${pbx.name}: ${e.status}`);
      if (e.status !== 'up') this.ready.delete(pbx.name);
      void this.guard(
        (async () => {
          if (e.status === 'up' && this.begun) await this.reconcilePbx(pbx);
          for (const ctx of this.campaigns.values()) if (this.pbxOf(ctx) === pbx) await this.checkPbxPause(ctx);
          this.kickAll();
        })(),
      );
      return;
    }
    const d = this.dials.get(e.dialId);
    if (!d || d.settling) return;
    if (e.type === 'answered') d.answeredAt ??= e.at;
    else if (e.type === 'amd') {
      d.amdStatus = e.status;
      d.amdCause = e.cause;
    } else if (e.type === 'ended') void this.guard(this.settle(d, e.at, e.facts));
  }

  private async settle(d: LiveDialState, endedAt: number, f: EndFacts): Promise<void> {
    if (d.settling) return;
    d.settling = true;
    const spec = d.spec;
    const facts = rawFacts(d, endedAt, f);
    const mapped = mapResult(facts, { shortCallSeconds: spec.attempts.shortCallSeconds, overrides: spec.causes });
    const out = decide({ record: d.record, result: mapped.result, endedAt, attempts: spec.attempts, rules: spec.rules });
    const ctx = this.campaigns.get(spec.id);
    let record = out.record;
    let final = out.final;
    if (ctx?.status.state === 'completed' && final === null) {
      record = { ...record, state: 'cancelled', nextAt: null, finalReason: 'campaign completed' };
      final = 'cancelled';
    }
    const row = historyRow(d, endedAt, facts, mapped, { ...out, record, final, nextAt: record.nextAt });
    if (!(await this.persistSettle(d, record, row))) return; // stopped: still in the store's live dials
    this.dials.delete(d.id);
    this.liveNumbers.delete(d.number);
    d.slot.release();
    this.deps.logger.info(
      { campaign: spec.id, record: row.record, dialId: d.id, number: row.number, result: row.result, q850: row.q850, sip: row.sip, action: row.action },
      `dial ${row.record} ${row.number}: ${row.result} -> ${row.action}`,
    );
    this.emit('dial', row, record);
    if (final) this.emit('final', { campaign: spec.id, record: record.id, state: final, reason: record.finalReason, at: endedAt });
    if (ctx) await this.afterResult(ctx, mapped.result, out.pauseCampaign);
    this.wakeIdle();
    this.kickAll();
  }

  /**
   * Persist until it sticks: an attempt is never lost because the store blinked. False when the
   * engine stopped first (the dial stays in the store's live dials for the next start).
   */
  private async persistSettle(d: LiveDialState, record: DialRecord, history: ReturnType<typeof historyRow>): Promise<boolean> {
    for (let delay = 500; ; delay = Math.min(delay * 2, 30_000)) {
      if (this.stopped) return false;
      try {
        await this.deps.store.settle({ dialId: d.id, record, history });
        return true;
      } catch (err) {
        this.deps.logger.error({ dialId: d.id, err: errText(err) }, 'settle failed; retrying');
        await new Promise<void>((r) => {
          const t = this.deps.scheduler.at(this.deps.scheduler.now() + delay, r);
          this.storeWaiters.push(() => (t.cancel(), r()));
        });
      }
    }
  }

  private async afterResult(ctx: CampaignCtx, result: string, pauseRule: boolean): Promise<void> {
    ctx.consecutiveErrors = result === 'error' ? ctx.consecutiveErrors + 1 : result === 'cancelled' ? ctx.consecutiveErrors : 0;
    if (ctx.status.state === 'running') {
      if (pauseRule) await this.event(ctx, { type: 'pause', reason: 'rule', detail: 'a rule asked to pause the campaign' }, 'rule');
      else if (ctx.consecutiveErrors >= ctx.spec.maxConsecutiveErrors) {
        await this.event(ctx, { type: 'pause', reason: 'errors', detail: `${ctx.consecutiveErrors} consecutive errors` }, 'errors');
      }
    }
    await this.checkDone(ctx);
  }

  /** Auto-complete when every record is final and nothing is live (`complete_when_done`). */
  private async checkDone(ctx: CampaignCtx): Promise<void> {
    if (!ctx.spec.completeWhenDone || ctx.status.state !== 'running' || this.caps.liveFor(ctx.spec.id) > 0) return;
    const c = await this.deps.store.counts(ctx.spec.id);
    const open = (c.states.pending ?? 0) + (c.states.waiting ?? 0) + (c.states.dialing ?? 0);
    if (open === 0 && ctx.status.state === 'running') await this.complete(ctx.spec.id, 'done');
  }

  private async hangup(d: LiveDialState): Promise<void> {
    d.hungUp = true;
    try {
      await d.pbx.hangup(d.id);
    } catch (err) {
      this.deps.logger.warn({ dialId: d.id, err: errText(err) }, 'hangup failed');
    }
  }

  // ---- restart reconciliation ------------------------------------------------------------

  /**
   * After a daemon restart: dials the store says were live are adopted when their PBX still
   * has them (they count against the caps and settle normally), and settled as `cancelled`
   * (not counted; the record waits again) when the PBX no longer knows them.
   */
  async reconcile(pbxName: string): Promise<{ adopted: number; lost: number }> {
    let adopted = 0;
    let lost = 0;
    const mine = (await this.deps.store.liveDials()).filter((l) => l.pbx === pbxName && !this.dials.has(l.dialId));
    if (mine.length === 0) return { adopted, lost };
    const pbx = this.deps.pbxes.get(pbxName);
    const known = new Set(pbx ? await pbx.liveDials() : []);
    for (const live of mine) {
      const ctx = this.campaigns.get(live.campaign);
      const rec = await this.deps.store.getRecord(live.campaign, live.record);
      const trunk = this.deps.trunks[live.trunk];
      if (!ctx || !rec || !trunk || !pbx) continue;
      const d: LiveDialState = {
        id: live.dialId,
        spec: ctx.spec,
        record: { ...rec, state: 'dialing', numberIndex: live.numberIndex, dials: live.dial },
        number: live.number,
        attempt: live.attempt,
        slot: this.caps.adopt(live.campaign, live.trunk),
        pbx,
        trunk,
        startedAt: live.startedAt,
        answeredAt: live.answeredAt,
        amdStatus: null,
        amdCause: null,
        hungUp: false,
        settling: false,
      };
      this.dials.set(d.id, d);
      this.liveNumbers.add(d.number);
      if (known.has(live.dialId)) adopted++;
      else {
        lost++;
        d.hungUp = true; // we cannot know how it ended: not counted, the record waits again
        await this.settle(d, this.deps.scheduler.now(), { ...emptyEndFacts(), causeText: 'lost across a daemon restart' });
      }
    }
    if (adopted + lost > 0) this.deps.logger.info({ pbx: pbxName, adopted, lost }, 'reconciled live dials');
    return { adopted, lost };
  }

  // ---- shutdown --------------------------------------------------------------------------

  /**
   * Stop: no new dials; live calls end on their own until the deadline, then are hung up.
   * Resolves when every dial is settled (or `forceAfterMs` passed after the hangups).
   */
  async stop(graceMs: number, forceAfterMs = 5000): Promise<void> {
    this.stopping = true;
    for (const ctx of this.campaigns.values()) {
      ctx.wake?.timer.cancel();
      ctx.wake = null;
      ctx.startTimer?.cancel();
      ctx.endTimer?.cancel();
    }
    if (!(await this.waitIdle(graceMs))) {
      this.deps.logger.warn({ live: this.dials.size }, 'shutdown deadline: hanging up live calls');
      await Promise.all([...this.dials.values()].map((d) => this.hangup(d)));
      if (!(await this.waitIdle(forceAfterMs))) this.deps.logger.warn({ live: this.dials.size }, 'calls still live after hangup; left to reconciliation');
    }
    for (const u of this.unsubscribe) u();
    // End the settle retries still waiting (the store is down): their timers would keep the process alive.
    this.stopped = true;
    this.wakeStoreWaiters();
  }

  private wakeStoreWaiters(): void {
    const w = this.storeWaiters;
    this.storeWaiters = [];
    for (const f of w) f();
  }

  /** Resolves true when no dial is live, false when `ms` passed first. */
  waitIdle(ms: number): Promise<boolean> {
    if (this.dials.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.deps.scheduler.at(this.deps.scheduler.now() + ms, () => resolve(false));
      this.idleWaiters.push(() => {
        timer.cancel();
        resolve(true);
      });
    });
  }

  private wakeIdle(): void {
    if (this.dials.size > 0) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  // ---- failures --------------------------------------------------------------------------

  private onStoreStatus(up: boolean, reason: string | null): void {
    if (up === this.storeUp) return;
    this.storeUp = up;
    this.deps.logger[up ? 'info' : 'error']({ reason }, up ? 'store is back: dialing resumes' : 'store is down: dialing paused');
    if (up) {
      this.wakeStoreWaiters();
      for (const ctx of this.campaigns.values()) ctx.recover = true;
      this.kickAll();
    }
  }

  private onPumpError(ctx: CampaignCtx, err: unknown): void {
    ctx.recover = true; // it may have died holding claimed records
    this.deps.logger.error({ campaign: ctx.spec.id, err: errText(err) }, 'dialing loop failed; retrying in 5s');
    this.sleepUntil(ctx, this.deps.scheduler.now() + 5000);
  }

  /** Never let a background step crash the daemon. */
  private async guard(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (err) {
      this.deps.logger.error({ err: errText(err) }, 'engine step failed');
    }
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
