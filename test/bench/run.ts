/**
 * `npm run bench`: throughput and pick-cost figures for dialerd. Prints tables; asserts no
 * timing (a slow machine prints a slow figure and still exits 0), but fails when a run does
 * not do its work (every record dialed once, the daemon dialing).
 * Needs redis-server on PATH (a private one is started on a free port).
 */
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { createRedisStore } from '../../src/store/redis/index.ts';
import { startRedis } from '../helpers/redis-server.ts';
import { IMPORT_HEAD, importStream } from './import-stream.ts';
import { DAEMON_HEAP_HEAD, daemonHeap, MEMORY_HEAP_HEAD, memoryStoreHeap } from './heap.ts';
import { PICK_HEAD, pickCost } from './pick-cost.ts';
import { machineFacts, table } from './report.ts';
import { THROUGHPUT_HEAD, throughput } from './throughput.ts';

const SIZES = [10_000, 100_000, 1_000_000];
const PICK_ITERATIONS = 2_000;
const PREFIX = 'bench-pick:';

async function main(): Promise<void> {
  const t0 = performance.now();
  console.log(`dialerd benchmarks — ${new Date().toISOString()}\n${machineFacts()}`);
  const redis = await startRedis();
  try {
    console.log(
      table(
        '1. Dials per wall-clock second, whole path (pick → cap → originate → result → rule → persist), SimPbx zero latency, virtual clock',
        THROUGHPUT_HEAD,
        await throughput(
          [
            { store: 'memory', records: 20_000, runs: 3, target: 5_000 },
            { store: 'redis', records: 5_000, runs: 3, target: 2_000 },
          ],
          redis.url,
        ),
      ),
    );

    const pickRows = [];
    const mem = createMemoryStore();
    pickRows.push(...(await pickCost('memory', mem, SIZES, PICK_ITERATIONS)));
    await mem.clear();
    const rs = await createRedisStore({ url: redis.url, prefix: PREFIX });
    try {
      pickRows.push(...(await pickCost('redis', rs, SIZES, PICK_ITERATIONS)));
      // The daemon below finds this campaign (1M records, still in Redis) already imported.
      await rs.putCampaign({ id: 'pick-redis', state: 'running', pauseReason: null, pauseDetail: null, consecutiveErrors: 0, updatedAt: Date.now() });
    } finally {
      await rs.close();
    }
    console.log(table('2. Picking the next due record: claimDue(limit 1) then release or settle, one at a time (Redis: localhost, one connection)', PICK_HEAD, pickRows));

    console.log(table('3a. Heap of the memory store (records only, after GC)', MEMORY_HEAP_HEAD, await memoryStoreHeap([100_000, 1_000_000])));
    console.log(
      table(
        '3b. A real Daemon (Redis store, sim PBX, 200 concurrent, 1 s calls) dialing a campaign with 1M records in Redis, sampled after 3 s',
        DAEMON_HEAP_HEAD,
        await daemonHeap(redis.url, PREFIX, 'pick-redis', 3),
      ),
    );
    console.log(table('4. Importing a 200,000-row contact file (~35 MB): streamed in batches of 1000, heap after GC', IMPORT_HEAD, await importStream(200_000)));
  } finally {
    await redis.stop();
  }
  console.log(`\ndone in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
