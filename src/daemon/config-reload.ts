/**
 * SIGHUP's first part: dialerd.yaml read again. A valid file's reloadable parts are applied
 * (config/daemon-reload.ts says which) and logged as a diff; what needs a restart is named and
 * kept; an invalid file is logged at file:line:col and the running config stays as it is.
 */
import type { DaemonLoadResult } from '../config/load-daemon.ts';
import { diffText } from '../config/config-diff.ts';
import { formatConfigError } from '../config/config-error.ts';
import { planDaemonReload } from '../config/daemon-reload.ts';
import type { DaemonConfig } from '../config/daemon-types.ts';
import type { Logger } from '../lib/logger.ts';

export interface ConfigReloadHost {
  logger: Logger;
  /** Apply the reloaded parts (caps, log level, webhook). */
  apply(next: DaemonConfig, before: DaemonConfig): void;
}

/** Returns the config now running (the same object when nothing was taken) and whether the file was rejected. */
export async function reloadDaemonConfig(
  running: DaemonConfig,
  load: () => Promise<DaemonLoadResult>,
  host: ConfigReloadHost,
): Promise<{ config: DaemonConfig; rejected: boolean }> {
  const { logger } = host;
  const r = await load();
  if (!r.ok) {
    for (const e of r.errors) logger.error({ file: running.source }, formatConfigError(e));
    logger.error({ file: running.source }, `dialerd.yaml rejected (${r.errors.length} errors); the running config is kept`);
    return { config: running, rejected: true };
  }
  const plan = planDaemonReload(running, r.config);
  for (const key of plan.restart) logger.warn({ file: running.source, key }, `${key} changed: needs a restart; kept the running one`);
  logger.info({ file: running.source, changes: plan.diff.changes }, `dialerd.yaml: ${diffText(plan.diff)}`);
  if (JSON.stringify(plan.config) === JSON.stringify(running)) return { config: running, rejected: false };
  host.apply(plan.config, running);
  return { config: plan.config, rejected: false };
}
