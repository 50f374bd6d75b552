/**
 * `dialerd run` while Redis goes away and comes back on the same port (with its data, as a
 * production Redis does): dialing pauses with a logged reason, the daemon stays up, the calls
 * that end during the outage are settled once Redis is back, and dialing resumes by itself.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allHistory } from '../../src/store/history-pages.ts';
import { createRedisStore } from '../../src/store/redis/index.ts';
import type { Store } from '../../src/store/port.ts';
import { campaignYaml, contactsCsv, makeFixture, type Fixture } from '../helpers/daemon-fixture.ts';
import { DaemonProcess, campaignTo } from '../helpers/daemon-process.ts';
import { startDurableRedis, type DurableRedis } from '../helpers/redis-durable.ts';
import { until } from '../helpers/until.ts';

const RECORDS = 8;
let redis: DurableRedis;
let f: Fixture;
let store: Store;
let daemon: DaemonProcess | null = null;

beforeAll(async () => {
  redis = await startDurableRedis();
  f = makeFixture({ redisUrl: redis.url, prefix: 'outage:' });
  f.writeContacts('contacts.csv', contactsCsv(RECORDS));
  f.writeCampaign('c', campaignYaml({ id: 'c', contacts: 'contacts.csv', concurrency: 2 }));
  store = await createRedisStore({ url: redis.url, prefix: 'outage:' });
});

afterAll(async () => {
  await daemon?.kill();
  await store?.close();
  f?.remove();
  await redis?.destroy();
});

it('pauses dialing while Redis is down, keeps running, settles the calls that ended meanwhile, resumes by itself', async () => {
  const d = DaemonProcess.start(f.configFile);
  daemon = d;
  await until(async () => ((await store.liveDials()).length === 2 ? true : null), 'two live dials');
  const beforeOutage = d.dials().length;
  await redis.stop();

  const down = await d.waitFor((l) => l.msg === 'store is down: dialing paused', 'the store-down line');
  expect(down.level).toBe(50);
  expect(typeof down.reason).toBe('string');
  // Both live calls end during the outage: their settles fail and are retried, not dropped.
  const failing = await d.waitForCount((l) => l.msg === 'settle failed; retrying', 2, 'failed settles', 10_000);
  expect(new Set(failing.map((l) => l.dialId)).size).toBe(2);
  expect(d.dials().length).toBe(beforeOutage); // nothing settled, nothing new dialed while down

  const outageAt = d.mark();
  await redis.start();
  const back = await d.waitFor((l) => l.msg === 'store is back: dialing resumes', 'the store-back line', 10_000, outageAt);
  // The failed settles retry as soon as the store is back, not after their backoff.
  const first = await d.waitFor((l) => l.dialId === failing[0]!.dialId && typeof l.result === 'string', 'the first late settle', 10_000, outageAt);
  expect((first.time as number) - (back.time as number)).toBeLessThan(1_000);
  await d.waitFor(campaignTo('c', 'completed'), 'campaign completed', 30_000, outageAt);
  const settledLate = d.dials(outageAt).map((l) => l.dialId);
  for (const l of failing) expect(settledLate).toContain(l.dialId);

  d.signal('SIGTERM');
  expect((await d.waitExit()).code).toBe(0);
  expect(d.lines.filter((l) => l.level >= 60)).toEqual([]); // no fatal line

  // No attempt lost or doubled: one answered dial per record, the outage's included.
  const h = await allHistory(store, { campaign: 'c' });
  expect(h.map((r) => r.record).sort()).toEqual(Array.from({ length: RECORDS }, (_, i) => `r${i + 1}`).sort());
  expect(h.every((r) => r.result === 'answered')).toBe(true);
  const [downAt, backAt] = [down.time as number, back.time as number];
  expect(h.filter((r) => r.startedAt > downAt && r.startedAt < backAt)).toEqual([]); // no dial began during the outage
  expect(await store.counts('c')).toEqual({ states: { done: RECORDS }, results: { answered: RECORDS }, dials: RECORDS });
  expect(await store.liveDials()).toEqual([]);
}, 60_000);

it('SIGTERM while Redis is down exits after the grace period; the unsettled dials stay for the next start', async () => {
  const g = makeFixture({ redisUrl: redis.url, prefix: 'outage-term:', shutdownGrace: '1s' });
  g.writeContacts('contacts.csv', contactsCsv(4));
  g.writeCampaign('c', campaignYaml({ id: 'c', contacts: 'contacts.csv', concurrency: 2 }));
  const s = await createRedisStore({ url: redis.url, prefix: 'outage-term:' });
  try {
    const d = DaemonProcess.start(g.configFile);
    daemon = d;
    await until(async () => ((await s.liveDials()).length === 2 ? true : null), 'two live dials');
    await redis.stop();
    await d.waitFor((l) => l.msg === 'store is down: dialing paused', 'the store-down line');
    d.signal('SIGTERM');
    const exit = await d.waitExit(12_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(d.lines.at(-1)?.msg).toBe('daemon: stopping -> stopped');
    await redis.start();
    // Never settled: the next start reconciles them (daemon-restart.test.ts).
    await until(async () => ((await s.liveDials()).length === 2 ? true : null), 'the two live dials still in Redis');
    expect((await s.counts('c')).states).toEqual({ dialing: 2, pending: 2 });
  } finally {
    await s.close();
    g.remove();
  }
}, 40_000);
