/**
 * `dialerd campaign …` and `dialerd history …` against a running daemon's control API, called
 * through the CLI router with a capturing io: output, one-line errors, exit codes 0/1/2.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { historyCsvHeader } from '../../src/store/history-csv.ts';
import { daemonEvents, originatedFor, rows, startTestDaemon, TEST_TOKEN, type TestDaemon, runCli } from './api-harness.ts';
import { until } from '../helpers/until.ts';

let t: TestDaemon;

beforeAll(async () => {
  vi.stubEnv('DIALERD_API_TOKEN', TEST_TOKEN);
  t = await startTestDaemon([
    { id: 'alpha', rows: rows(8, 3), yaml: ['state: paused', 'concurrency: 1'] },
    { id: 'beta', rows: rows(9, 2), yaml: ['complete_when_done: true'] },
    { id: 'gamma', rows: [['g1', '+74950000001']] },
  ]);
  await until(() => t.daemon.engine.campaign('beta')?.status.state === 'completed', 'beta completed', { wake: daemonEvents(t) });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await t?.stop();
});

/** A port nothing listens on (bound, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const cli = (...argv: string[]): ReturnType<typeof runCli> => runCli(t.url, ...argv);

describe('dialerd campaign', () => {
  it('list: a table of campaigns; --json: the API answer', async () => {
    const r = await cli('campaign', 'list');
    expect(r).toMatchObject({ code: 0, err: '' });
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^CAMPAIGN\s+STATE\s+LIVE\s+PENDING\s+WAITING\s+FINAL\s+DIALS\s+%FINAL\s+DIALS\/MIN\s+ETA$/);
    expect(lines[1]).toMatch(/^alpha\s+paused \(manual\)\s+0\s+3\s+0\s+0\s+0\s+0\s+0\s+unknown$/);
    expect(lines[2]).toMatch(/^beta\s+completed\s+0\s+0\s+0\s+2\s+2\s+100\s+0\s+done$/);
    const j = await cli('campaign', 'list', '--json');
    expect(JSON.parse(j.out).campaigns.map((c: { id: string }) => c.id)).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('status, resume, pause, complete', async () => {
    const s = await cli('campaign', 'status', 'beta');
    expect(s.code).toBe(0);
    expect(s.out).toContain('state     completed');
    expect(s.out).toContain('records   done 2');
    expect(s.out).toContain('results   answered 2');

    const resumed = await cli('campaign', 'resume', 'alpha');
    expect(resumed).toMatchObject({ code: 0, out: 'campaign alpha: running' });
    await until(() => originatedFor(t, 'alpha').length === 1, 'a dial of alpha', { wake: daemonEvents(t) });
    const paused = await cli('campaign', 'pause', 'alpha');
    expect(paused.code).toBe(0);
    expect(paused.out).toMatch(/^campaign alpha: paused \(manual\)(, 1 live calls finishing)?$/);
    const done = await cli('campaign', 'complete', 'alpha', '--json');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.out)).toMatchObject({ id: 'alpha', state: 'completed' });
    await until(() => t.daemon.engine.liveFor('alpha') === 0, 'alpha idle', { wake: daemonEvents(t) });
    expect((await cli('campaign', 'status', 'alpha', '--json')).out).toContain('"cancelled": 2');
  });

  it('add FILE.csv to a running campaign: records are dialed; problems name the CSV line', async () => {
    const file = path.join(t.dir, 'more.csv');
    writeFileSync(file, 'id,phone,name\nm1,8 495 555-00-01,Ann\nm2,not a number,Bob\nm1,+74955550003,Dup\n');
    const r = await cli('campaign', 'add', 'gamma', file);
    expect(r.code).toBe(0);
    expect(r.out).toBe('campaign gamma: 2 records added (1 valid, 1 invalid), 0 already present, 1 duplicate ids');
    expect(r.err.split('\n')).toEqual([
      `${file}:3: record "m2": number not dialled, letters: "not a number"`,
      `${file}:4: record "m1": duplicate id "m1" in the request; skipped`,
    ]);
    await until(() => originatedFor(t, 'gamma').includes('+74955550001'), 'the added record dialed', { wake: daemonEvents(t) });
    const vars = t.sim.originated.find((o) => o.number === '+74955550001')?.vars;
    expect(vars).toEqual({ name: 'Ann' });

    const refused = await cli('campaign', 'add', 'beta', file);
    expect(refused).toMatchObject({ code: 1, err: 'dialerd: cannot add records to campaign beta: it is completed (DIALERD_ERR_ILLEGAL_TRANSITION)' });
  });

  it('remove a record', async () => {
    expect(await cli('campaign', 'remove', 'gamma', 'm2')).toMatchObject({ code: 0, out: 'record m2 of gamma: removed' });
    expect(await cli('campaign', 'remove', 'gamma', 'm2')).toMatchObject({ code: 0, out: 'record m2 of gamma: already removed' });
    expect(await cli('campaign', 'remove', 'gamma', 'zz')).toMatchObject({ code: 1, err: 'dialerd: no record zz in campaign gamma (DIALERD_ERR_RECORD_NOT_FOUND)' });
  });

  it('errors: one line, exit 1 for refusals and unreachable daemons, 2 for usage', async () => {
    const unknown = await cli('campaign', 'pause', 'nope');
    expect(unknown).toMatchObject({ code: 1, out: '', err: 'dialerd: no campaign nope (DIALERD_ERR_CAMPAIGN_NOT_FOUND)' });
    const missing = await cli('campaign', 'add', 'alpha', path.join(t.dir, 'absent.csv'));
    expect(missing.code).toBe(1);
    expect(missing.err.split('\n')).toHaveLength(1);
    expect((await cli('campaign', 'pause')).code).toBe(2);
    expect((await cli('history', '--result', 'maybe')).code).toBe(2);
    expect((await cli('history', '--format', 'xml')).code).toBe(2);
    const port = await closedPort();
    const out: string[] = [];
    const down = await main(['campaign', 'list', '--api', `http://127.0.0.1:${port}`], { out: (s) => void out.push(s), err: (s) => void out.push(s) });
    expect(down).toBe(1);
    expect(out).toEqual([`dialerd: cannot reach the dialerd API at http://127.0.0.1:${port} (ECONNREFUSED); is the daemon running with api.listen set?`]);
  });
});

describe('dialerd history', () => {
  it('table by default, csv and json on request, filtered', async () => {
    const tableOut = await cli('history', '--campaign', 'beta');
    expect(tableOut.code).toBe(0);
    const lines = tableOut.out.split('\n');
    expect(lines[0]).toMatch(/^STARTED\s+CAMPAIGN\s+RECORD\s+NUMBER\s+RESULT\s+RING\s+TALK\s+ACTION\s+FINAL$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\s+beta\s+r[12]\s+\+74959\d{6}\s+answered\s+\d+(\.\d+)?\s+\d+(\.\d+)?\s+done\s+done$/),
      expect.stringMatching(/\s+beta\s+r[12]\s+/),
    ]);
    const csv = await cli('history', '--campaign', 'beta', '--format', 'csv');
    expect(csv.out.split('\r\n')[0]).toBe(historyCsvHeader());
    expect(csv.out.split('\r\n').filter((l) => l.includes(',beta,'))).toHaveLength(2);
    const json = await cli('history', '--result', 'answered', '--campaign', 'beta', '--limit', '1', '--json');
    expect(JSON.parse(json.out)).toEqual([expect.objectContaining({ campaign: 'beta', result: 'answered' })]);
    expect((await cli('history', '--campaign', 'beta', '--to', '2000-01-01T00:00:00Z')).out).toBe('no calls');
  });

  it('--last N newest first; --tz prints the same local instant with its offset in table, JSON and CSV; relative --from/--to', async () => {
    const all = JSON.parse((await cli('history', '--campaign', 'beta', '--json')).out) as { dialId: string; startedAt: string }[];
    expect(all[0]!.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const last = JSON.parse((await cli('history', '--campaign', 'beta', '--last', '1', '--json')).out) as { dialId: string }[];
    expect(last.map((r) => r.dialId)).toEqual([all.at(-1)!.dialId]);
    const msk = JSON.parse((await cli('history', '--campaign', 'beta', '--tz', 'Europe/Moscow', '--json')).out) as { startedAt: string }[];
    const started = msk.map((r) => r.startedAt);
    expect(started.every((s) => s.endsWith('+03:00'))).toBe(true);
    expect(started.map(Date.parse)).toEqual(all.map((r) => Date.parse(r.startedAt)));
    const table = (await cli('history', '--campaign', 'beta', '--tz', 'Europe/Moscow')).out.split('\n').slice(1);
    expect(table.map((l) => l.split(/\s+/)[0])).toEqual(started);
    const csv = (await cli('history', '--campaign', 'beta', '--tz', 'Europe/Moscow', '--format', 'csv')).out.split('\r\n');
    const col = historyCsvHeader().split(',').indexOf('started_at');
    expect(csv.slice(1, 3).map((l) => l.split(',')[col])).toEqual(started);
    expect((await cli('history', '--campaign', 'beta', '--from', '-1d', '--to', 'now', '--json')).out).toBe((await cli('history', '--campaign', 'beta', '--json')).out);
    expect((await cli('history', '--campaign', 'beta', '--to', 'yesterday')).out).toBe('no calls');
    expect((await cli('history', '--from', 'soon')).code).toBe(2);
  });
});

describe('the token and the address', () => {
  const run = async (argv: string[], env: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await main(argv, { out: (s) => void out.push(s), err: (s) => void err.push(s) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    } finally {
      vi.stubEnv('DIALERD_API_TOKEN', TEST_TOKEN);
      vi.stubEnv('DIALERD_API', undefined);
    }
  };
  const configFile = (name: string, lines: string[]): string => {
    const file = path.join(t.dir, name);
    writeFileSync(file, [...lines, ''].join('\n'));
    return file;
  };

  it('without a token, or with a wrong one: exit 1 and a one-line hint', async () => {
    for (const token of [undefined, 'wrong-token-0123456789']) {
      const r = await run(['campaign', 'list', '--api', t.url], { DIALERD_API_TOKEN: token });
      expect(r).toEqual({
        code: 1,
        out: '',
        err: 'dialerd: unauthorized: missing or wrong API token (Authorization: Bearer <token>) (DIALERD_ERR_UNAUTHORIZED); set DIALERD_API_TOKEN or pass --config <dialerd.yaml>',
      });
    }
  });

  it('$DIALERD_API_TOKEN, with the address from $DIALERD_API', async () => {
    const r = await run(['history', '--campaign', 'beta', '--json'], { DIALERD_API_TOKEN: TEST_TOKEN, DIALERD_API: t.url });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toHaveLength(2);
  });

  it("--config: the address from api.listen and the token from the variable api.token_env names", async () => {
    const { hostname: host, port } = new URL(t.url);
    const file = configFile('cli-dialerd.yaml', ['pbxes: {}  # only api is read', `api: { listen: "${host}:${port}", token_env: MY_DIALER_TOKEN }`]);
    const r = await run(['campaign', 'status', 'beta', '--config', file, '--json'], { DIALERD_API_TOKEN: undefined, MY_DIALER_TOKEN: TEST_TOKEN });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ id: 'beta', state: 'completed' });
    // A wildcard listen is reached on loopback; --api still wins over the file.
    const wild = configFile('cli-wild.yaml', [`api: { listen: "0.0.0.0:${port}", token_env: MY_DIALER_TOKEN }`]);
    expect((await run(['campaign', 'list', '--config', wild], { DIALERD_API_TOKEN: undefined, MY_DIALER_TOKEN: TEST_TOKEN })).code).toBe(0);
    const port2 = await closedPort();
    const over = await run(['campaign', 'list', '--config', wild, '--api', `http://127.0.0.1:${port2}`], { MY_DIALER_TOKEN: TEST_TOKEN });
    expect(over.err).toContain(`cannot reach the dialerd API at http://127.0.0.1:${port2}`);
  });

  it('--config without an api section, or with a bad listen: exit 1, one line, no request', async () => {
    const none = configFile('cli-none.yaml', ['log_level: info']);
    expect(await run(['campaign', 'list', '--config', none], {})).toEqual({
      code: 1,
      out: '',
      err: `dialerd: configuration is invalid: ${none}: no api section (the daemon has no control API) (DIALERD_ERR_CONFIG_INVALID)`,
    });
    const bad = configFile('cli-bad.yaml', ['api: { listen: 8480 }']);
    expect((await run(['campaign', 'list', '--config', bad], {})).err).toBe(`dialerd: configuration is invalid: ${bad}:1:16: api.listen: expected host:port, e.g. 127.0.0.1:8480 (DIALERD_ERR_CONFIG_INVALID)`);
  });
});
