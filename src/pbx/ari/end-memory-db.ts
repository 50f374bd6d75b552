/**
 * The AstDB copy of the memory of ends (dialerd_end/<dialId>), which survives an Asterisk restart
 * where the global variables do not. Asterisk refuses DB() and DB_DELETE() from ARI requests
 * (dangerous functions), so the dialplan does the work: a channel Local/s@dialerd-memory, which
 * calls nothing, copies the AstDB entries of DIALERD_RESTORE's ids back into their globals and
 * deletes those of DIALERD_FORGET's ids ([dialerd-memory], dialplan/asterisk/dialerd-originate.conf).
 *
 * Deleting is lazy: forgotten ids wait here and ride along with the next restore, or go in a batch
 * of BATCH (forgetEnds runs after every settle: one channel per dial would double the load). Ids
 * still waiting are never restored (their end is recorded). Ids left waiting when the daemon dies
 * stay in AstDB: storage only, their dials are recorded and no one asks for them again.
 */
import { randomUUID } from 'node:crypto';
import { DialerdError } from '../../lib/errors.ts';
import type { AriRest } from './rest.ts';
import { errorMessage } from './rest.ts';

/** Ids per channel: a channel variable of up to ~3 KB ("&"-joined ids of at most 128 characters). */
export const BATCH = 25;
const MAX_WAITING = 10_000;
const POLL_MS = 20;
const DONE_WITHIN_MS = 3000;

export interface EndMemoryDb {
  /** Copies the AstDB entries of these ids (if any) back into their globals; resolves once done. */
  restore(ids: readonly string[]): Promise<void>;
  /** Deletes these ids' AstDB entries, in batches. */
  forget(ids: readonly string[]): Promise<void>;
  /** Forgotten, its AstDB entry not deleted yet. */
  waiting(id: string): boolean;
}

export function createEndMemoryDb(rest: AriRest, wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): EndMemoryDb {
  const toForget = new Set<string>();

  /** One Local channel runs [dialerd-memory] with these lists; resolves when it is gone. */
  async function run(restore: readonly string[], forget: readonly string[]): Promise<void> {
    const id = `dialerd-memory-${randomUUID()}`;
    const query = { endpoint: 'Local/s@dialerd-memory', context: 'dialerd-memory', extension: 's', priority: '1' };
    const variables = { DIALERD_RESTORE: restore.join('&'), DIALERD_FORGET: forget.join('&') };
    const r = await rest.call('POST', `/channels/${id}`, { query, body: { variables } });
    if (r.status !== 200) throw new DialerdError('DIALERD_ERR_PBX_DOWN', `memory of ends: ${errorMessage(r)}`);
    for (let waited = 0; waited < DONE_WITHIN_MS; waited += POLL_MS) {
      const g = await rest.call('GET', `/channels/${id}`);
      if (g.status === 404) return;
      await wait(POLL_MS);
    }
    throw new DialerdError('DIALERD_ERR_PBX_DOWN', `memory of ends: ${id} still running after ${DONE_WITHIN_MS} ms`);
  }

  /** Takes up to BATCH waiting ids (they go back if the channel fails). */
  function take(n: number): string[] {
    const ids = [...toForget].slice(0, n);
    for (const id of ids) toForget.delete(id);
    return ids;
  }
  async function runOrKeep(restore: readonly string[], forget: string[]): Promise<void> {
    try {
      await run(restore, forget);
    } catch (err) {
      for (const id of forget) toForget.add(id);
      throw err;
    }
  }

  return {
    async restore(ids) {
      for (let i = 0; i < ids.length; i += BATCH) await runOrKeep(ids.slice(i, i + BATCH), take(BATCH));
    },
    async forget(ids) {
      for (const id of ids) toForget.add(id);
      while (toForget.size > MAX_WAITING) toForget.delete(toForget.values().next().value as string);
      while (toForget.size >= BATCH) await runOrKeep([], take(BATCH));
    },
    waiting: (id) => toForget.has(id),
  };
}
