/** The daemon's first start step: open the configured store, waiting for it while it is down. */
import type { DaemonConfig } from '../config/daemon-types.ts';
import { backoffDelay } from '../lib/backoff.ts';
import type { Scheduler } from '../lib/clock.ts';
import { isDialerdError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { createStore } from '../store/index.ts';
import type { Store } from '../store/port.ts';

/**
 * Open the configured store. An unreachable Redis at start is an outage like any other: wait
 * for it (logged, with backoff) rather than exit, until it answers or `signal` aborts. A prefix
 * another daemon owns is said at once; a `standby` store opens without waiting for it (the
 * daemon's start waits, Daemon.start).
 */
export async function connectStore(config: DaemonConfig, logger: Logger, scheduler: Scheduler, signal?: AbortSignal, standby = false): Promise<Store> {
  const prefix = config.store.type === 'redis' ? config.store.prefix : '';
  const onWait = (holder: string): void =>
    logger.warn({ holder, prefix }, `key prefix "${prefix}" is owned by another dialerd (${holder}); waiting a few seconds in case it was killed, then giving up (run with --standby to wait as its hot standby)`);
  for (let attempt = 0; ; attempt++) {
    try {
      return await createStore(config.store, { exclusive: { standby, onWait, ...(signal ? { signal } : {}) } });
    } catch (err) {
      if (!isDialerdError(err, 'DIALERD_ERR_STORE_DOWN') || signal?.aborted) throw err;
      const delay = backoffDelay(attempt, { baseMs: 1000, maxMs: 30_000 });
      logger.error({ err, retryInMs: delay }, 'store unreachable at start; waiting for it');
      await new Promise<void>((resolve) => {
        const t = scheduler.at(scheduler.now() + delay, resolve);
        signal?.addEventListener('abort', () => (t.cancel(), resolve()), { once: true });
      });
      if (signal?.aborted) throw err;
    }
  }
}
