/**
 * One daemon per key prefix. Two daemons on one prefix would claim, dial and reconcile the same
 * records (cancelling each other's live dials), so the daemon's store takes the prefix's owner key
 * (a token with a short TTL, renewed while it runs). A daemon killed without closing frees it
 * after the TTL, which is why a new one waits a little before giving up.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DialerdError } from '../../lib/errors.ts';
import { callScript } from './scripts.ts';

export interface OwnershipOptions {
  ttlMs?: number;
  renewMs?: number;
  /** How long to wait for a previous owner's key to expire before giving up. */
  waitMs?: number;
}

export interface Ownership {
  /** Whether we hold the prefix right now. */
  held(): boolean;
  /** Called when we lose (with the reason) or regain it. */
  onChange(cb: (held: boolean, reason: string | null) => void): void;
  release(): Promise<void>;
}

/** `label` names the prefix in messages. */
export async function claimOwnership(r: Redis, key: string, label: string, o: OwnershipOptions = {}): Promise<Ownership> {
  const ttl = o.ttlMs ?? 5_000;
  const token = `${hostname()}:${process.pid}:${randomUUID()}`;
  const take = async (): Promise<boolean> => (await callScript(r, 'own', [key], [token, ttl])) === 1;
  const deadline = Date.now() + (o.waitMs ?? 2 * ttl + 2_000);
  while (!(await take())) {
    if (Date.now() > deadline) {
      const holder = await r.get(key);
      throw new DialerdError('DIALERD_ERR_STORE_LOCKED', `key prefix "${label}" is used by another dialerd (${holder ?? 'unknown'}); give each daemon its own prefix`);
    }
    await new Promise((res) => setTimeout(res, 250));
  }
  let held = true;
  let released = false;
  const listeners: ((held: boolean, reason: string | null) => void)[] = [];
  const renewMs = o.renewMs ?? Math.floor(ttl / 3);
  /** One renewal at a time: the next is scheduled when this one has finished (a slow Redis never stacks them up). */
  const renew = async (): Promise<void> => {
    try {
      const ok = await take();
      if (ok === held || released) return;
      held = ok;
      const holder = ok ? null : await r.get(key).catch(() => null);
      const reason = ok ? null : `another dialerd took key prefix "${label}" (${holder ?? 'unknown'})`;
      for (const cb of listeners) cb(ok, reason);
    } catch {
      // Redis unreachable: the connection's own status says so.
    }
  };
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout;
  const schedule = (): void => {
    timer = setTimeout(() => {
      running = renew().finally(() => {
        if (!released) schedule();
      });
    }, renewMs);
    timer.unref();
  };
  schedule();
  return {
    held: () => held,
    onChange: (cb) => void listeners.push(cb),
    async release() {
      released = true;
      clearTimeout(timer);
      // Let a renewal on its way finish first: nothing of ours runs after release.
      await running;
      await callScript(r, 'disown', [key], [token]).catch(() => undefined);
    },
  };
}
