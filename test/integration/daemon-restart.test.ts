/**
 * `dialerd run` killed (SIGKILL) mid-campaign with calls live, then started again on the same
 * Redis: no record lost, none dialed twice at the same time, no attempt counted twice; the dials
 * the dead process left live, which the new process's PBX no longer has, are settled `lost`
 * (counted: with the default `per_record: 1` their records are exhausted, never dialled again);
 * records a crash left `dialing` with no live dial (between claim and putLiveDial) are recovered.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HistoryRow } from '../../src/domain/types.ts';
import { allHistory } from '../../src/store/history-pages.ts';
import { createRedisStore } from '../../src/store/redis/index.ts';
import type { Store } from '../../src/store/port.ts';
import { QUICK_OUTCOMES, campaignYaml, contactsCsv, makeFixture, type Fixture } from '../helpers/daemon-fixture.ts';
import { DaemonProcess, campaignTo } from '../helpers/daemon-process.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const RECORDS = 12;
let redis: RedisServer;
let f: Fixture;
let store: Store;
const daemons: DaemonProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  f = makeFixture({ redisUrl: redis.url, prefix: 'restart:', outcomes: 'default: { ring: 1s, then: { answer: 60s } }\n' });
  f.writeContacts('contacts.csv', contactsCsv(RECORDS));
  f.writeCampaign('c', campaignYaml({ id: 'c', contacts: 'contacts.csv', concurrency: 3 }));
  store = await createRedisStore({ url: redis.url, prefix: 'restart:' });
});

afterAll(async () => {
  await Promise.all(daemons.map((d) => d.kill()));
  await store?.close();
  f?.remove();
  await redis?.stop();
});

it('SIGKILL with live calls, then a start: lost dials recorded lost (counted, not redialled), stuck claims recovered, every record final once', async () => {
  const d1 = DaemonProcess.start(f.configFile);
  daemons.push(d1);
  await until(async () => ((await store.liveDials()).length === 3 ? true : null), 'three live dials');
  await d1.kill();
  const left = await store.liveDials();
  expect(left).toHaveLength(3);
  // A crash between claimDue and putLiveDial: two more records `dialing` with no live dial.
  const stuck = await store.claimDue('c', Date.now(), 2);
  expect(stuck).toHaveLength(2);
  expect((await store.counts('c')).states).toEqual({ dialing: 5, pending: RECORDS - 5 });

  // The new process's calls are quick; its sim PBX knows none of the old dials.
  writeFileSync(path.join(f.dir, 'outcomes.yaml'), QUICK_OUTCOMES);
  const d2 = DaemonProcess.start(f.configFile);
  daemons.push(d2);
  const rec = await d2.waitFor((l) => l.msg === 'reconciled live dials', 'reconciliation');
  expect(rec).toMatchObject({ adopted: 0, lost: 3 });
  const recovered = await d2.waitFor((l) => /records left dialing with no live dial/.test(l.msg), 'recovery of the stuck claims');
  expect(recovered).toMatchObject({ campaign: 'c', records: 2 });
  await d2.waitFor(campaignTo('c', 'completed'), 'campaign completed', 20_000);
  d2.signal('SIGTERM');
  expect((await d2.waitExit()).code).toBe(0);

  const h = await allHistory(store, { campaign: 'c' });
  expect(new Set(h.map((r) => r.dialId)).size).toBe(h.length);
  const lost = h.filter((r) => r.result === 'lost');
  expect(lost.map((r) => r.dialId).sort()).toEqual(left.map((l) => l.dialId).sort());
  expect(lost.every((r) => r.action === 'retry_after')).toBe(true);
  const lostRecords = new Set(left.map((l) => l.record));
  const answered = h.filter((r) => r.result === 'answered');
  expect(answered.map((r) => r.record).sort()).toEqual(Array.from({ length: RECORDS }, (_, i) => `r${i + 1}`).filter((r) => !lostRecords.has(r)).sort());
  expect(h).toHaveLength(RECORDS);

  // Never two dials of one record at the same time.
  const byRecord = new Map<string, HistoryRow[]>();
  for (const r of h) byRecord.set(r.record, [...(byRecord.get(r.record) ?? []), r]);
  for (const rows of byRecord.values()) {
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.startedAt).toBeGreaterThanOrEqual(rows[i - 1]!.endedAt);
  }
  // Attempts counted once each: the lost dial is the record's one attempt.
  for (let i = 1; i <= RECORDS; i++) {
    const r = await store.getRecord('c', `r${i}`);
    expect(r).toMatchObject({ state: lostRecords.has(`r${i}`) ? 'exhausted' : 'done', attempts: 1 });
  }
  const counts = await store.counts('c');
  expect(counts.states).toEqual({ done: RECORDS - 3, exhausted: 3 });
  expect(counts.results).toEqual({ answered: RECORDS - 3, lost: 3 });
  expect(await store.liveDials()).toEqual([]);
}, 60_000);
