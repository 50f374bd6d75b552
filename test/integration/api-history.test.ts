/** GET /history (JSON and CSV, filtered) and GET /metrics after a small campaign ran to the end. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyCsvHeader } from '../../src/store/history-csv.ts';
import { daemonEvents, rows, startTestDaemon, type TestDaemon } from './api-harness.ts';
import { until } from '../helpers/until.ts';

let t: TestDaemon;
let t0: number;

beforeAll(async () => {
  t0 = Date.now();
  t = await startTestDaemon([
    { id: 'h1', rows: rows(6, 3), yaml: ['concurrency: 3', 'complete_when_done: true'] },
    { id: 'h2', rows: rows(7, 2), yaml: ['concurrency: 2', 'complete_when_done: true'] },
  ]);
  await until(() => ['h1', 'h2'].every((id) => t.daemon.engine.campaign(id)?.status.state === 'completed'), 'both campaigns completed', { wake: daemonEvents(t) });
});

afterAll(async () => {
  await t?.stop();
});

describe('history', () => {
  it('JSON: every dial, filtered by campaign, result and time range', async () => {
    const all = await t.http('GET', '/history');
    expect(all.status).toBe(200);
    expect(all.body.rows).toHaveLength(5);
    const h1 = await t.http('GET', '/history?campaign=h1&result=answered');
    expect(h1.body.rows.map((r: { record: string }) => r.record).sort()).toEqual(['r1', 'r2', 'r3']);
    expect(h1.body.rows[0]).toMatchObject({ campaign: 'h1', result: 'answered', action: 'done', final: 'done', trunk: 't', pbx: 'sim' });
    expect((await t.http('GET', '/history?result=busy')).body.rows).toEqual([]);
    expect((await t.http('GET', `/history?to=${new Date(t0).toISOString()}`)).body.rows).toEqual([]);
    expect((await t.http('GET', `/history?from=${t0}&limit=2`)).body.rows).toHaveLength(2);
  });

  it('CSV: RFC 4180 with the history-csv header, one line per dial', async () => {
    const r = await t.http('GET', '/history?campaign=h2&format=csv');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/csv/);
    const lines = r.text.split('\r\n');
    expect(lines[0]).toBe(historyCsvHeader());
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(1, -1)).toHaveLength(2);
    for (const l of lines.slice(1, -1)) expect(l).toMatch(/^dialerd-[^,]+,h2,r[12],\+74957\d{6},/);
  });
});

describe('metrics', () => {
  it('exposes dials by result, live dials, campaign state, records and links in Prometheus text', async () => {
    const r = await t.http('GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain/);
    const m = r.text;
    expect(m).toMatch(/^# TYPE dialerd_dials_total counter$/m);
    expect(m).toMatch(/^dialerd_dials_total\{campaign="h1",result="answered"\} 3$/m);
    expect(m).toMatch(/^dialerd_dials_total\{campaign="h2",result="answered"\} 2$/m);
    expect(m).toMatch(/^dialerd_live_dials\{campaign="h1"\} 0$/m);
    expect(m).toMatch(/^dialerd_campaign_state\{campaign="h1",state="completed"\} 1$/m);
    expect(m).toMatch(/^dialerd_campaign_state\{campaign="h1",state="running"\} 0$/m);
    expect(m).toMatch(/^dialerd_campaign_records\{campaign="h2",state="done"\} 2$/m);
    expect(m).toMatch(/^dialerd_pbx_up\{pbx="sim"\} 1$/m);
    expect(m).toMatch(/^dialerd_store_up 1$/m);
  });
});
