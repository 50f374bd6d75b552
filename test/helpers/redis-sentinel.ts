/**
 * A real Redis Sentinel setup on 127.0.0.1 for tests: a master, a replica of it and sentinels
 * watching it as `mymaster` (quick to act: down after 500 ms, short failover timeout), each in
 * its own temp dir, stopped by PID. Never a mock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { until } from './until.ts';
import { startRedis } from './redis-server.ts';

export interface SentinelSetup {
  name: string;
  sentinels: { host: string; port: number }[];
  /** The port of the current master, as the sentinels tell it. */
  masterPort(): Promise<number>;
  /** Waits until the replica has every write of the master, then SIGKILLs the master (no acknowledged write lost). */
  killMaster(): Promise<number>;
  /** Stops every process and removes the temp dirs. */
  stop(): Promise<void>;
}

const NAME = 'mymaster';

export async function startSentinels(o: { sentinels?: number } = {}): Promise<SentinelSetup> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dialerd-sentinel-'));
  const procs = new Map<number, ChildProcess>();
  const start = async (port: number, args: string[]): Promise<void> => {
    const p = spawn('redis-server', args, { stdio: 'ignore' });
    procs.set(port, p);
    running.add(p);
    p.once('exit', () => running.delete(p));
    await until(() => ping(port), `redis on ${port}`, 15_000);
  };
  const server = (port: number, extra: string[] = []): string[] => {
    const d = path.join(dir, String(port));
    mkdirSafe(d);
    return ['--port', String(port), '--bind', '127.0.0.1', '--dir', d, '--save', '', '--appendonly', 'no', ...extra];
  };
  const [master, replica] = [await freePort(), await freePort()];
  await start(master, server(master));
  await start(replica, server(replica, ['--replicaof', '127.0.0.1', String(master)]));
  const sentinels: { host: string; port: number }[] = [];
  const quorum = Math.floor((o.sentinels ?? 1) / 2) + 1;
  for (let i = 0; i < (o.sentinels ?? 1); i++) {
    const port = await freePort();
    const d = path.join(dir, `s${port}`);
    mkdirSafe(d);
    const conf = path.join(d, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${d}`,
        `sentinel monitor ${NAME} 127.0.0.1 ${master} ${quorum}`,
        `sentinel down-after-milliseconds ${NAME} 500`,
        `sentinel failover-timeout ${NAME} 2000`,
        `sentinel parallel-syncs ${NAME} 1`,
        '',
      ].join('\n'),
    );
    await start(port, [conf, '--sentinel']);
    sentinels.push({ host: '127.0.0.1', port });
  }
  // Ready when a sentinel knows the replica.
  await until(async () => ((await sentinelCall(sentinels[0]!.port, 'SENTINEL', 'REPLICAS', NAME)) as unknown[]).length > 0 || null, 'the sentinel sees the replica', 20_000);

  const masterPort = async (): Promise<number> => Number(((await sentinelCall(sentinels[0]!.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME)) as string[])[1]);
  return {
    name: NAME,
    sentinels,
    masterPort,
    async killMaster() {
      const port = await masterPort();
      const other = port === master ? replica : master;
      const m = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
      const r = new Redis({ port: other, host: '127.0.0.1', lazyConnect: true });
      try {
        await m.call('CLIENT', 'PAUSE', '10000', 'WRITE');
        const offset = (info: string, key: string): number => Number(new RegExp(`${key}:(\\d+)`).exec(info)?.[1] ?? -1);
        await until(async () => offset(await r.info('replication'), 'slave_repl_offset') >= offset(await m.info('replication'), 'master_repl_offset') || null, 'the replica in sync', 10_000);
      } finally {
        m.disconnect();
        r.disconnect();
      }
      const p = procs.get(port)!;
      const exited = new Promise((res) => p.once('exit', res));
      p.kill('SIGKILL');
      await exited;
      return port;
    },
    async stop() {
      await Promise.all(
        [...procs.values()].map(async (p) => {
          if (p.exitCode !== null || p.signalCode !== null) return;
          const exited = new Promise((res) => p.once('exit', res));
          p.kill('SIGKILL');
          await exited;
        }),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A test run that dies early must not leave servers behind.
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((p) => p.kill('SIGKILL')));

function mkdirSafe(d: string): void {
  mkdirSync(d, { recursive: true });
}

/** A free port the way redis-server.ts finds one (a throwaway server). */
async function freePort(): Promise<number> {
  const probe = await startRedis();
  await probe.stop();
  return probe.port;
}

async function ping(port: number): Promise<true | null> {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  c.on('error', () => undefined); // not up yet: the connect rejects, that is the answer
  try {
    await c.connect();
    return (await c.ping()) === 'PONG' ? true : null;
  } catch {
    return null;
  } finally {
    c.disconnect();
  }
}

async function sentinelCall(port: number, ...args: string[]): Promise<unknown> {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  try {
    return await c.call(args[0]!, ...args.slice(1));
  } finally {
    c.disconnect();
  }
}
