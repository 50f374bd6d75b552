/**
 * `npm start` — the demo a newcomer runs first (the daemon on an accelerated clock with the
 * example campaign) — exits 0 by itself and prints its summary. It takes about a minute.
 */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

it('npm start runs the demo to the end and prints the summary', async () => {
  // No setup: config/dialerd.yaml's api.token_env names a variable nobody set.
  const env = { ...process.env };
  delete env.DIALERD_API_TOKEN;
  const proc = spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr.on('data', (b: Buffer) => (err += b.toString()));
  // Our own deadline, under the test's: a demo that never ends is killed, not left behind.
  const killAll = (): void => void (proc.exitCode === null && process.kill(-proc.pid!, 'SIGKILL')); // npm, sh and node
  const deadline = setTimeout(killAll, 200_000);
  process.once('exit', killAll);
  const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
  clearTimeout(deadline);
  process.off('exit', killAll);

  expect(code, `${out.slice(-2000)}\n${err.slice(-2000)}`).toBe(0);
  const summary = out.slice(out.lastIndexOf('demo finished'));
  expect(summary).toMatch(/^demo finished in [\d.]+ s/);
  expect(err).toMatch(/campaign example: running -> completed \(done\)/); // progress goes to stderr
  const dials = Number(/^dials: (\d+)$/m.exec(summary)?.[1]);
  expect(dials).toBeGreaterThan(0);
  const done = Number(/^\s+done\s+(\d+)$/m.exec(summary)?.[1]);
  expect(done).toBeGreaterThan(0);
  // Every dial in the summary is one of the listed results.
  const results = /results:\n((?:\s+\w+\s+\d+\n)+)/.exec(summary)?.[1] ?? '';
  const sum = [...results.matchAll(/\s+\w+\s+(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
  expect(sum).toBe(dials);
  expect(err).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  // It made an API token and says how to use it (unless another process holds the port: the
  // daemon's log, on stdout, says so).
  if (!(out + err).includes('control API NOT started')) {
    expect(err).toMatch(/^control API http:\/\/127\.0\.0\.1:8480, token generated for this run; in another terminal: DIALERD_API_TOKEN=[\w-]{32} npx dialerd campaign list$/m);
  }
}, 240_000);
