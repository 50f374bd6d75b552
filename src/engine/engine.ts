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
import { currentAttempt } from '../domain/retry.ts';
import { dialVars } from '../domain/vars.ts';
import type { CampaignSpec, DialRecord, FinalState, PauseReason } from '../domain/types.ts';
import type { CapsSnapshot } from '../domain/why.ts';
import { isDialerdError } from '../lib/errors.ts';
import { Lifecycle } from '../lib/lifecycle.ts';
import { emptyEndFacts, type EndFacts, type PbxAdapter, type PbxEvent } from '../pbx/port.ts';
import { admit } from './admission.ts';
import { Caps } from './caps.ts';
import { CampaignControl } from './campaign-control.ts';
import { cancelTimers, type CampaignCtx } from './campaigns.ts';
import { recoverClaims } from './recover.ts';
import { EarlyEnds, reconcilePbx } from './reconcile.ts';
import { DialBook } from './dial-book.ts';
import { InFlight } from './in-flight.ts';
import { dialOutcome, dialState, liveDial, type LiveDialState } from './dial.ts';
import { RateBook, type RateLimiter } from './rate.ts';
import { TrunkRates } from './trunk-rates.ts';
import { afterSettle, persistSettle, type SettleHost } from './settle.ts';
import { capsSnapshot, trunkViews, type ViewHost } from './views.ts';
import { ENGINE_TRANSITIONS, type DncCheck, type EngineDeps, type EngineEvents, type EngineStatus, type TrunkView } from './types.ts';

/** Records claimed per store round trip. */
const BATCH = 64;

export class Engine extends EventEmitter {
  private readonly control: CampaignControl;
  private readonly dials = new DialBook();
  /** Ends of dials not held (yet): reconciliation settles them with these real facts. */
  private readonly early = new EarlyEnds();
  /** Tails of persisted settles (guards, budgets, auto-complete): stop() waits for them. */
  private readonly tails = new InFlight();
  private readonly limiters: RateBook;
  /** Each trunk's effective calls-per-second under carrier backpressure. */
  private readonly trunkRates: TrunkRates;
  private readonly caps: Caps;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly life: Lifecycle<EngineStatus>;
  /** PBXes whose live dials have been reconciled since their link came up: only these dial. */
  private readonly ready = new Set<string>();
  private storeUp = true; // the store's link as last reported: not a lifecycle state
  /** Settles waiting to retry: the store coming back retries them at once, not after their backoff. */
  private storeWaiters: (() => void)[] = [];
  private readonly settleHost: SettleHost;

  constructor(private readonly deps: EngineDeps) {
    super();
    this.life = new Lifecycle('engine', 'idle', ENGINE_TRANSITIONS, deps.logger);
    this.limiters = new RateBook(deps.rateLimiter);
    this.trunkRates = new TrunkRates(deps);
    this.control = new CampaignControl(deps, {
      kick: (ctx) => this.kick(ctx),
      liveFor: (id) => this.caps.liveFor(id),
      announce: (change) => void this.emit('campaign', change),
      guard: (p) => this.guard(p),
      held: (e) => void this.emit('held', e),
    });
    this.caps = new Caps(deps.maxConcurrency, {
      campaign: (id) => this.control.campaigns.get(id)?.spec.concurrency ?? 0,
      trunk: (name) => deps.trunks[name]?.concurrency ?? 0,
    });
    for (const pbx of deps.pbxes.values()) this.unsubscribe.push(pbx.on((e) => this.onPbxEvent(pbx, e)));
    const off = deps.store.onStatus?.((up, reason) => this.onStoreStatus(up, reason));
    if (off) this.unsubscribe.push(off);
    this.settleHost = {
      deps: this.deps,
      dials: this.dials,
      control: this.control,
      trunkRates: this.trunkRates,
      stopped: () => this.life.is('stopped'),
      waitForStore: (ms) =>
        new Promise<void>((r) => {
          const t = this.deps.scheduler.at(this.deps.scheduler.now() + ms, r);
          this.storeWaiters.push(() => (t.cancel(), r()));
        }),
      emit: (event, ...args) => this.emit(event, ...args),
      kickAll: () => this.kickAll(),
    };
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
    return this.control.campaigns.get(id);
  }

  campaignIds(): string[] {
    return [...this.control.campaigns.keys()];
  }

  /** A trunk's calls-per-second right now: its configured rate unless carrier congestion lowered it. */
  trunkCps(trunk: string): number {
    return this.trunkRates.cps(trunk, this.deps.scheduler.now());
  }

  /** Every configured trunk right now (metrics): live dials, its concurrency cap, its breaker. */
  trunkViews(): TrunkView[] {
    return trunkViews(this.viewHost());
  }

  /** The daemon-wide concurrency cap (`max_concurrency`). */
  maxConcurrency(): number {
    return this.caps.globalCap();
  }

  /** What holds a due record of this campaign back right now (domain/why.ts); undefined for an unknown campaign. */
  capsSnapshot(id: string): CapsSnapshot | undefined {
    return capsSnapshot(this.viewHost(), id);
  }

  private viewHost(): ViewHost {
    return { deps: this.deps, caps: this.caps, control: this.control, rates: (ctx) => this.rates(ctx) };
  }

  /** The number is in a live dial (of any campaign). */
  numberIsLive(e164: string): boolean {
    return this.dials.numberIsLive(e164);
  }

  /** Time zones a number may be in (its prefix), as the calling windows see it. */
  zonesFor(e164: string): string[] {
    return this.deps.zones.zonesFor(e164);
  }

  // ---- campaigns (state lives in CampaignControl) -----------------------------------------

  /** Add a campaign or replace its spec (SIGHUP); see CampaignControl.upsert. */
  upsertCampaign(spec: CampaignSpec, dnc: DncCheck): Promise<void> {
    return this.control.upsert(spec, dnc);
  }

  /** Manual pause: live calls finish, no new dial starts. */
  pause(id: string, reason: PauseReason = 'manual', detail?: string): Promise<void> {
    return this.control.pause(id, reason, detail);
  }

  /** Resume; refused (DIALERD_ERR_RESUME_REFUSED) while an automatic reason still holds. */
  resume(id: string): Promise<void> {
    return this.control.resume(id);
  }

  /** Complete: remaining records become `cancelled`; live calls finish. */
  complete(id: string, by: 'manual' | 'done' | 'end_at' | 'deleted'): Promise<void> {
    return this.control.complete(id, by);
  }

  /** Its file is gone or unreadable (`why`), or back (null); see CampaignControl.fileMissing. */
  fileMissing(id: string, why: string | null): Promise<void> {
    return this.control.fileMissing(id, why);
  }

  /**
   * dialerd.yaml reloaded (SIGHUP): the global cap and the trunks' caps and rates apply from the
   * next dial; live dials over a lowered cap finish. `trunks` must name the same trunks.
   */
  setLimits(maxConcurrency: number, trunks: EngineDeps['trunks']): void {
    this.caps.setGlobal(maxConcurrency);
    this.deps.trunks = trunks; // every part reads the trunks through these deps
    if (this.life.is('running')) this.kickAll();
  }

  /** Add records (import, or to a running campaign). Ids already present are left alone. */
  async addRecords(id: string, records: DialRecord[]): Promise<number> {
    const added = await this.deps.store.addRecords(id, records);
    const now = this.deps.scheduler.now();
    if (added > 0) for (const r of records) if (r.state === 'invalid') this.emit('final', { campaign: id, record: r.id, state: 'invalid', reason: r.finalReason, at: now });
    const ctx = this.control.get(id);
    if (ctx) this.kick(ctx);
    return added;
  }

  /** Remove a record: `removed`; a live dial on it is hung up. */
  async removeRecord(id: string, recordId: string): Promise<boolean> {
    this.control.require(id);
    const ok = await this.deps.store.removeRecord(id, recordId);
    if (!ok) return false;
    for (const d of this.dials.values()) if (d.spec.id === id && d.record.id === recordId) await this.hangup(d);
    this.emit('final', { campaign: id, record: recordId, state: 'removed', reason: 'removed', at: this.deps.scheduler.now() });
    return true;
  }

  // ---- the pump --------------------------------------------------------------------------

  private dialable(ctx: CampaignCtx): boolean {
    const pbx = this.control.pbxOf(ctx);
    return this.life.is('running') && this.storeUp && ctx.status.state === 'running' && pbx?.status() === 'up' && this.ready.has(pbx.name);
  }

  /**
   * Start dialing: reconcile every PBX that is up, then pump. Until then nothing dials, so
   * calls a previous run left live are counted against the caps before any new one starts.
   * `signal` (the daemon's stop) ends it between PBXes and keeps it from dialing.
   */
  async begin(signal?: AbortSignal): Promise<void> {
    if (!this.life.to('reconciling')) return;
    for (const pbx of this.deps.pbxes.values()) if (!signal?.aborted && pbx.status() === 'up') await this.reconcilePbx(pbx);
    if (!signal?.aborted && this.life.to('running')) this.kickAll();
  }

  private async reconcilePbx(pbx: PbxAdapter): Promise<void> {
    try {
      await this.reconcile(pbx.name);
      if (pbx.status() === 'up') this.ready.add(pbx.name);
    } catch (err) {
      this.deps.logger.warn({ pbx: pbx.name, err }, 'reconciliation failed; will retry when the link is up again');
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
    for (const ctx of this.control.campaigns.values()) this.kick(ctx);
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

  /** The trunk's and the campaign's calls-per-second limiters, and the trunk's congestion limiter: a start needs all. */
  private rates(ctx: CampaignCtx): RateLimiter[] {
    const trunk = this.deps.trunks[ctx.spec.trunk]!;
    const congested = this.trunkRates.limiter(trunk.name, this.deps.scheduler.now());
    const own = [this.limiters.get(`trunk:${trunk.name}`, trunk.callsPerSecond), this.limiters.get(`campaign:${ctx.spec.id}`, ctx.spec.callsPerSecond)];
    return congested ? [...own, congested] : own;
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
      const gate = this.control.breakers.gate(trunk);
      if (gate === 'open') return this.control.breakers.pauseIfOpen(ctx);
      if (gate === 'wait') return; // the probe's settle kicks us
      const free = Math.min(this.caps.free(ctx.spec.id, trunk), gate === 'probe' ? 1 : BATCH);
      if (free <= 0) return; // a freed slot kicks us
      const now = scheduler.now();
      const rates = this.rates(ctx);
      const tokens = Math.min(...rates.map((r) => r.available(now)));
      if (tokens <= 0) {
        this.sleepUntil(ctx, Math.max(...rates.map((r) => r.nextAt(now))));
        return;
      }
      const want = Math.min(free, tokens, BATCH, this.control.budgets.room(ctx, this.caps.liveFor(ctx.spec.id)));
      if (want <= 0) return; // the dial budget is taken by live calls (or spent): a settle kicks us
      const claimed = await store.claimDue(ctx.spec.id, now, want);
      for (const rec of claimed) await this.startOrDefer(ctx, rec);
      if (claimed.length < want) {
        const next = await store.nextDueAt(ctx.spec.id);
        if (next !== null) this.sleepUntil(ctx, Math.max(next, scheduler.now() + 1));
        else await this.control.checkDone(ctx);
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
    const a = admit(rec, spec, { dnc: ctx.dnc, zones: this.deps.zones, numberIsLive: (n) => this.dials.numberIsLive(n) }, now);
    if (a.kind === 'final') return this.putBack(rec, null, a);
    if (a.kind === 'later') {
      this.deps.logger.debug({ campaign: spec.id, record: rec.id, why: a.why, nextAt: a.nextAt }, `record deferred: ${a.why}`);
      return this.putBack(a.record, a.nextAt);
    }
    const number = a.number;
    const gate = this.control.breakers.gate(spec.trunk);
    if (!this.dialable(ctx) || gate === 'open' || gate === 'wait') return this.putBack(rec, rec.nextAt ?? now);
    const slot = this.caps.reserve(spec.id, spec.trunk);
    if (!slot) return this.putBack(rec, rec.nextAt ?? now);
    const rates = this.rates(ctx);
    if (rates.some((r) => r.available(now) <= 0)) {
      slot.release();
      return this.putBack(rec, rec.nextAt ?? now);
    }
    for (const r of rates) r.take(now);
    const pbx = this.control.pbxOf(ctx)!;
    const trunk = this.deps.trunks[spec.trunk]!;
    const record: DialRecord = { ...rec, state: 'dialing', dials: rec.dials + 1 };
    const d = dialState({ id: this.deps.newDialId(), spec, record, number, attempt: currentAttempt(rec), slot, pbx, trunk, startedAt: now, answeredAt: null });
    this.dials.add(d);
    this.control.breakers.start(spec.trunk, d.id);
    try {
      await this.deps.store.putLiveDial(liveDial(d));
    } catch (err) {
      // Not originated: free what it held (a probe slot too); the record stays `dialing` for recoverClaims.
      this.dials.remove(d);
      await this.control.breakers.settled(spec.trunk, { dialId: d.id, result: 'cancelled', sip: null, endedAt: now });
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
          vars: dialVars(rec.vars, spec.variables),
          amd: spec.amd,
          onAnswer: spec.onAnswer,
        })
        .catch(async (err: unknown) => {
          // The PBX certainly did not create the call (port contract): the dial never left.
          this.deps.logger.warn({ campaign: spec.id, record: rec.id, dialId: d.id, err }, 'originate refused');
          const pbxDown = isDialerdError(err, 'DIALERD_ERR_PBX_DOWN');
          await this.settle(d, this.deps.scheduler.now(), { ...emptyEndFacts(), originateFailed: true, pbxDown, causeText: errText(err) });
        }),
    );
  }

  // ---- PBX events and settling -----------------------------------------------------------

  private onPbxEvent(pbx: PbxAdapter, e: PbxEvent): void {
    if (e.type === 'status') {
      if (e.status !== 'up') this.ready.delete(pbx.name);
      void this.guard(
        (async () => {
          if (e.status === 'up' && this.life.is('running')) await this.reconcilePbx(pbx);
          for (const ctx of this.control.campaigns.values()) if (this.control.pbxOf(ctx) === pbx) await this.control.checkPbxPause(ctx);
          this.kickAll();
        })(),
      );
      return;
    }
    const d = this.dials.get(e.dialId);
    if (e.type === 'ended' && !d) this.early.put(e.dialId, e.at, e.facts);
    if (e.type === 'ended' && d?.verdict) d.realEnd ??= { at: e.at, facts: e.facts };
    if (!d || d.settling) return;
    if (e.type === 'answered') d.answeredAt ??= e.at;
    else if (e.type === 'amd') {
      d.amdStatus = e.status;
      d.amdCause = e.cause;
    } else if (e.type === 'ended') void this.guard(this.settle(d, e.at, e.facts));
  }

  /** `verdict`: reconciliation's `lost`; a real end arriving before it is written replaces it. */
  private async settle(d: LiveDialState, at: number, f: EndFacts, verdict = false): Promise<void> {
    if (d.settling) return;
    d.settling = true;
    d.verdict = verdict;
    const s = await persistSettle(this.settleHost, d, () => dialOutcome(d, d.realEnd ?? { at, facts: f }, this.control.campaigns.get(d.spec.id)?.status.state === 'completed'));
    if (!s) return; // stopped or fenced: still in the store's live dials
    // Persisted: the PBX's memory of this end (port: recallEnds) is no longer needed.
    d.pbx.forgetEnds([d.id]).catch((err: unknown) => this.deps.logger.debug({ dialId: d.id, err }, 'forgetting the end at the PBX failed'));
    await this.tails.run(() => afterSettle(this.settleHost, d, s));
  }


  private async hangup(d: LiveDialState): Promise<void> {
    try {
      // Only an accepted hang-up makes it ours (port.ts): after a refused one the dial keeps its real result.
      await d.pbx.hangup(d.id);
      d.hungUp = true;
    } catch (err) {
      this.deps.logger.warn({ dialId: d.id, err }, 'hangup failed');
    }
  }

  // ---- restart reconciliation (reconcile.ts) ---------------------------------------------

  /** Adopt the store's live dials the PBX still has, settle the others `lost`; see reconcile.ts. */
  reconcile(pbxName: string): Promise<{ adopted: number; recalled: number; lost: number }> {
    return reconcilePbx(
      { deps: this.deps, campaigns: this.control.campaigns, caps: this.caps, dials: this.dials, early: this.early, settle: (d, at, f, v) => this.settle(d, at, f, v) },
      pbxName,
    );
  }

  // ---- shutdown --------------------------------------------------------------------------

  /**
   * Stop: no new dials; live calls end on their own until the deadline, then are hung up.
   * Resolves when every dial is settled (or `forceAfterMs` passed after the hangups); once only.
   */
  async stop(graceMs: number, forceAfterMs = 5000): Promise<void> {
    if (!this.life.to('stopping')) return;
    for (const ctx of this.control.campaigns.values()) cancelTimers(ctx);
    if (!(await this.waitIdle(graceMs))) {
      this.deps.logger.warn({ live: this.dials.size }, 'shutdown deadline: hanging up live calls');
      await Promise.all([...this.dials.values()].map((d) => this.hangup(d)));
      if (!(await this.waitIdle(forceAfterMs))) this.deps.logger.warn({ live: this.dials.size }, 'calls still live after hangup; left to reconciliation');
    }
    for (const u of this.unsubscribe) u();
    if (!(await this.tails.idle(forceAfterMs, this.deps.scheduler))) this.deps.logger.warn({ running: this.tails.size }, 'settles still running at stop');
    // End the settle retries still waiting (the store is down): their timers would keep the process alive.
    this.life.to('stopped');
    this.wakeStoreWaiters();
  }

  private wakeStoreWaiters(): void {
    const w = this.storeWaiters;
    this.storeWaiters = [];
    for (const f of w) f();
  }

  /** Resolves true when no dial is live, false when `ms` passed first. */
  waitIdle(ms: number): Promise<boolean> {
    return this.dials.waitIdle(ms, this.deps.scheduler);
  }

  // ---- failures --------------------------------------------------------------------------

  private onStoreStatus(up: boolean, reason: string | null): void {
    if (up === this.storeUp) return;
    this.storeUp = up;
    this.deps.logger[up ? 'info' : 'error']({ reason }, up ? 'store is back: dialing resumes' : 'store is down: dialing paused');
    if (up) {
      this.wakeStoreWaiters();
      for (const ctx of this.control.campaigns.values()) ctx.recover = true;
      this.kickAll();
    }
  }

  private onPumpError(ctx: CampaignCtx, err: unknown): void {
    ctx.recover = true; // it may have died holding claimed records
    this.deps.logger.error({ campaign: ctx.spec.id, err }, 'dialing loop failed; retrying in 5s');
    this.sleepUntil(ctx, this.deps.scheduler.now() + 5000);
  }

  /** Never let a background step crash the daemon. */
  private async guard(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (err) {
      this.deps.logger.error({ err }, 'engine step failed');
    }
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
