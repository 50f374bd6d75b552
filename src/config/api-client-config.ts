/**
 * What the CLI needs from a daemon config (`--config dialerd.yaml`) to reach its control API:
 * the URL `api.listen` makes, and the token from the variable `api.token_env` names. Only these
 * keys are read, so the CLI works where the daemon's other secrets are not set.
 */
import { readFile } from 'node:fs/promises';
import { DialerdError } from '../lib/errors.ts';
import { formatConfigError } from './config-error.ts';
import { ENV_NAME_PATTERN, LISTEN_PATTERN } from './daemon-schema.ts';
import { parseListen } from './load-daemon.ts';
import { parseYaml } from './yaml-positions.ts';

export interface ApiClientConfig {
  /** http://host:port of `api.listen` (a wildcard address becomes loopback). */
  url: string;
  /** The token, or null when `token_env` is absent or its variable unset. */
  token: string | null;
}

/** Throws DIALERD_ERR_CONFIG_NOT_FOUND or DIALERD_ERR_CONFIG_INVALID (at file:line:col). */
export async function readApiClientConfig(file: string, env: NodeJS.ProcessEnv): Promise<ApiClientConfig> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new DialerdError('DIALERD_ERR_CONFIG_NOT_FOUND', `${file} (${e.code ?? e.message})`);
  });
  const y = parseYaml(text, file);
  const bad = (message: string): never => {
    throw new DialerdError('DIALERD_ERR_CONFIG_INVALID', message);
  };
  if (y.syntaxErrors.length > 0) bad(formatConfigError(y.syntaxErrors[0]!));
  const api = (y.data as { api?: { listen?: unknown; token_env?: unknown } } | null)?.api;
  if (typeof api !== 'object' || api === null) return bad(`${file}: no api section (the daemon has no control API)`);
  const listen = typeof api.listen === 'string' && new RegExp(LISTEN_PATTERN).test(api.listen) ? parseListen(api.listen) : null;
  if (!listen) return bad(formatConfigError(y.errorAt(['api', 'listen'], 'value', 'expected host:port, e.g. 127.0.0.1:8480')));
  const tokenEnv = api.token_env;
  if (tokenEnv !== undefined && (typeof tokenEnv !== 'string' || !new RegExp(ENV_NAME_PATTERN).test(tokenEnv))) {
    bad(formatConfigError(y.errorAt(['api', 'token_env'], 'value', 'is not an environment variable name (letters, digits, _)')));
  }
  const host = listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host === '::' ? '::1' : listen.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${listen.port}`,
    token: (typeof tokenEnv === 'string' && env[tokenEnv]) || null,
  };
}
