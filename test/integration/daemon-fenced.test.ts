/**
 * A running `dialerd run` whose prefix another daemon takes over (its lease overwritten, as
 * after a stall past the TTL): it stops dialing at once, says who owns the prefix, writes
 * nothing more (its live calls are left in the store for the new owner to adopt), stays up and
 * stops cleanly.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allHistory } from '../../src/store/history-pages.ts';
import { createRedisStore } from '../../src/store/redis/index.ts';
import { storeKeys } from '../../src/store/redis/keys.ts';
import type { Store } from '../../src/store/port.ts';
import { campaignYaml, contactsCsv, makeFixture, type Fixture } from '../helpers/daemon-fixture.ts';
import { DaemonProcess } from '../helpers/daemon-process.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

let redis: RedisServer;
let admin: Redis;
let f: Fixture;
let store: Store;
let daemon: DaemonProcess | null = null;

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
  f = makeFixture({ redisUrl: redis.url, prefix: 'fenced:', shutdownGrace: '1s' });
  f.writeContacts('contacts.csv', contactsCsv(10));
  f.writeCampaign('c', campaignYaml({ id: 'c', contacts: 'contacts.csv', concurrency: 2 }));
  store = await createRedisStore({ url: redis.url, prefix: 'fenced:' });
});

afterAll(async () => {
  await daemon?.kill();
  await store?.close();
  admin?.disconnect();
  f?.remove();
  await redis?.stop();
});

it('stops dialing and writing once another daemon took its prefix, says so, and stops cleanly', async () => {
  const d = DaemonProcess.start(f.configFile);
  daemon = d;
  await until(async () => ((await store.liveDials()).length === 2 ? true : null), 'two live dials', 60_000);
  const k = storeKeys('fenced:');
  await admin.set(k.owner, 'other-host:4242:uuid', 'PX', 60_000);
  await admin.set(k.owned, 'other-host:4242:uuid');
  // From here on every write of the daemon is refused: what the store holds now stays.
  const live = await store.liveDials();
  const counts = await store.counts('c');
  const history = await allHistory(store, { campaign: 'c' });

  const down = await d.waitFor((l) => l.msg === 'store is down: dialing paused', 'the store-down line', 20_000);
  expect(down.reason).toMatch(/another dialerd took key prefix "fenced:" \(other-host:4242:uuid\)/);
  // Its live calls end on the sim PBX; their settles are refused and left to the new owner.
  if (live.length > 0) await d.waitForCount((l) => /^settle refused: another dialerd owns the store/.test(l.msg), live.length, 'refused settles', 20_000);
  expect(await store.liveDials()).toEqual(live);
  expect(await store.counts('c')).toEqual(counts);
  expect(await allHistory(store, { campaign: 'c' })).toEqual(history);

  d.signal('SIGTERM');
  expect((await d.waitExit(30_000)).code).toBe(0);
  expect(d.lines.filter((l) => l.level >= 60)).toEqual([]);
  expect(d.lines.some((l) => l.msg === 'shutdown deadline: hanging up live calls')).toBe(false); // the new owner's calls now
  expect(await admin.get(k.owner)).toBe('other-host:4242:uuid'); // never freed another's key
}, 120_000);
