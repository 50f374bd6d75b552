/**
 * The Redis Store (production). Records live in Redis, not in the daemon's heap; every step
 * that moves a record or a counter is one Lua script (lua/*.lua), never read-modify-write
 * from Node. While Redis is unreachable every operation rejects quickly with
 * DIALERD_ERR_STORE_DOWN, the client reconnects by itself, and `onStatus` reports both.
 * An exclusive store's writes are fenced by the prefix's owner key (owner.ts): once another
 * daemon holds it they reject with DIALERD_ERR_STORE_FENCED and the store reports itself down.
 */
import type { CampaignCounts, CampaignRuntime, LiveDial, Store } from '../port.ts';
import { hourOf, minuteOf, RATE_HOURS, RATE_MINUTES, recentRates } from '../rate-buckets.ts';
import { isAnswer } from '../../domain/rates.ts';
import { addRecordsBulk } from './add-records.ts';
import { decodeRecord, dueArg, encodeHistory, encodeRecord } from './codec.ts';
import { connect, guard, type ConnectionOptions } from './connection.ts';
import { queryHistory } from './history.ts';
import { prefixPattern, storeKeys } from './keys.ts';
import { scanRecords } from './scan-records.ts';
import { ownPrefix, type ExclusiveOptions } from './prefix-owner.ts';
import { callFenced, defineScripts, type FencedScript } from './scripts.ts';

export type { ExclusiveOptions } from './prefix-owner.ts';

export interface RedisStoreOptions extends ConnectionOptions {
  /** Every key starts with it, e.g. 'dialerd:'. */
  prefix: string;
  /** Take the prefix's ownership (the daemon does): a second daemon on the prefix is refused
   *  with DIALERD_ERR_STORE_LOCKED (or waits, `standby`), and losing it reports the store down. */
  exclusive?: boolean | ExclusiveOptions;
}

const FINALIZE_BATCH = 5_000;
const RECOVER_BATCH = 2_000;

export async function createRedisStore(opts: RedisStoreOptions): Promise<Store> {
  const conn = await connect(opts);
  const r = conn.client;
  const k = storeKeys(opts.prefix);
  defineScripts(r);
  const ex: ExclusiveOptions | null = opts.exclusive ? (opts.exclusive === true ? {} : opts.exclusive) : null;
  const own = await ownPrefix(conn, k, ex).catch(async (e: unknown) => {
    await conn.close();
    throw e;
  });
  const fenced = own.fenced;
  const write = (name: FencedScript, keys: string[], args: (string | number)[]): Promise<unknown> => fenced(() => callFenced(r, name, own.fence, keys, args));

  const parseJson = <T>(raw: string | null): T | null => (raw === null ? null : (JSON.parse(raw) as T));

  return {
    kind: 'redis',

    getCampaign: (id) => guard(async () => parseJson<CampaignRuntime>(await r.hget(k.camp, id))),
    putCampaign: async (c) => void (await write('hset', [k.camp], [c.id, JSON.stringify(c)])),
    listCampaigns: () =>
      guard(async () => {
        const all = Object.values(await r.hgetall(k.camp)).map((v) => JSON.parse(v) as CampaignRuntime);
        return all.sort((a, b) => (a.id < b.id ? -1 : 1));
      }),

    addRecords: (campaign, records) => fenced(() => addRecordsBulk(r, k, own.fence, campaign, records)),
    getRecord: (campaign, id) =>
      guard(async () => {
        const raw = await r.hget(k.rec(campaign), id);
        return raw === null ? null : decodeRecord(raw);
      }),
    scanRecords: (campaign, q) => guard(() => scanRecords(r, k.rec(campaign), q)),
    claimDue: async (campaign, now, limit) => {
      if (limit <= 0) return [];
      const out = (await write('claim-due', [k.rec(campaign), k.due(campaign), k.cnt(campaign)], [now, limit])) as string[];
      return out.map(decodeRecord);
    },
    nextDueAt: (campaign) =>
      guard(async () => {
        const top = await r.zrange(k.due(campaign), 0, 0, 'WITHSCORES');
        return top.length === 2 ? Number(top[1]) : null;
      }),
    release: async (rec) => {
      const c = rec.campaign;
      await write('release', [k.rec(c), k.due(c), k.cnt(c)], [rec.id, encodeRecord(rec), rec.state, dueArg(rec)]);
    },
    finalizeAll: async (campaign, state, reason) => {
      const keys = [k.rec(campaign), k.due(campaign), k.cnt(campaign)];
      let moved = 0;
      for (;;) {
        const [n, scanned] = (await write('finalize-all', keys, [state, reason, FINALIZE_BATCH])) as [number, number];
        moved += n;
        if (scanned < FINALIZE_BATCH) return moved;
      }
    },
    removeRecord: async (campaign, id) => (await write('remove-record', [k.rec(campaign), k.due(campaign), k.cnt(campaign)], [id])) === 1,

    recoverDialing: async (campaign, liveRecordIds) => {
      const keys = [k.rec(campaign), k.due(campaign), k.cnt(campaign)];
      let cursor = '0';
      let moved = 0;
      do {
        const [next, n] = (await write('recover-dialing', keys, [cursor, RECOVER_BATCH, ...liveRecordIds])) as [string, number];
        cursor = String(next);
        moved += n;
      } while (cursor !== '0');
      return moved;
    },

    putLiveDial: async (d) => void (await write('hset', [k.live], [d.dialId, JSON.stringify(d)])),
    liveDials: () => guard(async () => Object.values(await r.hgetall(k.live)).map((v) => JSON.parse(v) as LiveDial)),
    settle: async (s) => {
      const c = s.record.campaign;
      const h = s.history;
      const keys = [k.settled, k.rec(c), k.due(c), k.cnt(c), k.live, k.hist(h.campaign), k.histc, k.use('campaign', h.campaign), k.use('trunk', h.trunk), k.rate(h.campaign)];
      const talkMs = Math.round(h.talkSeconds * 1000);
      const args = [s.dialId, s.record.id, encodeRecord(s.record), s.record.state, dueArg(s.record), encodeHistory(h), h.startedAt, h.result, h.campaign, talkMs,
        minuteOf(h.startedAt), hourOf(h.startedAt), isAnswer(h.result) ? 1 : 0, RATE_MINUTES, RATE_HOURS];
      return (await write('settle', keys, args)) === 1;
    },

    holdDial: async (campaign, h) => {
      const keys = [k.rec(campaign), k.due(campaign), k.cnt(campaign), k.hist(campaign)];
      const args = [h.before.id, encodeRecord(h.settled), encodeRecord(h.before), h.before.state, dueArg(h.before), h.dialId, h.startedAt];
      return (await write('hold-dial', keys, args)) === 1;
    },

    counts: (campaign) =>
      guard(async () => {
        const out: CampaignCounts = { states: {}, results: {}, dials: 0 };
        for (const [field, v] of Object.entries(await r.hgetall(k.cnt(campaign)))) {
          const n = Number(v);
          if (field === 'dials') out.dials = n;
          else if (n === 0) continue;
          else if (field.startsWith('s:')) (out.states as Record<string, number>)[field.slice(2)] = n;
          else if (field.startsWith('r:')) (out.results as Record<string, number>)[field.slice(2)] = n;
        }
        return out;
      }),
    usage: (scope, name) =>
      guard(async () => {
        const [dials, talkMs] = await r.hmget(k.use(scope, name), 'dials', 'talk_ms');
        return { dials: Number(dials ?? 0), talkSeconds: Number(talkMs ?? 0) / 1000 };
      }),
    rates: (campaign, now) =>
      guard(async () => {
        const fields = await r.hgetall(k.rate(campaign));
        return recentRates(now, (kind, i) => {
          const d = fields[`${kind}:${i}:d`];
          return d === undefined ? undefined : { dials: Number(d), answers: Number(fields[`${kind}:${i}:a`] ?? 0) };
        });
      }),
    history: (f) => guard(() => queryHistory(r, k, f)),

    clear: async () => {
      let cursor = '0';
      do {
        const [next, found] = await guard(() => r.scan(cursor, 'MATCH', prefixPattern(opts.prefix), 'COUNT', 1_000));
        cursor = next;
        // Our own owner keys stay: clearing the data does not give the prefix away.
        const mine = found.filter((key) => !ex || (key !== k.owner && key !== k.owned));
        if (mine.length > 0) await write('unlink', [], mine);
      } while (cursor !== '0');
    },
    takeover: (o) => own.takeover(o),
    close: async () => {
      await own.release();
      await conn.close();
    },
    onStatus: (cb) => own.onStatus(cb),
  };
}
