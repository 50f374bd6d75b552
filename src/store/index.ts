/** Builds the configured Store. */
import type { StoreConfig } from '../config/daemon-types.ts';
import { createMemoryStore } from './memory/index.ts';
import type { Store } from './port.ts';
import { createRedisStore, type ExclusiveOptions } from './redis/index.ts';

/** `exclusive`: the daemon's store owns its Redis prefix (one daemon per prefix; see ExclusiveOptions). */
export async function createStore(cfg: StoreConfig, opts: { exclusive?: boolean | ExclusiveOptions } = {}): Promise<Store> {
  if (cfg.type === 'memory') return createMemoryStore();
  const server = cfg.sentinels ? { sentinels: cfg.sentinels, name: cfg.name ?? '' } : { url: cfg.url ?? '' };
  return createRedisStore({ ...server, prefix: cfg.prefix, exclusive: opts.exclusive ?? false });
}

export type { Store } from './port.ts';
