/**
 * The one place Redis keys are built. Every key starts with the store's prefix, so two stores
 * with different prefixes on one server never see each other (unless one prefix starts with
 * the other: `clear()` deletes by prefix).
 *
 *   {p}rec:{campaign}   hash  record id → record JSON
 *   {p}due:{campaign}   zset  record id scored by nextAt (pending/waiting records only)
 *   {p}cnt:{campaign}   hash  s:{state} → records, r:{result} → dials, dials → dials
 *   {p}hist:{campaign}  zset  history row JSON scored by startedAt
 *   {p}histc            set   campaigns that have history
 *   {p}live             hash  dialId → LiveDial JSON
 *   {p}settled          zset  dialIds already settled, by startedAt (idempotency of settle; kept 30 days)
 *   {p}camp             hash  campaign id → CampaignRuntime JSON
 *   {p}use:{scope}:{name} hash dials, talk_ms: lifetime usage of a campaign or a trunk (settle counts)
 *   {p}rate:{campaign}  hash  m:{minute}:d|a, h:{hour}:d|a → dials|answers by startedAt; m:last, h:last
 *                             the newest index written (store/rate-buckets.ts: the last 120 minutes, 48 hours)
 *   {p}owner            string the token of the daemon using this prefix (short TTL, renewed)
 *   {p}owned            string the token of the last daemon that took the prefix (no TTL)
 */
export interface StoreKeys {
  readonly prefix: string;
  rec(campaign: string): string;
  due(campaign: string): string;
  cnt(campaign: string): string;
  hist(campaign: string): string;
  use(scope: 'campaign' | 'trunk', name: string): string;
  rate(campaign: string): string;
  readonly histc: string;
  readonly live: string;
  readonly settled: string;
  readonly camp: string;
  readonly owner: string;
  readonly owned: string;
}

export function storeKeys(prefix: string): StoreKeys {
  return {
    prefix,
    rec: (c) => `${prefix}rec:${c}`,
    due: (c) => `${prefix}due:${c}`,
    cnt: (c) => `${prefix}cnt:${c}`,
    hist: (c) => `${prefix}hist:${c}`,
    use: (scope, name) => `${prefix}use:${scope}:${name}`,
    rate: (c) => `${prefix}rate:${c}`,
    histc: `${prefix}histc`,
    live: `${prefix}live`,
    settled: `${prefix}settled`,
    camp: `${prefix}camp`,
    owner: `${prefix}owner`,
    owned: `${prefix}owned`,
  };
}

/** Which builder made `key` (e.g. 'rec', 'live'), or null when it is not one of ours. */
export function keyKind(prefix: string, key: string): string | null {
  if (!key.startsWith(prefix)) return null;
  const rest = key.slice(prefix.length);
  if (rest === 'histc' || rest === 'live' || rest === 'settled' || rest === 'camp' || rest === 'owner' || rest === 'owned') return rest;
  const m = /^(rec|due|cnt|hist|use|rate):(.+)$/s.exec(rest);
  return m ? m[1]! : null;
}

/** A SCAN MATCH pattern for every key under `prefix` (glob metacharacters escaped). */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}
