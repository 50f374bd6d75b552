/** The daemon config keys of the control API and notifications: `api.listen`, `notify.webhook`. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatConfigError } from '../../src/config/config-error.ts';
import { loadDaemonConfig } from '../../src/config/load-daemon.ts';

let dir: string;
let n = 0;
const BASE = ['pbxes:', '  sim: { type: sim }', 'trunks:', '  a: { pbx: sim, endpoint: "SIM/{number}" }'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dialerd-apicfg-'));
  await mkdir(join(dir, 'campaigns'));
});

async function load(extra: string[]) {
  const file = join(dir, `d${++n}.yaml`);
  await writeFile(file, [...BASE, ...extra].join('\n') + '\n');
  const r = await loadDaemonConfig(file, {});
  return { r, errors: r.ok ? [] : r.errors.map((e) => formatConfigError(e).slice(file.length + 1)) };
}

describe('api and notify in dialerd.yaml', () => {
  it('absent: no API, no webhook', async () => {
    const { r } = await load([]);
    expect(r.ok && [r.config.api, r.config.notify]).toEqual([undefined, undefined]);
  });

  it('parses host:port and [v6]:port, and the webhook URL', async () => {
    const v4 = await load(['api: { listen: "127.0.0.1:8480" }', 'notify: { webhook: "https://ops.example/hook" }']);
    expect(v4.r.ok && v4.r.config.api).toEqual({ host: '127.0.0.1', port: 8480 });
    expect(v4.r.ok && v4.r.config.notify).toEqual({ webhook: 'https://ops.example/hook' });
    const v6 = await load(['api: { listen: "[::1]:9000" }']);
    expect(v6.r.ok && v6.r.config.api).toEqual({ host: '::1', port: 9000 });
  });

  it('reports a bad address, port or URL at its position', async () => {
    const { errors } = await load(['api: { listen: "localhost" }', 'notify: { webhook: "ftp://x", retries: 3 }']);
    expect(errors).toEqual([
      '5:16: api.listen: "localhost" is not a listen address (host:port, e.g. 127.0.0.1:8480)',
      '6:20: notify.webhook: "ftp://x" is not an http(s) URL (http://host:8088)',
      '6:31: notify: unknown key "retries"',
    ]);
    expect((await load(['api: { listen: "0.0.0.0:70000" }'])).errors).toEqual(['5:16: api.listen: port out of range in "0.0.0.0:70000" (1..65535)']);
  });
});
