/**
 * A campaign file that disappears (issue 9): removed at SIGHUP, its campaign pauses with reason
 * `file_missing` and nothing is cancelled; resume is refused while it is gone; back + SIGHUP, the
 * campaign returns to running. At start, a campaign the store knows as running with no file is
 * paused `file_missing`. In process, on the virtual clock.
 */
import { rmSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { loadDaemonConfig } from '../../src/config/load-daemon.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { VirtualScheduler } from '../../src/lib/virtual-scheduler.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import type { Store } from '../../src/store/port.ts';
import { campaignYaml, contactsCsv, makeFixture } from '../helpers/daemon-fixture.ts';

const f = makeFixture({ redisUrl: null });
afterAll(() => f.remove());
const T0 = Date.UTC(2026, 11, 1, 9, 0);
const yaml = campaignYaml({ id: 'c', contacts: 'contacts.csv', concurrency: 1 });
f.writeContacts('contacts.csv', contactsCsv(10));

async function daemonOn(store: Store, scheduler: VirtualScheduler): Promise<Daemon> {
  const loaded = await loadDaemonConfig(f.configFile, {});
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  // The store outlives the daemon here (its close is a no-op on memory): a restart keeps it.
  return Daemon.create({ config: { ...loaded.config, api: null }, logger: silentLogger(), scheduler, store });
}

async function runFor(s: VirtualScheduler, ms: number): Promise<void> {
  const until = s.now() + ms;
  s.at(until, () => {});
  await s.run({ until });
}

/** Stop, running the virtual clock meanwhile (the grace period and the hang-ups are on it). */
async function stop(d: Daemon, s: VirtualScheduler, graceMs: number): Promise<void> {
  const done = d.stop(graceMs);
  await runFor(s, graceMs + 10_000);
  await done;
}

it('file removed + SIGHUP → paused file_missing, nothing cancelled, resume refused; back + SIGHUP → running to the end', async () => {
  const file = f.writeCampaign('c', yaml);
  const scheduler = new VirtualScheduler(T0);
  const store = createMemoryStore();
  const daemon = await daemonOn(store, scheduler);
  await daemon.start();
  await runFor(scheduler, 7_000); // 1 s ring + 2 s talk per dial, one at a time
  expect(daemon.engine.campaign('c')!.status.state).toBe('running');

  rmSync(file);
  await daemon.reload();
  expect(daemon.engine.campaign('c')!.status).toEqual({ state: 'paused', pauseReason: 'file_missing', pauseDetail: `${file} removed` });
  await runFor(scheduler, 60_000); // the live call finishes, no new one starts
  const during = await store.counts('c');
  expect(during.states.cancelled ?? 0).toBe(0);
  expect(during.states.done).toBe(3);
  expect(during.states.pending).toBe(7);
  await expect(daemon.engine.resume('c')).rejects.toMatchObject({ code: 'DIALERD_ERR_RESUME_REFUSED', message: expect.stringMatching(/file_missing/) });
  await daemon.reload(); // a second SIGHUP while it is still gone changes nothing
  expect(daemon.engine.campaign('c')!.status.pauseReason).toBe('file_missing');

  f.writeCampaign('c', yaml);
  await daemon.reload();
  expect(daemon.engine.campaign('c')!.status.state).toBe('running'); // the state it had before
  await runFor(scheduler, 120_000);
  expect(daemon.engine.campaign('c')!.status.state).toBe('completed');
  expect((await store.counts('c')).states).toEqual({ done: 10 });
  await stop(daemon, scheduler, 0);
});

it('a campaign paused by hand stays paused by hand when its file goes and comes back; resume is refused meanwhile', async () => {
  const file = f.writeCampaign('c', yaml);
  const scheduler = new VirtualScheduler(T0);
  const daemon = await daemonOn(createMemoryStore(), scheduler);
  await daemon.start();
  await daemon.engine.pause('c');
  rmSync(file);
  await daemon.reload();
  expect(daemon.engine.campaign('c')!.status.pauseReason).toBe('manual');
  await expect(daemon.engine.resume('c')).rejects.toMatchObject({ code: 'DIALERD_ERR_RESUME_REFUSED' });
  f.writeCampaign('c', yaml);
  await daemon.reload();
  expect(daemon.engine.campaign('c')!.status.pauseReason).toBe('manual');
  await daemon.engine.resume('c');
  expect(daemon.engine.campaign('c')!.status.state).toBe('running');
  await stop(daemon, scheduler, 0);
});

it('at start, a campaign the store knows as running with no file is paused file_missing; its file back + SIGHUP runs it', async () => {
  const file = f.writeCampaign('c', yaml);
  const scheduler = new VirtualScheduler(T0);
  const store = createMemoryStore();
  const first = await daemonOn(store, scheduler);
  await first.start();
  await runFor(scheduler, 4_000);
  await stop(first, scheduler, 60_000);
  expect((await store.getCampaign('c'))?.state).toBe('running');

  rmSync(file);
  const second = await daemonOn(store, scheduler);
  await second.start();
  expect(await store.getCampaign('c')).toMatchObject({ state: 'paused', pauseReason: 'file_missing' });
  expect((await store.counts('c')).states.cancelled ?? 0).toBe(0);

  f.writeCampaign('c', yaml);
  await second.reload();
  expect(second.engine.campaign('c')!.status.state).toBe('running');
  await runFor(scheduler, 120_000);
  expect((await store.counts('c')).states).toEqual({ done: 10 });
  await stop(second, scheduler, 0);
});
