/**
 * Fenced writes on a real redis-server: a daemon whose lease another one took over (it stalled
 * past the TTL) gets every write refused with DIALERD_ERR_STORE_FENCED and changes nothing; the
 * new owner writes; a non-exclusive store (a tool) is never fenced.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/port.ts';
import { createRedisStore } from '../../src/store/redis/index.ts';
import { storeKeys } from '../../src/store/redis/keys.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { T0, live, rec, row } from './store-fixtures.ts';

let server: RedisServer;
let admin: Redis;
beforeAll(async () => {
  server = await startRedis();
  admin = new Redis(server.url);
});
afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

/** Every key of the prefix with its DUMP: equal snapshots mean nothing was written. */
async function snapshot(prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of (await admin.keys(`${prefix}*`)).sort()) {
    if (key === storeKeys(prefix).owner) continue; // the lease's TTL moves by itself
    out[key] = (await admin.dumpBuffer(key))!.toString('base64');
  }
  return out;
}

const campaign = { id: 'c1', state: 'running' as const, pauseReason: null, pauseDetail: null, consecutiveErrors: 0, updatedAt: T0 };

/** One call of every method that writes, each expected to be refused. */
function writes(s: Store): [string, () => Promise<unknown>][] {
  const r = rec('a', { state: 'dialing' });
  return [
    ['putCampaign', () => s.putCampaign({ ...campaign, state: 'paused' })],
    ['addRecords', () => s.addRecords('c1', [rec('new')])],
    ['claimDue', () => s.claimDue('c1', T0, 10)],
    ['release', () => s.release({ ...r, state: 'waiting', nextAt: T0 + 1 })],
    ['finalizeAll', () => s.finalizeAll('c1', 'cancelled', 'completed')],
    ['removeRecord', () => s.removeRecord('c1', 'b')],
    ['recoverDialing', () => s.recoverDialing('c1', [])],
    ['putLiveDial', () => s.putLiveDial(live('d2'))],
    ['settle', () => s.settle({ dialId: 'd1', record: { ...r, state: 'done', nextAt: null }, history: row('d1', { record: 'a' }) })],
    ['holdDial', () => s.holdDial('c1', { dialId: 'd0', startedAt: T0, before: rec('b'), settled: rec('b') })],
    ['clear', () => s.clear()],
  ];
}

describe('fenced writes', () => {
  it('a store whose lease was taken over writes nothing; the new owner writes', async () => {
    const prefix = 'fence:';
    const k = storeKeys(prefix);
    // A long lease and slow renewal: the stall is simulated by the key expiring under it.
    const stale = await createRedisStore({ url: server.url, prefix, exclusive: { ttlMs: 60_000, renewMs: 30_000 } });
    await stale.putCampaign(campaign);
    await stale.addRecords('c1', [rec('a'), rec('b'), rec('c')]);
    expect(await stale.claimDue('c1', T0, 1)).toHaveLength(1);
    await stale.putLiveDial(live('d1', { record: 'a' }));

    await admin.del(k.owner); // the lease lapsed while the owner stalled...
    const next = await createRedisStore({ url: server.url, prefix, exclusive: { waitMs: 1_000 } }); // ...and a second daemon took over
    const before = await snapshot(prefix);
    const refused: string[] = [];
    for (const [name, call] of writes(stale)) {
      const err = await call().then(() => null, (e: unknown) => e);
      if ((err as { code?: string } | null)?.code === 'DIALERD_ERR_STORE_FENCED') refused.push(name);
    }
    expect(refused).toEqual(writes(stale).map(([name]) => name));
    expect(await snapshot(prefix)).toEqual(before);
    // Reads still work (status pages, reconciliation of the new owner are not ours to block).
    expect((await stale.counts('c1')).states).toEqual({ dialing: 1, pending: 2 });

    // The new owner's writes pass.
    const [b] = await next.claimDue('c1', T0, 1);
    expect(b?.id).toBe('b');
    expect(await next.settle({ dialId: 'd1', record: { ...b!, state: 'done', nextAt: null }, history: row('d1', { record: 'b' }) })).toBe(true);
    await next.putCampaign({ ...campaign, state: 'paused' });
    expect((await next.getCampaign('c1'))?.state).toBe('paused');
    await next.close();
    await stale.close();
  });

  it('the stale store reports itself down once a write is refused, with who took the prefix', async () => {
    const prefix = 'fence-down:';
    const stale = await createRedisStore({ url: server.url, prefix, exclusive: { ttlMs: 60_000, renewMs: 30_000 } });
    const events: [boolean, string | null][] = [];
    stale.onStatus!((up, reason) => events.push([up, reason]));
    await admin.set(storeKeys(prefix).owner, 'other-host:4242:uuid');
    await expect(stale.putLiveDial(live('d1'))).rejects.toMatchObject({ code: 'DIALERD_ERR_STORE_FENCED' });
    // The refusal made it look at the key now, not at its next renewal 30 s away.
    for (let i = 0; i < 100 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual([[false, expect.stringMatching(/another dialerd took key prefix "fence-down:" \(other-host:4242:uuid\)/)]]);
    await stale.close();
    expect(await admin.get(storeKeys(prefix).owner)).toBe('other-host:4242:uuid'); // close never frees another's key
  });

  it('its own writes pass after its lease lapsed when nobody took it (the renewal takes it back)', async () => {
    const prefix = 'fence-lapse:';
    const s = await createRedisStore({ url: server.url, prefix, exclusive: { ttlMs: 60_000, renewMs: 30_000 } });
    await admin.del(storeKeys(prefix).owner);
    await expect(s.putCampaign(campaign)).rejects.toMatchObject({ code: 'DIALERD_ERR_STORE_FENCED' });
    for (let i = 0; i < 100 && (await admin.get(storeKeys(prefix).owner)) === null; i++) await new Promise((r) => setTimeout(r, 20));
    await s.putCampaign(campaign);
    expect((await s.getCampaign('c1'))?.state).toBe('running');
    await s.close();
  });

  it('a non-exclusive store (a tool, a test) is never fenced', async () => {
    const prefix = 'fence-tool:';
    const owner = await createRedisStore({ url: server.url, prefix, exclusive: true });
    const tool = await createRedisStore({ url: server.url, prefix });
    await tool.putCampaign(campaign);
    expect(await tool.addRecords('c1', [rec('a')])).toBe(1);
    await tool.close();
    await owner.close();
  });

  it('a standby store keeps waiting through a Redis outage, then takes the prefix over', async () => {
    const own = await startRedis();
    const active = await createRedisStore({ url: own.url, prefix: 'standby-outage:', exclusive: true });
    // A short lease: the standby polls every 25 ms, so it tries (and fails) during the outage below.
    const standby = await createRedisStore({ url: own.url, prefix: 'standby-outage:', exclusive: { standby: true, ttlMs: 100 } });
    const downs: boolean[] = [];
    standby.onStatus!((up) => void (up || downs.push(up)));
    const holders: string[] = [];
    let done = false;
    const took = standby.takeover!({ onWait: (h) => holders.push(h) }).then(() => (done = true));
    await until(() => holders.length > 0 || null, 'the standby told whose lease it waits for');
    await expect(standby.putCampaign(campaign)).rejects.toMatchObject({ code: 'DIALERD_ERR_STORE_FENCED' }); // a standby writes nothing
    await own.stop(); // the outage; Redis comes back empty: the prefix is free
    await until(() => downs.length > 0 || null, 'the standby saw Redis go');
    const back = await startRedis({ port: own.port });
    try {
      await took;
      expect(done).toBe(true);
      await standby.putCampaign(campaign);
      expect((await standby.getCampaign('c1'))?.state).toBe('running');
    } finally {
      await standby.close();
      await active.close();
      await back.stop();
    }
  });
});
