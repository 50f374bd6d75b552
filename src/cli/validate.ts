/**
 * `dialerd validate FILE…`: check campaign files and daemon configs (a file whose top level has
 * `pbxes:`), print every problem as `file:line:col: message`. Daemon configs are checked first so
 * campaigns given alongside are checked against their trunks.
 */
import { formatConfigError, type ConfigError } from '../config/config-error.ts';
import { currentEnv } from '../config/env.ts';
import { loadCampaignFile } from '../config/load-campaign.ts';
import { loadDaemonConfig } from '../config/load-daemon.ts';
import { checkContacts } from './validate-contacts.ts';
import { readConfigText } from '../config/read-config.ts';
import { parseYaml } from '../config/yaml-positions.ts';

export interface ValidateOptions {
  /** Also read each valid campaign's contact CSV (validate-contacts.ts). */
  contacts?: boolean;
}

export interface ValidateIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/**
 * Exit code: 0 all valid, 1 something invalid (with `contacts`: also a contact file the daemon
 * could not import at all; row problems are warnings), 2 usage. Never throws.
 */
export async function validateCommand(files: string[], io: ValidateIo, env: NodeJS.ProcessEnv = currentEnv(), opts: ValidateOptions = {}): Promise<number> {
  if (files.length === 0) {
    io.err('usage: dialerd validate FILE.yaml [FILE.yaml …]');
    return 2;
  }
  files = [...new Set(files)];
  let failed = false;
  const report = (file: string, errors: ConfigError[], warnings: ConfigError[]): void => {
    for (const w of warnings) io.err(formatConfigError({ ...w, message: `warning: ${w.message}` }));
    for (const e of errors) io.err(formatConfigError(e));
    if (errors.length === 0) io.out(`${file}: ok`);
    else failed = true;
  };
  const guarded = async (file: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      failed = true;
      io.err(`${file}: unexpected error: ${e instanceof Error ? e.message : String(e)}`.split('\n')[0] as string);
    }
  };

  const kinds = new Map<string, 'daemon' | 'campaign'>();
  for (const f of files) await guarded(f, async () => void kinds.set(f, (await isDaemonConfig(f)) ? 'daemon' : 'campaign'));

  let trunks: string[] | undefined;
  for (const f of files.filter((f) => kinds.get(f) === 'daemon')) {
    await guarded(f, async () => {
      const r = await loadDaemonConfig(f, env);
      if (r.ok) trunks = [...(trunks ?? []), ...Object.keys(r.config.trunks)];
      report(f, r.ok ? [] : r.errors, r.ok ? r.warnings : []);
    });
  }
  const ids = new Map<string, string>();
  for (const f of files.filter((f) => kinds.get(f) === 'campaign')) {
    await guarded(f, async () => {
      const r = await loadCampaignFile(f, trunks ? { trunks } : {});
      const errors = r.ok ? await duplicateId(f, r.spec.id, ids) : r.errors;
      report(f, errors, r.ok ? r.warnings : []);
      if (r.ok && errors.length === 0 && opts.contacts && !(await checkContacts(r.spec, io))) failed = true;
    });
  }
  return failed ? 1 : 0;
}

/** A daemon config is recognised by a top-level `pbxes:` key. */
async function isDaemonConfig(file: string): Promise<boolean> {
  const read = await readConfigText(file);
  if (!read.ok) return false;
  const data = parseYaml(read.text, file).data;
  return typeof data === 'object' && data !== null && !Array.isArray(data) && 'pbxes' in data;
}

async function duplicateId(file: string, id: string, seen: Map<string, string>): Promise<ConfigError[]> {
  const first = seen.get(id);
  if (first === undefined) {
    seen.set(id, file);
    return [];
  }
  const read = await readConfigText(file);
  const y = parseYaml(read.ok ? read.text : '', file);
  return [y.errorAt(['id'], 'value', `"${id}" is already the id of ${first}`)];
}
