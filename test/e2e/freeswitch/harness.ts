/**
 * The real-FreeSWITCH harness: FreeSWITCH 1.10.12 from ../shared/lab/freeswitch (its start.sh /
 * stop.sh, unpacked once into a cache), one SIPp carrier on the lab gateway's port, and
 * FreeSWITCH's own view of its channels to compare with. Everything listens on 127.0.0.1.
 *
 * Ports: ESL 8021, FreeSWITCH SIP 5080, carrier SIPp 5090 (the lab's gateway `carrier`),
 * FreeSWITCH RTP 26000-26899, SIPp's RTP echo 26900 (and video 26902) and control port 26910.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startSipp, type Sipp } from '../shared/sipp.ts';
import { carrierScenario, type Branch } from '../shared/sipp-carrier.ts';
import { eslApi } from './esl-client.ts';

const run = promisify(execFile);
const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
/** The lab folder (tarball + scripts), beside the repository as in the project layout. */
export const LAB = process.env.DIALERD_FS_LAB ?? path.resolve(REPO, '../shared/lab/freeswitch');
export const CACHE = process.env.DIALERD_FS_CACHE ?? '/var/cache/dialerd-freeswitch';
/** The unpacked FreeSWITCH (start.sh's DIR). */
export const FS_DIR = path.join(CACHE, 'fs');
export const ESL = { host: '127.0.0.1', port: 8021, password: 'dialerd-lab' } as const;
export const CARRIER_PORT = 5090;
/** The lab gateway towards the carrier SIPp. */
export const endpointFor = (number: string): string => `sofia/gateway/carrier/${number}`;

/** install.sh/start.sh settings (install.sh writes them into DIR/conf/vars.xml). */
const LAB_ENV = {
  FS_ESL_PORT: String(ESL.port),
  FS_ESL_PASSWORD: ESL.password,
  FS_SIP_PORT: '5080',
  FS_CARRIER: `127.0.0.1:${CARRIER_PORT}`,
  FS_RTP_START: '26000',
  FS_RTP_END: '26899',
  // The RSA keys FreeSWITCH makes on its first start (~6 s): once per machine, not per unpack.
  FS_CERTS_DIR: path.join(CACHE, 'certs'),
  FS_WITH_SIPP: '1',
};

async function lab(script: string): Promise<string> {
  const { stdout } = await run(path.join(LAB, script), [FS_DIR], { env: { ...process.env, ...LAB_ENV }, timeout: 300_000 });
  return stdout;
}

/**
 * `start`: unpack (first time) and rewrite the config with our ports, then start and wait for ESL
 * and the gateway. `stop`: by the PID file start.sh wrote (SIGTERM, SIGKILL after 20 s).
 */
export async function freeswitch(cmd: 'start' | 'stop'): Promise<string> {
  if (cmd === 'stop') return lab('stop.sh');
  return (await lab('install.sh')) + (await lab('start.sh'));
}

/** `api <command>` straight to FreeSWITCH, not through the adapter. */
export const fsApi = (command: string): Promise<string> => eslApi(ESL, command);

/**
 * Whether FreeSWITCH has this channel now, from its session table (`show channels` reads the core
 * database, which lists a channel ~200 ms after its events and keeps it ~200 ms after its end).
 */
export const fsChannelExists = async (uuid: string): Promise<boolean> => (await fsApi(`uuid_exists ${uuid}`)).trim() === 'true';

/** The carrier SIPp on the gateway's port, answering by the called number (sipp-carrier.ts). */
export function startCarrier(name: string, branches: Branch[], pauseMs = 300): Promise<Sipp> {
  return startSipp({
    name, xml: carrierScenario(branches), port: CARRIER_PORT, pauseMs, dir: path.join(CACHE, 'run', 'sipp'),
    mediaPort: 26900, controlPort: 26910, traceMessages: true,
  });
}

export interface Invite {
  ruri: string;
  from: string;
  callId: string;
}

/** The INVITEs the carrier received (one per Call-ID: retransmissions are the same call). */
export function invitesReceived(sipp: Sipp): Invite[] {
  let text = '';
  try {
    text = readFileSync(sipp.messageFile, 'utf8');
  } catch {
    return [];
  }
  const out = new Map<string, Invite>();
  for (const block of text.split(/^-{10,}.*$/m)) {
    const m = /message received \[\d+\] bytes :\s*\n\s*(INVITE (\S+) SIP\/2\.0[\s\S]*)/.exec(block);
    if (!m) continue;
    const header = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(m[1]!)?.[1]?.trim() ?? '';
    const callId = header('Call-ID');
    if (!out.has(callId)) out.set(callId, { ruri: m[2]!, from: header('From'), callId });
  }
  return [...out.values()];
}
