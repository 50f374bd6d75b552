/** The whole daemon in-process, as `dialerd run` composes it, recording what it announces. */
import { loadDaemonConfig } from '../../../src/config/load-daemon.ts';
import { Daemon } from '../../../src/daemon/daemon.ts';
import type { HistoryRow } from '../../../src/domain/types.ts';
import type { CampaignChange, FinalEvent } from '../../../src/engine/types.ts';
import { logger } from './fixtures.ts';

export interface Observed {
  daemon: Daemon;
  dials: HistoryRow[];
  finals: FinalEvent[];
  changes: CampaignChange[];
}

/** Loads `configFile` with the real loader (`env` adds the secrets it names) and starts the daemon. */
export async function startDaemon(configFile: string, env: Record<string, string>): Promise<Observed> {
  const loaded = await loadDaemonConfig(configFile, { ...process.env, ...env });
  if (!loaded.ok) throw new Error(`config rejected: ${JSON.stringify(loaded.errors)}`);
  const daemon = await Daemon.create({ config: loaded.config, logger });
  const o: Observed = { daemon, dials: [], finals: [], changes: [] };
  daemon.engine.on('dial', (row) => o.dials.push(row));
  daemon.engine.on('final', (e) => o.finals.push(e));
  daemon.engine.on('campaign', (e) => o.changes.push(e));
  await daemon.start();
  return o;
}
