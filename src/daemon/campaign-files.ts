/**
 * The campaign files of `campaigns_dir` loaded into the engine (at start and on SIGHUP), their
 * contacts imported, their DNC lists refreshed. Moved from daemon.ts as it was; the lifecycle's
 * part is the AbortSignal: a stop ends a load between files and an import between batches.
 */
import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DaemonConfig } from '../config/daemon-types.ts';
import { formatConfigError, loadCampaignFile } from '../config/load-campaign.ts';
import { readConfigText } from '../config/read-config.ts';
import { importContacts } from '../contacts/import.ts';
import { loadDnc, type DncList } from '../contacts/dnc.ts';
import type { CampaignSpec } from '../domain/types.ts';
import type { Engine } from '../engine/engine.ts';
import type { Scheduler } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Store } from '../store/port.ts';

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
}

export class CampaignFiles {
  private readonly loaded = new Map<string, Loaded>();

  constructor(private readonly opts: CampaignFilesDeps) {}

  /** Load every campaign file; `signal` ends it between files (and an import between batches). */
  async loadCampaigns(signal?: AbortSignal): Promise<void> {
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
      if (signal?.aborted) return;
      // Each file on its own: whatever one file does, the others still load.
      await this.loadOne(f, owners, signal).catch((err: unknown) => {
        logger.error({ file: f, err }, 'campaign file rejected (unexpected error)');
      });
    }
    if (signal?.aborted) return;
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
    if (this.loaded.size === 0) logger.warn({ dir: config.campaignsDir }, 'no campaign loaded: fix or add campaign files, then send SIGHUP');
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

  /** Load or reload one campaign file; returns its id when it is valid. */
  private async loadOne(file: string, owners: Map<string, string>, signal?: AbortSignal): Promise<string | null> {
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
      const saved = await this.opts.store.getCampaign(spec.id);
      if (!saved || (prev && prev.contactsMtime !== mtime)) await this.importContacts(spec, signal);
      this.loaded.set(spec.id, { spec, dnc, contactsMtime: mtime });
      await this.opts.engine.upsertCampaign(spec, dnc);
      return spec.id;
    } catch (err) {
      if (signal?.aborted) {
        // Not saved as loaded: the next start imports the file again (ids already there are kept).
        logger.info({ campaign: spec.id }, 'contacts import stopped by the shutdown; the next start imports the rest');
        return null;
      }
      logger.error({ file, err }, 'campaign not loaded');
      return this.loaded.has(spec.id) ? spec.id : null;
    }
  }

  private async importContacts(spec: CampaignSpec, signal?: AbortSignal): Promise<void> {
    const { logger } = this.opts;
    const report = await importContacts(
      { file: spec.contacts.file, region: spec.contacts.region, numbers: spec.numbers, campaign: spec.id, now: this.opts.scheduler.now(), startAt: spec.startAt, ...(signal ? { signal } : {}) },
      async (batch) => void (await this.opts.engine.addRecords(spec.id, batch)),
    );
    for (const p of report.problems.slice(0, 50)) logger.warn({ campaign: spec.id }, `${spec.contacts.file}:${p.line}: ${p.message}`);
    logger.info({ campaign: spec.id, ...report, problems: report.problems.length }, `imported ${report.records} records (${report.invalid} invalid)`);
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
