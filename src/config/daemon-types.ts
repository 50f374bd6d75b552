/** The daemon config (config/dialerd.yaml) after validation. */
import type { BreakerPolicy } from '../domain/guards.ts';

export type PbxConfig =
  | { name: string; type: 'asterisk'; url: string; username: string; password: string; app: string }
  | { name: string; type: 'freeswitch'; host: string; port: number; password: string }
  | { name: string; type: 'sim'; outcomes: string | null; seed: number };

export interface TrunkConfig {
  name: string;
  pbx: string;
  /** Endpoint pattern; `{number}` is replaced by the E.164 number (e.g. `PJSIP/{number}@carrier-a`). */
  endpoint: string;
  concurrency: number;
  callsPerSecond: number;
  /** The trunk breaker (domain/guards); absent: DEFAULT_BREAKER. */
  breaker?: BreakerPolicy;
  /** Minute package shared by the trunk's campaigns, in talk seconds over its whole life; absent: none. */
  packageTalkSeconds?: number;
}

export type StoreConfig = { type: 'memory' } | RedisStoreConfig;

/** `url`, or `sentinels` and `name` (Redis Sentinel: ioredis asks them for the master). */
export interface RedisStoreConfig {
  type: 'redis';
  url?: string;
  sentinels?: { host: string; port: number }[];
  name?: string;
  prefix: string;
  /** Wait as the hot standby of the daemon owning the prefix. */
  standby?: boolean;
}

export interface DaemonConfig {
  pbxes: Record<string, PbxConfig>;
  trunks: Record<string, TrunkConfig>;
  store: StoreConfig;
  /** Absolute path of the campaigns directory (*.yaml). */
  campaignsDir: string;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Global cap on live dials across every campaign and trunk. */
  maxConcurrency: number;
  /** Seconds to let live calls finish on shutdown before hanging them up. */
  shutdownGraceSeconds: number;
  /** Absolute path of the file it came from. */
  source: string;
  /**
   * The HTTP control API (src/api): where it listens. Absent or null = no API (configs built in
   * code stay port-free); config/dialerd.yaml ships `api: { listen: "127.0.0.1:8480", token_env: DIALERD_API_TOKEN }`.
   */
  api?: ApiConfig | null;
  /** Campaign state-change notifications (domain.md §7). Absent or null = log lines only. */
  notify?: NotifyConfig | null;
}

export interface ApiConfig {
  host: string;
  /** 0 = any free port (tests). */
  port: number;
  /** The bearer token every request but /health and /metrics must send; null = `auth: none` (loopback only). */
  token: string | null;
}

export interface NotifyConfig {
  /** POST every campaign state change here (JSON), retried with backoff. */
  webhook: string;
  /** A header sent with every delivery (its value came from the environment). */
  header?: { name: string; value: string } | null;
}
