/**
 * Load config/dialerd.yaml: YAML → schema → checks (secrets from the environment, trunks naming
 * defined PBXes, the campaigns directory) → frozen DaemonConfig. Every error, each at file:line:col.
 * The environment is passed in: `process.env` is read by callers in src/config only.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import { checkApiAuth, checkWebhookHeader, isEnvName } from './api-checks.ts';
import { at, didYouMean, type ConfigError, type DocPath } from './config-error.ts';
import type { ApiConfig, DaemonConfig, PbxConfig, TrunkConfig } from './daemon-types.ts';
import { checkDaemonShape, type DaemonYaml } from './daemon-schema.ts';
import { parseDuration } from './duration.ts';
import { readConfigText } from './read-config.ts';
import { deepFreeze } from './freeze.ts';
import { sortAndDedupe, translateAjvErrors } from './schema-errors.ts';
import { parseYaml, type ParsedYaml } from './yaml-positions.ts';

export type DaemonLoadResult =
  | { ok: true; config: DaemonConfig; warnings: ConfigError[]; /** The variable `demoApiToken` stood in for. */ demoTokenFor?: string }
  | { ok: false; errors: ConfigError[] };

export interface DaemonLoadOptions {
  /** The demo's generated API token, used when the variable `api.token_env` names is unset. */
  demoApiToken?: string;
}

/** Read and validate the daemon config at `path`; never throws for a bad or missing file. */
export async function loadDaemonConfig(path: string, env: NodeJS.ProcessEnv, opts: DaemonLoadOptions = {}): Promise<DaemonLoadResult> {
  const file = resolve(path);
  const read = await readConfigText(file, path);
  if (!read.ok) return { ok: false, errors: [read.error] };
  const y = parseYaml(read.text, path);
  if (y.syntaxErrors.length > 0) return { ok: false, errors: y.syntaxErrors };
  const errors = translateAjvErrors(checkDaemonShape(y.data), y, customizeDaemon);
  const warnings: ConfigError[] = [...y.syntaxWarnings];
  const data = (isObj(y.data) ? y.data : {}) as Partial<DaemonYaml>;
  const passwords = checkSecrets(data, env, y, errors, warnings);
  checkTrunks(data, y, errors);
  checkStore(data, y, errors);
  let apiToken: string | null | undefined;
  let demoTokenFor: string | undefined;
  if (isObj(data.api)) {
    const listen = typeof data.api.listen === 'string' ? parseListen(data.api.listen) : null;
    if (listen && listen.port > 65535) errors.push(y.errorAt(['api', 'listen'], 'value', `port out of range in "${data.api.listen}" (1..65535)`));
    const fallback = opts.demoApiToken === undefined ? undefined : { token: opts.demoApiToken, used: (name: string) => void (demoTokenFor = name) };
    apiToken = checkApiAuth(data.api, listen, env, y, errors, fallback);
  }
  const webhookHeader = isObj(data.notify) ? checkWebhookHeader(data.notify, env, y, errors, warnings) : undefined;
  await checkSimOutcomes(data, dirname(file), y, errors);
  const campaignsDir = resolve(dirname(file), typeof data.campaigns_dir === 'string' ? data.campaigns_dir : 'campaigns');
  if (typeof data.campaigns_dir === 'string') {
    const st = await stat(campaignsDir).catch(() => null);
    if (!st?.isDirectory()) errors.push(y.errorAt(['campaigns_dir'], 'value', `directory not found: ${campaignsDir}`));
  }
  if (errors.length > 0) return { ok: false, errors: sortAndDedupe(errors) };
  const config = normalize(data as DaemonYaml, passwords, campaignsDir, file);
  // Set only when written, so an absent key stays absent (= disabled).
  if (data.api) config.api = { ...parseListen(data.api.listen)!, token: apiToken ?? null };
  if (data.notify) config.notify = { webhook: data.notify.webhook, ...(webhookHeader ? { header: webhookHeader } : {}) };
  return { ok: true, config: deepFreeze(config), warnings: sortAndDedupe(warnings), ...(demoTokenFor ? { demoTokenFor } : {}) };
}

function checkSecrets(data: Partial<DaemonYaml>, env: NodeJS.ProcessEnv, y: ParsedYaml, errors: ConfigError[], warnings: ConfigError[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, pbx] of Object.entries(isObj(data.pbxes) ? data.pbxes : {})) {
    if (!isObj(pbx) || (pbx.type !== 'asterisk' && pbx.type !== 'freeswitch')) continue;
    const path = ['pbxes', name];
    const { password_env: varName, password } = pbx as { password_env?: unknown; password?: unknown };
    if (varName !== undefined && password !== undefined) {
      errors.push(y.errorAt([...path, 'password'], 'key', at(path, 'give either password_env or password, not both'), true));
    } else if (isEnvName(varName)) {
      const value = env[varName];
      // Not its name: a password pasted there by mistake must not reach the terminal or a CI log.
      if (value === undefined || value === '') errors.push(y.errorAt([...path, 'password_env'], 'value', 'the environment variable it names is not set (or empty)'));
      else out.set(name, value);
    } else if (typeof password === 'string') {
      warnings.push(y.errorAt([...path, 'password'], 'value', 'a literal password in the config file; prefer password_env (the name of an environment variable)'));
      out.set(name, password);
    } else if (varName === undefined && password === undefined) {
      errors.push(y.errorAt(path, 'parent', 'missing required key "password_env" (the environment variable holding the password)'));
    }
  }
  return out;
}

function checkTrunks(data: Partial<DaemonYaml>, y: ParsedYaml, errors: ConfigError[]): void {
  const pbxNames = Object.keys(isObj(data.pbxes) ? data.pbxes : {});
  for (const [name, t] of Object.entries(isObj(data.trunks) ? data.trunks : {})) {
    if (!isObj(t)) continue;
    if (typeof t.pbx === 'string' && t.pbx !== '' && !pbxNames.includes(t.pbx)) {
      const dym = didYouMean(t.pbx, pbxNames) || (pbxNames.length > 0 ? ` (defined: ${pbxNames.join(', ')})` : '');
      errors.push(y.errorAt(['trunks', name, 'pbx'], 'value', `unknown pbx "${t.pbx}"${dym}`));
    }
    if (typeof t.endpoint === 'string' && t.endpoint !== '' && !t.endpoint.includes('{number}')) {
      errors.push(y.errorAt(['trunks', name, 'endpoint'], 'value', `"${t.endpoint}" has no {number} placeholder`));
    }
  }
}

/** A redis store names its server one way: `url`, or `sentinels` with `name`. */
function checkStore(data: Partial<DaemonYaml>, y: ParsedYaml, errors: ConfigError[]): void {
  const st = data.store;
  if (!isObj(st) || st.type !== 'redis') return;
  const s = st as { url?: unknown; sentinels?: unknown; name?: unknown };
  if (s.url !== undefined && s.sentinels !== undefined) errors.push(y.errorAt(['store', 'sentinels'], 'key', 'give either url or sentinels (with name), not both'));
  else if (s.url === undefined && s.sentinels === undefined) errors.push(y.errorAt(['store'], 'value', 'missing required key "url" (or "sentinels" and "name" for Redis Sentinel)'));
  else if (s.sentinels !== undefined && s.name === undefined) errors.push(y.errorAt(['store'], 'value', 'missing required key "name" (the master name the sentinels monitor)'));
  else if (s.sentinels === undefined && s.name !== undefined) errors.push(y.errorAt(['store', 'name'], 'key', '"name" goes with "sentinels"'));
}

/** A sim PBX's scripted outcomes file, relative to the daemon config, must exist. */
async function checkSimOutcomes(data: Partial<DaemonYaml>, dir: string, y: ParsedYaml, errors: ConfigError[]): Promise<void> {
  for (const [name, pbx] of Object.entries(isObj(data.pbxes) ? data.pbxes : {})) {
    if (!isObj(pbx) || pbx.type !== 'sim' || typeof pbx.outcomes !== 'string' || pbx.outcomes === '') continue;
    const abs = resolve(dir, pbx.outcomes);
    const st = await stat(abs).catch(() => null);
    if (!st?.isFile()) errors.push(y.errorAt(['pbxes', name, 'outcomes'], 'value', `outcomes file not found: ${abs}`));
  }
}

function normalize(d: DaemonYaml, passwords: Map<string, string>, campaignsDir: string, source: string): DaemonConfig {
  const pbxes: Record<string, PbxConfig> = {};
  for (const [name, p] of Object.entries(d.pbxes)) {
    const password = passwords.get(name) ?? '';
    if (p.type === 'asterisk') pbxes[name] = { name, type: 'asterisk', url: p.url, username: p.username, password, app: p.app ?? 'dialerd' };
    else if (p.type === 'freeswitch') pbxes[name] = { name, type: 'freeswitch', host: p.host, port: p.port ?? 8021, password };
    else pbxes[name] = { name, type: 'sim', outcomes: p.outcomes ? resolve(dirname(source), p.outcomes) : null, seed: p.seed ?? 1 };
  }
  const trunks: Record<string, TrunkConfig> = {};
  for (const [name, t] of Object.entries(d.trunks)) {
    const breaker = { after: t.breaker?.after ?? 5, cooldownSeconds: parseDuration(t.breaker?.cooldown ?? '1m') ?? 60 };
    trunks[name] = { name, pbx: t.pbx, endpoint: t.endpoint, concurrency: t.concurrency ?? 10, callsPerSecond: t.calls_per_second ?? 5, breaker };
    if (t.minutes !== undefined) trunks[name]!.packageTalkSeconds = t.minutes * 60;
  }
  const store = d.store ?? { type: 'memory' };
  return {
    pbxes,
    trunks,
    store:
      store.type === 'redis'
        ? {
            type: 'redis',
            prefix: store.prefix ?? 'dialerd:',
            standby: store.standby ?? false,
            ...(store.url !== undefined ? { url: store.url } : {}),
            ...(store.sentinels !== undefined ? { sentinels: store.sentinels.map((x) => ({ ...x })), name: store.name ?? '' } : {}),
          }
        : { type: 'memory' },
    campaignsDir,
    logLevel: d.log_level ?? 'info',
    maxConcurrency: d.max_concurrency ?? 100,
    shutdownGraceSeconds: parseDuration(d.shutdown_grace ?? '30s') ?? 30,
    source,
  };
}

/** `host:port` or `[v6]:port` (already matched by LISTEN_PATTERN) → host and port. */
export function parseListen(listen: string): Omit<ApiConfig, 'token'> | null {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen);
  if (!m) return null;
  return { host: m[1] ?? m[2]!, port: Number(m[3]) };
}

function customizeDaemon(e: ErrorObject, path: DocPath, y: ParsedYaml): ConfigError | null {
  if (path.length === 1 && (path[0] === 'pbxes' || path[0] === 'trunks') && e.keyword === 'additionalProperties') {
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    return y.errorAt([...path, key], 'key', at(path, `"${key}" is not a valid name (letters, digits, _ . -)`), true);
  }
  return null;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
