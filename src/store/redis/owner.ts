/**
 * One daemon per key prefix. Two daemons on one prefix would claim, dial and reconcile the same
 * records (cancelling each other's live dials), so the daemon's store takes the prefix's owner key
 * (its token with a short TTL, the lease, renewed while it runs). Every write is fenced by that
 * key (scripts.ts): a daemon whose lease another one took writes nothing more. A daemon killed
 * without closing frees the prefix after the TTL, which is why a new one waits a little before
 * giving up, and why a standby (`waitMs: Infinity`) takes over within a lease of the owner's death.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DialerdError, isDialerdError } from '../../lib/errors.ts';
import { toStoreError } from './connection.ts';
import type { StoreKeys } from './keys.ts';
import { callScript } from './scripts.ts';

export interface OwnershipOptions {
  /** The lease: how long the key outlives its last renewal (default 5 s). */
  ttlMs?: number;
  renewMs?: number;
  /** How long to wait for a previous owner's key to expire before giving up; Infinity: a standby. */
  waitMs?: number;
  /** Called once, at once, when another daemon holds the prefix (its token: host:pid:uuid). */
  onWait?: (holder: string) => void;
  /** Ends the wait (rejects with STORE_LOCKED). */
  signal?: AbortSignal;
}

export interface Ownership {
  /** Whether we hold the prefix right now. */
  held(): boolean;
  /** Called when we lose the prefix for good (with the reason). */
  onChange(cb: (held: boolean, reason: string | null) => void): void;
  /** Renew now, without waiting for the next period (a write was refused). */
  check(): void;
  release(): Promise<void>;
}

/** Our token: the host and pid say who holds a prefix; the uuid makes it ours alone. */
export function ownerToken(): string {
  return `${hostname()}:${process.pid}:${randomUUID()}`;
}

/** Wait for the prefix (see OwnershipOptions.waitMs), then hold it. `label` names the prefix in messages. */
export async function claimOwnership(r: Redis, k: Pick<StoreKeys, 'owner' | 'owned'>, label: string, token: string, o: OwnershipOptions = {}): Promise<Ownership> {
  const ttl = o.ttlMs ?? 5_000;
  const take = async (mode: 'claim' | 'renew'): Promise<number> => Number(await callScript(r, 'own', [k.owner, k.owned], [token, ttl, mode]));
  const deadline = Date.now() + (o.waitMs ?? 2 * ttl + 2_000);
  let told = false;
  let holder = 'unknown';
  for (;;) {
    try {
      if ((await take('claim')) === 1) break;
      holder = (await r.get(k.owner)) ?? 'unknown';
      if (!told) o.onWait?.(holder);
      told = true;
    } catch (e) {
      const err = toStoreError(e);
      // Redis away while a standby waits: keep waiting, the connection comes back by itself.
      if (o.waitMs !== Infinity || !isDialerdError(err, 'DIALERD_ERR_STORE_DOWN')) throw err;
    }
    if (Date.now() > deadline || o.signal?.aborted) {
      throw new DialerdError('DIALERD_ERR_STORE_LOCKED', `key prefix "${label}" is used by another dialerd (${holder}); give each daemon its own prefix, or run this one with --standby`);
    }
    await new Promise((res) => setTimeout(res, Math.min(250, ttl / 4)));
  }
  let held = true;
  let released = false;
  const listeners: ((held: boolean, reason: string | null) => void)[] = [];
  const renewMs = o.renewMs ?? Math.floor(ttl / 3);
  /** One renewal at a time; once another daemon held the prefix it is lost for good (we never take it back). */
  const renew = async (): Promise<void> => {
    try {
      const got = await take('renew');
      if (got === 1 || released || !held) return;
      held = false;
      const holder = await r.get(k.owner).catch(() => null);
      const reason = `another dialerd took key prefix "${label}" (${holder ?? 'unknown'}): this one writes and dials no more`;
      for (const cb of listeners) cb(false, reason);
    } catch {
      // Redis unreachable: the connection's own status says so.
    }
  };
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout;
  const schedule = (delay: number): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (released) return;
      running = renew().finally(() => {
        if (!released && held) schedule(renewMs);
      });
    }, delay);
    timer.unref();
  };
  schedule(renewMs);
  return {
    held: () => held,
    onChange: (cb) => void listeners.push(cb),
    check: () => {
      // The next renewal, now (after the one on its way).
      void running.then(() => !released && held && schedule(0));
    },
    async release() {
      released = true;
      clearTimeout(timer);
      // Let a renewal on its way finish first: nothing of ours runs after release.
      await running;
      await callScript(r, 'disown', [k.owner], [token]).catch(() => undefined);
    },
  };
}
