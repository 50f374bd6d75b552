/**
 * The store's side of owning its key prefix: the fence (our token, or '' for a store that does
 * not own it), claiming the prefix at open or later as a standby, the guard that turns a refused
 * write into a look at the owner key, and the status the store reports (up while connected and
 * not fenced out).
 */
import type { Redis } from 'ioredis';
import { isDialerdError } from '../../lib/errors.ts';
import type { Connection } from './connection.ts';
import { guard } from './connection.ts';
import type { StoreKeys } from './keys.ts';
import { claimOwnership, ownerToken, type Ownership, type OwnershipOptions } from './owner.ts';
import type { Fence } from './scripts.ts';

export interface ExclusiveOptions extends OwnershipOptions {
  /** Open without waiting for the prefix: `takeover()` waits for it (a standby daemon). */
  standby?: boolean;
}

type StatusListener = (up: boolean, reason: string | null) => void;

export interface PrefixOwner {
  readonly fence: Fence;
  /** Like connection.guard; a write the fence refused also makes the owner renew now. */
  fenced<T>(fn: () => Promise<T>): Promise<T>;
  /** Resolves once the prefix is ours (at once for a store that does not own it); see Store.takeover. */
  takeover(o?: { signal?: AbortSignal; onWait?: (holder: string) => void }): Promise<void>;
  onStatus(cb: StatusListener): () => void;
  /** Ends a wait, gives the prefix up if it is ours. */
  release(): Promise<void>;
}

/** `ex` null: a store that never owns the prefix (its writes are not fenced). Rejects with STORE_LOCKED as claimOwnership does. */
export async function ownPrefix(conn: Connection, k: StoreKeys, ex: ExclusiveOptions | null): Promise<PrefixOwner> {
  const r: Redis = conn.client;
  const fence: Fence = { key: k.owner, token: ex ? ownerToken() : '' };
  const closing = new AbortController();
  const listeners = new Set<StatusListener>();
  let connected = true;
  let lost = false;
  const emit = (reason: string | null): void => {
    for (const cb of listeners) cb(connected && !lost, reason);
  };
  conn.onStatus((up, reason) => {
    connected = up;
    emit(reason);
  });
  let owner: Ownership | null = null;
  let claiming: Promise<void> | null = null;
  const claim = (o: OwnershipOptions): Promise<void> =>
    (claiming ??= claimOwnership(r, k, k.prefix, fence.token, o).then(
      (got) => {
        owner = got;
        got.onChange((_held, reason) => {
          lost = true;
          emit(reason);
        });
      },
      (e: unknown) => {
        claiming = null; // aborted or refused: a later takeover may wait again
        throw e;
      },
    ));
  if (ex && !ex.standby) await claim(ex);
  return {
    fence,
    fenced: (fn) =>
      guard(fn).catch((e: unknown) => {
        if (isDialerdError(e, 'DIALERD_ERR_STORE_FENCED')) owner?.check();
        throw e;
      }),
    takeover: async (o = {}) => {
      if (ex) await claim({ ...ex, ...o, waitMs: Infinity, signal: AbortSignal.any([closing.signal, ...(o.signal ? [o.signal] : [])]) });
    },
    onStatus: (cb) => {
      listeners.add(cb);
      return () => void listeners.delete(cb);
    },
    release: async () => {
      closing.abort();
      await claiming?.catch(() => undefined);
      await (owner as Ownership | null)?.release();
    },
  };
}
