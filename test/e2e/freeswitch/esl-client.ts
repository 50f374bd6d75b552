/**
 * A minimal inbound-ESL client for the suite's own look at FreeSWITCH (channels, uuid_kill),
 * independent of the adapter under test: one connection per command, `auth` then `api`.
 */
import net from 'node:net';

/** Splits `Header: value` lines up to a blank line; the rest stays in the buffer. */
function takeHead(buf: string): { headers: Record<string, string>; rest: string } | null {
  const end = buf.indexOf('\n\n');
  if (end < 0) return null;
  const headers: Record<string, string> = {};
  for (const line of buf.slice(0, end).split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return { headers, rest: buf.slice(end + 2) };
}

/** Runs `api <command>` and resolves with the reply body (`-ERR …` included). */
export function eslApi(target: { host: string; port: number; password: string }, command: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(target.port, target.host);
    let buf = '';
    let step: 'auth' | 'authed' | 'api' = 'auth';
    const fail = (err: Error): void => {
      sock.destroy();
      reject(err);
    };
    sock.setTimeout(timeoutMs, () => fail(new Error(`esl: no answer to "${command}" in ${timeoutMs} ms`)));
    sock.on('error', fail);
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      for (;;) {
        const head = takeHead(buf);
        if (!head) return;
        const len = Number(head.headers['Content-Length'] ?? 0);
        if (Buffer.byteLength(head.rest) < len) return;
        const body = Buffer.from(head.rest).subarray(0, len).toString('utf8');
        buf = Buffer.from(head.rest).subarray(len).toString('utf8');
        const type = head.headers['Content-Type'];
        if (step === 'auth' && type === 'auth/request') {
          step = 'authed';
          sock.write(`auth ${target.password}\n\n`);
        } else if (step === 'authed' && type === 'command/reply') {
          if (!(head.headers['Reply-Text'] ?? '').startsWith('+OK')) return fail(new Error('esl: auth refused'));
          step = 'api';
          sock.write(`api ${command}\n\n`);
        } else if (step === 'api' && type === 'api/response') {
          sock.end('exit\n\n');
          sock.destroy();
          return resolve(body);
        }
      }
    });
  });
}
