/**
 * SIGHUP on dialerd.yaml: which parts of a newly loaded config a running daemon takes, and which
 * need a restart. Taken: `log_level`, `max_concurrency`, `shutdown_grace`, `notify` and each
 * trunk's `concurrency` and `calls_per_second`. Kept until a restart (named in the log): `store`,
 * `pbxes` (their connections), `api` (its listener), `campaigns_dir`, trunks added or removed and
 * any other trunk field (`pbx`, `endpoint`, `breaker`, `minutes`). Pure: no I/O.
 */
import { configDiff, type ConfigDiff } from './config-diff.ts';
import type { DaemonConfig, TrunkConfig } from './daemon-types.ts';
import { redactUrl } from '../lib/redact.ts';

export interface DaemonReloadPlan {
  /** The running config with the reloadable parts of the new one. */
  config: DaemonConfig;
  /** What `config` changes in the running one (webhook URLs redacted). */
  diff: ConfigDiff;
  /** Config keys (paths) that changed but need a restart; the running value is kept. */
  restart: string[];
}

const TRUNK_RELOADABLE = ['concurrency', 'callsPerSecond'] as const;

export function planDaemonReload(running: DaemonConfig, next: DaemonConfig): DaemonReloadPlan {
  const restart: string[] = [];
  const changed = (a: unknown, b: unknown): boolean => JSON.stringify(a) !== JSON.stringify(b);
  if (changed(running.store, next.store)) restart.push('store');
  for (const name of union(running.pbxes, next.pbxes)) if (changed(running.pbxes[name], next.pbxes[name])) restart.push(`pbxes.${name}`);
  if (changed(running.api ?? null, next.api ?? null)) restart.push('api');
  if (running.campaignsDir !== next.campaignsDir) restart.push('campaigns_dir');
  const trunks: Record<string, TrunkConfig> = {};
  for (const name of union(running.trunks, next.trunks)) {
    const was = running.trunks[name];
    const now = next.trunks[name];
    if (!was || !now) {
      restart.push(`trunks.${name}`);
      if (was) trunks[name] = was;
      continue;
    }
    trunks[name] = { ...was, concurrency: now.concurrency, callsPerSecond: now.callsPerSecond };
    const rest = (t: TrunkConfig): TrunkConfig => ({ ...t, concurrency: 0, callsPerSecond: 0 });
    if (changed(rest(was), rest(now))) restart.push(`trunks.${name} (${otherFields(was, now).join(', ')})`);
  }
  const config: DaemonConfig = {
    ...running,
    trunks,
    logLevel: next.logLevel,
    maxConcurrency: next.maxConcurrency,
    shutdownGraceSeconds: next.shutdownGraceSeconds,
    notify: next.notify ?? null,
  };
  return { config, diff: configDiff(shown(running), shown(config)), restart };
}

/** The reloadable parts, as logged: secrets never (a webhook's URL redacted, its header by name only). */
function shown(c: DaemonConfig): Record<string, unknown> {
  const trunks: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(c.trunks)) trunks[name] = { concurrency: t.concurrency, calls_per_second: t.callsPerSecond };
  return {
    log_level: c.logLevel,
    max_concurrency: c.maxConcurrency,
    shutdown_grace_seconds: c.shutdownGraceSeconds,
    notify: { webhook: c.notify ? redactUrl(c.notify.webhook) : null, header: c.notify?.header?.name ?? null },
    trunks,
  };
}

function otherFields(a: TrunkConfig, b: TrunkConfig): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as (keyof TrunkConfig)[];
  return keys
    .filter((k) => !(TRUNK_RELOADABLE as readonly string[]).includes(k) && JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`));
}

function union(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}
