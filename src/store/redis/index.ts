/**
 * The Redis Store (production). Records live in Redis, not in the daemon's heap; every step
 * that moves a record or a counter is one Lua script (lua/*.lua), never read-modify-write
 * from Node. While Redis is unreachable every operation rejects quickly with
 * DIALERD_ERR_STORE_DOWN, the client reconnects by itself, and `onStatus` reports both.
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
import { claimOwnership, type OwnershipOptions } from './owner.ts';
import { callScript, defineScripts } from './scripts.ts';

export interface RedisStoreOptions extends Omit<ConnectionOptions, 'url'> {
  url: string;
  /** Every key starts with it, e.g. 'dialerd:'. */
  prefix: string;
  /** Take the prefix's ownership (the daemon does): a second daemon on the prefix is refused
   *  with DIALERD_ERR_STORE_LOCKED, and losing it reports the store down. */
  exclusive?: boolean | OwnershipOptions;
}

const FINALIZE_BATCH = 5_000;
const RECOVER_BATCH = 2_000;

export async function createRedisStore(opts: RedisStoreOptions): Promise<Store> {
  const conn = await connect(opts);
  const r = conn.client;
  const k = storeKeys(opts.prefix);
  defineScripts(r);
  const owner = opts.exclusive ? await claimOwnership(r, k.owner, opts.prefix, opts.exclusive === true ? {} : opts.exclusive).catch(async (e: unknown) => {
    await conn.close();
    throw e;
  }) : null;

  const parseJson = <T>(raw: string | null): T | null => (raw === null ? null : (JSON.parse(raw) as T));

  return {
    kind: 'redis',

    getCampaign: (id) => guard(async () => parseJson<CampaignRuntime>(await r.hget(k.camp, id))),
    putCampaign: (c) => guard(async () => void (await r.hset(k.camp, c.id, JSON.stringify(c)))),
    listCampaigns: () =>
      guard(async () => {
        const all = Object.values(await r.hgetall(k.camp)).map((v) => JSON.parse(v) as CampaignRuntime);
        return all.sort((a, b) => (a.id < b.id ? -1 : 1));
      }),

    addRecords: (campaign, records) => guard(() => addRecordsBulk(r, k, campaign, records)),
    getRecord: (campaign, id) =>
      guard(async () => {
        const raw = await r.hget(k.rec(campaign), id);
        return raw === null ? null : decodeRecord(raw);
      }),
    scanRecords: (campaign, q) => guard(() => scanRecords(r, k.rec(campaign), q)),
    claimDue: (campaign, now, limit) =>
      guard(async () => {
        if (limit <= 0) return [];
        const out = (await callScript(r, 'claim-due', [k.rec(campaign), k.due(campaign), k.cnt(campaign)], [now, limit])) as string[];
        return out.map(decodeRecord);
      }),
    nextDueAt: (campaign) =>
      guard(async () => {
        const top = await r.zrange(k.due(campaign), 0, 0, 'WITHSCORES');
        return top.length === 2 ? Number(top[1]) : null;
      }),
    release: (rec) =>
      guard(async () => {
        const c = rec.campaign;
        await callScript(r, 'release', [k.rec(c), k.due(c), k.cnt(c)], [rec.id, encodeRecord(rec), rec.state, dueArg(rec)]);
      }),
    finalizeAll: (campaign, state, reason) =>
      guard(async () => {
        const keys = [k.rec(campaign), k.due(campaign), k.cnt(campaign)];
        let moved = 0;
        for (;;) {
          const [n, scanned] = (await callScript(r, 'finalize-all', keys, [state, reason, FINALIZE_BATCH])) as [number, number];
          moved += n;
          if (scanned < FINALIZE_BATCH) return moved;
        }
      }),
    removeRecord: (campaign, id) =>
      guard(async () => (await callScript(r, 'remove-record', [k.rec(campaign), k.due(campaign), k.cnt(campaign)], [id])) === 1),

    recoverDialing: (campaign, liveRecordIds) =>
      guard(async () => {
        const keys = [k.rec(campaign), k.due(campaign), k.cnt(campaign)];
        let cursor = '0';
        let moved = 0;
        do {
          const [next, n] = (await callScript(r, 'recover-dialing', keys, [cursor, RECOVER_BATCH, ...liveRecordIds])) as [string, number];
          cursor = String(next);
          moved += n;
        } while (cursor !== '0');
        return moved;
      }),

    putLiveDial: (d) => guard(async () => void (await r.hset(k.live, d.dialId, JSON.stringify(d)))),
    liveDials: () => guard(async () => Object.values(await r.hgetall(k.live)).map((v) => JSON.parse(v) as LiveDial)),
    settle: (s) =>
      guard(async () => {
        const c = s.record.campaign;
        const h = s.history;
        const keys = [k.settled, k.rec(c), k.due(c), k.cnt(c), k.live, k.hist(h.campaign), k.histc, k.use('campaign', h.campaign), k.use('trunk', h.trunk), k.rate(h.campaign)];
        const talkMs = Math.round(h.talkSeconds * 1000);
        const args = [s.dialId, s.record.id, encodeRecord(s.record), s.record.state, dueArg(s.record), encodeHistory(h), h.startedAt, h.result, h.campaign, talkMs,
          minuteOf(h.startedAt), hourOf(h.startedAt), isAnswer(h.result) ? 1 : 0, RATE_MINUTES, RATE_HOURS];
        return (await callScript(r, 'settle', keys, args)) === 1;
      }),

    holdDial: (campaign, h) =>
      guard(async () => {
        const keys = [k.rec(campaign), k.due(campaign), k.cnt(campaign), k.hist(campaign)];
        const args = [h.before.id, encodeRecord(h.settled), encodeRecord(h.before), h.before.state, dueArg(h.before), h.dialId, h.startedAt];
        return (await callScript(r, 'hold-dial', keys, args)) === 1;
      }),

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

    clear: () =>
      guard(async () => {
        let cursor = '0';
        do {
          const [next, found] = await r.scan(cursor, 'MATCH', prefixPattern(opts.prefix), 'COUNT', 1_000);
          cursor = next;
          if (found.length > 0) await r.unlink(...found);
        } while (cursor !== '0');
      }),
    close: async () => {
      await owner?.release();
      await conn.close();
    },
    onStatus: (cb) => {
      // Up only while connected AND owning the prefix.
      let connected = true;
      const report = (reason: string | null): void => cb(connected && (owner?.held() ?? true), reason);
      owner?.onChange((_held, reason) => report(reason));
      return conn.onStatus((up, reason) => {
        connected = up;
        report(reason);
      });
    },
  };
}
