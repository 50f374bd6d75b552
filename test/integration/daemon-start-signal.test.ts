/**
 * A SIGTERM at every start step of `dialerd run` (issue 10, Lifecycle): the process exits 0
 * within the grace period, logs its lifecycle transitions in order, and starts no step once the
 * stop has begun. The slow steps are slow for real: the store is a Redis port nothing listens on,
 * the contacts list has 200,000 rows (generated in the fixture's tmp dir; it imports in the
 * background, so its case signals during that import). An earlier daemon, sent SIGTERM during the
 * import, logged "stopped", then "imported", then "control API listening", and never exited.
 */
import { createServer } from 'node:net';
import { afterAll, describe, it, type ExpectStatic } from 'vitest';
import { campaignYaml, contactsCsv, makeFixture, type Fixture } from '../helpers/daemon-fixture.ts';
import { DaemonProcess, type LinePredicate, type LogLine } from '../helpers/daemon-process.ts';

const GRACE_MS = 15_000;
const BIG_LIST = 200_000;
/** Seven daemons start at once (~10 s on a quiet 2-core machine; a busy one is far slower): be patient with their lines. */
const PATIENCE_MS = 90_000;

const fixtures: Fixture[] = [];
const daemons: DaemonProcess[] = [];

afterAll(async () => {
  await Promise.all(daemons.map((d) => d.kill()));
  fixtures.forEach((f) => f.remove());
});

/** A loopback port nothing listens on (bound, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const msgIs =
  (msg: string): LinePredicate =>
  (l) =>
    l.msg === msg;
const transitions = (lines: LogLine[], who: string): string[] => lines.filter((l) => l.lifecycle === who).map((l) => `${String(l.from)} -> ${String(l.to)}`);

/** Each transition starts where the previous one ended, from `initial`, and the last one ends `stopped`. */
function expectChain(expect: ExpectStatic, seq: string[], initial: string): void {
  const pairs = seq.map((t) => t.split(' -> '));
  expect(pairs[0]?.[0]).toBe(initial);
  pairs.slice(1).forEach(([from], i) => expect(from).toBe(pairs[i]![1]));
  expect(pairs.at(-1)?.[1]).toBe('stopped');
}

interface Case {
  step: string;
  /** The line that says the step is in progress: SIGTERM goes out when it is seen. */
  at: LinePredicate;
  rows?: number;
  redis?: boolean;
}

const CASES: Case[] = [
  { step: 'store connect (Redis not up)', at: msgIs('store unreachable at start; waiting for it'), redis: true },
  { step: 'PBX start', at: msgIs('start: pbx') },
  // A list this large imports in the background (the start goes on): SIGTERM at its first progress line.
  { step: `background import of ${BIG_LIST} contacts`, at: msgIs(`importing campaign c: 0% (0/${BIG_LIST.toLocaleString('en-US')})`), rows: BIG_LIST },
  { step: 'engine begin', at: msgIs('start: engine') },
  { step: 'API start', at: msgIs('start: api') },
  { step: 'DNC timer', at: msgIs('start: dnc') },
  { step: 'running', at: msgIs('daemon: starting -> running') },
];

async function runCase(c: Case, expect: ExpectStatic): Promise<{ d: DaemonProcess; ms: number }> {
  const f = makeFixture({
    redisUrl: c.redis ? `redis://127.0.0.1:${await closedPort()}` : null,
    shutdownGrace: `${GRACE_MS / 1000}s`,
    logLevel: 'debug',
    extraConfig: 'api: { listen: "127.0.0.1:0", auth: none }\n',
  });
  fixtures.push(f);
  f.writeContacts('contacts.csv', contactsCsv(c.rows ?? 3));
  f.writeCampaign('c', campaignYaml({ id: 'c', contacts: 'contacts.csv', concurrency: 3 }));
  const d = DaemonProcess.start(f.configFile);
  daemons.push(d);
  await d.waitFor(c.at, c.step, PATIENCE_MS);
  const t = Date.now();
  d.signal('SIGTERM');
  expect(await d.waitExit(GRACE_MS)).toEqual({ code: 0, signal: null });
  return { d, ms: Date.now() - t };
}

describe('dialerd run: SIGTERM during start', () => {
  for (const c of CASES) {
    it.concurrent(`at ${c.step}: exits 0 within the grace period, transitions in order, no start step after the stop`, async ({ expect }) => {
      // Concurrent: each case asserts with its own `expect`.
      const { d, ms } = await runCase(c, expect);
      expect(ms).toBeLessThan(GRACE_MS);
      const daemon = transitions(d.lines, 'daemon');
      const engine = transitions(d.lines, 'engine');
      if (c.redis) {
        // No daemon yet: the signal ends the wait for the store, nothing else starts.
        expect(daemon).toEqual([]);
        expect(d.lines.some((l) => /^start: /.test(l.msg))).toBe(false);
        return;
      }
      expect([
        ['created -> starting', 'starting -> stopping', 'stopping -> stopped'],
        ['created -> starting', 'starting -> running', 'running -> stopping', 'stopping -> stopped'],
      ]).toContainEqual(daemon);
      expectChain(expect, engine, 'idle');
      const stopAt = d.lines.findIndex((l) => l.lifecycle === 'daemon' && l.to === 'stopping');
      const after = d.lines.slice(stopAt + 1);
      expect(after.filter((l) => /^start: /.test(l.msg) || (l.lifecycle === 'engine' && l.to === 'running'))).toEqual([]);
      expect(d.lines.findIndex((l) => l.lifecycle === 'engine' && l.to === 'stopped')).toBeGreaterThan(stopAt);
      expect(d.lines.at(-1)?.msg).toBe('daemon: stopping -> stopped');
      if (c.rows) {
        // The import was in progress: it stopped between batches, before the store closed.
        expect(d.lines.some((l) => /^imported /.test(l.msg))).toBe(false);
        const stopped = d.lines.findIndex(msgIs('contacts import stopped by the shutdown; the next start imports the rest'));
        expect(stopped).toBeGreaterThan(stopAt);
        expect(stopped).toBeLessThan(d.lines.findIndex((l) => l.lifecycle === 'engine' && l.to === 'stopped'));
        expect(d.lines.some((l) => l.campaign === 'c' && typeof l.result === 'string')).toBe(false);
      }
      if (c.step === 'running') expect(daemon[1]).toBe('starting -> running');
    }, 2 * PATIENCE_MS);
  }
});
