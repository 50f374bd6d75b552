/**
 * `npm run bench:asterisk` (root): dialerd's ARI adapter against a minimal raw ARI originate loop,
 * side by side on the same chroot Asterisk and SIPp carrier (1 s answered calls), at concurrency
 * 50, 100 and 200. Prints calls/s of both and the ratio (target ≥ 0.95). Starts and stops
 * everything it needs.
 */
import http from 'node:http';
import WebSocket from 'ws';
import type { PbxAdapter } from '../../../src/pbx/port.ts';
import { dialRequest, newAdapter } from './fixtures.ts';
import { ARI, asterisk, asteriskChannels, endpointAt, startSipp, until } from './harness.ts';
import { answerScenario } from '../shared/sipp-scenarios.ts';

const PORT = 15161;
const LEVELS = (process.env.BENCH_LEVELS ?? '50,100,200').split(',').map(Number);
const CALLS_PER_SLOT = Number(process.env.BENCH_CALLS_PER_SLOT ?? 4);
const auth = 'Basic ' + Buffer.from(`${ARI.username}:${ARI.password}`).toString('base64');

/** The baseline: what an ARI client minimally does to keep `conc` calls up. */
async function rawLoop(total: number, conc: number): Promise<number> {
  const app = 'bench-raw';
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const ws = new WebSocket(`${ARI.url.replace(/^http/, 'ws')}/ari/events?app=${app}`, { headers: { Authorization: auth } });
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const live = new Set<string>();
  let started = 0;
  let done = 0;
  const t0 = performance.now();
  const finished = new Promise<void>((resolve) => {
    const post = (id: string): void => {
      const q = new URLSearchParams({ endpoint: endpointAt(PORT, '1000'), app, timeout: '15' });
      const req = http.request(`${ARI.url}/ari/channels/${id}?${q}`, { method: 'POST', agent, headers: { Authorization: auth } }, (res) => {
        res.resume();
        if (res.statusCode !== 200) end(id);
      });
      req.on('error', () => end(id));
      req.end();
    };
    const pump = (): void => {
      while (started < total && live.size < conc) {
        const id = `bench-raw-${process.pid}-${started++}`;
        live.add(id);
        post(id);
      }
    };
    const end = (id: string): void => {
      if (!live.delete(id)) return;
      if (++done === total) resolve();
      pump();
    };
    ws.on('message', (m) => {
      const e = JSON.parse(m.toString()) as { type: string; channel?: { id: string } };
      if (e.type === 'ChannelDestroyed' && e.channel) end(e.channel.id);
    });
    pump();
  });
  await finished;
  const secs = (performance.now() - t0) / 1000;
  ws.close();
  agent.destroy();
  return total / secs;
}

/** dialerd's adapter doing the same, with its real work per call (AMD off, on_answer continue). */
async function adapterLoop(adapter: PbxAdapter, total: number, conc: number): Promise<number> {
  let started = 0;
  let done = 0;
  let live = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      while (started < total && live < conc) {
        started++;
        live++;
        adapter.originate(dialRequest(endpointAt(PORT, '1000'), { ringTimeoutSeconds: 15 })).catch(reject);
      }
    };
    const off = adapter.on((e) => {
      if (e.type !== 'ended') return;
      live--;
      if (++done === total) {
        off();
        resolve();
      } else pump();
    });
    pump();
  });
  return total / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  await asterisk('start');
  const sipp = await startSipp('bench', answerScenario(1000), PORT, 0);
  const adapter = newAdapter('dialerd-bench');
  const rows: string[] = [];
  try {
    await adapter.start();
    await until(() => adapter.status() === 'up', 'adapter up', 10_000);
    for (const conc of LEVELS) {
      const total = conc * CALLS_PER_SLOT;
      const raw = await rawLoop(total, conc);
      await until(async () => (await asteriskChannels()).length === 0, 'idle Asterisk', 30_000);
      const ours = await adapterLoop(adapter, total, conc);
      await until(async () => (await asteriskChannels()).length === 0, 'idle Asterisk', 30_000);
      rows.push(`concurrency ${String(conc).padStart(3)}  calls ${String(total).padStart(4)}  raw ${raw.toFixed(1).padStart(6)}/s  dialerd ${ours.toFixed(1).padStart(6)}/s  ratio ${(ours / raw).toFixed(3)}`);
      console.log(rows.at(-1));
    }
  } finally {
    await adapter.stop();
    await sipp.stop();
    await asterisk('stop', { umount: true });
  }
}

await main();
