/**
 * The composition root of `dialerd run`: config → store, PBX adapters, engine → campaigns.
 * Owns the lifecycle: start steps and stop steps as lists, SIGHUP reload, guarded idempotent
 * shutdown that waits for (and aborts) a start still running.
 */
import { randomUUID } from 'node:crypto';
import type { DaemonInfo } from '../api/deps.ts';
import { storeLatency, type StoreLatency } from '../api/metrics-store.ts';
import { startApi, type ApiServer } from '../api/server.ts';
import { WebhookNotifier } from '../api/webhook.ts';
import type { DaemonConfig, PbxConfig } from '../config/daemon-types.ts';
import type { DaemonLoadResult } from '../config/load-daemon.ts';
import { Engine } from '../engine/engine.ts';
import { SlidingWindowLimiter } from '../engine/rate.ts';
import { realScheduler, type Scheduler, type Timer } from '../lib/clock.ts';
import { Lifecycle, type Transitions } from '../lib/lifecycle.ts';
import type { Logger } from '../lib/logger.ts';
import { createZoneResolver } from '../lib/phone-zones.ts';
import { createPbx } from '../pbx/factory.ts';
import type { PbxAdapter } from '../pbx/port.ts';
import type { Store } from '../store/port.ts';
import { timedStore } from '../store/timed.ts';
import { CampaignFiles } from './campaign-files.ts';
import { reloadDaemonConfig } from './config-reload.ts';
import { Imports } from './imports.ts';
import { connectStore } from './store.ts';

export interface DaemonOptions {
  config: DaemonConfig;
  logger: Logger;
  scheduler?: Scheduler;
  /** Build a PBX adapter (tests inject fakes); default: by `type`. */
  pbxFactory?: (cfg: PbxConfig, deps: { scheduler: Scheduler; logger: Logger }) => PbxAdapter | Promise<PbxAdapter>;
  /** Use this store instead of the configured one (tests). */
  store?: Store;
  /** Aborts waiting for an unreachable store in create() (a signal before the daemon exists). */
  signal?: AbortSignal;
  /** How often DNC files are checked for changes (ms). */
  dncRefreshMs?: number;
  /** Read dialerd.yaml again (SIGHUP); absent: only the campaign files reload. */
  loadConfig?: () => Promise<DaemonLoadResult>;
  /** `run --standby` (or `store.standby: true`): wait as the hot standby of the daemon owning the prefix. */
  standby?: boolean;
}

/**
 * `created` (store open, adapters built) → `starting` (the start steps, in order) → `running`
 * → `stopping` (start aborted and awaited, then the stop steps) → `stopped`. A standby goes
 * `created` → `standby` (control API up, waiting for the owner's lease) → `starting` once the
 * prefix is its own. stop() may come at any point; a start() after it does nothing.
 */
export type DaemonStatus = 'created' | 'standby' | 'starting' | 'running' | 'stopping' | 'stopped';

const TRANSITIONS = {
  created: ['standby', 'starting', 'stopping'],
  standby: ['starting', 'stopping'],
  starting: ['running', 'stopping'],
  running: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
} as const satisfies Transitions<DaemonStatus>;

interface Step {
  name: string;
  run: () => unknown;
}

export class Daemon {
  readonly engine: Engine;
  private readonly life: Lifecycle<DaemonStatus>;
  /** Aborted by stop(): every start step checks it; the long ones (an import) end early by it. */
  private readonly abort = new AbortController();
  private readonly files: CampaignFiles;
  private readonly imports: Imports;
  /** The config running now: SIGHUP replaces its reloadable parts. */
  private config: DaemonConfig;
  /** SIGHUPs since start by result: `rejected` when dialerd.yaml or any campaign file was. */
  private readonly reloads = { ok: 0, rejected: 0 };
  private starting: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;
  /** Reloads run one after another: two at once would both import a new campaign's contacts. */
  private reloading: Promise<void> = Promise.resolve();
  private dncTimer: Timer | null = null;
  private api: ApiServer | null = null;
  private webhook: { notifier: WebhookNotifier; detach: () => void } | null = null;

  private constructor(
    private readonly opts: DaemonOptions,
    readonly store: Store,
    readonly pbxes: Map<string, PbxAdapter>,
    private readonly scheduler: Scheduler,
    engine: Engine,
    private readonly storeLatency: StoreLatency,
  ) {
    this.engine = engine;
    this.life = new Lifecycle('daemon', 'created', TRANSITIONS, opts.logger);
    this.config = opts.config;
    this.imports = new Imports(opts.logger);
    this.files = new CampaignFiles({ config: opts.config, logger: opts.logger, engine, store, scheduler, imports: this.imports });
  }

  /** Open the store (waiting for it, until `opts.signal` aborts), build the PBX adapters and the engine. */
  static async create(opts: DaemonOptions): Promise<Daemon> {
    const { config, logger } = opts;
    const scheduler = opts.scheduler ?? realScheduler;
    // Wrapped once here, so every store call (engine, API, campaign files) is timed for /metrics.
    const latency = storeLatency();
    const store = timedStore(opts.store ?? (await connectStore(config, logger, scheduler, opts.signal, Daemon.standby(opts))), latency.observe);
    if (store.kind === 'memory') {
      logger.warn('store is MEMORY: a restart loses every record, counter and call history row. Use `store: { type: redis }` in production.');
    }
    const pbxes = new Map<string, PbxAdapter>();
    for (const p of Object.values(config.pbxes)) {
      pbxes.set(p.name, await (opts.pbxFactory ?? createPbx)(p, { scheduler, logger: logger.child({ pbx: p.name }) }));
    }
    const zones = await createZoneResolver();
    const engine = new Engine({
      store,
      scheduler,
      logger,
      pbxes,
      trunks: config.trunks,
      maxConcurrency: config.maxConcurrency,
      zones,
      rateLimiter: (cps) => new SlidingWindowLimiter(cps),
      newDialId: () => `dialerd-${randomUUID()}`,
    });
    return new Daemon(opts, store, pbxes, scheduler, engine, latency.histogram);
  }

  get status(): DaemonStatus {
    return this.life.status;
  }

  private static standby(opts: DaemonOptions): boolean {
    return opts.standby === true || (opts.config.store.type === 'redis' && opts.config.store.standby === true);
  }

  /**
   * Run the start steps in order. A stop() meanwhile aborts it: the step in progress ends (an
   * import between batches), no later step runs, and start() resolves. Rejects when a step fails.
   */
  start(): Promise<void> {
    const standby = Daemon.standby(this.opts) && this.store.takeover !== undefined;
    if (!this.life.to(standby ? 'standby' : 'starting')) return this.starting;
    const signal = this.abort.signal;
    this.starting = (async () => {
      if (standby && !(await this.takeOver(signal))) return;
      for (const step of this.startSteps(signal)) {
        if (signal.aborted) return;
        this.opts.logger.debug({ step: step.name }, `start: ${step.name}`);
        await step.run();
      }
      this.life.to('running');
    })();
    return this.starting;
  }

  private startSteps(signal: AbortSignal): Step[] {
    return [
      { name: 'webhook', run: () => this.attachWebhook() },
      { name: 'pbx', run: async () => { for (const pbx of this.pbxes.values()) await pbx.start(); } },
      { name: 'campaigns', run: () => this.files.loadCampaigns(signal) },
      { name: 'orphans', run: () => this.files.pauseOrphans() },
      { name: 'engine', run: () => this.engine.begin(signal) },
      { name: 'api', run: () => this.openApi() },
      { name: 'dnc', run: () => this.armDncTimer() },
    ];
  }

  /**
   * The standby's wait: the control API answers (`/health` says `standby`), the store polls the
   * owner's lease; once the prefix is ours, the normal start runs (its reconciliation adopts the
   * live calls the dead daemon left). False when stop() came first.
   */
  private async takeOver(signal: AbortSignal): Promise<boolean> {
    const { logger, config } = this.opts;
    const prefix = config.store.type === 'redis' ? config.store.prefix : '';
    await this.openApi();
    logger.info({ prefix }, `standby: waiting to own key prefix "${prefix}"`);
    try {
      await this.store.takeover!({
        signal,
        onWait: (holder) => logger.warn({ holder, prefix }, `standby: key prefix "${prefix}" is owned by ${holder}; taking over when its lease lapses`),
      });
    } catch (err) {
      if (signal.aborted) return false;
      throw err;
    }
    logger.warn({ prefix }, `standby: key prefix "${prefix}" is ours now; taking over`);
    return this.life.to('starting');
  }

  /** The control API's base URL (its real port), or null when it is disabled. */
  get apiUrl(): string | null {
    return this.api?.url ?? null;
  }

  /**
   * SIGHUP: reload dialerd.yaml (its reloadable parts) and the campaign files. Whatever is invalid
   * keeps its running version; each reload is counted `ok` or `rejected` (dialerd_config_reloads_total).
   */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(async () => {
      await this.starting.catch(() => undefined); // a SIGHUP during start reloads once start has loaded the files
      if (!this.life.is('running')) return; // shutting down: the store may be closed already
      const { logger, loadConfig } = this.opts;
      let rejected = false;
      if (loadConfig) {
        const r = await reloadDaemonConfig(this.config, loadConfig, { logger, apply: (next, before) => this.applyConfig(next, before) });
        this.config = r.config;
        rejected = r.rejected;
      }
      logger.info('reloading campaign files');
      const outcomes = await this.files.loadCampaigns(this.abort.signal);
      await this.files.refreshDnc();
      const n = (o: string): number => outcomes.filter((x) => x === o).length;
      rejected ||= n('rejected') > 0;
      this.reloads[rejected ? 'rejected' : 'ok']++;
      const summary = `${n('changed')} changed, ${n('unchanged')} unchanged, ${n('new')} new, ${n('importing')} importing, ${n('rejected')} rejected`;
      logger.info({ result: rejected ? 'rejected' : 'ok' }, `reload done (${rejected ? 'rejected' : 'ok'}): campaign files ${summary}`);
    }).catch((err) => {
      this.reloads.rejected++;
      this.opts.logger.error({ err }, 'reload failed; the running campaigns are unchanged');
    });
    return this.reloading;
  }

  /** dialerd.yaml's reloadable parts changed: caps and rates, log level, webhook (grace is read at stop). */
  private applyConfig(next: DaemonConfig, before: DaemonConfig): void {
    this.engine.setLimits(next.maxConcurrency, next.trunks);
    this.opts.logger.level = next.logLevel;
    if (JSON.stringify(next.notify ?? null) !== JSON.stringify(before.notify ?? null)) {
      const old = this.webhook;
      this.webhook = null;
      old?.detach();
      void old?.notifier.close();
      this.attachWebhook(next);
    }
  }

  private attachWebhook(config = this.config): void {
    const { logger } = this.opts;
    if (!config.notify?.webhook) return;
    const notifier = new WebhookNotifier({ url: config.notify.webhook, header: config.notify.header, scheduler: this.scheduler, logger });
    this.webhook = { notifier, detach: notifier.attach(this.engine) };
  }

  private async openApi(): Promise<void> {
    const { config, logger } = this.opts;
    if (!config.api || this.api) return; // a standby opened it already
    // The API is ops' window on the dialer, not the dialer: a port clash is logged loudly
    // (and /health stays unreachable for monitoring) but never stops the calls.
    try {
      const daemon: DaemonInfo = {
        status: () => this.life.status,
        rejected: (id) => this.files.rejected(id),
        importing: (id) => this.imports.get(id),
        importingIds: () => this.imports.campaigns(),
        reloads: () => this.reloads,
        importRows: () => this.imports.rowsTotal(),
      };
      this.api = await startApi(
        { engine: this.engine, store: this.store, pbxes: this.pbxes, clock: this.scheduler, logger, daemon, storeLatency: this.storeLatency },
        config.api,
      );
    } catch (err) {
      logger.error({ err }, 'control API NOT started; dialing goes on without it');
    }
  }

  private armDncTimer(): void {
    const every = this.opts.dncRefreshMs ?? 10_000;
    // Real time, not the daemon's scheduler: it watches files on disk (and a demo's fast clock
    // would otherwise spend its pacing on it). Not overlapping: the next check is armed after this
    // one. Not unref'd: an idle daemon (sim PBX, memory store) must stay up until it is stopped.
    const tick = (): void => {
      const t = setTimeout(() => void this.files.refreshDnc().finally(() => this.life.is('running') && tick()), every);
      this.dncTimer = { cancel: () => clearTimeout(t) };
    };
    tick();
  }

  /**
   * Idempotent, guarded shutdown: abort a start still running and wait for it (and for a reload),
   * then the stop steps: stop taking work → let live calls finish (by event) up to the grace
   * period → hang up the rest → close adapters → close the store. Each step in its own try/catch.
   */
  stop(graceMs = this.config.shutdownGraceSeconds * 1000): Promise<void> {
    this.stopping ??= (async () => {
      this.life.to('stopping');
      this.abort.abort();
      await Promise.all([this.starting.catch(() => undefined), this.reloading]);
      for (const step of this.stopSteps(graceMs)) {
        try {
          await step.run();
        } catch (err) {
          this.opts.logger.error({ err, step: step.name }, `stop step ${step.name} failed`);
        }
      }
      this.life.to('stopped');
    })();
    return this.stopping;
  }

  private stopSteps(graceMs: number): Step[] {
    return [
      { name: 'dnc', run: () => this.dncTimer?.cancel() },
      { name: 'imports', run: () => this.files.idle() },
      { name: 'api', run: () => this.api?.close() },
      { name: 'engine', run: () => this.engine.stop(graceMs) },
      { name: 'webhook', run: () => (this.webhook?.detach(), this.webhook?.notifier.close()) },
      ...[...this.pbxes.values()].map((pbx) => ({ name: `pbx ${pbx.name}`, run: () => pbx.stop() })),
      { name: 'store', run: () => this.store.close() },
    ];
  }
}
