/**
 * The daemon file (config/dialerd.yaml) as written by ops. Secrets are not in it: `password_env`,
 * `api.token_env` and `notify.header.value_env` name the environment variable that holds one
 * (checked in load-daemon.ts and api-checks.ts).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { ErrorObject } from 'ajv';
import { compile, StringEnum } from './schema-kit.ts';
import { DURATION_PATTERN } from './duration.ts';
import { addPatternHint } from './schema-errors.ts';

export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]*$';
const REDIS_URL_PATTERN = '^rediss?://';
const HTTP_URL_PATTERN = '^https?://';
addPatternHint(NAME_PATTERN, 'is not a valid name (letters, digits, _ . -)');
addPatternHint(REDIS_URL_PATTERN, 'is not a redis URL (redis://host:port/db)');
addPatternHint(HTTP_URL_PATTERN, 'is not an http(s) URL (http://host:8088)');
/** The name of an environment variable (the `*_env` keys). */
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
addPatternHint(ENV_NAME_PATTERN, 'is not an environment variable name (letters, digits, _)');
const HEADER_NAME_PATTERN = "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$";
addPatternHint(HEADER_NAME_PATTERN, 'is not an HTTP header name');
export const LISTEN_PATTERN = '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$';
addPatternHint(LISTEN_PATTERN, 'is not a listen address (host:port, e.g. 127.0.0.1:8480)');

/** A union tagged by `type`: ajv then reports errors of the matching branch only. */
function Tagged<T extends TSchema[]>(branches: [...T], opts: Record<string, unknown> = {}) {
  return Type.Unsafe<Static<T[number]>>({ type: 'object', oneOf: branches, discriminator: { propertyName: 'type' }, ...opts });
}

const secret = {
  password_env: Type.Optional(Type.String({ pattern: ENV_NAME_PATTERN, description: 'Name of the environment variable holding the password.' })),
  password: Type.Optional(Type.String({ description: 'Literal password (discouraged: use password_env).' })),
};

const Asterisk = Type.Object(
  {
    type: Type.Literal('asterisk'),
    url: Type.String({ pattern: HTTP_URL_PATTERN, description: 'ARI base URL, e.g. http://127.0.0.1:8088' }),
    username: Type.String({ minLength: 1 }),
    ...secret,
    app: Type.Optional(Type.String({ minLength: 1, default: 'dialerd', description: 'Stasis application name.' })),
  },
  { additionalProperties: false },
);
const FreeSwitch = Type.Object(
  {
    type: Type.Literal('freeswitch'),
    host: Type.String({ minLength: 1 }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 8021 })),
    ...secret,
  },
  { additionalProperties: false },
);
const Sim = Type.Object(
  {
    type: Type.Literal('sim'),
    outcomes: Type.Optional(Type.Union([Type.String(), Type.Null()], { default: null, description: 'Scripted outcomes file (relative to this file), null for the built-in mix.' })),
    seed: Type.Optional(Type.Integer({ default: 1 })),
  },
  { additionalProperties: false },
);

const Trunk = Type.Object(
  {
    pbx: Type.String({ minLength: 1, description: 'A key of `pbxes`.' }),
    endpoint: Type.String({ minLength: 1, description: 'Dial string; {number} becomes the E.164 number, e.g. PJSIP/{number}@carrier-a.' }),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, default: 10 })),
    calls_per_second: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 5 })),
    breaker: Type.Optional(
      Type.Object(
        {
          after: Type.Optional(Type.Integer({ minimum: 1, default: 5, description: 'Consecutive trunk-fault dials (insufficient_funds, trunk_rejected, error) that pause every running campaign on the trunk.' })),
          cooldown: Type.Optional(Type.String({ pattern: DURATION_PATTERN, default: '1m', description: 'After the breaker opens, resume is refused this long; then one probe dial decides.' })),
        },
        { additionalProperties: false, default: {}, description: 'The trunk breaker.' },
      ),
    ),
    minutes: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'A minute package shared by every campaign on the trunk: talk minutes over its whole life; reached, they pause (reason budget). Raised only by a restart.' })),
  },
  { additionalProperties: false },
);

const Store = Tagged(
  [
    Type.Object({ type: Type.Literal('memory') }, { additionalProperties: false }),
    Type.Object(
      {
        type: Type.Literal('redis'),
        url: Type.Optional(Type.String({ pattern: REDIS_URL_PATTERN, description: 'The Redis server; or `sentinels` and `name`.' })),
        prefix: Type.Optional(Type.String({ default: 'dialerd:' })),
        standby: Type.Optional(Type.Boolean({ default: false, description: 'Wait as the hot standby of the daemon that owns the prefix (as `run --standby`).' })),
        sentinels: Type.Optional(
          Type.Array(
            Type.Object({ host: Type.String({ minLength: 1 }), port: Type.Integer({ minimum: 1, maximum: 65535 }) }, { additionalProperties: false }),
            { minItems: 1, maxItems: 16, description: 'Redis Sentinel: the sentinels to ask for the master named `name` (instead of `url`).' },
          ),
        ),
        name: Type.Optional(Type.String({ minLength: 1, description: 'The master name the sentinels monitor.' })),
      },
      { additionalProperties: false },
    ),
  ],
  { default: { type: 'memory' } },
);

export const DaemonSchema = Type.Object(
  {
    log_level: Type.Optional(StringEnum(['trace', 'debug', 'info', 'warn', 'error'] as const, { default: 'info' })),
    max_concurrency: Type.Optional(Type.Integer({ minimum: 1, default: 100, description: 'Global cap on live calls.' })),
    shutdown_grace: Type.Optional(Type.String({ pattern: DURATION_PATTERN, default: '30s' })),
    campaigns_dir: Type.Optional(Type.String({ minLength: 1, default: 'campaigns', description: 'Relative to this file.' })),
    store: Type.Optional(Store),
    pbxes: Type.Record(Type.String({ pattern: NAME_PATTERN }), Tagged([Asterisk, FreeSwitch, Sim]), { minProperties: 1, additionalProperties: false }),
    trunks: Type.Record(Type.String({ pattern: NAME_PATTERN }), Trunk, { minProperties: 1, additionalProperties: false }),
    api: Type.Optional(
      Type.Object(
        {
          listen: Type.String({ pattern: LISTEN_PATTERN, description: 'host:port, e.g. 127.0.0.1:8480.' }),
          token_env: Type.Optional(Type.String({ pattern: ENV_NAME_PATTERN, description: 'Name of the environment variable holding the bearer token every request (but /health, /metrics) must send.' })),
          auth: Type.Optional(StringEnum(['none'] as const, { description: 'none: no token (loopback listen only; logs a warning at start).' })),
        },
        { additionalProperties: false, description: 'HTTP control API and /metrics; needs token_env (or auth: none on loopback). Absent: disabled.' },
      ),
    ),
    notify: Type.Optional(
      Type.Object(
        {
          webhook: Type.String({ pattern: HTTP_URL_PATTERN, description: 'POST each campaign state change (JSON) here.' }),
          header: Type.Optional(
            Type.Object(
              {
                name: Type.String({ pattern: HEADER_NAME_PATTERN, description: 'e.g. Authorization.' }),
                value_env: Type.String({ pattern: ENV_NAME_PATTERN, description: 'Name of the environment variable holding the header value.' }),
              },
              { additionalProperties: false, description: 'A header sent with every webhook request (e.g. its authentication).' },
            ),
          ),
        },
        { additionalProperties: false, description: 'Campaign state-change notifications. Absent: log lines only.' },
      ),
    ),
  },
  { additionalProperties: false, title: 'dialerd daemon config' },
);

export type DaemonYaml = Static<typeof DaemonSchema>;

const validateDaemon = compile(DaemonSchema);

/** Validate (and fill defaults into) `data` in place. */
export function checkDaemonShape(data: unknown): ErrorObject[] {
  return validateDaemon(data) ? [] : [...(validateDaemon.errors ?? [])];
}
