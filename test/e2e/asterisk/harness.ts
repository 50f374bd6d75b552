/**
 * The real-Asterisk harness: the chroot Asterisk (asterisk.sh), SIPp carriers on loopback, and
 * ARI facts to compare with (Asterisk's own channel list). Everything listens on 127.0.0.1.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { until } from '../../helpers/until.ts';

export { until };

const run = promisify(execFile);
const HERE = path.dirname(new URL(import.meta.url).pathname);
export const CACHE = process.env.DIALERD_AST_CACHE ?? '/var/cache/dialerd-asterisk';
export const AUDIO = path.join(CACHE, 'audio');
export const RUN_DIR = path.join(CACHE, 'run');
export const HTTP_PORT = 18088;
export const ARI = { url: `http://127.0.0.1:${HTTP_PORT}`, username: 'dialer', password: 'dialerpw' } as const;

/** The chroot Asterisk: `start`, `stop` (and release the chroot's mounts with `umount`), `kill` (-9). */
export async function asterisk(cmd: 'start' | 'stop' | 'kill', opts: { umount?: boolean } = {}): Promise<void> {
  const args = opts.umount ? [cmd, '--umount'] : [cmd];
  await run(path.join(HERE, 'asterisk.sh'), args, { env: { ...process.env, HTTP_PORT: String(HTTP_PORT) }, timeout: 600_000 });
}

export async function makeAudio(): Promise<void> {
  await run(path.join(HERE, 'make-audio.sh'), [AUDIO], { timeout: 120_000 });
}

const auth = 'Basic ' + Buffer.from(`${ARI.username}:${ARI.password}`).toString('base64');

/**
 * Asterisk's channels right now (distinct ids), straight from ARI, not through the adapter.
 * Distinct: under load Asterisk 22's GET /channels was seen listing one channel twice (same id,
 * a snapshot caught mid-update), which is one channel, not two.
 */
export async function asteriskChannels(): Promise<string[]> {
  const r = await fetch(`${ARI.url}/ari/channels`, { headers: { Authorization: auth }, signal: AbortSignal.timeout(2000) });
  if (!r.ok) throw new Error(`GET /channels: HTTP ${r.status}`);
  return [...new Set(((await r.json()) as { id: string }[]).map((c) => c.id))];
}


export interface Sipp {
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

async function udpBound(port: number): Promise<boolean> {
  const { stdout } = await run('ss', ['-Hlun', `sport = :${port}`]);
  return stdout.trim().length > 0;
}

/**
 * A SIPp UAS on 127.0.0.1:`port` running `xml`; `pauseMs` is its `<pause/>` (ring time).
 * Media ports are spaced per SIP port so that several carriers can stream at once.
 */
export async function startSipp(name: string, xml: string, port: number, pauseMs = 300): Promise<Sipp> {
  const dir = path.join(RUN_DIR, 'sipp');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.xml`);
  writeFileSync(file, xml);
  const mp = 40000 + (port - 15000) * 20;
  const proc = spawn(
    'sipp',
    ['-sf', file, '-i', '127.0.0.1', '-p', String(port), '-mi', '127.0.0.1', '-mp', String(mp), '-d', String(pauseMs),
      '-nostdin', '-trace_err', '-error_file', path.join(dir, `${name}.err`), '-max_socket', '4096'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await until(async () => {
    if (proc.exitCode !== null) throw new Error(`sipp ${name} exited: ${stderr}`);
    return udpBound(port);
  }, `sipp ${name} on :${port}`, 10_000);
  return {
    port,
    proc,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Dial string for a number at the SIPp on `port`, through pjsip.conf's [carrier] endpoint. */
export const endpointAt = (port: number, number: string): string => `PJSIP/carrier/sip:${number}@127.0.0.1:${port}`;
