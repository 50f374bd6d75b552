/**
 * Dials per wall-clock second through the whole path — pick → cap → originate → result →
 * rule → persist — on the simulated PBX with zero latency, for the memory and Redis stores.
 */
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { createRedisStore } from '../../src/store/redis/index.ts';
import type { Store } from '../../src/store/port.ts';
import { makeSpec } from '../helpers/spec.ts';
import { runCampaign, uncappedSpec } from './engine-rig.ts';
import { recordChunks } from './records.ts';
import { median, type Cell } from './report.ts';

const T0 = Date.UTC(2026, 11, 1, 6, 0);

export interface ThroughputCase {
  store: 'memory' | 'redis';
  records: number;
  runs: number;
  /** Dials/s the issue asks for. */
  target: number;
}

export const THROUGHPUT_HEAD = ['store', 'records', 'concurrency', 'runs', 'dials/s median', 'dials/s best', 'wall s (median)', 'target', 'meets'];

/** One row per case; every run on a fresh store (a fresh key prefix for Redis). */
export async function throughput(cases: ThroughputCase[], redisUrl: string): Promise<Cell[][]> {
  const rows: Cell[][] = [];
  let n = 0;
  for (const c of cases) {
    const rates: number[] = [];
    const walls: number[] = [];
    const spec = uncappedSpec(makeSpec({ id: `tp-${c.store}` }));
    for (let i = 0; i < c.runs; i++) {
      const store: Store = c.store === 'memory' ? createMemoryStore() : await createRedisStore({ url: redisUrl, prefix: `tp${++n}:` });
      try {
        const r = await runCampaign(store, spec, recordChunks(spec.id, 0, c.records, T0), T0);
        if (r.dials !== c.records || r.state !== 'completed') throw new Error(`throughput ${c.store}: ${r.dials}/${c.records} dials, campaign ${r.state}`);
        rates.push((r.dials * 1000) / r.wallMs);
        walls.push(r.wallMs / 1000);
      } finally {
        await store.clear();
        await store.close();
      }
    }
    const med = median(rates);
    rows.push([c.store, c.records, spec.concurrency, c.runs, med, Math.max(...rates), median(walls), `≥ ${c.target.toLocaleString('en-US')}`, med >= c.target ? 'yes' : 'NO']);
  }
  return rows;
}
