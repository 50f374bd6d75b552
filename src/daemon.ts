/**
 * The composition root of `dialerd run`: config → store, PBX adapters, engine → campaigns.
 * Owns the lifecycle: start, SIGHUP reload, guarded idempotent shutdown.
 */
import { randomUUID } from 'node:crypto';
import { startApi, type ApiServer } from './api/server.ts';
import { WebhookNotifier } from './api/webhook.ts';
import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DaemonConfig, PbxConfig } from './config/daemon-types.ts';
import { formatConfigError, loadCampaignFile } from './config/load-campaign.ts';
import { readConfigText } from './config/read-config.ts';
import { importContacts } from './contacts/import.ts';
import { loadDnc, type DncList } from './contacts/dnc.ts';
import type { CampaignSpec } from './domain/types.ts';
import { Engine } from './engine/engine.ts';
import { SlidingWindowLimiter } from './engine/rate.ts';
import { backoffDelay } from './lib/backoff.ts';
import { realScheduler, type Scheduler, type Timer } from './lib/clock.ts';
import { isDialerdError } from './lib/errors.ts';
import type { Logger } from './lib/logger.ts';
import { createZoneResolver } from './lib/phone-zones.ts';
import { createPbx } from './pbx/factory.ts';
import type { PbxAdapter } from './pbx/port.ts';
import { createStore } from './store/index.ts';
import type { Store } from './store/port.ts';

export interface DaemonOptions {
  config: DaemonConfig;
  logger: Logger;
  scheduler?: Scheduler;
  /** Build a PBX adapter (tests inject fakes); default: by `type`. */
  pbxFactory?: (cfg: PbxConfig, deps: { scheduler: Scheduler; logger: Logger }) => PbxAdapter | Promise<PbxAdapter>;
  /** Use this store instead of the configured one (tests). */
  store?: Store;
  /** Aborts waiting for an unreachable store at start (a signal before the daemon is up). */
  signal?: AbortSignal;
  /** How often DNC files are checked for changes (ms). */
  dncRefreshMs?: number;
}

interface Loaded {
  spec: CampaignSpec;
  dnc: DncList;
  contactsMtime: number;
}

/**
 * Open the configured store. An unreachable Redis at start is an outage like any other: wait
 * for it (logged, with backoff) rather than exit, until it answers or `signal` aborts.
 */
async function connectStore(config: DaemonConfig, logger: Logger, scheduler: Scheduler, signal?: AbortSignal): Promise<Store> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await createStore(config.store, { exclusive: true });
    } catch (err) {
      if (!isDialerdError(err, 'DIALERD_ERR_STORE_DOWN') || signal?.aborted) throw err;
      const delay = backoffDelay(attempt, { baseMs: 1000, maxMs: 30_000 });
      logger.error({ err, retryInMs: delay }, 'store unreachable at start; waiting for it');
      await new Promise<void>((resolve) => {
        const t = scheduler.at(scheduler.now() + delay, resolve);
        signal?.addEventListener('abort', () => (t.cancel(), resolve()), { once: true });
      });
      if (signal?.aborted) throw err;
    }
  }
}

export class Daemon {
  readonly engine: Engine;
  private readonly loaded = new Map<string, Loaded>();
  private dncTimer: Timer | null = null;
  private stopped: Promise<void> | null = null;
  /** Reloads run one after another: two at once would both import a new campaign's contacts. */
  private reloading: Promise<void> = Promise.resolve();
  private api: ApiServer | null = null;
  private webhook: { notifier: WebhookNotifier; detach: () => void } | null = null;

  private constructor(
    private readonly opts: DaemonOptions,
    readonly store: Store,
    readonly pbxes: Map<string, PbxAdapter>,
    private readonly scheduler: Scheduler,
    engine: Engine,
  ) {
    this.engine = engine;
  }

  static async create(opts: DaemonOptions): Promise<Daemon> {
    const { config, logger } = opts;
    const scheduler = opts.scheduler ?? realScheduler;
    const store = opts.store ?? (await connectStore(config, logger, scheduler, opts.signal));
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
    return new Daemon(opts, store, pbxes, scheduler, engine);
  }

  /** Connect the PBXes, adopt dials a previous run left live, load every campaign. */
  async start(): Promise<void> {
    const { config, logger } = this.opts;
    if (config.notify?.webhook) {
      const notifier = new WebhookNotifier({ url: config.notify.webhook, header: config.notify.header, scheduler: this.scheduler, logger });
      this.webhook = { notifier, detach: notifier.attach(this.engine) };
    }
    for (const pbx of this.pbxes.values()) await pbx.start();
    await this.loadCampaigns();
    await this.pauseOrphans();
    await this.engine.begin();
    if (config.api) {
      // The API is ops' window on the dialer, not the dialer: a port clash is logged loudly
      // (and /health stays unreachable for monitoring) but never stops the calls.
      try {
        this.api = await startApi({ engine: this.engine, store: this.store, pbxes: this.pbxes, clock: this.scheduler, logger }, config.api);
      } catch (err) {
        logger.error({ err }, 'control API NOT started; dialing goes on without it');
      }
    }
    const every = this.opts.dncRefreshMs ?? 10_000;
    // Real time, not the daemon's scheduler: it watches files on disk (and a demo's fast clock
    // would otherwise spend its pacing on it). Not overlapping: the next check is armed after this
    // one. Not unref'd: an idle daemon (sim PBX, memory store) must stay up until it is stopped.
    const tick = (): void => {
      const t = setTimeout(() => void this.refreshDnc().finally(() => this.dncTimer !== null && tick()), every);
      this.dncTimer = { cancel: () => clearTimeout(t) };
    };
    tick();
  }

  /** The control API's base URL (its real port), or null when it is disabled. */
  get apiUrl(): string | null {
    return this.api?.url ?? null;
  }

  /** SIGHUP: reload campaign files. An invalid file keeps its previous version running. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(async () => {
      if (this.stopped) return; // shutting down: the store may be closed already
      this.opts.logger.info('reloading campaign files');
      await this.loadCampaigns();
    }).catch((err) => this.opts.logger.error({ err }, 'reload failed; the running campaigns are unchanged'));
    return this.reloading;
  }

  private async loadCampaigns(): Promise<void> {
    const { config, logger } = this.opts;
    let files: string[];
    try {
      files = (await readdir(config.campaignsDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
    } catch (err) {
      logger.error({ dir: config.campaignsDir, err }, 'cannot read the campaigns directory');
      return;
    }
    const paths = files.map((f) => path.resolve(config.campaignsDir, f));
    // One file per campaign id: the file that holds it now (while it exists), else the first by name.
    const owners = new Map<string, string>();
    for (const [id, l] of this.loaded) if (paths.includes(l.spec.source)) owners.set(id, l.spec.source);
    for (const f of paths) {
      // Each file on its own: whatever one file does, the others still load.
      await this.loadOne(f, owners).catch((err: unknown) => {
        logger.error({ file: f, err }, 'campaign file rejected (unexpected error)');
      });
    }
    // A campaign whose file is gone (or unreadable) pauses (`file_missing`), never completes:
    // a file moved away by mistake must not cancel its records. It stays loaded for its return.
    // (An unreadable file was "rejected" above and kept its previous version: checked here too.)
    for (const [id, l] of this.loaded) {
      const gone = await access(l.spec.source, constants.R_OK).then(
        () => null,
        (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? 'removed' : 'unreadable'),
      );
      if (!gone) continue; // there (valid, or invalid now: the previous version keeps running)
      logger.warn({ campaign: id, file: l.spec.source }, `campaign file ${gone}: pausing the campaign (file_missing)`);
      await this.engine.fileMissing(id, `${l.spec.source} ${gone}`).catch((err) => logger.error({ campaign: id, err }, 'pause failed'));
    }
    if (this.loaded.size === 0) logger.warn({ dir: config.campaignsDir }, 'no campaign loaded: fix or add campaign files, then send SIGHUP');
  }

  /**
   * At start: a campaign the store knows as `running` but no file holds any more is paused
   * (`file_missing`) in the store, so it shows why it does not dial; its file coming back (SIGHUP)
   * clears that and it runs again. Other states are left as they are.
   */
  private async pauseOrphans(): Promise<void> {
    for (const c of await this.store.listCampaigns()) {
      if (c.state !== 'running' || this.loaded.has(c.id)) continue;
      const pauseDetail = 'no campaign file holds this campaign';
      this.opts.logger.warn({ campaign: c.id }, `campaign ${c.id}: ${pauseDetail}; paused (file_missing)`);
      await this.store.putCampaign({ ...c, state: 'paused', pauseReason: 'file_missing', pauseDetail, updatedAt: this.scheduler.now() });
    }
  }

  /** Load or reload one campaign file; returns its id when it is valid. */
  private async loadOne(file: string, owners: Map<string, string>): Promise<string | null> {
    const { logger, config } = this.opts;
    const r = await loadCampaignFile(file, { trunks: Object.keys(config.trunks) });
    if (!r.ok) {
      for (const e of r.errors) logger.error({ file }, formatConfigError(e));
      const prev = [...this.loaded.values()].find((l) => l.spec.source === path.resolve(file));
      logger.error({ file }, `campaign file rejected (${r.errors.length} errors); ${prev ? 'the previous version keeps running' : 'not loaded'}`);
      return prev?.spec.id ?? null;
    }
    const spec = r.spec;
    const owner = owners.get(spec.id);
    if (owner !== undefined && owner !== spec.source) {
      const read = await readConfigText(file);
      const line = (read.ok ? read.text : '').split('\n').findIndex((l) => /^id\s*:/.test(l)) + 1 || 1;
      logger.error({ file }, `${file}:${line}:1: campaign id "${spec.id}" is already used by ${owner}; this file is not loaded`);
      return null;
    }
    owners.set(spec.id, spec.source);
    try {
      const dnc = await loadDnc(spec.dnc, spec.contacts.region, { onProblem: (p) => logger.warn(p, `dnc ${p.file}:${p.line}: ${p.message}`) });
      const mtime = (await stat(spec.contacts.file)).mtimeMs;
      const prev = this.loaded.get(spec.id);
      const saved = await this.store.getCampaign(spec.id);
      if (!saved || (prev && prev.contactsMtime !== mtime)) await this.importContacts(spec);
      this.loaded.set(spec.id, { spec, dnc, contactsMtime: mtime });
      await this.engine.upsertCampaign(spec, dnc);
      return spec.id;
    } catch (err) {
      logger.error({ file, err }, 'campaign not loaded');
      return this.loaded.has(spec.id) ? spec.id : null;
    }
  }

  private async importContacts(spec: CampaignSpec): Promise<void> {
    const { logger } = this.opts;
    const report = await importContacts(
      { file: spec.contacts.file, region: spec.contacts.region, numbers: spec.numbers, campaign: spec.id, now: this.scheduler.now(), startAt: spec.startAt },
      async (batch) => void (await this.engine.addRecords(spec.id, batch)),
    );
    for (const p of report.problems.slice(0, 50)) logger.warn({ campaign: spec.id }, `${spec.contacts.file}:${p.line}: ${p.message}`);
    logger.info({ campaign: spec.id, ...report, problems: report.problems.length }, `imported ${report.records} records (${report.invalid} invalid)`);
  }

  private async refreshDnc(): Promise<void> {
    for (const l of this.loaded.values()) {
      try {
        if (await l.dnc.refresh()) this.opts.logger.info({ campaign: l.spec.id, size: l.dnc.size }, 'DNC list reloaded');
      } catch (err) {
        this.opts.logger.warn({ campaign: l.spec.id, err }, 'DNC refresh failed; keeping the previous list');
      }
    }
  }

  /**
   * Idempotent, guarded shutdown: stop taking work → let live calls finish (by event) up to
   * the grace period → hang up the rest → close adapters → close the store. Each step in its
   * own try/catch.
   */
  stop(graceMs = this.opts.config.shutdownGraceSeconds * 1000): Promise<void> {
    this.stopped ??= (async () => {
      const log = this.opts.logger;
      this.dncTimer?.cancel();
      this.dncTimer = null;
      try {
        await this.api?.close();
      } catch (err) {
        log.error({ err }, 'control API close failed');
      }
      try {
        await this.engine.stop(graceMs);
      } catch (err) {
        log.error({ err }, 'engine stop failed');
      }
      try {
        this.webhook?.detach();
        await this.webhook?.notifier.close();
      } catch (err) {
        log.error({ err }, 'webhook close failed');
      }
      for (const pbx of this.pbxes.values()) {
        try {
          await pbx.stop();
        } catch (err) {
          log.error({ pbx: pbx.name, err }, 'pbx stop failed');
        }
      }
      try {
        await this.store.close();
      } catch (err) {
        log.error({ err }, 'store close failed');
      }
      log.info('stopped');
    })();
    return this.stopped;
  }
}
