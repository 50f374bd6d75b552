/**
 * A real redis-server that keeps its data across a stop and a start on the same port (AOF,
 * fsync always, in its own tmp dir): what a production Redis outage looks like. redis-server.ts
 * starts throwaway servers (no persistence), so a restart there would also be a data loss.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startRedis } from './redis-server.ts';

export interface DurableRedis {
  url: string;
  port: number;
  /** Stops the server (SIGTERM: it finishes writing the AOF) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data; resolves when it answers PING. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

export async function startDurableRedis(): Promise<DurableRedis> {
  // A throwaway server only to learn a free port the same way redis-server.ts does.
  const probe = await startRedis();
  const port = probe.port;
  await probe.stop();
  const dir = mkdtempSync(path.join(tmpdir(), 'dialerd-redis-'));
  let proc: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], {
      stdio: 'ignore',
    });
    proc = p;
    running.add(p);
    p.once('exit', () => running.delete(p));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (await pingOnce(port)) return;
      if (p.exitCode !== null || Date.now() > deadline) throw new Error(`durable redis-server on ${port} did not come up`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const stop = async (): Promise<void> => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function pingOnce(port: number): Promise<boolean> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  r.on('error', () => {});
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((p) => p.kill('SIGKILL')));
