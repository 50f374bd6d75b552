/** A SIPp UAS on loopback for the real-PBX suites (Asterisk and FreeSWITCH), stopped by its PID. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { until } from '../../helpers/until.ts';

const run = promisify(execFile);

export interface SippOptions {
  name: string;
  xml: string;
  /** SIP port on 127.0.0.1. */
  port: number;
  /** Where the scenario file, the error log and the message trace go. */
  dir: string;
  /** SIPp's RTP echo port (-mp): each SIPp running at once needs its own. */
  mediaPort: number;
  /** SIPp's UDP control port (-cp); SIPp's default hunts upwards from 8888. */
  controlPort?: number;
  /** The scenario's `<pause/>` (ring time), ms. */
  pauseMs?: number;
  /** Record every SIP message sent and received in `messageFile` (-trace_msg). */
  traceMessages?: boolean;
}

export interface Sipp {
  port: number;
  proc: ChildProcess;
  /** The -trace_msg file (when traceMessages). */
  messageFile: string;
  stop(): Promise<void>;
}

async function udpBound(port: number): Promise<boolean> {
  const { stdout } = await run('ss', ['-Hlun', `sport = :${port}`]);
  return stdout.trim().length > 0;
}

export async function startSipp(o: SippOptions): Promise<Sipp> {
  mkdirSync(o.dir, { recursive: true });
  const file = path.join(o.dir, `${o.name}.xml`);
  const messageFile = path.join(o.dir, `${o.name}.msg`);
  writeFileSync(file, o.xml);
  const args = ['-sf', file, '-i', '127.0.0.1', '-p', String(o.port), '-mi', '127.0.0.1', '-mp', String(o.mediaPort),
    '-d', String(o.pauseMs ?? 300), '-nostdin', '-trace_err', '-error_file', path.join(o.dir, `${o.name}.err`), '-max_socket', '4096'];
  if (o.controlPort !== undefined) args.push('-cp', String(o.controlPort));
  if (o.traceMessages) args.push('-trace_msg', '-message_file', messageFile);
  const proc = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await until(async () => {
    if (proc.exitCode !== null) throw new Error(`sipp ${o.name} exited: ${stderr}`);
    return udpBound(o.port);
  }, `sipp ${o.name} on :${o.port}`, 10_000);
  return {
    port: o.port,
    proc,
    messageFile,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
}
