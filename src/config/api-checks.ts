/**
 * Checks of the `api` and `notify` sections that need the environment: the control API's token
 * (and where running without one is allowed) and the webhook's header. Messages never quote a
 * secret nor the value of a `*_env` key: they name the key, whose position the error carries.
 */
import { isIP } from 'node:net';
import type { ConfigError } from './config-error.ts';
import type { ApiConfig, NotifyConfig } from './daemon-types.ts';
import { ENV_NAME_PATTERN, type DaemonYaml } from './daemon-schema.ts';
import type { ParsedYaml } from './yaml-positions.ts';

/** Shortest API token accepted (characters); 16 random characters are far beyond guessing over HTTP. */
export const MIN_API_TOKEN_LENGTH = 16;
/** Longest API token accepted (characters). */
export const MAX_API_TOKEN_LENGTH = 1024;
/** Visible ASCII only: it travels in an HTTP header. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

/** A valid `*_env` value; others are reported by the schema (without their value). */
export const isEnvName = (v: unknown): v is string => typeof v === 'string' && new RegExp(ENV_NAME_PATTERN).test(v);

/** 127.0.0.0/8, ::1 and `localhost`: only this host can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return new URL(`http://[${h}]/`).hostname === '[::1]';
  return false;
}

type ApiYaml = NonNullable<DaemonYaml['api']>;

/**
 * The API token from the environment, or null for `auth: none`; undefined after an error.
 * `fallback.token` (the demo's generated one) stands in for an unset variable, and `fallback.used` is told its name.
 */
export function checkApiAuth(
  api: Partial<ApiYaml>,
  listen: Omit<ApiConfig, 'token'> | null,
  env: NodeJS.ProcessEnv,
  y: ParsedYaml,
  errors: ConfigError[],
  fallback?: { token: string; used: (envName: string) => void },
): string | null | undefined {
  const path = ['api'];
  const tokenEnv = isEnvName(api.token_env) ? api.token_env : undefined;
  if (tokenEnv !== undefined && api.auth === 'none') {
    errors.push(y.errorAt([...path, 'auth'], 'key', 'api: give either token_env or auth: none, not both', true));
    return undefined;
  }
  if (listen && !isLoopbackHost(listen.host) && tokenEnv === undefined) {
    errors.push(
      y.errorAt([...path, 'listen'], 'value', `"${api.listen}" is not a loopback address (127.0.0.1, ::1, localhost), so the API needs a token: add token_env: DIALERD_API_TOKEN (the environment variable holding it)${api.auth === 'none' ? '; auth: none is for loopback only' : ''}`),
    );
    return undefined;
  }
  if (api.auth === 'none') return null;
  if (tokenEnv === undefined) {
    if (api.token_env === undefined) {
      errors.push(y.errorAt(path, 'parent', 'api: missing required key "token_env" (the environment variable holding the API token), or write auth: none to run without authentication on a loopback address', true));
    }
    return undefined;
  }
  const token = env[tokenEnv];
  if (token === undefined || token === '') {
    if (fallback) {
      fallback.used(tokenEnv);
      return fallback.token;
    }
    errors.push(y.errorAt([...path, 'token_env'], 'value', `the environment variable it names is not set (or empty): set it to a random token of at least ${MIN_API_TOKEN_LENGTH} characters, e.g. $(openssl rand -hex 32)`));
    return undefined;
  }
  if (token.length < MIN_API_TOKEN_LENGTH || token.length > MAX_API_TOKEN_LENGTH || !TOKEN_CHARS.test(token)) {
    errors.push(
      y.errorAt([...path, 'token_env'], 'value', `the token in the environment variable it names must be ${MIN_API_TOKEN_LENGTH} to ${MAX_API_TOKEN_LENGTH} visible ASCII characters without spaces (e.g. $(openssl rand -hex 32))`),
    );
    return undefined;
  }
  return token;
}

/** The webhook's header with its value from the environment; undefined after an error or when there is none. */
export function checkWebhookHeader(notify: Partial<NonNullable<DaemonYaml['notify']>>, env: NodeJS.ProcessEnv, y: ParsedYaml, errors: ConfigError[], warnings: ConfigError[]): NotifyConfig['header'] {
  if (typeof notify.webhook === 'string' && /^https?:\/\/[^/?#]*@/i.test(notify.webhook)) {
    warnings.push(y.errorAt(['notify', 'webhook'], 'value', 'credentials in the URL (sent as Basic authentication, hidden in logs); prefer notify.header with value_env'));
  }
  const h = notify.header;
  if (typeof h !== 'object' || h === null || typeof h.name !== 'string' || !isEnvName(h.value_env)) return undefined;
  const value = env[h.value_env];
  const path = ['notify', 'header', 'value_env'];
  if (value === undefined || value === '') {
    errors.push(y.errorAt(path, 'value', 'the environment variable it names is not set (or empty)'));
    return undefined;
  }
  // A line break would let the value add headers of its own.
  if (/[\0-\x08\x0a-\x1f\x7f]|[^\0-\xff]/.test(value)) {
    errors.push(y.errorAt(path, 'value', 'the value of the environment variable it names has a line break, control or non-Latin-1 character'));
    return undefined;
  }
  return { name: h.name, value };
}
