/**
 * `dialerd run` as a process, SIGTERM: no new dial after the signal, live calls end by their own
 * events before exit (code 0), a short shutdown_grace hangs up what is still live at the
 * deadline, a second SIGTERM forces exit at once, and a restart on the same Redis loses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRow } from '../../src/domain/types.ts';
import { allHistory } from '../../src/store/history-pages.ts';
import { createRedisStore } from '../../src/store/redis/index.ts';
import type { Store } from '../../src/store/port.ts';
import { campaignYaml, contactsCsv, makeFixture, type Fixture } from '../helpers/daemon-fixture.ts';
import { DaemonProcess, campaignTo, isDialLine } from '../helpers/daemon-process.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

let redis: RedisServer;
const fixtures: Fixture[] = [];
const stores: Store[] = [];
const daemons: DaemonProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await Promise.all(daemons.map((d) => d.kill()));
  await Promise.all(stores.map((s) => s.close()));
  fixtures.forEach((f) => f.remove());
  await redis?.stop();
});

async function setup(prefix: string, opts: { outcomes?: string; grace?: string; records: number; concurrency: number }): Promise<{ f: Fixture; store: Store }> {
  const f = makeFixture({ redisUrl: redis.url, prefix, shutdownGrace: opts.grace ?? '30s', ...(opts.outcomes ? { outcomes: opts.outcomes } : {}) });
  fixtures.push(f);
  f.writeContacts('contacts.csv', contactsCsv(opts.records));
  f.writeCampaign('c', campaignYaml({ id: 'c', contacts: 'contacts.csv', concurrency: opts.concurrency }));
  const store = await createRedisStore({ url: redis.url, prefix });
  stores.push(store);
  return { f, store };
}

function start(f: Fixture): DaemonProcess {
  const d = DaemonProcess.start(f.configFile);
  daemons.push(d);
  return d;
}

const liveCount = (store: Store, n: number) => async () => ((await store.liveDials()).length === n ? true : null);
const isStopping = (l: { msg: string }): boolean => /^SIGTERM: stopping/.test(l.msg);

describe('dialerd run: SIGTERM', () => {
  it('lets live calls finish, starts none after the signal, exits 0; a restart continues without losing or repeating a dial', async () => {
    const { f, store } = await setup('term:', { records: 9, concurrency: 3 });
    const d1 = start(f);
    await until(liveCount(store, 3), 'three live dials');
    d1.signal('SIGTERM');
    expect(await d1.waitExit()).toEqual({ code: 0, signal: null });

    const stopAt = d1.lines.findIndex(isStopping);
    expect(stopAt).toBeGreaterThan(0);
    const ended = d1.dials(stopAt);
    expect(ended).toHaveLength(3); // the calls live at the signal, each by its own end event
    expect(ended.every((l) => l.result === 'answered')).toBe(true);
    expect(d1.lines.at(-1)?.msg).toBe('daemon: stopping -> stopped');

    const signalledAt = d1.lines[stopAt]!.time as number;
    const h1 = await allHistory(store, { campaign: 'c' });
    expect(h1).toHaveLength(d1.dials().length);
    expect(h1.every((r) => r.startedAt <= signalledAt)).toBe(true); // no dial started after SIGTERM
    expect(await store.liveDials()).toEqual([]);
    const c1 = await store.counts('c');
    expect(c1.states).toEqual({ done: h1.length, pending: 9 - h1.length });

    const d2 = start(f);
    await d2.waitFor(campaignTo('c', 'completed'), 'campaign c completed', 20_000);
    d2.signal('SIGTERM');
    expect((await d2.waitExit()).code).toBe(0);

    const h = await allHistory(store, { campaign: 'c' });
    expect(h).toHaveLength(9);
    expect(new Set(h.map((r) => r.dialId)).size).toBe(9);
    expect(new Set(h.map((r) => r.record)).size).toBe(9); // every record dialed exactly once
    expect(h.slice(0, h1.length)).toEqual(h1); // the first run's history is kept as it was
    expect((await store.counts('c')).states).toEqual({ done: 9 });
  }, 60_000); // two daemon processes one after the other: ~13 s idle, ~20 s on a loaded 2-core machine

  it('with a short shutdown_grace, hangs up what is still live at the deadline: answered stays answered (interrupted, its own rule), ringing becomes cancelled', async () => {
    const outcomes = `numbers:
  "+79160000001": [{ ring: 1s, then: { answer: 60s } }]
  "+79160000002": [{ ring: 25s, then: no_answer }]
`;
    const { f, store } = await setup('grace:', { records: 2, concurrency: 2, grace: '1s', outcomes });
    // Three attempts per record, so the interrupted call's retry is visible (the default is one).
    f.writeCampaign('c', campaignYaml({ id: 'c', contacts: 'contacts.csv', concurrency: 2 }).replace('attempts: {', 'attempts: { per_record: 3,'));
    const d = start(f);
    // Both live, the first one answered (it rings 1 s) and already talking past short_call (1 s).
    await until(async () => {
      const live = await store.liveDials();
      return live.length === 2 && live.every((l) => Date.now() - l.startedAt > 2_200) ? true : null;
    }, 'two live dials, 2.2 s old');
    d.signal('SIGTERM');
    const exit = await d.waitExit(8_000);
    expect(exit.code).toBe(0);

    const stopAt = d.lines.findIndex(isStopping);
    const deadline = d.lines.findIndex((l) => l.msg === 'shutdown deadline: hanging up live calls');
    expect(deadline).toBeGreaterThan(stopAt);
    expect((d.lines[deadline]!.time as number) - (d.lines[stopAt]!.time as number)).toBeGreaterThanOrEqual(950);
    const byRecord = Object.fromEntries(d.dials(deadline).map((l) => [l.record, l.result]));
    expect(byRecord).toEqual({ r1: 'answered', r2: 'cancelled' });

    const rows = await allHistory(store, { campaign: 'c' });
    expect(rows.map((r: HistoryRow) => [r.record, r.result, r.interrupted, r.action])).toEqual([
      ['r1', 'answered', true, 'retry_after'], // the `interrupted` rule: called again in 1 h
      ['r2', 'cancelled', false, 'retry_after'],
    ]);
    expect(rows[0]!.nextAt).toBe(rows[0]!.endedAt + 3_600_000);
    expect(await store.getRecord('c', 'r1')).toMatchObject({ state: 'waiting', attempts: 1 });
    const r2 = await store.getRecord('c', 'r2');
    expect(r2).toMatchObject({ state: 'waiting', attempts: 0 }); // cancelled by us: not counted
    expect(await store.liveDials()).toEqual([]);
  });

  it('a second SIGTERM forces exit at once, leaving live dials to the next start', async () => {
    const { f, store } = await setup('force:', { records: 2, concurrency: 2, outcomes: 'default: { ring: 1s, then: { answer: 60s } }\n' });
    const d = start(f);
    await until(liveCount(store, 2), 'two live dials');
    d.signal('SIGTERM');
    await d.waitFor(isStopping, 'the stopping line');
    const t = Date.now();
    d.signal('SIGTERM');
    const exit = await d.waitExit(5_000);
    expect(Date.now() - t).toBeLessThan(2_000);
    expect(exit.code).not.toBe(0);
    expect(d.lines.some((l) => /SIGTERM again: forcing exit/.test(l.msg))).toBe(true);
    expect(d.dials()).toHaveLength(0);
    expect(await store.liveDials()).toHaveLength(2); // reconciled by the next start (daemon-restart test)
  });
});

// The `dial` lines are what the tests count: keep the predicate honest.
it('isDialLine matches the engine settle line only', () => {
  expect(isDialLine({ level: 30, msg: 'dial r1 +7: answered -> done', dialId: 'x', result: 'answered' })).toBe(true);
  expect(isDialLine({ level: 30, msg: 'campaign c: draft -> running', campaign: 'c' })).toBe(false);
});
