/**
 * The daemon config keys of the control API and notifications: `api.listen`, `api.token_env`,
 * `api.auth`, `notify.webhook`, `notify.header`. No message ever quotes a secret.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatConfigError, type ConfigError } from '../../src/config/config-error.ts';
import { validateCommand } from '../../src/cli/validate.ts';
import { loadDaemonConfig } from '../../src/config/load-daemon.ts';

let dir: string;
let n = 0;
const BASE = ['pbxes:', '  sim: { type: sim }', 'trunks:', '  a: { pbx: sim, endpoint: "SIM/{number}" }'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dialerd-apicfg-'));
  await mkdir(join(dir, 'campaigns'));
});

const TOKEN = 'a-token-of-24-characters';

async function load(extra: string[], env: NodeJS.ProcessEnv = {}, demoApiToken?: string) {
  const file = join(dir, `d${++n}.yaml`);
  await writeFile(file, [...BASE, ...extra].join('\n') + '\n');
  const r = await loadDaemonConfig(file, env, demoApiToken === undefined ? {} : { demoApiToken });
  const strip = (e: ConfigError): string => formatConfigError(e).slice(file.length + 1);
  return { r, errors: r.ok ? [] : r.errors.map(strip), warnings: r.ok ? r.warnings.map(strip) : [] };
}

describe('api and notify in dialerd.yaml', () => {
  it('absent: no API, no webhook', async () => {
    const { r } = await load([]);
    expect(r.ok && [r.config.api, r.config.notify]).toEqual([undefined, undefined]);
  });

  it('parses host:port and [v6]:port, and the webhook URL', async () => {
    const v4 = await load(['api: { listen: "127.0.0.1:8480", token_env: DIALERD_API_TOKEN }', 'notify: { webhook: "https://ops.example/hook" }'], { DIALERD_API_TOKEN: TOKEN });
    expect(v4.r.ok && v4.r.config.api).toEqual({ host: '127.0.0.1', port: 8480, token: TOKEN });
    expect(v4.r.ok && v4.r.config.notify).toEqual({ webhook: 'https://ops.example/hook' });
    const v6 = await load(['api: { listen: "[::1]:9000", auth: none }']);
    expect(v6.r.ok && v6.r.config.api).toEqual({ host: '::1', port: 9000, token: null });
  });

  it('reports a bad address, port or URL at its position', async () => {
    const { errors } = await load(['api: { listen: "localhost", auth: none }', 'notify: { webhook: "ftp://x", retries: 3 }']);
    expect(errors).toEqual([
      '5:16: api.listen: "localhost" is not a listen address (host:port, e.g. 127.0.0.1:8480)',
      '6:20: notify.webhook: "ftp://x" is not an http(s) URL (http://host:8088)',
      '6:31: notify: unknown key "retries" (expected one of webhook, header)',
    ]);
    expect((await load(['api: { listen: "127.0.0.1:70000", auth: none }'])).errors).toEqual(['5:16: api.listen: port out of range in "127.0.0.1:70000" (1..65535)']);
  });
});

describe('api authentication in dialerd.yaml', () => {
  it('a non-loopback listen without a token is an error at api.listen, auth: none or not', async () => {
    for (const listen of ['0.0.0.0:8480', '[::]:8480', '10.1.2.3:8480', 'dialer.example:8480', '128.0.0.1:8480']) {
      for (const auth of ['', ', auth: none']) {
        const { errors } = await load([`api: { listen: "${listen}"${auth} }`]);
        expect(errors, listen + auth).toEqual([
          `5:16: api.listen: "${listen}" is not a loopback address (127.0.0.1, ::1, localhost), so the API needs a token: add token_env: DIALERD_API_TOKEN (the environment variable holding it)${auth ? '; auth: none is for loopback only' : ''}`,
        ]);
      }
    }
    const exposed = await load(['api: { listen: "0.0.0.0:8480", token_env: T }'], { T: TOKEN });
    expect(exposed.r.ok && exposed.r.config.api).toEqual({ host: '0.0.0.0', port: 8480, token: TOKEN });
  });

  it('a loopback listen needs token_env or an explicit auth: none, not both', async () => {
    expect((await load(['api: { listen: "127.0.0.1:8480" }'])).errors).toEqual([
      '5:1: api: missing required key "token_env" (the environment variable holding the API token), or write auth: none to run without authentication on a loopback address',
    ]);
    for (const listen of ['127.0.0.1:1', '127.9.9.9:1', 'localhost:1', '[::1]:1', '[0:0:0:0:0:0:0:1]:1']) {
      const r = (await load([`api: { listen: "${listen}", auth: none }`])).r;
      expect(r.ok && r.config.api?.token, listen).toBeNull();
    }
    expect((await load(['api: { listen: "127.0.0.1:1", token_env: T, auth: none }'], { T: TOKEN })).errors).toEqual([
      '5:45: api: give either token_env or auth: none, not both',
    ]);
  });

  it('token_env naming an unset, empty or too short variable is an error that prints no value', async () => {
    const line = ['api: { listen: "127.0.0.1:8480", token_env: DIALERD_API_TOKEN }'];
    const unset = 'environment variable it names is not set (or empty): set it to a random token of at least 16 characters, e.g. $(openssl rand -hex 32)';
    expect((await load(line)).errors).toEqual([`5:45: api.token_env: the ${unset}`]);
    expect((await load(line, { DIALERD_API_TOKEN: '' })).errors).toEqual([`5:45: api.token_env: the ${unset}`]);
    for (const bad of ['short-secret-15', 'sixteen chars ok', 'bad\ttab-0123456789', 'é'.repeat(20), 'x'.repeat(1025)]) {
      const { errors } = await load(line, { DIALERD_API_TOKEN: bad });
      expect(errors).toEqual(['5:45: api.token_env: the token in the environment variable it names must be 16 to 1024 visible ASCII characters without spaces (e.g. $(openssl rand -hex 32))']);
    }
    expect((await load(line, { DIALERD_API_TOKEN: 'x'.repeat(16) })).r.ok).toBe(true);
  });

  it("the demo's generated token stands in for an unset variable, and says which", async () => {
    const line = ['api: { listen: "127.0.0.1:8480", token_env: MY_TOKEN }'];
    const demo = await load(line, {}, 'generated-token-0123456789');
    expect(demo.r.ok && [demo.r.config.api?.token, demo.r.demoTokenFor]).toEqual(['generated-token-0123456789', 'MY_TOKEN']);
    const set = await load(line, { MY_TOKEN: TOKEN }, 'generated-token-0123456789');
    expect(set.r.ok && [set.r.config.api?.token, set.r.demoTokenFor]).toEqual([TOKEN, undefined]);
  });
});

describe('notify.header and URL credentials', () => {
  it('takes the header value from the environment; unset or with a line break is an error without the value', async () => {
    const line = ['notify: { webhook: "https://h.example/x", header: { name: Authorization, value_env: HOOK_AUTH } }'];
    const ok = await load(line, { HOOK_AUTH: 'Bearer s3cret' });
    expect(ok.r.ok && ok.r.config.notify).toEqual({ webhook: 'https://h.example/x', header: { name: 'Authorization', value: 'Bearer s3cret' } });
    expect((await load(line)).errors).toEqual(['5:85: notify.header.value_env: the environment variable it names is not set (or empty)']);
    const split = await load(line, { HOOK_AUTH: 's3cret\r\nX-Evil: 1' });
    expect(split.errors).toEqual(['5:85: notify.header.value_env: the value of the environment variable it names has a line break, control or non-Latin-1 character']);
    expect((await load(['notify: { webhook: "https://h.example/x", header: { name: "Bad Name", value_env: "s3cret pw" } }'])).errors).toEqual([
      '5:59: notify.header.name: "Bad Name" is not an HTTP header name',
      '5:82: notify.header.value_env: a string (value hidden) is not an environment variable name (letters, digits, _)',
    ]);
  });

  it('credentials in the webhook URL are a warning, and never quoted', async () => {
    const { warnings } = await load(['notify: { webhook: "https://user:pw-s3cret@h.example/x?token=t0ken" }']);
    expect(warnings).toEqual(['5:20: notify.webhook: credentials in the URL (sent as Basic authentication, hidden in logs); prefer notify.header with value_env']);
    const { errors } = await load(['notify: { webhook: "ftp://user:pw-s3cret@h.example/x?token=t0ken" }']);
    expect(errors).toEqual(['5:20: notify.webhook: "ftp://***@h.example/***?***" is not an http(s) URL (http://host:8088)']);
  });
});

describe('secrets are never printed', () => {
  const SECRET = /12345678901|s3cret|hunter2|t0ken/;

  it('a literal password of the wrong type, or a password pasted into password_env', async () => {
    const pbx = (keys: string) => ['pbxes:', `  fs: { type: freeswitch, host: h, ${keys} }`, 'trunks:', '  a: { pbx: fs, endpoint: "x/{number}" }'];
    const cases: [string[], string][] = [
      [pbx('password: 12345678901'), '2:46: pbxes.fs.password: expected a string, got a number (value hidden) (put it in quotes)'],
      [pbx('password_env: 12345678901'), '2:50: pbxes.fs.password_env: expected a string, got a number (value hidden) (put it in quotes)'],
      [pbx('password_env: "hunter2!"'), '2:50: pbxes.fs.password_env: a string (value hidden) is not an environment variable name (letters, digits, _)'],
      [pbx('password_env: hunter2'), '2:50: pbxes.fs.password_env: the environment variable it names is not set (or empty)'],
      [['api: { listen: "127.0.0.1:1", token_env: 12345678901 }'], '5:42: api.token_env: expected a string, got a number (value hidden) (put it in quotes)'],
    ];
    for (const [lines, expected] of cases) {
      const file = join(dir, `s${++n}.yaml`);
      await writeFile(file, (lines[0] === 'pbxes:' ? lines : [...BASE, ...lines]).join('\n') + '\n');
      const r = await loadDaemonConfig(file, {});
      const errors = r.ok ? [] : r.errors.map((e) => formatConfigError(e).slice(file.length + 1));
      expect(errors, errors.join('\n')).toContain(expected);
      expect(errors.join('\n')).not.toMatch(SECRET);
    }
  });

  it('dialerd validate prints none of them either', async () => {
    const file = join(dir, `v${++n}.yaml`);
    await writeFile(file, ['pbxes:', '  fs: { type: freeswitch, host: h, password: 12345678901 }', '  fs2: { type: freeswitch, host: h, password_env: hunter2 }', 'trunks:', '  a: { pbx: fs, endpoint: "x/{number}" }', 'api: { listen: "127.0.0.1:1", token_env: s3cret }', ''].join('\n'));
    const printed: string[] = [];
    const code = await validateCommand([file], { out: (s) => void printed.push(s), err: (s) => void printed.push(s) }, {});
    expect(code).toBe(1);
    expect(printed.length).toBeGreaterThanOrEqual(3);
    expect(printed.join('\n')).not.toMatch(SECRET);
  });
});
