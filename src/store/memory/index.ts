/**
 * The in-memory Store (tests, simulate, demo). Every method runs synchronously inside its
 * promise, so each one is atomic with respect to the others.
 */
import { isDeepStrictEqual } from 'node:util';
import type { DialRecord, FinalState, HistoryRow } from '../../domain/types.ts';
import { isFinal } from '../../domain/types.ts';
import { isAnswer } from '../../domain/rates.ts';
import { cloneRecord, compareHistory, historyOrder, matchesHistory, toPage } from '../common.ts';
import type { CampaignCounts, CampaignRuntime, HistoryPosition, HistoryQuery, LiveDial, Settlement, Store } from '../port.ts';
import { RateBuckets } from '../rate-buckets.ts';
import { CampaignBucket } from './bucket.ts';
import { DialerdError } from '../../lib/errors.ts';

export function createMemoryStore(): Store {
  let campaigns = new Map<string, CampaignRuntime>();
  let buckets = new Map<string, CampaignBucket>();
  let live = new Map<string, LiveDial>();
  let settled = new Set<string>();
  let hist = new Map<string, HistoryRow[]>();
  /** Lifetime usage by `campaign:<id>` / `trunk:<name>`, talk in whole ms as the redis store keeps it. */
  let usage = new Map<string, { dials: number; talkMs: number }>();
  let rates = new Map<string, RateBuckets>();
  const use = (key: string, talkMs: number): void => {
    const u = usage.get(key) ?? { dials: 0, talkMs: 0 };
    usage.set(key, { dials: u.dials + 1, talkMs: u.talkMs + talkMs });
  };

  const bucket = (c: string): CampaignBucket => {
    let b = buckets.get(c);
    if (!b) buckets.set(c, (b = new CampaignBucket()));
    return b;
  };

  return {
    kind: 'memory',

    async getCampaign(id) {
      const c = campaigns.get(id);
      return c ? { ...c } : null;
    },
    async putCampaign(c) {
      campaigns.set(c.id, { ...c });
    },
    async listCampaigns() {
      return [...campaigns.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map((c) => ({ ...c }));
    },

    async addRecords(campaign, records) {
      const b = bucket(campaign);
      let n = 0;
      for (const r of records) if (b.add({ ...r, campaign })) n++;
      return n;
    },
    async getRecord(campaign, id) {
      const r = buckets.get(campaign)?.get(id);
      return r ? cloneRecord(r) : null;
    },
    async scanRecords(campaign, q) {
      const from = q.cursor === null ? 0 : scanIndex(q.cursor);
      return buckets.get(campaign)?.scan(from, Math.max(1, q.count), q.state) ?? { rows: [], cursor: null };
    },
    async claimDue(campaign, now, limit) {
      return buckets.get(campaign)?.claim(now, limit) ?? [];
    },
    async nextDueAt(campaign) {
      return buckets.get(campaign)?.nextDueAt() ?? null;
    },
    async release(record) {
      const b = buckets.get(record.campaign);
      const cur = b?.get(record.id);
      if (!b || !cur || isFinal(cur.state)) return;
      b.write(record);
    },
    async finalizeAll(campaign, state: FinalState, reason) {
      return buckets.get(campaign)?.finalizeAll(state, reason) ?? 0;
    },
    async removeRecord(campaign, id) {
      const b = buckets.get(campaign);
      const cur = b?.get(id);
      if (!b || !cur || cur.state === 'removed') return false;
      b.write({ ...cur, state: 'removed', nextAt: null, finalReason: 'removed' });
      return true;
    },

    async recoverDialing(campaign, liveRecordIds) {
      return buckets.get(campaign)?.recoverDialing(new Set(liveRecordIds)) ?? 0;
    },

    async putLiveDial(d) {
      live.set(d.dialId, { ...d });
    },
    async liveDials() {
      return [...live.values()].map((d) => ({ ...d }));
    },
    async settle(s: Settlement) {
      if (settled.has(s.dialId)) return false;
      settled.add(s.dialId);
      const b = bucket(s.record.campaign);
      const cur = b.get(s.record.id);
      if (cur && !isFinal(cur.state)) b.write(s.record);
      b.countResult(s.history.result);
      const rows = hist.get(s.history.campaign) ?? [];
      hist.set(s.history.campaign, rows);
      insertSorted(rows, { ...s.history });
      const talkMs = Math.round(s.history.talkSeconds * 1000);
      use(`campaign:${s.history.campaign}`, talkMs);
      use(`trunk:${s.history.trunk}`, talkMs);
      let r = rates.get(s.history.campaign);
      if (!r) rates.set(s.history.campaign, (r = new RateBuckets()));
      r.add(s.history.startedAt, isAnswer(s.history.result));
      live.delete(s.dialId);
      return true;
    },

    async holdDial(campaign, h) {
      const b = buckets.get(campaign);
      const cur = b?.get(h.before.id);
      if (!b || !cur || !isDeepStrictEqual(cur, h.settled)) return false;
      b.write(h.before);
      const rows = hist.get(campaign) ?? [];
      // Held dials are recent: search from the end.
      for (let i = rows.length - 1; i >= 0; i--) {
        const r = rows[i]!;
        if (r.dialId === h.dialId) {
          rows[i] = { ...r, held: true };
          break;
        }
        if (r.startedAt < h.startedAt) break;
      }
      return true;
    },

    async counts(campaign): Promise<CampaignCounts> {
      return buckets.get(campaign)?.counts() ?? { states: {}, results: {}, dials: 0 };
    },
    async usage(scope, name) {
      const u = usage.get(`${scope}:${name}`);
      return { dials: u?.dials ?? 0, talkSeconds: (u?.talkMs ?? 0) / 1000 };
    },
    async rates(campaign, now) {
      return (rates.get(campaign) ?? new RateBuckets()).read(now);
    },
    async history(q: HistoryQuery) {
      const sources = q.campaign !== undefined ? [hist.get(q.campaign) ?? []] : [...hist.values()];
      // limit + 1 per campaign tells whether a row follows the page.
      const found = sources.flatMap((rows) => (q.order === 'desc' ? lastMatches : firstMatches)(rows, q, q.limit + 1));
      if (sources.length > 1) found.sort(historyOrder(q));
      const page = toPage(found, q.limit);
      return { ...page, rows: page.rows.map((r) => ({ ...r })) };
    },

    async clear() {
      campaigns = new Map();
      buckets = new Map();
      live = new Map();
      settled = new Set();
      hist = new Map();
      usage = new Map();
      rates = new Map();
    },
    async close() {},
  };
}

/** A memory scan cursor is an insertion index. */
function scanIndex(cursor: string): number {
  if (!/^\d{1,15}$/.test(cursor)) throw new DialerdError('DIALERD_ERR_USAGE', 'cursor: not a record cursor of this store');
  return Number(cursor);
}

/**
 * Rows mostly arrive in startedAt order, so this is nearly always an append; a binary search
 * keeps the rest O(log n) compares (many dials share a startedAt on the virtual clock, and
 * their dialIds do not sort in arrival order).
 */
function insertSorted(rows: HistoryRow[], r: HistoryRow): void {
  if (rows.length === 0 || compareHistory(rows[rows.length - 1]!, r) <= 0) rows.push(r);
  else rows.splice(firstIndex(rows, (x) => compareHistory(x, r) > 0), 0, r);
}

/** The first index of sorted `rows` where `from` holds (it holds for every later row too), or rows.length. */
function firstIndex(rows: HistoryRow[], from: (r: HistoryRow) => boolean): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (from(rows[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Up to `n` rows of one campaign's sorted history matching `q`, strictly after `q.after`. */
function firstMatches(rows: HistoryRow[], q: HistoryQuery, n: number): HistoryRow[] {
  const cursor = q.after !== undefined && (q.from === undefined || q.after.startedAt >= q.from) ? q.after : null;
  // dialId '' sorts before every id, so "at or after" this position is "startedAt ≥ from".
  const start: HistoryPosition = cursor ?? { startedAt: q.from ?? Number.NEGATIVE_INFINITY, dialId: '' };
  const past = (r: HistoryRow): boolean => (cursor ? compareHistory(r, start) > 0 : compareHistory(r, start) >= 0);
  const out: HistoryRow[] = [];
  for (let i = firstIndex(rows, past); i < rows.length && out.length < n; i++) {
    const r = rows[i]!;
    if (q.to !== undefined && r.startedAt >= q.to) break;
    if (matchesHistory(r, q)) out.push(r);
  }
  return out;
}

/** Up to `n` rows of one campaign's sorted history matching `q`, newest first, strictly before `q.after`. */
function lastMatches(rows: HistoryRow[], q: HistoryQuery, n: number): HistoryRow[] {
  const cursor = q.after !== undefined && (q.to === undefined || q.after.startedAt < q.to) ? q.after : null;
  // dialId '' sorts before every id, so "before" this position is "startedAt < to".
  const end: HistoryPosition = cursor ?? { startedAt: q.to ?? Number.POSITIVE_INFINITY, dialId: '' };
  const out: HistoryRow[] = [];
  for (let i = firstIndex(rows, (r) => compareHistory(r, end) >= 0) - 1; i >= 0 && out.length < n; i--) {
    const r = rows[i]!;
    if (q.from !== undefined && r.startedAt < q.from) break;
    if (matchesHistory(r, q)) out.push(r);
  }
  return out;
}
