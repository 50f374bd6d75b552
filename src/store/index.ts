/** Builds the configured Store. */
import type { StoreConfig } from '../config/daemon-types.ts';
import { createMemoryStore } from './memory/index.ts';
import type { Store } from './port.ts';
import { createRedisStore } from './redis/index.ts';

export async function createStore(cfg: StoreConfig): Promise<Store> {
  return cfg.type === 'memory' ? createMemoryStore() : createRedisStore({ url: cfg.url, prefix: cfg.prefix });
}

export type { Store } from './port.ts';
