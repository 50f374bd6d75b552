/**
 * Heap figures, each measured in a child process (heap-child.ts) so nothing else the
 * benchmark holds is counted: the memory store per 100k records, and a real daemon whose
 * campaign has 1M records in Redis (they must live in Redis, not in the daemon's heap).
 */
import { fork } from 'node:child_process';
import { Redis } from 'ioredis';
import type { Cell } from './report.ts';

const CHILD = new URL('./heap-child.ts', import.meta.url).pathname;
const MB = 2 ** 20;

function runChild(args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // Inherits this process's execArgv, so the tsx loader runs the child too.
    const child = fork(CHILD, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`heap-child ${args.join(' ')} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!));
      } catch (e) {
        reject(new Error(`heap-child ${args.join(' ')} printed no JSON: ${out}`, { cause: e }));
      }
    });
  });
}

export const MEMORY_HEAP_HEAD = ['store', 'records', 'heap MiB', 'MiB per 100k records', 'bytes per record'];

export async function memoryStoreHeap(sizes: number[]): Promise<Cell[][]> {
  const res = (await runChild(['memory', sizes.join(',')])) as { records: number; heapBytes: number }[];
  return res.map((r) => ['memory', r.records, r.heapBytes / MB, (r.heapBytes / MB) * (100_000 / r.records), r.heapBytes / r.records]);
}

export const DAEMON_HEAP_HEAD = ['daemon', 'records in Redis', 'heap used MiB', 'heap grown by MiB', 'rss MiB', 'dials made', 'live at sample', 'redis used_memory MiB'];

/** A real Daemon (Redis store, sim PBX) dialing `campaign` for `seconds`; its records are already in Redis. */
export async function daemonHeap(url: string, prefix: string, campaign: string, seconds: number): Promise<Cell[][]> {
  const r = (await runChild(['daemon', url, prefix, campaign, String(seconds)])) as {
    heapBytes: number;
    heapDeltaBytes: number;
    rssBytes: number;
    dials: number;
    live: number;
    records: number;
    state: string;
  };
  if (r.dials === 0) throw new Error(`daemon heap: the daemon made no dial (campaign ${r.state})`);
  const redis = new Redis(url);
  let used = 0;
  try {
    used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
  } finally {
    redis.disconnect();
  }
  return [['redis store', r.records, r.heapBytes / MB, r.heapDeltaBytes / MB, r.rssBytes / MB, r.dials, r.live, used / MB]];
}
