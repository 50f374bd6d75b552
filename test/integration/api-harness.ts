/**
 * A real daemon (sim PBX, memory store, control API on a free port) in a tmp dir, for the
 * api-*.test.ts suites. Calls are short (ring 0.3 s, talk 0.4 s) so campaigns move quickly;
 * waits are on engine and PBX events, never sleeps.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DaemonConfig } from '../../src/config/daemon-types.ts';
import { main } from '../../src/cli/main.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import { silentLogger, type Logger } from '../../src/lib/logger.ts';
import type { Outcomes } from '../../src/pbx/sim/outcomes.ts';
import { SimPbx } from '../../src/pbx/sim/sim-adapter.ts';

export interface CampaignFixture {
  id: string;
  /** Contact rows `id,phone` (header added). */
  rows: [string, string][];
  /** Extra YAML lines (override concurrency, state, complete_when_done…). */
  yaml?: string[];
}

export interface TestDaemon {
  daemon: Daemon;
  sim: SimPbx;
  url: string;
  dir: string;
  /** JSON request; `body` is parsed JSON when the answer is JSON. */
  http(method: string, p: string, body?: unknown): Promise<{ status: number; body: any; text: string; type: string }>;
  stop(): Promise<void>;
}

/** The control API token of every test daemon (`api.token`). */
export const TEST_TOKEN = 'test-token-0123456789abcdef';

const QUICK: Outcomes = {
  defaultMix: [{ form: { kind: 'ring', ringSeconds: 0.3, then: { kind: 'answer', talkSeconds: 0.4 } }, weight: 1 }],
  numbers: new Map(),
};

export function campaignYaml(c: CampaignFixture): string {
  const lines = [
    `id: ${c.id}`,
    'trunk: t',
    `contacts: { file: ../${c.id}.csv, region: RU }`,
    'calls_per_second: 50',
    'ring_timeout: 20s',
    'rules: { answered: done, answered_short: done }',
    ...(c.yaml ?? []),
  ];
  const has = (k: string): boolean => lines.some((l) => l.startsWith(`${k}:`));
  if (!has('state')) lines.push('state: running');
  if (!has('concurrency')) lines.push('concurrency: 2');
  if (!has('complete_when_done')) lines.push('complete_when_done: false');
  return `${lines.join('\n')}\n`;
}

export async function startTestDaemon(campaigns: CampaignFixture[], extra: Partial<DaemonConfig> = {}, logger: Logger = silentLogger()): Promise<TestDaemon> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dialerd-api-'));
  mkdirSync(path.join(dir, 'campaigns'));
  for (const c of campaigns) {
    writeFileSync(path.join(dir, `${c.id}.csv`), `id,phone\n${c.rows.map((r) => r.join(',')).join('\n')}\n`);
    writeFileSync(path.join(dir, 'campaigns', `${c.id}.yaml`), campaignYaml(c));
  }
  const config: DaemonConfig = {
    pbxes: { sim: { name: 'sim', type: 'sim', outcomes: null, seed: 1 } },
    trunks: { t: { name: 't', pbx: 'sim', endpoint: 'SIM/{number}', concurrency: 10, callsPerSecond: 50 } },
    store: { type: 'memory' },
    campaignsDir: path.join(dir, 'campaigns'),
    logLevel: 'error',
    maxConcurrency: 50,
    shutdownGraceSeconds: 5,
    source: path.join(dir, 'dialerd.yaml'),
    api: { host: '127.0.0.1', port: 0, token: TEST_TOKEN },
    ...extra,
  };
  let sim: SimPbx | null = null;
  const daemon = await Daemon.create({
    config,
    logger,
    pbxFactory: (cfg, deps) => (sim = new SimPbx({ name: cfg.name, scheduler: deps.scheduler, outcomes: QUICK })),
  });
  await daemon.start();
  const url = daemon.apiUrl ?? ''; // '' when the API could not listen
  return {
    daemon,
    sim: sim!,
    url,
    dir,
    async http(method, p, body) {
      const res = await fetch(`${url}${p}`, {
        method,
        headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(method !== 'GET' ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, text, type, body: type.includes('json') ? JSON.parse(text) : null };
    },
    stop: () => daemon.stop(2000),
  };
}

/** Wake source for `until` (test/helpers/until.ts): every engine and PBX event of the daemon. */
export function daemonEvents(t: TestDaemon): (check: () => void) => () => void {
  return (check) => {
    const e = t.daemon.engine;
    const off = t.sim.on(check);
    for (const ev of ['dial', 'final', 'campaign'] as const) e.on(ev, check);
    return () => {
      off();
      for (const ev of ['dial', 'final', 'campaign'] as const) e.off(ev, check);
    };
  };
}

/** Numbers the sim was asked to dial for one campaign. */
export function originatedFor(t: TestDaemon, campaign: string): string[] {
  return t.sim.originated.filter((r) => r.campaign === campaign).map((r) => r.number);
}

/** `n` distinct Moscow numbers for campaign slot `k`. */
export function rows(k: number, n: number): [string, string][] {
  return Array.from({ length: n }, (_, i) => [`r${i + 1}`, `+7495${k}${String(100000 + i).slice(-6)}`]);
}

/** Runs the `dialerd` CLI in-process against the test daemon's API; its exit code and output. */
export async function runCli(url: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...argv, '--api', url], { out: (s) => void out.push(s), err: (s) => void err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
