/**
 * Minute packages and lifetime limits (issue 9), `dialerd run` in process on the virtual clock:
 * reached → paused `budget` (the detail names the limit), resume refused, raised → resumes
 * (a campaign's `limits.total_*`: file + SIGHUP; a trunk's `minutes`: dialerd.yaml + restart);
 * the count is the store's, so a restart keeps it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { loadDaemonConfig } from '../../src/config/load-daemon.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { VirtualScheduler } from '../../src/lib/virtual-scheduler.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import type { Store } from '../../src/store/port.ts';
import { campaignYaml, contactsCsv, makeFixture, type Fixture } from '../helpers/daemon-fixture.ts';

const T0 = Date.UTC(2026, 11, 1, 9, 0);
const MINUTE_CALLS = 'default: { ring: 1s, then: { answer: 60s } }\n'; // 60 s of talk each
const fixtures: Fixture[] = [];
afterAll(() => fixtures.forEach((f) => f.remove()));

function fixture(): Fixture {
  const f = makeFixture({ redisUrl: null, outcomes: MINUTE_CALLS });
  fixtures.push(f);
  f.writeContacts('a.csv', contactsCsv(20));
  f.writeContacts('b.csv', contactsCsv(20, 79260000000));
  return f;
}

async function startDaemon(f: Fixture, store: Store, scheduler: VirtualScheduler): Promise<Daemon> {
  const loaded = await loadDaemonConfig(f.configFile, {});
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  // The memory store outlives the daemon (its close is a no-op): a restart finds its counts.
  const d = await Daemon.create({ config: { ...loaded.config, api: null }, logger: silentLogger(), scheduler, store });
  await d.start();
  return d;
}

async function runFor(s: VirtualScheduler, ms: number): Promise<void> {
  const until = s.now() + ms;
  s.at(until, () => {});
  await s.run({ until });
}

async function stop(d: Daemon, s: VirtualScheduler): Promise<void> {
  const done = d.stop(120_000);
  await runFor(s, 130_000);
  await done;
}

const talkMinutes = (limit: number) => campaignYaml({ id: 'a', contacts: 'a.csv', concurrency: 1, extra: `limits: { total_talk_minutes: ${limit} }\n` });

it('limits.total_talk_minutes: reached → budget, resume refused, raised + SIGHUP → resumes; a restart keeps the count', async () => {
  const f = fixture();
  f.writeCampaign('a', talkMinutes(3));
  const scheduler = new VirtualScheduler(T0);
  const store = createMemoryStore();
  const d1 = await startDaemon(f, store, scheduler);
  await runFor(scheduler, 15 * 60_000);
  expect(d1.engine.campaign('a')!.status).toEqual({ state: 'paused', pauseReason: 'budget', pauseDetail: '3 talk minutes in total (total_talk_minutes 3)' });
  expect(await store.usage('campaign', 'a')).toEqual({ dials: 3, talkSeconds: 180 });
  await expect(d1.engine.resume('a')).rejects.toMatchObject({ code: 'DIALERD_ERR_RESUME_REFUSED', message: expect.stringMatching(/budget/) });

  f.writeCampaign('a', talkMinutes(5));
  await d1.reload();
  expect(d1.engine.campaign('a')!.status.state).toBe('running');
  await runFor(scheduler, 15 * 60_000);
  expect(d1.engine.campaign('a')!.status).toMatchObject({ state: 'paused', pauseReason: 'budget' });
  expect((await store.usage('campaign', 'a')).dials).toBe(5);
  await stop(d1, scheduler);

  // A restart: the count is the store's, so the campaign stays paused and nothing is dialed.
  const d2 = await startDaemon(f, store, scheduler);
  await runFor(scheduler, 15 * 60_000);
  expect(d2.engine.campaign('a')!.status).toMatchObject({ state: 'paused', pauseReason: 'budget', pauseDetail: '5 talk minutes in total (total_talk_minutes 5)' });
  expect((await store.usage('campaign', 'a')).dials).toBe(5);
  await expect(d2.engine.resume('a')).rejects.toMatchObject({ code: 'DIALERD_ERR_RESUME_REFUSED' });
  f.writeCampaign('a', talkMinutes(6));
  await d2.reload();
  await runFor(scheduler, 15 * 60_000);
  expect(await store.usage('campaign', 'a')).toEqual({ dials: 6, talkSeconds: 360 });
  expect((await store.counts('a')).states).toEqual({ done: 6, pending: 14 });
  await stop(d2, scheduler);
});

it('trunks.<name>.minutes: a package shared by the trunk\'s campaigns pauses them all; raised in dialerd.yaml + restart → they resume', async () => {
  const f = fixture();
  const withPackage = (minutes: number): void => {
    const text = readFileSync(f.configFile, 'utf8').replace(/calls_per_second: (\d+)(, minutes: \d+)? }/, `calls_per_second: $1, minutes: ${minutes} }`);
    writeFileSync(f.configFile, text);
  };
  withPackage(4);
  f.writeCampaign('a', campaignYaml({ id: 'a', contacts: 'a.csv', concurrency: 1 }));
  f.writeCampaign('b', campaignYaml({ id: 'b', contacts: 'b.csv', concurrency: 1 }));
  const scheduler = new VirtualScheduler(T0);
  const store = createMemoryStore();
  const d1 = await startDaemon(f, store, scheduler);
  await runFor(scheduler, 15 * 60_000);
  for (const id of ['a', 'b']) {
    expect(d1.engine.campaign(id)!.status).toEqual({ state: 'paused', pauseReason: 'budget', pauseDetail: 'trunk t1: 4 talk minutes of its package (trunks.t1.minutes 4)' });
  }
  // Talk is known only as calls end: a's third call started at 3 minutes used, while b's second
  // was still live, and finished after the package was reached (the call that crosses it finishes).
  expect(await store.usage('trunk', 't1')).toEqual({ dials: 5, talkSeconds: 300 });
  await expect(d1.engine.resume('b')).rejects.toMatchObject({ code: 'DIALERD_ERR_RESUME_REFUSED' });
  await stop(d1, scheduler);

  // Restarted with the same package: still used up.
  const d2 = await startDaemon(f, store, scheduler);
  await runFor(scheduler, 5 * 60_000);
  expect(d2.engine.campaign('a')!.status.pauseReason).toBe('budget');
  expect((await store.usage('trunk', 't1')).dials).toBe(5);
  await stop(d2, scheduler);

  withPackage(8);
  const d3 = await startDaemon(f, store, scheduler);
  expect(d3.engine.campaign('a')!.status.state).toBe('running');
  expect(d3.engine.campaign('b')!.status.state).toBe('running');
  await runFor(scheduler, 15 * 60_000);
  const used = await store.usage('trunk', 't1');
  expect(used.talkSeconds).toBeGreaterThanOrEqual(480);
  expect(used.dials).toBeLessThanOrEqual(9); // at most one call per campaign crosses it
  expect(d3.engine.campaign('a')!.status.pauseReason).toBe('budget');
  expect(d3.engine.campaign('b')!.status.pauseReason).toBe('budget');
  await stop(d3, scheduler);
});
