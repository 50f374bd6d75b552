/**
 * Who may use the control API (issue 8): a bearer token on every request but GET /health and
 * GET /metrics, JSON-only mutating requests (so a web page's cross-site text/plain or form POST
 * cannot act), no CORS, bounded requests; and `auth: none` on loopback, which warns at start.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/api/limits.ts';
import { MAX_CONTACTS_PER_REQUEST } from '../../src/api/routes-campaigns.ts';
import { rows, startTestDaemon, TEST_TOKEN, type TestDaemon } from './api-harness.ts';

let t: TestDaemon;

beforeAll(async () => {
  t = await startTestDaemon([{ id: 'held', rows: rows(1, 1), yaml: ['state: paused'] }, { id: 'live', rows: rows(2, 1), yaml: ['state: paused'] }]);
});

afterAll(async () => {
  await t?.stop();
});

async function raw(method: string, p: string, headers: Record<string, string> = {}, body?: string) {
  const res = await fetch(`${t.url}${p}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, code: text.startsWith('{') ? (JSON.parse(text) as { code?: string }).code : undefined };
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const state = (id: string): string | undefined => t.daemon.engine.campaign(id)?.status.state;

describe('authentication', () => {
  it('refuses every request without the right token: 401 DIALERD_ERR_UNAUTHORIZED with WWW-Authenticate', async () => {
    const wrong: Record<string, string>[] = [
      {},
      bearer('not-the-token'),
      bearer(`${TEST_TOKEN}x`),
      bearer(TEST_TOKEN.slice(0, -1)),
      bearer(TEST_TOKEN.toUpperCase()),
      { authorization: TEST_TOKEN },
      { authorization: `Basic ${Buffer.from(`x:${TEST_TOKEN}`).toString('base64')}` },
      { authorization: `Bearer ${TEST_TOKEN} extra` },
    ];
    const routes: [string, string][] = [
      ['GET', '/campaigns'],
      ['GET', '/campaigns/held'],
      ['GET', '/history'],
      ['GET', '/history?format=csv'],
      ['POST', '/campaigns/held/resume'],
      ['POST', '/campaigns/held/records'],
      ['DELETE', '/campaigns/held/records/r1'],
      ['GET', '/nowhere'], // unknown routes too: nothing is learnt without the token
      ['GET', '/health/'],
    ];
    for (const headers of wrong) {
      for (const [method, p] of routes) {
        const r = await raw(method, p, { ...headers, 'content-type': 'application/json' }, method === 'POST' ? '[]' : undefined);
        expect({ method, p, headers, status: r.status, code: r.code }).toEqual({ method, p, headers, status: 401, code: 'DIALERD_ERR_UNAUTHORIZED' });
        expect(r.headers.get('www-authenticate')).toBe('Bearer realm="dialerd"');
      }
    }
    expect(state('held')).toBe('paused');
  });

  it('accepts the right token (scheme in any case) on every route', async () => {
    expect((await raw('GET', '/campaigns', bearer(TEST_TOKEN))).status).toBe(200);
    expect((await raw('GET', '/history', { authorization: `bearer ${TEST_TOKEN}` })).status).toBe(200);
    expect((await raw('GET', '/nowhere', bearer(TEST_TOKEN))).status).toBe(404);
    expect((await raw('POST', '/campaigns/live/resume', { ...bearer(TEST_TOKEN), 'content-type': 'application/json' })).status).toBe(200);
    expect(state('live')).toBe('running');
    expect((await raw('POST', '/campaigns/live/pause', { ...bearer(TEST_TOKEN), 'content-type': 'application/json; charset=utf-8' }, '{}')).status).toBe(200);
    expect(state('live')).toBe('paused');
  });

  it('leaves GET /health and GET /metrics open (probes, Prometheus), nothing else', async () => {
    expect((await raw('GET', '/health')).status).toBe(200);
    expect((await raw('GET', '/metrics')).status).toBe(200);
    expect((await raw('HEAD', '/health')).status).toBe(200);
    expect((await raw('POST', '/health', { 'content-type': 'application/json' })).status).toBe(401);
  });
});

describe('cross-site requests', () => {
  it('a mutating request that is not application/json is refused before the route runs: 415', async () => {
    const forms: Record<string, string>[] = [
      { 'content-type': 'text/plain' },
      { 'content-type': 'text/plain;charset=UTF-8' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'multipart/form-data; boundary=x' },
      { 'content-type': 'application/jsonx' },
      {}, // a body-less POST from a page carries no content type at all
    ];
    for (const type of forms) {
      for (const [method, p, body] of [
        ['POST', '/campaigns/held/resume', '{}'],
        ['POST', '/campaigns/held/records', '[{"id":"x","phones":["+74951234567"]}]'],
        ['DELETE', '/campaigns/held/records/r1', undefined],
        ['POST', '/campaigns/held/complete', undefined],
      ] as const) {
        const r = await raw(method, p, { ...bearer(TEST_TOKEN), ...type }, body);
        expect({ p, type, status: r.status, code: r.code }).toEqual({ p, type, status: 415, code: 'DIALERD_ERR_UNSUPPORTED_MEDIA_TYPE' });
      }
    }
    expect(state('held')).toBe('paused');
    expect((await t.http('GET', '/campaigns/held')).body.records).toEqual({ pending: 1 });
  });

  it('sends no CORS header, to a preflight or to a request with an Origin', async () => {
    const origin = { origin: 'https://evil.example' };
    const preflight = await raw('OPTIONS', '/campaigns/held/pause', { ...origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' });
    const get = await raw('GET', '/campaigns', { ...origin, ...bearer(TEST_TOKEN) });
    const health = await raw('GET', '/health', origin);
    for (const r of [preflight, get, health]) {
      expect([...r.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    }
    expect(preflight.status).toBe(401);
  });
});

describe('request bounds', () => {
  const post = (body: string) => raw('POST', '/campaigns/held/records', { ...bearer(TEST_TOKEN), 'content-type': 'application/json' }, body);
  const contact = (i: number) => ({ id: `b${i}`, phones: [`+7495${String(3000000 + i)}`] });

  it(`more than ${MAX_CONTACTS_PER_REQUEST} records in one request: 413 DIALERD_ERR_PAYLOAD_TOO_LARGE, nothing added`, async () => {
    const r = await post(JSON.stringify(Array.from({ length: MAX_CONTACTS_PER_REQUEST + 1 }, (_, i) => contact(i))));
    expect([r.status, r.code]).toEqual([413, 'DIALERD_ERR_PAYLOAD_TOO_LARGE']);
    expect((await t.http('GET', '/campaigns/held')).body.records).toEqual({ pending: 1 });
  });

  it(`a body over ${MAX_BODY_BYTES} bytes: 413 DIALERD_ERR_PAYLOAD_TOO_LARGE`, async () => {
    const big = JSON.stringify([{ id: 'x', phones: ['+74951234567'], vars: { pad: 'x'.repeat(MAX_BODY_BYTES) } }]);
    const r = await post(big);
    expect([r.status, r.code]).toEqual([413, 'DIALERD_ERR_PAYLOAD_TOO_LARGE']);
  });
});

describe('auth: none (loopback only)', () => {
  it('lets requests through without a token, still JSON-only, and warns at start', async () => {
    const logged: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (s: string) => void logged.push(JSON.parse(s) as { level: number; msg: string }) });
    const open = await startTestDaemon([{ id: 'o', rows: rows(3, 1), yaml: ['state: paused'] }], { api: { host: '127.0.0.1', port: 0, token: null } }, logger);
    try {
      expect((await fetch(`${open.url}/campaigns/o`)).status).toBe(200);
      expect((await fetch(`${open.url}/campaigns/o/resume`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })).status).toBe(415);
      expect(open.daemon.engine.campaign('o')?.status.state).toBe('paused');
      expect(logged).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringContaining('control API has NO authentication (api.auth: none)') }));
    } finally {
      await open.stop();
    }
  });
});
