/**
 * The control API on a running daemon, over real HTTP: pause (live calls finish, nothing new
 * starts), resume, complete (the rest cancelled), records added to a running campaign get
 * dialed, a record removed, and errors as `{ code, message }` with the catalog's status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_VAR_VALUE_LENGTH, MAX_VARS_PER_RECORD } from '../../src/domain/vars.ts';
import { daemonEvents, originatedFor, rows, startTestDaemon, TEST_TOKEN, type TestDaemon } from './api-harness.ts';
import { until } from '../helpers/until.ts';

let t: TestDaemon;

beforeAll(async () => {
  t = await startTestDaemon([
    // Held until their test starts, so the test sees their first dials.
    { id: 'pause', rows: rows(1, 6), yaml: ['concurrency: 2', 'state: paused'] },
    { id: 'done', rows: rows(2, 5), yaml: ['concurrency: 1', 'state: paused'] },
    { id: 'grow', rows: rows(3, 1) },
    { id: 'held', rows: rows(4, 3), yaml: ['state: paused'] },
  ]);
});

afterAll(async () => {
  await t?.stop();
});

const states = async (id: string): Promise<Record<string, number>> => (await t.http('GET', `/campaigns/${id}`)).body.records;

describe('control API', () => {
  it('lists every campaign with its state and counts', async () => {
    const r = await t.http('GET', '/campaigns');
    expect(r.status).toBe(200);
    expect(r.body.campaigns.map((c: { id: string }) => c.id)).toEqual(['done', 'grow', 'held', 'pause']);
    expect(r.body.campaigns.map((c: { state: string }) => c.state)).toEqual(['paused', 'running', 'paused', 'paused']);
    const held = r.body.campaigns.find((c: { id: string }) => c.id === 'held');
    expect(held).toMatchObject({ state: 'paused', pauseReason: 'manual', live: 0, records: { pending: 3 }, dials: 0, trunk: 't' });
  });

  it('pause: live calls finish, no new dial starts; resume dials the rest', async () => {
    expect((await t.http('POST', '/campaigns/pause/resume')).body.state).toBe('running');
    await until(() => originatedFor(t, 'pause').length === 2, 'two live dials', { wake: daemonEvents(t) });
    const p = await t.http('POST', '/campaigns/pause/pause');
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ id: 'pause', state: 'paused', pauseReason: 'manual' });
    expect(p.body.live).toBe(2);
    await until(() => t.daemon.engine.liveFor('pause') === 0, 'live dials of "pause" to end', { wake: daemonEvents(t) });
    // A dial the pause failed to hold would start right after a slot freed: the HTTP round
    // trip below gives it the time to show up.
    expect(await states('pause')).toEqual({ done: 2, pending: 4 });
    expect(originatedFor(t, 'pause')).toHaveLength(2);

    const r = await t.http('POST', '/campaigns/pause/resume');
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('running');
    await until(async () => (await states('pause')).done === 6, 'every record of "pause" done', { wake: daemonEvents(t) });
    expect(new Set(originatedFor(t, 'pause')).size).toBe(6);
  });

  it('complete: the live call finishes, the remaining records are cancelled', async () => {
    expect((await t.http('POST', '/campaigns/done/resume')).body.state).toBe('running');
    await until(() => originatedFor(t, 'done').length === 1, 'first dial of "done"', { wake: daemonEvents(t) });
    const r = await t.http('POST', '/campaigns/done/complete');
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('completed');
    await until(() => t.daemon.engine.liveFor('done') === 0, 'live dial of "done" to end', { wake: daemonEvents(t) });
    expect(await states('done')).toEqual({ done: 1, cancelled: 4 });
    expect(originatedFor(t, 'done')).toHaveLength(1);

    const again = await t.http('POST', '/campaigns/done/pause');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DIALERD_ERR_ILLEGAL_TRANSITION');
    const add = await t.http('POST', '/campaigns/done/records', [{ id: 'late', phones: ['+74959990001'] }]);
    expect(add.status).toBe(409);
    expect(add.body.code).toBe('DIALERD_ERR_ILLEGAL_TRANSITION');
  });

  it('records added to a running campaign are normalized with its region and dialed', async () => {
    await until(async () => (await states('grow')).done === 1, 'the first record of "grow" done', { wake: daemonEvents(t) });
    const r = await t.http('POST', '/campaigns/grow/records', [
      { id: 'n1', phones: ['8 (495) 777-00-01'], vars: { name: 'Anna' } },
      { id: 'n2', phones: ['call me', ''] },
      { id: 'r1', phones: ['+74957770002'] },
      { id: 'n1', phones: ['+74957770003'] },
      { id: 'n3', phones: ['+74957770004'], timezone: 'Mars/Olympus' },
    ]);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ received: 5, added: 3, existing: 1, valid: 3, invalid: 1, duplicateIds: 1 });
    expect(r.body.problems.map((p: { id: string }) => p.id)).toEqual(['n2', 'n2', 'n1', 'n3']);
    await until(async () => (await states('grow')).done === 3, 'added records of "grow" done', { wake: daemonEvents(t) });
    expect(await states('grow')).toEqual({ done: 3, invalid: 1 });
    expect(originatedFor(t, 'grow').sort()).toEqual(['+74953100000', '+74957770001', '+74957770004']);
    const vars = t.sim.originated.find((o) => o.number === '+74957770001')?.vars;
    expect(vars).toEqual({ name: 'Anna' });
  });

  it('removes a record; a second delete changes nothing; unknown ids are 404', async () => {
    const r = await t.http('DELETE', '/campaigns/held/records/r2');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ campaign: 'held', record: 'r2', state: 'removed', changed: true });
    expect(await states('held')).toEqual({ pending: 2, removed: 1 });
    expect((await t.http('DELETE', '/campaigns/held/records/r2')).body.changed).toBe(false);
    const none = await t.http('DELETE', '/campaigns/held/records/nope');
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('DIALERD_ERR_RECORD_NOT_FOUND');
    const noCampaign = await t.http('DELETE', '/campaigns/nope/records/r1');
    expect(noCampaign.status).toBe(404);
    expect(noCampaign.body.code).toBe('DIALERD_ERR_CAMPAIGN_NOT_FOUND');
  });

  it('answers bad requests with { code, message } and the catalog status', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['GET', '/campaigns/nope', undefined, 404, 'DIALERD_ERR_CAMPAIGN_NOT_FOUND'],
      ['POST', '/campaigns/nope/resume', undefined, 404, 'DIALERD_ERR_CAMPAIGN_NOT_FOUND'],
      ['POST', '/campaigns/held/records', [{ phones: ['+74951234567'] }], 400, 'DIALERD_ERR_USAGE'],
      ['POST', '/campaigns/held/records', { id: 'x' }, 400, 'DIALERD_ERR_USAGE'],
      ['GET', '/history?result=maybe', undefined, 400, 'DIALERD_ERR_USAGE'],
      ['GET', '/history?from=yesterday', undefined, 400, 'DIALERD_ERR_USAGE'],
      ['GET', '/history?format=xml', undefined, 400, 'DIALERD_ERR_USAGE'],
      ['GET', '/nowhere', undefined, 404, 'DIALERD_ERR_NOT_FOUND'],
      ['DELETE', '/campaigns', {}, 404, 'DIALERD_ERR_NOT_FOUND'],
    ];
    for (const [method, p, body, status, code] of cases) {
      const r = await t.http(method, p, body);
      expect({ p, status: r.status, code: r.body?.code }).toEqual({ p, status, code });
      expect(typeof r.body.message).toBe('string');
    }
    const bad = await fetch(`${t.url}/campaigns/held/records`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' }, body: '[{' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).code).toBe('DIALERD_ERR_USAGE');
  });

  it('contact vars: a bad name, too many or too long is a 400 naming it; control characters are stripped and reported', async () => {
    const tooMany = Object.fromEntries(Array.from({ length: MAX_VARS_PER_RECORD + 1 }, (_, i) => [`v${i}`, 'x']));
    const cases: Array<[Record<string, string>, string]> = [
      [{ name: 'ok', 'CALLERID(num)': '666' }, 'CALLERID(num)'],
      [{ api_hangup_hook: 'x', 'sip_h_X-Foo': 'y' }, 'sip_h_X-Foo'],
      [{ name: 'a', NAME: 'b' }, 'differ only in case'],
      [{ note: 'x'.repeat(MAX_VAR_VALUE_LENGTH + 1) }, `at most ${MAX_VAR_VALUE_LENGTH}`],
      [tooMany, `${MAX_VARS_PER_RECORD}`],
    ];
    const badId = await t.http('POST', '/campaigns/held/records', [{ id: 'R\u001b]0;x\u0007', phones: ['+74957770009'] }]);
    expect({ status: badId.status, code: badId.body.code, message: badId.body.message }).toMatchObject({ status: 400, code: 'DIALERD_ERR_USAGE', message: expect.stringContaining('control') });
    for (const [vars, says] of cases) {
      const r = await t.http('POST', '/campaigns/held/records', [{ id: 'v1', phones: ['+74957770009'], vars }]);
      expect({ status: r.status, code: r.body.code }).toEqual({ status: 400, code: 'DIALERD_ERR_USAGE' });
      expect(r.body.message).toContain(says);
    }
    const ok = await t.http('POST', '/campaigns/grow/records', [{ id: 'v1', phones: ['+74957770009'], vars: { name: 'Iv\u0000an\u202e', api_hangup_hook: 'x' } }]);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ added: 1, problems: [{ index: 0, id: 'v1', message: 'variable "name": 2 control character(s) stripped' }] });
    await until(async () => originatedFor(t, 'grow').includes('+74957770009'), 'v1 dialed', { wake: daemonEvents(t) });
    expect(t.sim.originated.find((o) => o.number === '+74957770009')?.vars).toEqual({ name: 'Ivan', api_hangup_hook: 'x' });
  });

  it('health: PBX link, store, live dials', async () => {
    const r = await t.http('GET', '/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, store: 'up', pbxes: { sim: 'up' }, campaigns: 4 });
    expect(typeof r.body.live).toBe('number');
  });

  it('a port already in use leaves that daemon without an API, still dialing', async () => {
    const port = Number(new URL(t.url).port);
    const other = await startTestDaemon([{ id: 'solo', rows: rows(0, 1) }], { api: { host: '127.0.0.1', port, token: TEST_TOKEN } });
    try {
      expect(other.daemon.apiUrl).toBeNull();
      await until(() => originatedFor(other, 'solo').length === 1, 'a dial without the API', { wake: daemonEvents(other) });
      expect((await t.http('GET', '/campaigns/solo')).status).toBe(404); // the port is still the first daemon's
    } finally {
      await other.stop();
    }
  });
});
