/**
 * While the PBX link is down the campaign is paused `pbx_down` and a resume through the API is
 * refused with 409 DIALERD_ERR_RESUME_REFUSED naming the reason; /health says 503. When the link
 * is back the campaign resumes on its own and dials again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonEvents, originatedFor, rows, startTestDaemon, type TestDaemon } from './api-harness.ts';
import { until } from '../helpers/until.ts';

let t: TestDaemon;

beforeAll(async () => {
  t = await startTestDaemon([{ id: 'link', rows: rows(5, 4), yaml: ['concurrency: 1'] }]);
});

afterAll(async () => {
  await t?.stop();
});

describe('resume while the PBX is down', () => {
  it('is refused with the reason, and the campaign resumes by itself when the link is back', async () => {
    await until(() => originatedFor(t, 'link').length >= 1, 'a first dial', { wake: daemonEvents(t) });
    t.sim.setLink('down', 'test');
    await until(() => t.daemon.engine.campaign('link')?.status.pauseReason === 'pbx_down', 'pause pbx_down', { wake: daemonEvents(t) });

    const view = await t.http('GET', '/campaigns/link');
    expect(view.body).toMatchObject({ state: 'paused', pauseReason: 'pbx_down' });
    const r = await t.http('POST', '/campaigns/link/resume');
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('DIALERD_ERR_RESUME_REFUSED');
    expect(r.body.message).toContain('pbx_down');
    expect((await t.http('GET', '/campaigns/link')).body.state).toBe('paused');

    const h = await t.http('GET', '/health');
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ ok: false, store: 'up', pbxes: { sim: 'down' } });
    const m = await t.http('GET', '/metrics');
    expect(m.text).toMatch(/^dialerd_pbx_up\{pbx="sim"\} 0$/m);
    expect(m.text).toMatch(/^dialerd_campaign_state\{campaign="link",state="paused"\} 1$/m);

    const before = originatedFor(t, 'link').length;
    t.sim.setLink('up', null);
    await until(() => t.daemon.engine.campaign('link')?.status.state === 'running', 'auto-resume', { wake: daemonEvents(t) });
    await until(() => originatedFor(t, 'link').length > before, 'a dial after the link is back', { wake: daemonEvents(t) });
    expect((await t.http('GET', '/health')).status).toBe(200);
  });
});
