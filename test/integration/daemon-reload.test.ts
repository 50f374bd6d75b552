/**
 * `dialerd run` and SIGHUP: an edited campaign file takes effect at the next dial, an invalid
 * edit is logged with file:line:col and the previous version keeps running, a new campaign file
 * is loaded (once, even when two SIGHUPs arrive together), and an alias bomb added in the same
 * reload as a new valid file is rejected at its file:line:col while the valid one loads.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HistoryRow } from '../../src/domain/types.ts';
import { allHistory } from '../../src/store/history-pages.ts';
import { createRedisStore } from '../../src/store/redis/index.ts';
import type { Store } from '../../src/store/port.ts';
import { campaignYaml, contactsCsv, makeFixture, type Fixture } from '../helpers/daemon-fixture.ts';
import { DaemonProcess, campaignTo, type LogLine } from '../helpers/daemon-process.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';

let redis: RedisServer;
let f: Fixture;
let store: Store;
let daemon: DaemonProcess | null = null;

beforeAll(async () => {
  redis = await startRedis();
  f = makeFixture({ redisUrl: redis.url, prefix: 'reload:' });
  f.writeContacts('a.csv', contactsCsv(14));
  f.writeContacts('b.csv', contactsCsv(3, 79260000000));
  f.writeContacts('c.csv', contactsCsv(2, 79360000000));
  f.writeCampaign('a', campaignYaml({ id: 'a', contacts: 'a.csv', concurrency: 1 }));
  store = await createRedisStore({ url: redis.url, prefix: 'reload:' });
});

afterAll(async () => {
  await daemon?.kill();
  await store?.close();
  f?.remove();
  await redis?.stop();
});

/** The most dials of `rows` live at one instant. */
function maxOverlap(rows: HistoryRow[]): number {
  const edges = rows.flatMap((r) => [
    [r.startedAt, 1],
    [r.endedAt, -1],
  ]);
  edges.sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!); // an end before a start at the same ms
  let live = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (live += d!));
  return max;
}

const isReload = (l: LogLine): boolean => l.msg === 'reloading campaign files';

it('SIGHUP applies an edit at the next dial, keeps the previous version on an invalid edit, loads a new file once', async () => {
  const d = DaemonProcess.start(f.configFile);
  daemon = d;
  await d.waitFor((l) => l.campaign === 'a' && typeof l.result === 'string', 'the first dial of a');

  // 1. concurrency 1 → 4.
  f.writeCampaign('a', campaignYaml({ id: 'a', contacts: 'a.csv', concurrency: 4 }));
  let mark = d.mark();
  d.signal('SIGHUP');
  const edited = await d.waitFor(isReload, 'the first reload', 5_000, mark);
  await d.waitForCount((l) => l.campaign === 'a' && typeof l.result === 'string', 4, 'four dials after the edit', 10_000, mark);

  // 2. An invalid edit: errors with file:line:col, the previous version (concurrency 4) keeps running.
  const file = f.writeCampaign('a', campaignYaml({ id: 'a', contacts: 'a.csv', concurrency: 4 }).replace('concurrency: 4', 'concurrency: lots').replace('trunk: t1', 'trunk: t9'));
  mark = d.mark();
  d.signal('SIGHUP');
  const rejected = await d.waitFor((l) => /^campaign file rejected/.test(l.msg), 'the rejection', 5_000, mark);
  expect(rejected.msg).toMatch(/^campaign file rejected \(2 errors\); the previous version keeps running$/);
  const errors = d.lines.slice(mark).filter((l) => l.level === 50 && l.msg.startsWith(`${file}:`));
  expect(errors.map((l) => l.msg)).toEqual([expect.stringMatching(new RegExp(`^${file}:3:8: .*t9`)), expect.stringMatching(new RegExp(`^${file}:5:14: .*lots`))]);
  const invalidAt = d.lines[mark]!.time as number;

  // 3. A new campaign file, announced by a second SIGHUP while the first reload runs: loaded and imported once.
  f.writeCampaign('b', campaignYaml({ id: 'b', contacts: 'b.csv', concurrency: 2 }));
  mark = d.mark();
  d.signal('SIGHUP');
  await d.waitFor(isReload, 'the third reload', 5_000, mark);
  d.signal('SIGHUP'); // while the third reload runs
  await d.waitFor(campaignTo('b', 'completed'), 'campaign b completed', 15_000, mark);
  await d.waitFor(campaignTo('a', 'completed'), 'campaign a completed', 20_000);

  // 4. An alias bomb and a new valid file in one reload: the bomb is one error, c runs.
  const bomb = f.writeCampaign('bomb', ['id: bomb', 'a: &a [x, x]', 'b: &b [*a, *a]', ...Array.from({ length: 40 }, (_, i) => `k${i}: *b`)].join('\n'));
  f.writeCampaign('c', campaignYaml({ id: 'c', contacts: 'c.csv' }));
  mark = d.mark();
  d.signal('SIGHUP');
  await d.waitFor(campaignTo('c', 'completed'), 'campaign c completed', 15_000, mark);
  expect(d.lines.slice(mark).filter((l) => l.file === bomb && l.level === 50).map((l) => l.msg)).toEqual([
    `${bomb}:36:6: alias *b expands too much (more than 100 copies)`,
    'campaign file rejected (1 errors); not loaded',
  ]);
  d.signal('SIGTERM');
  expect((await d.waitExit()).code).toBe(0);

  expect(d.lines.filter((l) => l.campaign === 'b' && /^imported /.test(l.msg))).toHaveLength(1);
  expect(d.lines.filter((l) => l.level >= 50 && !l.msg.startsWith(`${file}:`) && !l.msg.startsWith(`${bomb}:`) && !/^campaign file rejected/.test(l.msg))).toEqual([]);

  const a = await allHistory(store, { campaign: 'a' });
  expect(a).toHaveLength(14);
  const editedAt = edited.time as number;
  expect(maxOverlap(a.filter((r) => r.startedAt < editedAt))).toBe(1);
  expect(maxOverlap(a.filter((r) => r.startedAt > editedAt))).toBe(4);
  expect(maxOverlap(a.filter((r) => r.startedAt > invalidAt))).toBe(4); // the previous version's cap
  expect(await allHistory(store, { campaign: 'b' })).toHaveLength(3);
  expect(await allHistory(store, { campaign: 'c' })).toHaveLength(2);
}, 60_000);
