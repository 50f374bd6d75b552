/**
 * `dialerd run` started while Redis is down: it waits for the store (logged, with backoff)
 * instead of exiting, starts dialing once Redis answers, and a signal while it waits ends it
 * cleanly.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { campaignYaml, contactsCsv, makeFixture, type Fixture } from '../helpers/daemon-fixture.ts';
import { DaemonProcess, campaignTo } from '../helpers/daemon-process.ts';
import { startDurableRedis, type DurableRedis } from '../helpers/redis-durable.ts';

let redis: DurableRedis;
let f: Fixture;
const daemons: DaemonProcess[] = [];

beforeAll(async () => {
  redis = await startDurableRedis();
  await redis.stop();
  f = makeFixture({ redisUrl: redis.url, prefix: 'late:' });
  f.writeContacts('contacts.csv', contactsCsv(3));
  f.writeCampaign('c', campaignYaml({ id: 'c', contacts: 'contacts.csv', concurrency: 3 }));
});

afterAll(async () => {
  for (const d of daemons) await d.kill().catch(() => undefined);
  f?.remove();
  await redis?.destroy();
});

it('waits for an unreachable Redis, then runs the campaign', async () => {
  const d = DaemonProcess.start(f.configFile);
  daemons.push(d);
  const wait = await d.waitFor((l) => l.msg === 'store unreachable at start; waiting for it', 'the waiting line');
  expect(wait.level).toBe(50);
  await redis.start();
  await d.waitFor(campaignTo('c', 'completed'), 'campaign completed', 30_000);
  expect(d.dials()).toHaveLength(3);
  d.signal('SIGTERM');
  expect((await d.waitExit()).code).toBe(0);
});

it('a SIGTERM while waiting for the store exits 0', async () => {
  await redis.stop();
  const d = DaemonProcess.start(f.configFile);
  daemons.push(d);
  await d.waitFor((l) => l.msg === 'store unreachable at start; waiting for it', 'the waiting line');
  d.signal('SIGTERM');
  expect((await d.waitExit()).code).toBe(0);
});
