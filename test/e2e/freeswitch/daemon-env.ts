/**
 * A daemon run as `dialerd run` would do it against the lab FreeSWITCH: a config directory
 * (dialerd.yaml, campaigns, contact lists) loaded by the real loader, the memory store, the ESL
 * adapter, and the lab's gateway `carrier` as the trunk.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDaemon as startDaemonWith, type Observed } from '../shared/daemon.ts';
import { ESL } from './harness.ts';

export interface ConfigOptions {
  /** The `store:` value (default the memory store). */
  store?: string;
  /** Where the daemon reaches ESL (default FreeSWITCH itself; a LinkProxy's port to cut the link). */
  eslPort?: number;
  /** The trunk's `breaker:` value (default the daemon's). */
  breaker?: string;
}

/** Writes the config directory: `campaigns` maps a campaign id to its contact CSV and YAML body (without id/contacts). */
export function writeConfig(campaigns: Record<string, { yaml: string; csv: string }>, o: ConfigOptions = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dialerd-e2e-fs-'));
  mkdirSync(path.join(dir, 'campaigns'));
  mkdirSync(path.join(dir, 'contacts'));
  writeFileSync(path.join(dir, 'dialerd.yaml'), `log_level: warn
max_concurrency: 50
shutdown_grace: 5s
campaigns_dir: campaigns
store: ${o.store ?? '{ type: memory }'}
pbxes:
  fs1: { type: freeswitch, host: ${ESL.host}, port: ${o.eslPort ?? ESL.port}, password_env: DIALERD_E2E_ESL_PASSWORD }
trunks:
  carrier: { pbx: fs1, endpoint: "sofia/gateway/carrier/{number}", concurrency: 20, calls_per_second: 50${o.breaker ? `, breaker: ${o.breaker}` : ''} }
`);
  for (const [id, c] of Object.entries(campaigns)) {
    writeFileSync(path.join(dir, 'contacts', `${id}.csv`), c.csv);
    writeFileSync(path.join(dir, 'campaigns', `${id}.yaml`), `id: ${id}\nstate: running\ntrunk: carrier\ncontacts: { file: ../contacts/${id}.csv }\n${c.yaml}`);
  }
  return path.join(dir, 'dialerd.yaml');
}

export const startDaemon = (configFile: string): Promise<Observed> => startDaemonWith(configFile, { DIALERD_E2E_ESL_PASSWORD: ESL.password });
