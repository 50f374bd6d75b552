import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatConfigError } from '../../src/config/config-error.ts';
import { loadDaemonConfig } from '../../src/config/load-daemon.ts';

let dir: string;
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dialerd-daemon-'));
  await mkdir(join(dir, 'campaigns'));
});

const SIM = ['pbxes:', '  sim: { type: sim }', 'trunks:', '  a: { pbx: sim, endpoint: "SIM/{number}" }'];
const AST = '  ast1: { type: asterisk, url: "http://127.0.0.1:8088", username: dialerd, password_env: ARI_PW }';

async function load(lines: string[], env: NodeJS.ProcessEnv = {}) {
  const file = join(dir, `d${++n}.yaml`);
  await writeFile(file, lines.join('\n') + '\n');
  const r = await loadDaemonConfig(file, env);
  const strip = (e: Parameters<typeof formatConfigError>[0]) => formatConfigError(e).slice(file.length + 1);
  return { file, r, errors: r.ok ? [] : r.errors.map(strip), warnings: r.ok ? r.warnings.map(strip) : [] };
}

describe('loadDaemonConfig', () => {
  it('fills defaults and resolves campaigns_dir against the file', async () => {
    const { r, file } = await load(SIM);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.config).toEqual({
      pbxes: { sim: { name: 'sim', type: 'sim', outcomes: null, seed: 1 } },
      trunks: { a: { name: 'a', pbx: 'sim', endpoint: 'SIM/{number}', concurrency: 10, callsPerSecond: 5, breaker: { after: 5, cooldownSeconds: 60 } } },
      store: { type: 'memory' },
      campaignsDir: join(dir, 'campaigns'),
      logLevel: 'info',
      maxConcurrency: 100,
      shutdownGraceSeconds: 30,
      source: file,
    });
    expect(Object.isFrozen(r.config.trunks.a)).toBe(true);
  });

  it('takes a secret from the variable password_env names', async () => {
    const { r, warnings } = await load(['pbxes:', AST, '  fs1: { type: freeswitch, host: fs.local, password_env: ESL_PW }', 'trunks:', '  a: { pbx: ast1, endpoint: "PJSIP/{number}@c" }'], {
      ARI_PW: 's3cret',
      ESL_PW: 'ClueCon',
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(warnings).toEqual([]);
    expect(r.config.pbxes.ast1).toEqual({ name: 'ast1', type: 'asterisk', url: 'http://127.0.0.1:8088', username: 'dialerd', password: 's3cret', app: 'dialerd' });
    expect(r.config.pbxes.fs1).toEqual({ name: 'fs1', type: 'freeswitch', host: 'fs.local', port: 8021, password: 'ClueCon' });
  });

  it('points at password_env naming a missing (or empty) variable, without quoting the name (it may be a pasted password)', async () => {
    const lines = ['pbxes:', AST, 'trunks:', '  a: { pbx: ast1, endpoint: "PJSIP/{number}" }'];
    const expected = ['2:90: pbxes.ast1.password_env: the environment variable it names is not set (or empty)'];
    expect((await load(lines, {})).errors).toEqual(expected);
    expect((await load(lines, { ARI_PW: '' })).errors).toEqual(expected);
  });

  it('allows a literal password but warns at it', async () => {
    const { r, warnings } = await load(['pbxes:', '  fs1: { type: freeswitch, host: h, password: ClueCon }', 'trunks:', '  a: { pbx: fs1, endpoint: "sofia/gateway/c/{number}" }']);
    expect(r.ok && r.config.pbxes.fs1).toMatchObject({ password: 'ClueCon' });
    expect(warnings).toEqual(['2:47: pbxes.fs1.password: a literal password in the config file; prefer password_env (the name of an environment variable)']);
  });

  it('wants exactly one of password_env and password', async () => {
    const both = await load(['pbxes:', '  fs1: { type: freeswitch, host: h, password: x, password_env: Y }', 'trunks:', '  a: { pbx: fs1, endpoint: "{number}" }'], { Y: 'y' });
    expect(both.errors).toEqual(['2:37: pbxes.fs1: give either password_env or password, not both']);
    const none = await load(['pbxes:', '  fs1: { type: freeswitch, host: h }', 'trunks:', '  a: { pbx: fs1, endpoint: "{number}" }']);
    expect(none.errors).toEqual(['2:3: pbxes.fs1: missing required key "password_env" (the environment variable holding the password)']);
  });

  it('rejects a trunk naming an unknown pbx, and an endpoint without {number}', async () => {
    const { errors } = await load(['pbxes:', '  sim: { type: sim }', 'trunks:', '  a: { pbx: simm, endpoint: "SIM/number" }']);
    expect(errors).toEqual(['4:13: trunks.a.pbx: unknown pbx "simm" (did you mean "sim"?)', '4:29: trunks.a.endpoint: "SIM/number" has no {number} placeholder']);
  });

  it('words PBX type mistakes', async () => {
    const { errors } = await load(['pbxes:', '  x: { type: asterix }', '  y: { host: h }', 'trunks:', '  a: { pbx: x, endpoint: "{number}" }']);
    expect(errors).toEqual(['2:14: pbxes.x.type: unknown type "asterix" (expected one of asterisk, freeswitch, sim)', '3:3: pbxes.y: missing required key "type"']);
  });

  it('reports only the matching PBX type\'s problems', async () => {
    const { errors } = await load(['pbxes:', '  fs1: { type: freeswitch, host: h, port: 99999, password: p, app: x }', 'trunks:', '  a: { pbx: fs1, endpoint: "{number}" }']);
    expect(errors).toEqual(['2:43: pbxes.fs1.port: 99999 is out of range (must be <= 65535)', '2:63: pbxes.fs1: unknown key "app" (expected one of type, host, port, password_env, password)']);
  });

  it('resolves a sim outcomes file against the config file and wants it to exist', async () => {
    await writeFile(join(dir, 'outcomes.yaml'), 'numbers: {}\n');
    const { r } = await load(['pbxes:', '  sim: { type: sim, outcomes: outcomes.yaml, seed: 7 }', ...SIM.slice(2)]);
    expect(r.ok && r.config.pbxes.sim).toEqual({ name: 'sim', type: 'sim', outcomes: join(dir, 'outcomes.yaml'), seed: 7 });
    const missing = await load(['pbxes:', '  sim: { type: sim, outcomes: gone.yaml }', ...SIM.slice(2)]);
    expect(missing.errors).toEqual([`2:31: pbxes.sim.outcomes: outcomes file not found: ${join(dir, 'gone.yaml')}`]);
  });

  it('normalizes a redis store and checks its url', async () => {
    const { r } = await load(['store: { type: redis, url: "redis://127.0.0.1:6379/0" }', ...SIM]);
    expect(r.ok && r.config.store).toEqual({ type: 'redis', url: 'redis://127.0.0.1:6379/0', prefix: 'dialerd:', standby: false });
    const bad = await load(['store: { type: redis, url: "http://x" }', ...SIM]);
    expect(bad.errors).toEqual(['1:28: store.url: "http://x" is not a redis URL (redis://host:port/db)']);
  });

  it('takes a standby flag and Redis Sentinel (sentinels with a master name) instead of a url', async () => {
    const { r } = await load(['store: { type: redis, sentinels: [{ host: 10.0.0.1, port: 26379 }], name: mymaster, standby: true }', ...SIM]);
    expect(r.ok && r.config.store).toEqual({ type: 'redis', sentinels: [{ host: '10.0.0.1', port: 26379 }], name: 'mymaster', prefix: 'dialerd:', standby: true });
    const errs = async (line: string): Promise<string[]> => (await load([line, ...SIM])).errors;
    expect(await errs('store: { type: redis }')).toEqual(['1:8: store: missing required key "url" (or "sentinels" and "name" for Redis Sentinel)']);
    expect(await errs('store: { type: redis, sentinels: [{ host: h, port: 26379 }] }')).toEqual(['1:8: store: missing required key "name" (the master name the sentinels monitor)']);
    expect(await errs('store: { type: redis, url: "redis://x", sentinels: [{ host: h, port: 1 }], name: m }')).toHaveLength(1);
    expect(await errs('store: { type: redis, sentinels: [{ host: h, port: 0 }], name: m }')).toHaveLength(1);
    expect(await errs('store: { type: memory, standby: true }')).toHaveLength(1);
  });

  it('reports every top-level mistake at once', async () => {
    const { errors } = await load(['log_level: verbose', 'max_concurency: 10', 'shutdown_grace: soon', 'campaigns_dir: nowhere', ...SIM]);
    expect(errors).toEqual([
      '1:12: log_level: "verbose" is not one of trace, debug, info, warn, error',
      '2:1: unknown key "max_concurency" (did you mean "max_concurrency"?)',
      '3:17: shutdown_grace: "soon" is not a duration (use e.g. 30s, 10m, 1h, 1d or 1h30m)',
      `4:16: campaigns_dir: directory not found: ${join(dir, 'nowhere')}`,
    ]);
  });

  it('requires at least one pbx and one trunk', async () => {
    const { errors } = await load(['pbxes: {}', 'trunks: {}']);
    expect(errors).toEqual(['1:8: pbxes: must not be empty', '2:9: trunks: must not be empty']);
  });

  it('reads a trunk breaker (after, cooldown) and rejects a bad one at its line', async () => {
    const { r } = await load(['pbxes:', '  sim: { type: sim }', 'trunks:', '  a: { pbx: sim, endpoint: "SIM/{number}", breaker: { after: 3, cooldown: 5m } }']);
    expect(r.ok && r.config.trunks.a!.breaker).toEqual({ after: 3, cooldownSeconds: 300 });
    const bad = await load(['pbxes:', '  sim: { type: sim }', 'trunks:', '  a: { pbx: sim, endpoint: "SIM/{number}", breaker: { after: 0 } }']);
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors[0]).toMatch(/^4:\d+: trunks\.a\.breaker\.after: /);
  });

  it('reads a trunk minute package (minutes → talk seconds); none by default; rejects 0 at its line', async () => {
    const { r } = await load(['pbxes:', '  sim: { type: sim }', 'trunks:', '  a: { pbx: sim, endpoint: "SIM/{number}", minutes: 1500 }', '  b: { pbx: sim, endpoint: "SIM/{number}" }']);
    expect(r.ok && r.config.trunks.a!.packageTalkSeconds).toBe(90_000);
    expect(r.ok && r.config.trunks.b!.packageTalkSeconds).toBeUndefined();
    const bad = await load(['pbxes:', '  sim: { type: sim }', 'trunks:', '  a: { pbx: sim, endpoint: "SIM/{number}", minutes: 0 }']);
    expect(bad.errors).toEqual([expect.stringMatching(/^4:\d+: trunks\.a\.minutes: /)]);
  });
});
