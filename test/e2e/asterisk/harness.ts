/**
 * The real-Asterisk harness: the chroot Asterisk (asterisk.sh), SIPp carriers on loopback, and
 * ARI facts to compare with (Asterisk's own channel list). Everything listens on 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startSipp as startSippAt, type Sipp } from '../shared/sipp.ts';

export type { Sipp } from '../shared/sipp.ts';
export { until } from '../../helpers/until.ts';

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
 * Asterisk's channels right now (distinct ids, calls only), straight from ARI, not through the adapter.
 * Distinct: under load Asterisk 22's GET /channels was seen listing one channel twice (same id,
 * a snapshot caught mid-update), which is one channel, not two.
 */
export async function asteriskChannels(): Promise<string[]> {
  const r = await fetch(`${ARI.url}/ari/channels`, { headers: { Authorization: auth }, signal: AbortSignal.timeout(2000) });
  if (!r.ok) throw new Error(`GET /channels: HTTP ${r.status}`);
  // dialerd's memory-of-ends reader (Local/s@dialerd-memory, end-memory-db.ts) is not a call: it dials nothing
  return [...new Set(((await r.json()) as { id: string }[]).map((c) => c.id).filter((id) => !id.startsWith('dialerd-memory-')))];
}

/**
 * A SIPp UAS on 127.0.0.1:`port` running `xml`; `pauseMs` is its `<pause/>` (ring time).
 * Media ports are spaced per SIP port so that several carriers can stream at once.
 */
export function startSipp(name: string, xml: string, port: number, pauseMs = 300, opts: { traceMessages?: boolean } = {}): Promise<Sipp> {
  return startSippAt({ name, xml, port, pauseMs, dir: path.join(RUN_DIR, 'sipp'), mediaPort: 40000 + (port - 15000) * 20, ...opts });
}

/** Dial string for a number at the SIPp on `port`, through pjsip.conf's [carrier] endpoint. */
export const endpointAt = (port: number, number: string): string => `PJSIP/carrier/sip:${number}@127.0.0.1:${port}`;
