/**
 * The lifecycle pieces in process (issue 10, Lifecycle): the status cell, a contacts import that
 * stops between batches, and Daemon.stop() during start(): it aborts the start, waits for the
 * step in progress, runs no later step, and then stops. The process-level test is
 * test/integration/daemon-start-signal.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { DaemonConfig } from '../../src/config/daemon-types.ts';
import { importContacts } from '../../src/contacts/import.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import type { DialRecord } from '../../src/domain/types.ts';
import { Lifecycle } from '../../src/lib/lifecycle.ts';
import { SimPbx } from '../../src/pbx/sim/sim-adapter.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'dialerd-lifecycle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A logger whose lines land in `lines` (msg only). */
function recorder(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push((JSON.parse(s) as { msg: string }).msg) });
  return { logger, lines };
}

function csv(rows: number): string {
  const file = path.join(dir, `c${rows}.csv`);
  writeFileSync(file, `id,phone\n${Array.from({ length: rows }, (_, i) => `r${i},+7916${String(i).padStart(7, '0')}`).join('\n')}\n`);
  return file;
}

describe('Lifecycle', () => {
  const table = { a: ['b'], b: ['c'], c: [] } as const;

  it('moves only along its table, logs each move old -> new, and refuses the rest', () => {
    const { logger, lines } = recorder();
    const life = new Lifecycle<'a' | 'b' | 'c'>('thing', 'a', table, logger);
    expect(life.to('c')).toBe(false);
    expect(life.to('b')).toBe(true);
    expect(life.to('b')).toBe(false); // a check-and-set: the second caller loses
    expect(life.to('c')).toBe(true);
    expect(life.status).toBe('c');
    expect(life.is('a', 'c')).toBe(true);
    expect(lines).toEqual(['thing: a -> b', 'thing: b -> c']);
  });
});

describe('importContacts with a signal', () => {
  it('stops between batches once aborted: the batches before are imported, then it rejects with the reason', async () => {
    const abort = new AbortController();
    const seen: DialRecord[][] = [];
    const run = importContacts({ file: csv(1_000), region: 'RU', campaign: 'c', now: 0, batchSize: 100, signal: abort.signal }, async (b) => {
      seen.push(b);
      if (seen.length === 3) abort.abort(new Error('stopping'));
    });
    await expect(run).rejects.toThrow('stopping');
    expect(seen.map((b) => b.length)).toEqual([100, 100, 100]);
  });

  it('reads nothing when aborted before it starts', async () => {
    const seen: DialRecord[][] = [];
    const run = importContacts({ file: csv(10), region: 'RU', campaign: 'c', now: 0, signal: AbortSignal.abort() }, async (b) => void seen.push(b));
    await expect(run).rejects.toThrow();
    expect(seen).toEqual([]);
  });
});

describe('Daemon.stop() during start()', () => {
  function config(): DaemonConfig {
    const d = mkdtempSync(path.join(dir, 'd-'));
    mkdirSync(path.join(d, 'campaigns'));
    writeFileSync(path.join(d, 'contacts.csv'), 'id,phone\nr1,+79160000001\n');
    writeFileSync(path.join(d, 'campaigns', 'c.yaml'), 'id: c\nstate: running\ntrunk: t\ncontacts: { file: ../contacts.csv, region: RU }\nconcurrency: 1\ncalls_per_second: 1\n');
    return {
      pbxes: { sim: { name: 'sim', type: 'sim', outcomes: null, seed: 1 } },
      trunks: { t: { name: 't', pbx: 'sim', endpoint: 'SIM/{number}', concurrency: 1, callsPerSecond: 1 } },
      store: { type: 'memory' },
      campaignsDir: path.join(d, 'campaigns'),
      logLevel: 'debug',
      maxConcurrency: 1,
      shutdownGraceSeconds: 5,
      source: path.join(d, 'dialerd.yaml'),
      api: null,
    };
  }

  it('aborts the start at the step in progress, waits for it, runs no later step, then stops', async () => {
    const { logger, lines } = recorder();
    let release = (): void => undefined;
    const pbxStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered = (): void => undefined;
    const inPbxStart = new Promise<void>((resolve) => (entered = resolve));
    const daemon = await Daemon.create({
      config: config(),
      logger,
      store: createMemoryStore(),
      pbxFactory: (cfg, deps) => {
        const sim = new SimPbx({ name: cfg.name, scheduler: deps.scheduler });
        const start = sim.start.bind(sim);
        // A PBX start that takes its time: held until the test lets it go.
        sim.start = async () => (entered(), await pbxStarted, start());
        return sim;
      },
    });
    const started = daemon.start();
    await inPbxStart;
    let stopped = false;
    const stopping = daemon.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(daemon.status).toBe('stopping');
    expect(stopped).toBe(false); // it waits for the PBX step in progress
    release();
    await started;
    await stopping;
    expect(daemon.status).toBe('stopped');
    expect(daemon.engine.campaignIds()).toEqual([]); // the campaigns step never ran
    expect(lines.filter((l) => /^(daemon|engine): |^start: /.test(l))).toEqual([
      'daemon: created -> starting',
      'start: webhook',
      'start: pbx',
      'daemon: starting -> stopping',
      'engine: idle -> stopping',
      'engine: stopping -> stopped',
      'daemon: stopping -> stopped',
    ]);
    await daemon.start(); // after a stop: nothing happens
    expect(daemon.status).toBe('stopped');
  });
});
