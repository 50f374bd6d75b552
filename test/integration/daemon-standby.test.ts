/**
 * A hot standby pair of real `dialerd run` processes on one Redis prefix and one (fake, on real
 * sockets) Asterisk ARI: the standby says at once that it waits and for whom, answers /health
 * `standby`; the active daemon is killed (SIGKILL) with calls up; the standby takes over within
 * the lease (5 s) plus a little, adopts the live calls before dialing, and every call is settled
 * exactly once with its real result, none dialled twice.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { currentEnv } from '../../src/config/env.ts';
import { loadDaemonConfig } from '../../src/config/load-daemon.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { allHistory } from '../../src/store/history-pages.ts';
import { createRedisStore } from '../../src/store/redis/index.ts';
import type { Store } from '../../src/store/port.ts';
import { FakeAriServer } from '../fakes/ari/server.ts';
import { campaignYaml, contactsCsv, makeFixture, type Fixture } from '../helpers/daemon-fixture.ts';
import { DaemonProcess, campaignTo, isDialLine } from '../helpers/daemon-process.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const RECORDS = 6;
const LEASE_MS = 5_000;
let redis: RedisServer;
let ari: FakeAriServer;
let f: Fixture;
let store: Store;
const daemons: DaemonProcess[] = [];
let quickCalls = false;

beforeAll(async () => {
  redis = await startRedis();
  // Every call is answered; the active daemon's talk until the test hangs them up (the far end).
  ari = await FakeAriServer.start({ username: 'u', password: 'p', script: () => ({ answerAfterMs: 50, talkMs: quickCalls ? 1_500 : 600_000 }) });
  f = makeFixture({ redisUrl: redis.url });
  writeFileSync(
    f.configFile,
    `log_level: info
campaigns_dir: campaigns
shutdown_grace: 1s
store: { type: redis, url: "${redis.url}", prefix: "standby:" }
pbxes:
  ast: { type: asterisk, url: "http://127.0.0.1:${ari.port}", username: u, password: p }
trunks:
  t1: { pbx: ast, endpoint: "PJSIP/{number}@carrier", concurrency: 3, calls_per_second: 50 }
api: { listen: "127.0.0.1:0", auth: none }
`,
  );
  f.writeContacts('contacts.csv', contactsCsv(RECORDS));
  f.writeCampaign('c', campaignYaml({ id: 'c', contacts: 'contacts.csv', concurrency: 3 }));
  store = await createRedisStore({ url: redis.url, prefix: 'standby:' });
});

afterAll(async () => {
  await Promise.all(daemons.map((d) => d.kill()));
  await store?.close();
  await ari?.close();
  f?.remove();
  await redis?.stop();
});

it('the standby waits (saying for whom), takes over a SIGKILLed active daemon within the lease, adopts its live calls, dials nothing twice', async () => {
  const active = DaemonProcess.start(f.configFile);
  daemons.push(active);
  await until(async () => ((await store.liveDials()).length === 3 ? true : null), 'three live calls', 60_000);
  const leftLive = (await store.liveDials()).map((d) => d.dialId).sort();

  const standby = DaemonProcess.start(f.configFile, ['--standby']);
  daemons.push(standby);
  const waiting = await standby.waitFor((l) => /^standby: key prefix "standby:" is owned by/.test(l.msg), 'the standby line', 60_000);
  expect(waiting.holder).toMatch(/^[^:]+:\d+:[0-9a-f-]{36}$/);
  expect(waiting.holder).toContain(`:${active.proc.pid}:`);
  expect(standby.lines.some((l) => l.msg === 'daemon: created -> standby')).toBe(true);
  const api = await standby.waitFor((l) => typeof l.url === 'string' && /control API listening/.test(l.msg), 'the standby API', 30_000);
  const health = await fetch(`${api.url as string}/health`);
  expect(health.status).toBe(503);
  expect(await health.json()).toMatchObject({ daemon: 'standby', live: 0 });
  expect(ari.created).toHaveLength(3); // the standby dials nothing

  await active.kill();
  const killedAt = Date.now();
  const took = await standby.waitFor((l) => /is ours now; taking over/.test(l.msg), 'the takeover', LEASE_MS + 10_000);
  expect((took.time as number) - killedAt).toBeLessThan(LEASE_MS + 3_000);
  const rec = await standby.waitFor((l) => l.msg === 'reconciled live dials', 'reconciliation', 30_000);
  expect(rec).toMatchObject({ adopted: 3, lost: 0 });
  // The three adopted calls hold every slot (concurrency 3): nothing new was dialled meanwhile.
  expect([...ari.created].sort()).toEqual(leftLive);

  // The far end hangs up the adopted calls: each is settled once, with its real result; the new calls are short.
  quickCalls = true;
  for (const id of leftLive) expect(ari.farEndHangup(id)).toBe(true);
  await standby.waitFor(campaignTo('c', 'completed'), 'campaign completed', 30_000);
  const h = await allHistory(store, { campaign: 'c' });
  expect(h.map((r) => r.dialId).sort()).toEqual([...ari.created].sort()); // one row per call the PBX saw
  expect(new Set(h.map((r) => r.record)).size).toBe(RECORDS); // no record dialled twice
  // Every call was answered. (An adopted call's talk time counts from its adoption: the restarted
  // daemon does not learn the answer instant, so a short remainder reads `answered_short`.)
  expect(h.filter((r) => !leftLive.includes(r.dialId)).map((r) => r.result)).toEqual(['answered', 'answered', 'answered']);
  expect(h.filter((r) => leftLive.includes(r.dialId)).every((r) => r.result === 'answered' || r.result === 'answered_short')).toBe(true);
  expect(standby.lines.filter(isDialLine).map((l) => l.dialId).filter((id) => leftLive.includes(id as string))).toHaveLength(3);
  expect(await store.counts('c')).toMatchObject({ states: { done: RECORDS }, dials: RECORDS });
  expect(await store.liveDials()).toEqual([]);
  standby.signal('SIGTERM');
  expect((await standby.waitExit()).code).toBe(0);
}, 150_000);

it('without --standby a second daemon says at once who owns the prefix, then exits STORE_LOCKED', async () => {
  await Promise.all(daemons.map((d) => d.kill()));
  const owner = await createRedisStore({ url: redis.url, prefix: 'standby:', exclusive: true });
  try {
    const second = DaemonProcess.start(f.configFile);
    daemons.push(second);
    const said = await second.waitFor((l) => /is owned by another dialerd/.test(l.msg), 'the owned line', 30_000);
    expect(said.holder).toContain(`:${process.pid}:`);
    const exit = await second.waitExit(30_000);
    expect(exit.code).not.toBe(0);
    expect(Date.now() - (said.time as number)).toBeGreaterThan(5_000); // said at once, not after the wait
    expect(second.other.join('')).toMatch(/DIALERD_ERR_STORE_LOCKED|store in use/);
  } finally {
    await owner.close();
  }
}, 70_000);

it('a stop while standby ends the wait at once: no start step runs, the owner keeps its prefix', async () => {
  const owner = await createRedisStore({ url: redis.url, prefix: 'standby:', exclusive: { waitMs: 15_000 } });
  const loaded = await loadDaemonConfig(f.configFile, currentEnv());
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const daemon = await Daemon.create({ config: loaded.config, logger: silentLogger(), standby: true });
  const calls = ari.created.length;
  try {
    const started = daemon.start();
    await until(() => (daemon.status === 'standby' && daemon.apiUrl !== null ? true : null), 'standby with its API up');
    const health = await fetch(`${daemon.apiUrl!}/health`);
    expect([health.status, ((await health.json()) as { daemon: string }).daemon]).toEqual([503, 'standby']);
    await daemon.stop();
    await started;
    expect(daemon.status).toBe('stopped');
    expect(ari.created).toHaveLength(calls); // nothing dialled
    expect(await owner.putCampaign({ id: 'x', state: 'paused', pauseReason: null, pauseDetail: null, consecutiveErrors: 0, updatedAt: 0 })).toBeUndefined();
  } finally {
    await daemon.stop();
    await owner.close();
  }
}, 60_000);
