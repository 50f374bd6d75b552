/**
 * Runs in its own process so the heap it reports holds only what it measures.
 *   heap-child.ts memory <size,size,…>        heap of the memory store at each size
 *   heap-child.ts daemon <redisUrl> <prefix> <campaign> <seconds>
 *                                             a real Daemon (Redis store, sim PBX) dialing a
 *                                             campaign whose records are already in Redis
 * Prints one JSON line on stdout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DaemonConfig } from '../../src/config/daemon-types.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { load } from './records.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

async function memoryStore(sizes: number[]): Promise<unknown> {
  const store = createMemoryStore();
  const base = heapUsed();
  const out: { records: number; heapBytes: number }[] = [];
  let have = 0;
  for (const size of sizes) {
    await load(store, 'heap', have, size, Date.UTC(2025, 0, 1));
    have = size;
    out.push({ records: size, heapBytes: heapUsed() - base });
  }
  // Keep the store reachable until the last measurement.
  if ((await store.counts('heap')).states.pending !== have) throw new Error('memory store lost records');
  return out;
}

const CAMPAIGN_YAML = (id: string, contacts: string): string => `
id: ${id}
state: running
trunk: t1
caller_id: "+74950000000"
contacts: { file: ${contacts}, region: RU }
concurrency: 200
calls_per_second: 200
attempts: { per_record: 1, short_call: 0s }
rules: { answered: done }
`;

async function daemon(url: string, prefix: string, campaign: string, seconds: number): Promise<unknown> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dialerd-bench-'));
  try {
    writeFileSync(path.join(dir, 'contacts.csv'), 'id,phone1\n');
    // Not *.yaml: the daemon reads every *.yaml in its campaigns directory as a campaign.
    writeFileSync(path.join(dir, 'outcomes.sim'), 'default: { ring: 0s, then: { answer: 1s } }\n');
    writeFileSync(path.join(dir, `${campaign}.yaml`), CAMPAIGN_YAML(campaign, 'contacts.csv'));
    const config: DaemonConfig = {
      pbxes: { sim: { name: 'sim', type: 'sim', outcomes: path.join(dir, 'outcomes.sim'), seed: 1 } },
      trunks: { t1: { name: 't1', pbx: 'sim', endpoint: 'SIM/{number}', concurrency: 200, callsPerSecond: 200 } },
      store: { type: 'redis', url, prefix },
      campaignsDir: dir,
      logLevel: 'error',
      maxConcurrency: 200,
      shutdownGraceSeconds: 0,
      source: path.join(dir, 'dialerd.yaml'),
    };
    const base = heapUsed();
    const d = await Daemon.create({ config, logger: silentLogger() });
    let dials = 0;
    d.engine.on('dial', () => void dials++);
    await d.start();
    if (!d.engine.campaign(campaign)) throw new Error(`daemon did not load campaign ${campaign}`);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const live = d.engine.live();
    const st = d.engine.campaign(campaign)!.status;
    const state = `${st.state}${st.pauseReason ? ` (${st.pauseReason}: ${st.pauseDetail})` : ''}`;
    const heap = heapUsed();
    const counts = await d.store.counts(campaign);
    await d.stop(0);
    const records = Object.values(counts.states).reduce((a, b) => a + (b ?? 0), 0);
    return { heapBytes: heap, heapDeltaBytes: heap - base, rssBytes: process.memoryUsage().rss, dials, live, records, state };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, ...args] = process.argv.slice(2);
const result =
  mode === 'memory'
    ? await memoryStore(args[0]!.split(',').map(Number))
    : mode === 'daemon'
      ? await daemon(args[0]!, args[1]!, args[2]!, Number(args[3]))
      : Promise.reject(new Error(`unknown mode ${mode}`));
process.stdout.write(`${JSON.stringify(result)}\n`);
