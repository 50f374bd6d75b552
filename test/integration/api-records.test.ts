/**
 * One record explained through the control API and the CLI: GET /campaigns/:id/records/:recordId,
 * GET /campaigns/:id/records?state=&why=&limit=&cursor=, `dialerd record show|list`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { daemonEvents, rows, startTestDaemon, TEST_TOKEN, type TestDaemon, runCli } from './api-harness.ts';
import { until } from '../helpers/until.ts';

let t: TestDaemon;
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const ymd = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
/** Window closed today and tomorrow (holidays, UTC): it opens the day after at 00:00 UTC. */
const OPENS = today + 2 * DAY;

beforeAll(async () => {
  vi.stubEnv('DIALERD_API_TOKEN', TEST_TOKEN);
  t = await startTestDaemon([
    { id: 'held', rows: rows(1, 3), yaml: ['state: paused'] },
    { id: 'night', rows: rows(2, 2), yaml: [`calling_hours: { timezone: UTC, windows: [{ days: daily, hours: "00:00-24:00" }], holidays: [${ymd(today)}, ${ymd(today + DAY)}] }`] },
    { id: 'over', rows: rows(3, 1), yaml: ['complete_when_done: true'] },
    { id: 'ids', rows: rows(4, 1), yaml: ['state: paused'] },
  ]);
  await until(() => t.daemon.engine.campaign('over')?.status.state === 'completed', 'over completed', { wake: daemonEvents(t) });
  // The engine claims the night records and puts them back at the window's opening.
  await until(async () => (await t.daemon.store.getRecord('night', 'r1'))?.nextAt === OPENS, 'night deferred to the window');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await t?.stop();
});

const cli = (...argv: string[]): ReturnType<typeof runCli> => runCli(t.url, ...argv);

describe('GET /campaigns/:id/records/:recordId', () => {
  it('a record of a paused campaign: numbers, no dials, why campaign_paused', async () => {
    const r = await t.http('GET', '/campaigns/held/records/r2');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      campaign: 'held',
      id: 'r2',
      state: 'pending',
      attempts: 0,
      dials: 0,
      numbers: [{ index: 0, number: rows(1, 3)[1]![1], attempts: 0, current: true, dnc: false, exhausted: false }],
      why: { reason: 'campaign_paused', detail: 'campaign paused (manual)', windows: null },
      history: [],
      historyNote: null,
    });
  });

  it('window: closed in UTC, with its local time and the instant it opens', async () => {
    const r = await t.http('GET', '/campaigns/night/records/r1');
    expect(r.body.why).toMatchObject({ reason: 'window', until: OPENS, windows: [{ zone: 'UTC', open: false, opensAt: OPENS }] });
    expect(r.body.why.detail).toMatch(/^closed in UTC \(\w{3} \d\d:\d\d there\)$/);
  });

  it('a final record shows its dials from the history', async () => {
    const r = await t.http('GET', '/campaigns/over/records/r1');
    expect(r.body).toMatchObject({ state: 'done', dials: 1, why: { reason: 'final' } });
    expect(r.body.history).toHaveLength(1);
    expect(r.body.history[0]).toMatchObject({ record: 'r1', result: 'answered', final: 'done' });
  });

  it('a record id of the longest allowed length (200 characters, any script) is a path parameter too', async () => {
    const id = `ж${'x'.repeat(199)}`;
    expect((await t.http('POST', '/campaigns/ids/records', [{ id, phones: ['+74951110000'] }])).body).toMatchObject({ added: 1 });
    const r = await t.http('GET', `/campaigns/ids/records/${encodeURIComponent(id)}`);
    expect(r).toMatchObject({ status: 200, body: { id, why: { reason: 'campaign_paused' } } });
  });

  it('404 with the catalogued codes for an unknown campaign or record', async () => {
    expect(await t.http('GET', '/campaigns/nope/records/r1')).toMatchObject({ status: 404, body: { code: 'DIALERD_ERR_CAMPAIGN_NOT_FOUND' } });
    expect(await t.http('GET', '/campaigns/held/records/nope')).toMatchObject({ status: 404, body: { code: 'DIALERD_ERR_RECORD_NOT_FOUND' } });
    expect(await t.http('GET', '/campaigns/nope/records')).toMatchObject({ status: 404, body: { code: 'DIALERD_ERR_CAMPAIGN_NOT_FOUND' } });
  });
});

describe('GET /campaigns/:id/records', () => {
  it('pages by cursor, filtered by state and reason', async () => {
    const first = await t.http('GET', '/campaigns/held/records?state=pending&why=campaign_paused&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.records).toHaveLength(2);
    expect(first.body.records[0]).toMatchObject({ state: 'pending', why: 'campaign_paused', attempts: 0 });
    const second = await t.http('GET', `/campaigns/held/records?state=pending&why=campaign_paused&limit=2&cursor=${first.body.next}`);
    expect(second.body).toMatchObject({ next: null });
    expect([...first.body.records, ...second.body.records].map((r: { id: string }) => r.id).sort()).toEqual(['r1', 'r2', 'r3']);
    expect((await t.http('GET', '/campaigns/held/records?why=window')).body).toEqual({ records: [], next: null });
    expect((await t.http('GET', '/campaigns/night/records?why=window')).body.records).toHaveLength(2);
  });

  it('400 DIALERD_ERR_USAGE for a bad state, reason, limit or cursor', async () => {
    for (const q of ['state=asleep', 'why=bored', 'limit=1001', 'cursor=abc']) {
      expect(await t.http('GET', `/campaigns/held/records?${q}`), q).toMatchObject({ status: 400, body: { code: 'DIALERD_ERR_USAGE' } });
    }
  });
});

describe('dialerd record', () => {
  it('show: the why line, the window per zone, numbers and dials; --json is the API answer', async () => {
    const night = await cli('record', 'show', 'night', 'r1');
    expect(night).toMatchObject({ code: 0, err: '' });
    expect(night.out).toMatch(/why {7}window: closed in UTC \(\w{3} \d\d:\d\d there\) — until \d{4}-\d\d-\d\dT00:00:00Z/);
    expect(night.out).toMatch(/window {4}UTC \w{3} \d\d:\d\d: closed, opens /);
    expect(night.out).toMatch(/#\s+NUMBER\s+ATTEMPTS\s+ZONES\s+NOTE/);
    expect(night.out).toContain('no dials');
    const over = await cli('record', 'show', 'over', 'r1', '--tz', 'Europe/Moscow');
    expect(over.out).toMatch(/STARTED\s+NUMBER\s+RESULT/);
    expect(over.out).toMatch(/\+03:00\s+\+7495\d+\s+answered/);
    const json = await cli('record', 'show', 'held', 'r1', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ id: 'r1', why: { reason: 'campaign_paused' } });
  });

  it('list --state --why: a table of matching records', async () => {
    const r = await cli('record', 'list', 'night', '--state', 'pending', '--why', 'window');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^RECORD\s+STATE\s+NUMBER\s+ATTEMPTS\s+WHY\s+UNTIL\s+DETAIL$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0]).sort()).toEqual(['r1', 'r2']);
    expect(lines[1]).toMatch(/\bpending\b.*\bwindow\b/);
    expect((await cli('record', 'list', 'held', '--why', 'window')).out).toBe('no records');
    const limited = await cli('record', 'list', 'held', '--limit', '1', '--json');
    expect(JSON.parse(limited.out)).toMatchObject({ records: [{ why: 'campaign_paused' }], more: true });
  });

  it('errors: not found exits 1 with the code, usage exits 2', async () => {
    const missing = await cli('record', 'show', 'held', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('DIALERD_ERR_RECORD_NOT_FOUND');
    expect((await cli('record', 'list', 'held', '--why', 'bored')).code).toBe(2);
    expect((await cli('record', 'list', 'held', '--limit', '0')).code).toBe(2);
    expect((await cli('record', 'show', 'held', 'r1', '--tz', 'Mars/Base')).code).toBe(2);
  });
});
