import { readdirSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDialerdError } from '../../src/lib/errors.ts';
import { allHistory } from '../../src/store/history-pages.ts';
import type { HistoryPosition, Store } from '../../src/store/port.ts';
import { createStore } from '../../src/store/index.ts';
import { createRedisStore } from '../../src/store/redis/index.ts';
import { keyKind, storeKeys } from '../../src/store/redis/keys.ts';
import { encodeHistory } from '../../src/store/redis/codec.ts';
import { claimOwnership } from '../../src/store/redis/owner.ts';
import { callScript, defineScripts } from '../../src/store/redis/scripts.ts';
import { queryHistory } from '../../src/store/redis/history.ts';
import { compareHistory } from '../../src/store/common.ts';
import type { HistoryRow } from '../../src/domain/types.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { T0, live, rec, row } from './store-fixtures.ts';
import { storeContract } from './store.contract.ts';

let server: RedisServer;
let n = 0;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
});

storeContract('redis', () => createRedisStore({ url: server.url, prefix: `t${++n}:` }));

async function allKeys(url: string): Promise<string[]> {
  const c = new Redis(url);
  try {
    return await c.keys('*');
  } finally {
    c.disconnect();
  }
}

/** Leaves one of every kind of key behind. */
async function exercise(s: Store, campaign: string): Promise<void> {
  await s.putCampaign({ id: campaign, state: 'running', pauseReason: null, pauseDetail: null, consecutiveErrors: 0, updatedAt: T0 });
  await s.addRecords(campaign, [rec('a', { campaign }), rec('b', { campaign })]);
  const [a] = await s.claimDue(campaign, T0, 1);
  await s.putLiveDial(live('d1', { campaign }));
  await s.putLiveDial(live('d2', { campaign }));
  await s.settle({ dialId: 'd1', record: { ...a!, state: 'done', nextAt: null }, history: row('d1', { campaign }) });
}

describe('redis store only', () => {
  it('builds every key with keys.ts under its prefix', async () => {
    const s = await createRedisStore({ url: server.url, prefix: 'keys-test:' });
    await exercise(s, 'camp:with:colons');
    const keys = (await allKeys(server.url)).filter((k) => k.startsWith('keys-test:'));
    expect(keys.map((k) => keyKind('keys-test:', k)).sort()).toEqual(['camp', 'cnt', 'due', 'hist', 'histc', 'live', 'rate', 'rec', 'settled', 'use', 'use']);
    const k = storeKeys('keys-test:');
    expect(keys).toContain(k.rec('camp:with:colons'));
    await s.clear();
    expect((await allKeys(server.url)).filter((x) => x.startsWith('keys-test:'))).toEqual([]);
    await s.close();
  });

  it('forgets settled dial ids after 30 days, so months of dials do not grow the set forever', async () => {
    const s = await createRedisStore({ url: server.url, prefix: 'settled-test:' });
    await s.addRecords('c', [rec('a', { campaign: 'c' }), rec('b', { campaign: 'c' })]);
    const [a, b] = await s.claimDue('c', T0, 2);
    const DAY = 86_400_000;
    expect(await s.settle({ dialId: 'old', record: { ...a!, state: 'waiting', nextAt: T0 + DAY }, history: row('old', { campaign: 'c', startedAt: T0 }) })).toBe(true);
    expect(await s.settle({ dialId: 'old', record: { ...a!, state: 'waiting', nextAt: T0 + DAY }, history: row('old', { campaign: 'c', startedAt: T0 }) })).toBe(false);
    expect(await s.settle({ dialId: 'new', record: { ...b!, state: 'done', nextAt: null }, history: row('new', { campaign: 'c', startedAt: T0 + 31 * DAY }) })).toBe(true);
    const c = new Redis(server.url);
    try {
      expect(await c.zrange(storeKeys('settled-test:').settled, 0, -1)).toEqual(['new']);
    } finally {
      c.disconnect();
    }
    await s.clear();
    await s.close();
  });

  it('one daemon per prefix: a second exclusive store is refused until the first lets go', async () => {
    const a = await createRedisStore({ url: server.url, prefix: 'own-test:', exclusive: true });
    const err = await createRedisStore({ url: server.url, prefix: 'own-test:', exclusive: { waitMs: 300 } }).then(() => null, (e: unknown) => e);
    expect(isDialerdError(err, 'DIALERD_ERR_STORE_LOCKED'), String(err)).toBe(true);
    expect(String(err)).toMatch(/own-test:.*another dialerd/);
    // An observer (not exclusive) is always welcome.
    const observer = await createRedisStore({ url: server.url, prefix: 'own-test:' });
    await observer.close();
    await a.close();
    const b = await createRedisStore({ url: server.url, prefix: 'own-test:', exclusive: { waitMs: 300 } });
    await b.close();
  });

  it('losing the prefix reports the store down, for good: the intruder gone, it is not taken back', async () => {
    const a = await createRedisStore({ url: server.url, prefix: 'own-ttl:', exclusive: { ttlMs: 400, renewMs: 50 } });
    const events: [boolean, string | null][] = [];
    a.onStatus!((up, reason) => events.push([up, reason]));
    const c = new Redis(server.url);
    defineScripts(c);
    const k = storeKeys('own-ttl:');
    const mine = await c.get(k.owner);
    try {
      // Another daemon takes the prefix (its lease and the last-owner mark, as own-2.lua writes them).
      await c.set(k.owner, 'intruder', 'PX', 400);
      await c.set(k.owned, 'intruder');
      for (let i = 0; i < 100 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(events[0]?.[0]).toBe(false);
      expect(events[0]?.[1]).toMatch(/another dialerd took key prefix "own-ttl:" \(intruder\)/);
      // The intruder dies: what we knew of the live calls is stale, so a renewal may not take it back
      // (a fresh start, which reconciles first, may).
      await c.del(k.owner);
      const own = (mode: string): Promise<unknown> => callScript(c, 'own', [k.owner, k.owned], [mine!, 400, mode]);
      expect(await own('renew')).toBe(-1);
      await expect(a.putCampaign({ id: 'x', state: 'running', pauseReason: null, pauseDetail: null, consecutiveErrors: 0, updatedAt: T0 })).rejects.toMatchObject({ code: 'DIALERD_ERR_STORE_FENCED' });
      expect(await c.get(k.owner)).toBeNull();
      expect(events).toHaveLength(1);
      expect(await own('claim')).toBe(1);
    } finally {
      c.disconnect();
      await a.close();
    }
  });

  it('renews the owner key one call at a time, even when Redis stalls (no overlapping renewals)', async () => {
    const r = new Redis(server.url);
    const admin = new Redis(server.url);
    defineScripts(r);
    const own = (r as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>).dialerd_own!.bind(r);
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    (r as unknown as Record<string, unknown>).dialerd_own = async (...a: unknown[]) => {
      calls++;
      most = Math.max(most, ++inFlight);
      try {
        return await own(...a);
      } finally {
        inFlight--;
      }
    };
    const o = await claimOwnership(r, storeKeys('own-renew:'), 'own-renew:', 'me', { ttlMs: 2_000, renewMs: 10 });
    try {
      await admin.call('CLIENT', 'PAUSE', '400', 'ALL'); // every command of `r` waits 400 ms
      const before = calls;
      // 200 ms of the stall: 20 renewal periods.
      for (let i = 0; i < 20; i++) await new Promise((res) => setTimeout(res, 10));
      expect(inFlight).toBe(1);
      await o.release();
      expect(most).toBe(1);
      expect(calls - before).toBe(1);
      expect(await admin.pttl(storeKeys('own-renew:').owner)).toBe(-2);
    } finally {
      r.disconnect();
      admin.disconnect();
    }
  });

  it('builds no key outside keys.ts (source check)', () => {
    const dir = new URL('../../src/store/redis/', import.meta.url);
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'keys.ts')) {
      expect(readFileSync(new URL(f, dir), 'utf8'), f).not.toMatch(/\$\{[^}]*prefix[^}]*\}|prefix\s*\+/);
    }
  });

  it('isolates stores with different prefixes on one server', async () => {
    const a = await createRedisStore({ url: server.url, prefix: 'iso-a:' });
    const b = await createStore({ type: 'redis', url: server.url, prefix: 'iso-b:' });
    expect(b.kind).toBe('redis');
    await exercise(a, 'c1');
    expect(await b.getRecord('c1', 'b')).toBeNull();
    expect(await b.claimDue('c1', T0, 10)).toEqual([]);
    expect(await b.liveDials()).toEqual([]);
    expect(await allHistory(b, {})).toEqual([]);
    expect(await b.listCampaigns()).toEqual([]);
    expect(await b.counts('c1')).toEqual({ states: {}, results: {}, dials: 0 });
    await b.addRecords('c1', [rec('b')]);
    expect((await b.claimDue('c1', T0, 10)).map((r) => r.id)).toEqual(['b']);
    await b.clear();
    expect(await a.getRecord('c1', 'b')).toMatchObject({ state: 'pending' });
    expect(await a.settle({ dialId: 'd1', record: rec('b'), history: row('d1') })).toBe(false);
    await a.clear();
    await Promise.all([a.close(), b.close()]);
  });

  it('claims and settles atomically across separate connections', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => createRedisStore({ url: server.url, prefix: 'multi:' })));
    await stores[0]!.addRecords('c1', Array.from({ length: 100 }, (_, i) => rec(`r${i}`, { nextAt: T0 + (i % 5) })));
    const claims = await Promise.all(stores.flatMap((s) => Array.from({ length: 8 }, () => s.claimDue('c1', T0 + 5, 5))));
    const got = claims.flat().map((r) => r.id);
    expect(got).toHaveLength(100);
    expect(new Set(got).size).toBe(100);
    const record = { ...claims.flat()[0]!, state: 'waiting' as const, nextAt: T0 + 99 };
    const settled = await Promise.all(stores.flatMap((s) => [1, 2].map(() => s.settle({ dialId: 'dx', record, history: row('dx') }))));
    expect(settled.filter(Boolean)).toHaveLength(1);
    expect(await stores[1]!.counts('c1')).toEqual({ states: { dialing: 99, waiting: 1 }, results: { no_answer: 1 }, dials: 1 });
    await stores[0]!.clear();
    await Promise.all(stores.map((s) => s.close()));
  });

  it('rejects quickly with STORE_DOWN while Redis is down, then recovers by itself', async () => {
    const own = await startRedis();
    const s = await createRedisStore({ url: own.url, prefix: 'down:' });
    const events: [boolean, string | null][] = [];
    const whenStatus = (up: boolean): Promise<void> =>
      new Promise((resolve) => {
        const off = s.onStatus!((u, reason) => {
          events.push([u, reason]);
          if (u === up) {
            off();
            resolve();
          }
        });
      });
    await s.addRecords('c1', [rec('a')]);

    const down = whenStatus(false);
    await own.stop();
    for (const op of [() => s.claimDue('c1', T0, 10), () => s.getRecord('c1', 'a'), () => s.addRecords('c1', [rec('b')])]) {
      const started = Date.now();
      const err = await op().then(
        () => null,
        (e: unknown) => e,
      );
      expect(isDialerdError(err, 'DIALERD_ERR_STORE_DOWN'), String(err)).toBe(true);
      expect(Date.now() - started).toBeLessThan(1_000);
    }
    await down;
    expect(events[0]?.[0]).toBe(false);

    const up = whenStatus(true);
    const again = await startRedis({ port: own.port });
    await up;
    expect(await s.addRecords('c1', [rec('a'), rec('b')])).toBe(2);
    expect((await s.claimDue('c1', T0, 10)).map((r) => r.id)).toEqual(['a', 'b']);
    await s.close();
    await again.stop();
  });

  it('refuses to start with STORE_DOWN when Redis is unreachable', async () => {
    const own = await startRedis();
    await own.stop();
    const err = await createRedisStore({ url: own.url, prefix: 'x:' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isDialerdError(err, 'DIALERD_ERR_STORE_DOWN'), String(err)).toBe(true);
  });

  it('pages history by score cursor: a growing LIMIT offset only inside one startedAt group, ties in dialId order', async () => {
    const c = new Redis(server.url);
    const keys = storeKeys('hpage:');
    // 1 500 rows share T0 + 1 (more than one 1 000-row read); ids whose JSON members sort
    // differently from the ids ("a!" before "a" in Redis, after it in history order).
    const rows: HistoryRow[] = [];
    for (let i = 0; i < 2_500; i++) {
      const at = i < 500 ? T0 + i : i < 2_000 ? T0 + 1_000 : T0 + 1_000 + i;
      rows.push(row(`${String(i % 700).padStart(3, '0')}${['', '!', '-x'][i % 3]}-${i}`, { campaign: 'c', startedAt: at }));
    }
    for (let i = 0; i < rows.length; i += 500) {
      await c.zadd(keys.hist('c'), ...rows.slice(i, i + 500).flatMap((h) => [h.startedAt, encodeHistory(h)]));
    }
    await c.sadd(keys.histc, 'c');
    const calls: (string | number)[][] = [];
    const spy = new Proxy(c, {
      get(target, prop) {
        if (prop === 'zrangebyscore') {
          return (...args: (string | number)[]) => {
            calls.push(args);
            return (target.zrangebyscore.bind(target) as unknown as (...a: (string | number)[]) => Promise<string[]>)(...args);
          };
        }
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const seen: HistoryRow[] = [];
    let after: HistoryPosition | undefined;
    let pages = 0;
    do {
      const page = await queryHistory(spy, keys, { limit: 700, ...(after ? { after } : {}) });
      expect(page.rows.length).toBeLessThanOrEqual(700);
      seen.push(...page.rows);
      after = page.next ?? undefined;
      pages++;
    } while (after);
    expect(pages).toBe(4);
    expect(seen.map((h) => h.dialId)).toEqual([...rows].sort(compareHistory).map((h) => h.dialId));
    for (const [, min, max, ...rest] of calls) {
      const group = String(min) === String(max);
      const offset = Number(rest[rest.indexOf('LIMIT') + 1]);
      // A range read starts at 0 from an exclusive score cursor (or the very start).
      if (!group) expect([offset, String(min) === '-inf' || String(min).startsWith('(')]).toEqual([0, true]);
    }
    expect(calls.some(([, min, max, , offset]) => String(min) === String(max) && Number(offset) > 0)).toBe(true);
    await c.del(keys.hist('c'), keys.histc);
    c.disconnect();
  });
});

