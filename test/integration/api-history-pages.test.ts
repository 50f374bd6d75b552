/**
 * GET /history at scale and against hostile cells: JSON pages (default and maximum size, the
 * `next` cursor across rows sharing a startedAt, bad cursors), CSV streamed a store page at a
 * time with formulas neutralized, and `dialerd history` following pages, streaming CSV and
 * printing terminal-safe tables. The store is filled directly (25 000 rows), no dialing.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE } from '../../src/api/routes-history.ts';
import { main } from '../../src/cli/main.ts';
import type { DialRecord, HistoryRow } from '../../src/domain/types.ts';
import { HISTORY_WALK_PAGE } from '../../src/store/history-pages.ts';
import { rec, row } from '../contract/store-fixtures.ts';
import { startTestDaemon, TEST_TOKEN, type TestDaemon } from './api-harness.ts';

const N = 25_000;
const HOSTILE = ['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];
let t: TestDaemon;

/** Seven rows share each startedAt, so page boundaries fall inside groups of equal instants. */
const historyRow = (i: number): HistoryRow =>
  row(`d${String((i * 7919) % N).padStart(5, '0')}`, {
    campaign: 'big',
    record: i < HOSTILE.length ? HOSTILE[i]! : `r${i}`,
    startedAt: Date.UTC(2026, 10, 1) + Math.floor(i / 7) * 1000,
  });

beforeAll(async () => {
  vi.stubEnv('DIALERD_API_TOKEN', TEST_TOKEN);
  t = await startTestDaemon([]);
  for (let i = 0; i < N; i++) {
    const h = historyRow(i);
    await t.daemon.store.settle({ dialId: h.dialId, record: recordOf(h), history: h });
  }
  const evil = row('evil', { campaign: 'evil', record: 'R\x1b[2J\x1b]0;owned\x07\u202eabc\u2066', startedAt: Date.UTC(2026, 10, 2) });
  await t.daemon.store.settle({ dialId: 'evil', record: recordOf(evil), history: evil });
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

const recordOf = (h: HistoryRow): DialRecord => rec(h.record, { campaign: h.campaign, state: 'done', nextAt: null });

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string; chunks: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const chunks: string[] = [];
  const io = { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s), write: (s: string) => void chunks.push(s) };
  const code = await main([...argv, '--api', t.url], io);
  return { code, out: out.join('\n'), err: err.join('\n'), chunks };
}

describe('GET /history JSON pages', () => {
  it(`answers ${DEFAULT_HISTORY_PAGE} rows and a next cursor by default; at most ${MAX_HISTORY_PAGE} a page`, async () => {
    const r = await t.http('GET', '/history?campaign=big');
    expect(r.status).toBe(200);
    expect(r.body.rows).toHaveLength(1_000);
    expect(typeof r.body.next).toBe('string');
    expect((await t.http('GET', '/history?campaign=big&limit=10000')).body.rows).toHaveLength(10_000);
    const over = await t.http('GET', '/history?campaign=big&limit=10001');
    expect(over.status).toBe(400);
    expect(over.body.code).toBe('DIALERD_ERR_USAGE');
  });

  it('following next yields every row once in history order, across rows sharing a startedAt', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await t.http('GET', `/history?campaign=big&limit=333${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      ids.push(...r.body.rows.map((h: HistoryRow) => h.dialId));
      cursor = r.body.next;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(N / 333));
    const expected = Array.from({ length: N }, (_, i) => historyRow(i))
      .sort((a, b) => a.startedAt - b.startedAt || (a.dialId < b.dialId ? -1 : 1))
      .map((h) => h.dialId);
    expect(ids).toEqual(expected);
  });

  it('a cursor the API did not give out is a usage error', async () => {
    const forged = Buffer.from(JSON.stringify({ startedAt: 1 })).toString('base64url');
    for (const bad of ['%%%', 'bm90IGpzb24', forged, Buffer.from('[1.5,"x"]').toString('base64url'), Buffer.from('[1,""]').toString('base64url')]) {
      const r = await t.http('GET', `/history?cursor=${encodeURIComponent(bad)}`);
      expect([r.status, r.body.code], bad).toEqual([400, 'DIALERD_ERR_USAGE']);
    }
  });
});

describe('GET /history CSV', () => {
  it(`streams all ${N} rows reading the store ${HISTORY_WALK_PAGE} rows at a time, formulas neutralized`, async () => {
    const spy = vi.spyOn(t.daemon.store, 'history');
    try {
      const r = await t.http('GET', '/history?campaign=big&format=csv');
      expect(r.status).toBe(200);
      const recs = parse(r.text, { columns: true }) as Record<string, string>[];
      expect(recs).toHaveLength(N);
      // `next` is null on the last full page: no extra empty read.
      expect(spy.mock.calls.length).toBe(Math.ceil(N / HISTORY_WALK_PAGE));
      for (const [q] of spy.mock.calls) expect(q.limit).toBeLessThanOrEqual(HISTORY_WALK_PAGE);
      const hostile = recs.filter((x) => !/^r\d+$/.test(x.record!)).map((x) => x.record);
      expect(hostile.sort()).toEqual(HOSTILE.map((h) => `'${h}`).sort());
      // The E.164 number stays as it is: usable by any reader.
      expect(new Set(recs.map((x) => x.number))).toEqual(new Set(['+74951234567']));
    } finally {
      spy.mockRestore();
    }
  });

  it('limit caps the rows of a CSV export (any size) and cursor starts it after a JSON page', async () => {
    const first = await t.http('GET', '/history?campaign=big&limit=10');
    const csv = await t.http('GET', `/history?campaign=big&format=csv&limit=12345&cursor=${first.body.next}`);
    const recs = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(recs).toHaveLength(12_345);
    const second = await t.http('GET', `/history?campaign=big&limit=1&cursor=${first.body.next}`);
    expect(recs[0]!.dial_id).toBe(second.body.rows[0].dialId);
  });
});

describe('dialerd history', () => {
  it('--format csv streams chunks to stdout as they arrive, formulas neutralized', async () => {
    const r = await cli('history', '--campaign', 'big', '--format', 'csv');
    expect(r).toMatchObject({ code: 0, err: '', out: '' });
    expect(r.chunks.length).toBeGreaterThan(1);
    const recs = parse(r.chunks.join(''), { columns: true }) as Record<string, string>[];
    expect(recs).toHaveLength(N);
    expect(recs.filter((x) => x.record!.startsWith("'"))).toHaveLength(HOSTILE.length);
  });

  it('--limit N follows next pages past the API maximum; without it, until the end', async () => {
    const some = await cli('history', '--campaign', 'big', '--limit', '12001', '--json');
    expect(JSON.parse(some.out)).toHaveLength(12_001);
    const all = await cli('history', '--campaign', 'big', '--json');
    expect(JSON.parse(all.out)).toHaveLength(N);
  });

  it('the table shows terminal escapes and bidi controls of a record id as visible escapes', async () => {
    const r = await cli('history', '--campaign', 'evil');
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    expect(r.out).toContain('R\\x1b[2J\\x1b]0;owned\\x07\\u202eabc\\u2066');
    const j = await cli('history', '--campaign', 'evil', '--json');
    expect(j.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(j.out)[0].record).toBe('R\x1b[2J\x1b]0;owned\x07\u202eabc\u2066');
  });
});
