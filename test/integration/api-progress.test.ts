/**
 * Progress, rates and ETA through the control API on a running daemon (sim PBX, real HTTP):
 * GET /campaigns/:id and the list, `dialerd campaign status`, and `dialerd top --once`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CampaignView } from '../../src/api/views.ts';
import { daemonEvents, rows, startTestDaemon, TEST_TOKEN, type TestDaemon, runCli } from './api-harness.ts';
import { until } from '../helpers/until.ts';

let t: TestDaemon;

beforeAll(async () => {
  vi.stubEnv('DIALERD_API_TOKEN', TEST_TOKEN);
  t = await startTestDaemon([
    { id: 'finished', rows: rows(5, 4) },
    { id: 'waiting', rows: rows(6, 3), yaml: ['state: paused'] },
  ]);
  await until(async () => (await t.daemon.store.counts('finished')).states.done === 4, 'finished done', { wake: daemonEvents(t) });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await t?.stop();
});

const cli = (...argv: string[]): ReturnType<typeof runCli> => runCli(t.url, ...argv);

describe('campaign progress through the API', () => {
  it('GET /campaigns/:id: records final, last hour and today (UTC) with the answer rate, dial rate, ETA', async () => {
    const c = (await t.http('GET', '/campaigns/finished')).body as CampaignView;
    const history = (await t.http('GET', '/history?campaign=finished')).body.rows as { startedAt: number }[];
    expect(c.progress).toEqual({ total: 4, final: 4, percentFinal: 100 });
    expect(c.lastHour).toEqual({ dials: 4, answers: 4, answerRate: 1 });
    const since = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    expect(c.today.since).toBe(since);
    const today = history.filter((h) => h.startedAt >= since).length; // a run across midnight UTC
    expect(c.today).toMatchObject({ dials: today, answers: today });
    expect(typeof c.dialsPerMinute).toBe('number');
    expect(c.eta).toMatchObject({ seconds: 0, remainingDials: 0, why: null });

    const w = (await t.http('GET', '/campaigns/waiting')).body as CampaignView;
    expect(w.progress).toEqual({ total: 3, final: 0, percentFinal: 0 });
    expect(w.lastHour).toEqual({ dials: 0, answers: 0, answerRate: null });
    expect(w.eta).toEqual({ at: null, seconds: null, remainingDials: null, dialsPerOpenMinute: null, why: 'campaign paused' });

    const list = (await t.http('GET', '/campaigns')).body.campaigns as CampaignView[];
    expect(list.map((x) => [x.id, x.progress.percentFinal, x.eta.why])).toEqual([
      ['finished', 100, null],
      ['waiting', 0, 'campaign paused'],
    ]);
  });

  it('dialerd campaign status prints progress, rates and the ETA', async () => {
    const r = await cli('campaign', 'status', 'finished');
    expect(r.code).toBe(0);
    expect(r.out).toContain('progress  100% final (4 of 4 records)');
    expect(r.out).toContain('last hour 4 dials, 4 answered (100%)');
    expect(r.out).toMatch(/today {5}\d+ dials, \d+ answered \(.*\) since \d{4}-\d\d-\d\dT00:00:00Z/);
    expect(r.out).toMatch(/rate {6}[\d.]+ dials\/min \(last 15 min\)/);
    expect(r.out).toContain('eta       done: every record is final');
    expect((await cli('campaign', 'status', 'waiting')).out).toContain('eta       unknown (campaign paused)');
  });

  it('dialerd top --once: one plain frame within 80 columns, a bar per campaign, trunks and the last dials', async () => {
    const r = await cli('top', '--once');
    expect(r).toMatchObject({ code: 0, err: '' });
    const lines = r.out.split('\n');
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(80); // ASCII, █ and ░: one column each
    expect(r.out).not.toMatch(/\x1b/);
    expect(lines[0]).toMatch(/^dialerd top .* store up {2}pbx sim up {2}live \d+/);
    expect(r.out).toMatch(/^finished\s+running\s+█{15}\s+100%\s+0\s+[\d.]+\s+100%\s+done$/m);
    expect(r.out).toMatch(/^waiting\s+paused\s+░{15}\s+0%\s+0\s+0\s+-\s+unknown$/m);
    expect(r.out).toMatch(/^t\s+2\s+0\s+50\s+[\d.]+$/m);
    expect(r.out.match(/^\d\d:\d\d:\d\d\s+finished\s+r\d\s+\+7495\d+\s+answered\s+0s$/gm)).toHaveLength(4);
    const j = JSON.parse((await cli('top', '--json')).out);
    expect(j.campaigns.map((c: CampaignView) => c.id)).toEqual(['finished', 'waiting']);
    expect(j.health.store).toBe('up');
    expect(j.lastDials).toHaveLength(4);
  });
});
