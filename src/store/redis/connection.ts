/**
 * The Redis connection: fail fast while down, reconnect by itself, report up/down.
 *
 * Why these ioredis options: with the offline queue off and `maxRetriesPerRequest: 0`, a
 * command issued while the link is down, or in flight when it drops, rejects at once instead
 * of waiting for a reconnect that may never come; `commandTimeout` covers a link that hangs
 * without closing. In-flight commands are not resent after a reconnect (their outcome is
 * unknown to the caller, who got STORE_DOWN; settle is idempotent, a lost claimDue leaves
 * records `dialing` for the engine's startup reconcile).
 */
import { Redis, ReplyError, type RedisOptions } from 'ioredis';
import { DialerdError } from '../../lib/errors.ts';
import { backoffDelay, type BackoffPolicy } from '../../lib/backoff.ts';

/** Redis is local and quick to come back: retry from 100 ms up to 2 s (never give up). */
export const REDIS_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 2_000 };

export interface ConnectionOptions {
  /** The server; or `sentinels` and `name` (Redis Sentinel). */
  url?: string;
  /** Redis Sentinel: ioredis asks these for the master `name`, and asks again after each disconnect (a failover). */
  sentinels?: { host: string; port: number }[];
  name?: string;
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  reconnect?: BackoffPolicy;
}

export type StatusListener = (up: boolean, reason: string | null) => void;

export interface Connection {
  readonly client: Redis;
  onStatus(cb: StatusListener): () => void;
  close(): Promise<void>;
}

/** Connects (rejecting with STORE_DOWN when Redis cannot be reached now) and tracks status. */
export async function connect(opts: ConnectionOptions): Promise<Connection> {
  const policy = opts.reconnect ?? REDIS_BACKOFF;
  const options: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: opts.commandTimeoutMs ?? 5_000,
    connectTimeout: opts.connectTimeoutMs ?? 3_000,
    keepAlive: 10_000,
    // ioredis counts attempts from 1.
    retryStrategy: (attempt) => backoffDelay(attempt - 1, policy),
  };
  const client = opts.sentinels
    ? new Redis({
        ...options,
        sentinels: opts.sentinels,
        name: opts.name ?? 'mymaster',
        // The sentinels themselves: asked again with the same backoff, never given up on.
        sentinelRetryStrategy: (attempt) => backoffDelay(attempt - 1, policy),
        // A promoted replica's old master, back as a replica, answers writes READONLY: reconnect to the new master.
        reconnectOnError: (err) => err.message.startsWith('READONLY'),
      })
    : new Redis(opts.url ?? 'redis://127.0.0.1:6379', options);
  const listeners = new Set<StatusListener>();
  let up = false;
  let closed = false;
  let lastError: string | null = null;
  const set = (next: boolean, reason: string | null): void => {
    if (closed || next === up) return;
    up = next;
    for (const cb of listeners) cb(next, reason);
  };
  client.on('ready', () => {
    lastError = null;
    set(true, null);
  });
  client.on('error', (e: Error) => {
    lastError = e.message;
  });
  client.on('close', () => set(false, lastError ?? 'connection closed'));
  client.on('end', () => set(false, 'connection ended'));
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    throw toStoreError(e);
  }
  return {
    client,
    onStatus(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
      listeners.clear();
    },
  };
}

const SERVER_UNAVAILABLE = new Set(['LOADING', 'READONLY', 'MASTERDOWN', 'BUSY', 'OOM', 'CLUSTERDOWN', 'TRYAGAIN']);

/**
 * Connection-level failures and a server that cannot serve now become STORE_DOWN, a write the
 * fence refused (lua/fence.lua) STORE_FENCED; other replies from Redis (a script bug) are
 * rethrown as they are.
 */
export function toStoreError(e: unknown): unknown {
  if (e instanceof DialerdError) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  if (err instanceof ReplyError) {
    const code = err.message.split(' ', 1)[0] ?? '';
    if (code === 'DIALERD_FENCED') return new DialerdError('DIALERD_ERR_STORE_FENCED', 'another dialerd owns this key prefix', { cause: err });
    if (!SERVER_UNAVAILABLE.has(code)) return err;
  }
  return new DialerdError('DIALERD_ERR_STORE_DOWN', err.message, { cause: err });
}

/** Runs `fn`, mapping failures (sync or async) through toStoreError. */
export async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toStoreError(e);
  }
}
