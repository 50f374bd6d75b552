/**
 * `dialerd run` on Redis Sentinel (real `redis-server --sentinel` processes on 127.0.0.1): the
 * master is killed mid-campaign and a sentinel promotes the replica. Dialing pauses while the
 * store is down (the daemon's store-outage handling), resumes on the new master by itself, and
 * nothing is lost: every record final, one history row per dial, no record dialled twice.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allHistory } from '../../src/store/history-pages.ts';
import { createRedisStore } from '../../src/store/redis/index.ts';
import type { Store } from '../../src/store/port.ts';
import { campaignYaml, contactsCsv, makeFixture, type Fixture } from '../helpers/daemon-fixture.ts';
import { DaemonProcess, campaignTo, isDialLine } from '../helpers/daemon-process.ts';
import { startSentinels, type SentinelSetup } from '../helpers/redis-sentinel.ts';

const RECORDS = 12;
let sentinel: SentinelSetup;
let f: Fixture;
let store: Store;
let daemon: DaemonProcess | null = null;

beforeAll(async () => {
  sentinel = await startSentinels();
  f = makeFixture({ redisUrl: null });
  const sentinels = sentinel.sentinels.map((s) => `{ host: ${s.host}, port: ${s.port} }`).join(', ');
  writeFileSync(
    f.configFile,
    `campaigns_dir: campaigns
store: { type: redis, sentinels: [${sentinels}], name: ${sentinel.name}, prefix: "sentinel:" }
pbxes:
  sim: { type: sim, outcomes: outcomes.yaml, seed: 1 }
trunks:
  t1: { pbx: sim, endpoint: "SIM/{number}", concurrency: 3, calls_per_second: 50 }
`,
  );
  f.writeContacts('contacts.csv', contactsCsv(RECORDS));
  f.writeCampaign('c', campaignYaml({ id: 'c', contacts: 'contacts.csv', concurrency: 3 }));
  store = await createRedisStore({ sentinels: sentinel.sentinels, name: sentinel.name, prefix: 'sentinel:' });
}, 60_000);

afterAll(async () => {
  await daemon?.kill();
  await store?.close();
  f?.remove();
  await sentinel?.stop();
});

it('a master failover mid-campaign: dialing pauses, resumes on the promoted replica, nothing lost', async () => {
  const d = DaemonProcess.start(f.configFile);
  daemon = d;
  await d.waitForCount(isDialLine, 3, 'three settled dials', 60_000);
  const oldMaster = await sentinel.killMaster();
  const down = await d.waitFor((l) => l.msg === 'store is down: dialing paused', 'the store-down line', 20_000);
  const back = await d.waitFor((l) => l.msg === 'store is back: dialing resumes', 'the store-back line', 30_000);
  expect(await sentinel.masterPort()).not.toBe(oldMaster);
  await d.waitFor(campaignTo('c', 'completed'), 'campaign completed', 60_000);
  d.signal('SIGTERM');
  expect((await d.waitExit(30_000)).code).toBe(0);
  expect(d.lines.filter((l) => l.level >= 60)).toEqual([]);

  const h = await allHistory(store, { campaign: 'c' });
  const dials = d.lines.filter(isDialLine);
  expect(h.map((r) => r.dialId).sort()).toEqual(dials.map((l) => l.dialId as string).sort()); // one row per dial
  expect(h.map((r) => r.record).sort()).toEqual(Array.from({ length: RECORDS }, (_, i) => `r${i + 1}`).sort()); // each record once
  expect(h.filter((r) => r.startedAt > (down.time as number) && r.startedAt < (back.time as number))).toEqual([]); // none began while down
  expect(await store.counts('c')).toEqual({ states: { done: RECORDS }, results: { answered: RECORDS }, dials: RECORDS });
  expect(await store.liveDials()).toEqual([]);
}, 180_000);
