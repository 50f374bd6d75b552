/**
 * A daemon run as `dialerd run` would do it: a config directory (dialerd.yaml, campaigns,
 * contacts) loaded by the real loader, Redis as the store, Asterisk through the ARI adapter.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startDaemon as startDaemonWith, type Observed } from '../shared/daemon.ts';
import type { Branch } from '../shared/sipp-carrier.ts';
import { AUDIO, HTTP_PORT, until } from './harness.ts';

export type { Observed } from '../shared/daemon.ts';

export const REDIS_PORT = 16379;
const run = promisify(execFile);

/** A throwaway redis-server on 127.0.0.1 (no persistence); stop() kills it by its pid. */
export async function startRedis(): Promise<{ stop(): Promise<void> }> {
  const proc: ChildProcess = spawn('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  await until(async () => {
    if (proc.exitCode !== null) throw new Error('redis-server exited');
    return run('redis-cli', ['-p', String(REDIS_PORT), 'ping']).then((r) => r.stdout.trim() === 'PONG', () => false);
  }, 'redis', 10_000);
  return { stop: async () => void (proc.exitCode === null && proc.kill('SIGKILL') && (await exited)) };
}

/** Writes the config directory: `campaigns` maps a campaign id to its YAML body (without id/contacts); the store prefix is `e2e-<dir name>:`. */
export function writeConfig(campaigns: Record<string, { yaml: string; numbers: string[] }>, trunkConcurrency = 50, redisUrl = `redis://127.0.0.1:${REDIS_PORT}/0`): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dialerd-e2e-'));
  mkdirSync(path.join(dir, 'campaigns'));
  mkdirSync(path.join(dir, 'contacts'));
  writeFileSync(path.join(dir, 'dialerd.yaml'), `log_level: warn
max_concurrency: 100
shutdown_grace: 5s
campaigns_dir: campaigns
store: { type: redis, url: "${redisUrl}", prefix: "e2e-${path.basename(dir)}:" }
pbxes:
  ast1: { type: asterisk, url: "http://127.0.0.1:${HTTP_PORT}", username: dialer, password_env: DIALERD_E2E_ARI_PASSWORD, app: dialerd-e2e-daemon }
trunks:
  carrier: { pbx: ast1, endpoint: "PJSIP/{number}@carrier", concurrency: ${trunkConcurrency}, calls_per_second: 100 }
`);
  for (const [id, c] of Object.entries(campaigns)) {
    writeFileSync(path.join(dir, 'contacts', `${id}.csv`), `id,phone\n${c.numbers.map((n, i) => `${id}-${i + 1},${n}`).join('\n')}\n`);
    writeFileSync(path.join(dir, 'campaigns', `${id}.yaml`), `id: ${id}\nstate: running\ntrunk: carrier\ncontacts: { file: ../contacts/${id}.csv }\n${c.yaml}`);
  }
  return path.join(dir, 'dialerd.yaml');
}

/** Loads the config with the real loader and starts the daemon, recording what it announces. */
export const startDaemon = (configFile: string): Promise<Observed> => startDaemonWith(configFile, { DIALERD_E2E_ARI_PASSWORD: 'dialerpw' });

const REASONS: Record<number, string> = { 486: 'Busy Here', 600: 'Busy Everywhere', 404: 'Not Found', 484: 'Address Incomplete', 480: 'Temporarily Unavailable',
  408: 'Request Timeout', 503: 'Service Unavailable', 500: 'Server Internal Error', 603: 'Decline', 403: 'Forbidden' };

/** The carrier's answers, by the called number's last three digits. */
export const CARRIER: Branch[] = [
  ...Object.entries(REASONS).map(([c, reason]): Branch => ({ suffix: c, kind: 'reject', code: Number(c), reason })),
  { suffix: '100', kind: 'ring' },
  { suffix: '200', kind: 'answer', holdMs: 3000 },
  { suffix: '201', kind: 'answer', holdMs: 800 },
  { suffix: '210', kind: 'answer', holdMs: 1000 },
  { suffix: '230', kind: 'answer', holdMs: 3000 },
  { suffix: '301', kind: 'answer', holdMs: 6000, audio: `${AUDIO}/machine.ul` },
  { suffix: '302', kind: 'answer', holdMs: 4000, audio: `${AUDIO}/human.ul` },
  { suffix: '303', kind: 'answer', holdMs: 6000, audio: `${AUDIO}/silence.ul` },
];
