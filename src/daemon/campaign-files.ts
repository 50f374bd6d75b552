/**
 * The campaign files of `campaigns_dir` loaded into the engine (at start and on SIGHUP), their
 * contacts imported, their DNC lists refreshed. Each load logs, per file, what changed (a field
 * diff of the effective spec), what was rejected (file:line:col) and what is kept; a rejected edit
 * stays visible (`rejected()`) until a valid version loads. A list of BACKGROUND_ROWS rows or more
 * imports in the background (the start goes on: API up, other campaigns dial); a campaign new to
 * the store is added to the engine only once its whole list is in, so it never dials a partial
 * list (claim order, earliest then by id, holds over the whole file; `complete_when_done` cannot
 * fire early). A re-import (contacts file changed) leaves the campaign dialing its stored records
 * while new rows are added. A stop ends a load between files and an import between batches.
 */
import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DaemonConfig } from '../config/daemon-types.ts';
import { configDiff, diffText } from '../config/config-diff.ts';
import { formatConfigError, loadCampaignFile } from '../config/load-campaign.ts';
import { readConfigText } from '../config/read-config.ts';
import { countRows } from '../contacts/count-rows.ts';
import { importContacts } from '../contacts/import.ts';
import { loadDnc, type DncList } from '../contacts/dnc.ts';
import type { CampaignSpec } from '../domain/types.ts';
import type { Engine } from '../engine/engine.ts';
import type { Scheduler } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Store } from '../store/port.ts';
import type { Imports } from './imports.ts';

/** Lists with this many rows (or more) import in the background. */
export const BACKGROUND_ROWS = 10_000;
/** A rejection as campaign status shows it is cut here. */
const REJECTED_CHARS = 300;

/** What one load did to one file. */
export type FileOutcome = 'new' | 'changed' | 'unchanged' | 'rejected' | 'importing';

interface Loaded {
  spec: CampaignSpec;
  dnc: DncList;
  contactsMtime: number;
}

export interface CampaignFilesDeps {
  config: DaemonConfig;
  logger: Logger;
  engine: Engine;
  store: Store;
  scheduler: Scheduler;
  imports: Imports;
}

export class CampaignFiles {
  private readonly loaded = new Map<string, Loaded>();
  /** A valid version of a loaded campaign is not running: why (`file:line:col: …`), until one loads. */
  private readonly rejections = new Map<string, string>();
  /** Background imports by campaign: the version to apply when each ends (a reload meanwhile updates it). */
  private readonly background = new Map<string, { spec: CampaignSpec; dnc: DncList; done: Promise<void> }>();

  constructor(private readonly opts: CampaignFilesDeps) {}

  /** The pending rejected edit of a campaign (its first error, cut), or null. */
  rejected(campaign: string): string | null {
    return this.rejections.get(campaign) ?? null;
  }

  /** Resolves when no background import runs (they end early once the load's signal aborts). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background.values()].map((b) => b.done));
  }

  /**
   * Load every campaign file; `signal` ends it between files (and an import between batches).
   * Returns what happened to each file, in file order.
   */
  async loadCampaigns(signal?: AbortSignal): Promise<FileOutcome[]> {
    const { config, logger } = this.opts;
    let files: string[];
    try {
      files = (await readdir(config.campaignsDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
    } catch (err) {
      logger.error({ dir: config.campaignsDir, err }, 'cannot read the campaigns directory');
      return ['rejected'];
    }
    const paths = files.map((f) => path.resolve(config.campaignsDir, f));
    // One file per campaign id: the file that holds it now (while it exists), else the first by name.
    const owners = new Map<string, string>();
    for (const [id, l] of [...this.loaded, ...this.background]) if (paths.includes(l.spec.source) && !owners.has(id)) owners.set(id, l.spec.source);
    const outcomes: FileOutcome[] = [];
    for (const f of paths) {
      if (signal?.aborted) return outcomes;
      // Each file on its own: whatever one file does, the others still load.
      outcomes.push(
        await this.loadOne(f, owners, signal).catch((err: unknown): FileOutcome => {
          logger.error({ file: f, err }, 'campaign file rejected (unexpected error)');
          return 'rejected';
        }),
      );
    }
    if (signal?.aborted) return outcomes;
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
      await this.opts.engine.fileMissing(id, `${l.spec.source} ${gone}`).catch((err) => logger.error({ campaign: id, err }, 'pause failed'));
    }
    if (this.loaded.size === 0 && this.background.size === 0) logger.warn({ dir: config.campaignsDir }, 'no campaign loaded: fix or add campaign files, then send SIGHUP');
    return outcomes;
  }

  /**
   * At start: a campaign the store knows as `running` but no file holds any more is paused
   * (`file_missing`) in the store, so it shows why it does not dial; its file coming back (SIGHUP)
   * clears that and it runs again. Other states are left as they are.
   */
  async pauseOrphans(): Promise<void> {
    for (const c of await this.opts.store.listCampaigns()) {
      if (c.state !== 'running' || this.loaded.has(c.id)) continue;
      const pauseDetail = 'no campaign file holds this campaign';
      this.opts.logger.warn({ campaign: c.id }, `campaign ${c.id}: ${pauseDetail}; paused (file_missing)`);
      await this.opts.store.putCampaign({ ...c, state: 'paused', pauseReason: 'file_missing', pauseDetail, updatedAt: this.opts.scheduler.now() });
    }
  }

  /** Load or reload one campaign file. */
  private async loadOne(file: string, owners: Map<string, string>, signal?: AbortSignal): Promise<FileOutcome> {
    const { logger, config } = this.opts;
    const r = await loadCampaignFile(file, { trunks: Object.keys(config.trunks) });
    if (!r.ok) {
      for (const e of r.errors) logger.error({ file }, formatConfigError(e));
      const prev = [...this.loaded.values(), ...this.background.values()].find((l) => l.spec.source === path.resolve(file));
      if (prev) this.reject(prev.spec.id, `${formatConfigError(r.errors[0]!)}${r.errors.length > 1 ? ` (+${r.errors.length - 1} more)` : ''}`);
      logger.error({ file, campaign: prev?.spec.id }, `campaign file rejected (${r.errors.length} errors); ${prev ? 'the previous version keeps running' : 'not loaded'}`);
      return 'rejected';
    }
    const spec = r.spec;
    const owner = owners.get(spec.id);
    if (owner !== undefined && owner !== spec.source) {
      const read = await readConfigText(file);
      const line = (read.ok ? read.text : '').split('\n').findIndex((l) => /^id\s*:/.test(l)) + 1 || 1;
      logger.error({ file }, `${file}:${line}:1: campaign id "${spec.id}" is already used by ${owner}; this file is not loaded`);
      return 'rejected';
    }
    owners.set(spec.id, spec.source);
    const prev = this.loaded.get(spec.id);
    try {
      const dnc = await loadDnc(spec.dnc, spec.contacts.region, { onProblem: (p) => logger.warn(p, `dnc ${p.file}:${p.line}: ${p.message}`) });
      const mtime = (await stat(spec.contacts.file)).mtimeMs;
      const job = this.background.get(spec.id);
      if (job) {
        // Its import still runs: this version is the one applied when it ends.
        Object.assign(job, { spec, dnc });
        if (prev) return await this.apply(spec, dnc, prev.contactsMtime);
        this.rejections.delete(spec.id);
        logger.info({ campaign: spec.id }, `campaign ${spec.id}: contacts import still running; this version applies when it ends`);
        return 'importing';
      }
      const saved = await this.opts.store.getCampaign(spec.id);
      if (saved && (!prev || prev.contactsMtime === mtime)) return await this.apply(spec, dnc, mtime);
      const total = await countRows(spec.contacts.file);
      if (total < BACKGROUND_ROWS) {
        await this.importContacts(spec, total, signal);
        return await this.apply(spec, dnc, mtime);
      }
      // A large list: in the background. A loaded campaign runs this version meanwhile.
      const outcome = prev ? await this.apply(spec, dnc, prev.contactsMtime) : 'importing';
      const bg = { spec, dnc, done: Promise.resolve() };
      bg.done = this.importContacts(spec, total, signal)
        .then(async () => void (signal?.aborted || (await this.apply(bg.spec, bg.dnc, mtime, !prev))))
        .catch((err: unknown) => this.importFailed(spec, err, signal))
        .finally(() => this.background.delete(spec.id));
      this.background.set(spec.id, bg);
      return outcome;
    } catch (err) {
      this.importFailed(spec, err, signal);
      if (prev && !signal?.aborted) this.reject(spec.id, `campaign not loaded: ${err instanceof Error ? err.message : String(err)}`);
      return 'rejected';
    }
  }

  /** A valid version runs: log what it changed (unless `report` is false: a re-import ending), clear a pending rejection. */
  private async apply(spec: CampaignSpec, dnc: DncList, contactsMtime: number, report = true): Promise<FileOutcome> {
    const prev = this.loaded.get(spec.id);
    this.loaded.set(spec.id, { spec, dnc, contactsMtime });
    this.rejections.delete(spec.id);
    await this.opts.engine.upsertCampaign(spec, dnc);
    if (!prev) {
      if (report) this.opts.logger.info({ campaign: spec.id, file: spec.source }, `campaign ${spec.id}: loaded`);
      return 'new';
    }
    const diff = configDiff(prev.spec, spec);
    if (report) this.opts.logger.info({ campaign: spec.id, file: spec.source, changes: diff.changes }, `campaign ${spec.id}: ${diffText(diff)}`);
    return diff.changes.length > 0 ? 'changed' : 'unchanged';
  }

  private reject(campaign: string, why: string): void {
    this.rejections.set(campaign, why.length > REJECTED_CHARS ? `${why.slice(0, REJECTED_CHARS - 1)}…` : why);
  }

  private importFailed(spec: CampaignSpec, err: unknown, signal?: AbortSignal): void {
    if (signal?.aborted) {
      // Not saved as loaded: the next start imports the file again (ids already there are kept).
      this.opts.logger.info({ campaign: spec.id }, 'contacts import stopped by the shutdown; the next start imports the rest');
    } else {
      this.opts.logger.error({ file: spec.source, err }, 'campaign not loaded');
    }
  }

  private async importContacts(spec: CampaignSpec, total: number, signal?: AbortSignal): Promise<void> {
    const { logger, imports } = this.opts;
    imports.begin({ campaign: spec.id, name: spec.name, trunk: spec.trunk, total }, total >= BACKGROUND_ROWS);
    try {
      const report = await importContacts(
        {
          file: spec.contacts.file,
          region: spec.contacts.region,
          numbers: spec.numbers,
          campaign: spec.id,
          now: this.opts.scheduler.now(),
          startAt: spec.startAt,
          progress: (rows) => imports.progress(spec.id, rows),
          ...(signal ? { signal } : {}),
        },
        async (batch) => void (await this.opts.engine.addRecords(spec.id, batch)),
      );
      for (const p of report.problems.slice(0, 50)) logger.warn({ campaign: spec.id }, `${spec.contacts.file}:${p.line}: ${p.message}`);
      logger.info({ campaign: spec.id, ...report, problems: report.problems.length }, `imported ${report.records} records (${report.invalid} invalid)`);
    } finally {
      imports.end(spec.id);
    }
  }

  async refreshDnc(): Promise<void> {
    for (const l of this.loaded.values()) {
      try {
        if (await l.dnc.refresh()) this.opts.logger.info({ campaign: l.spec.id, size: l.dnc.size }, 'DNC list reloaded');
      } catch (err) {
        this.opts.logger.warn({ campaign: l.spec.id, err }, 'DNC refresh failed; keeping the previous list');
      }
    }
  }
}
