/**
 * `dialerd history [--campaign ID] [--result R] [--from WHEN] [--to WHEN] [--limit N | --last N]
 * [--tz ZONE] [--format table|csv|json]`: call history from the daemon's control API.
 * WHEN is read here (history-time.ts: ISO 8601, `now`, `today`, `yesterday`, `-1h`…, in --tz)
 * and sent to the API as epoch ms. Every format follows the API's `next` pages (one bounded page
 * in memory at a time; CSV is written page by page) and prints instants the same way: ISO 8601
 * with --tz's offset (default UTC). `--last N` asks the API for `order=desc` and N rows: the
 * newest first, read from the end of the history (no walk over older rows). Table cells and JSON are
 * terminal-safe; CSV is data, written as is (formula-safe).
 */
import type { Command } from 'commander';
import type { HistoryRow } from '../domain/types.ts';
import type { ApiClient } from '../api/client.ts';
import { MAX_HISTORY_PAGE, type HistoryReply } from '../api/routes-history.ts';
import { historyCsv } from '../store/history-csv.ts';
import { terminalJson } from '../lib/terminal-safe.ts';
import { apiOptions, withApi, type ApiFlags } from './campaign.ts';
import { table } from './tables.ts';
import { isValidZone } from '../domain/windows.ts';
import { formatInstant, parseWhen } from './history-time.ts';
import type { Io } from './main.ts';

interface HistoryFlags extends ApiFlags {
  campaign?: string;
  result?: string;
  from?: string;
  to?: string;
  limit?: string;
  last?: string;
  tz?: string;
  format?: string;
}

/** What the flags ask, checked: instants as epoch ms, counts as numbers. */
export interface HistoryAsk {
  filter: Record<string, string>;
  limit: number;
  last: number | null;
  zone: string;
}

const FORMATS = ['table', 'csv', 'json'];
const INSTANT_FIELDS = ['startedAt', 'answeredAt', 'endedAt', 'nextAt'] as const;

/** The flags checked; a string is the usage error to print (exit 2). */
export function historyAsk(f: HistoryFlags, now: number): HistoryAsk | string {
  const zone = f.tz ?? 'UTC';
  if (!isValidZone(zone)) return `--tz: "${zone}" is not an IANA time zone (e.g. Europe/Moscow, UTC)`;
  const filter: Record<string, string> = {};
  if (f.campaign !== undefined) filter.campaign = f.campaign;
  if (f.result !== undefined) filter.result = f.result;
  for (const k of ['from', 'to'] as const) {
    if (f[k] === undefined) continue;
    const ms = parseWhen(f[k]!, zone, now);
    if (ms === null) return `--${k}: "${f[k]}" is not an instant (ISO 8601, now, today, yesterday, or an age such as -1h, -30m, -2d)`;
    filter[k] = String(ms);
  }
  for (const k of ['limit', 'last'] as const) {
    if (f[k] !== undefined && !/^[1-9]\d*$/.test(f[k]!)) return `--${k}: "${f[k]}" is not a positive integer`;
  }
  if (f.limit !== undefined && f.last !== undefined) return '--limit and --last: give one (the earliest N or the latest N)';
  return { filter, zone, limit: f.limit !== undefined ? Number(f.limit) : Number.POSITIVE_INFINITY, last: f.last !== undefined ? Number(f.last) : null };
}

/** Each page of matching rows (oldest first, or newest first for --last) until the limit or the end. */
async function* pages(api: ApiClient, ask: HistoryAsk): AsyncGenerator<HistoryRow[]> {
  let cursor: string | null = null;
  let got = 0;
  const limit = ask.last ?? ask.limit;
  const order: Record<string, string> = ask.last !== null ? { order: 'desc' } : {};
  do {
    const q = new URLSearchParams({ ...ask.filter, ...order, limit: String(Math.min(limit - got, MAX_HISTORY_PAGE)), format: 'json', ...(cursor ? { cursor } : {}) });
    const r: HistoryReply = await api.json<HistoryReply>('GET', `/history?${q.toString()}`);
    got += r.rows.length;
    cursor = r.next;
    yield r.rows;
  } while (cursor !== null && got < limit);
}

/** A row with its instants as text in `zone` (the JSON output). */
function withLocalTimes(r: HistoryRow, zone: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...r };
  for (const k of INSTANT_FIELDS) if (typeof r[k] === 'number') out[k] = formatInstant(r[k], zone);
  return out;
}

function historyTable(rows: HistoryRow[], zone: string): string {
  if (rows.length === 0) return 'no calls';
  return table(
    ['STARTED', 'CAMPAIGN', 'RECORD', 'NUMBER', 'RESULT', 'RING', 'TALK', 'ACTION', 'FINAL'],
    rows.map((r) => [formatInstant(r.startedAt, zone), r.campaign, r.record, r.number, r.result, r.ringSeconds, r.talkSeconds, r.action, r.final ?? '']),
  );
}

/** Registers `history` on the program; `done(code)` receives the exit code. */
export function registerHistoryCommand(program: Command, io: Io, done: (code: number) => void): void {
  apiOptions(
    program
      .command('history')
      .description('call history (one row per dial) from a running daemon')
      .option('--campaign <id>', 'only this campaign')
      .option('--result <result>', 'only dials with this result (answered, busy, no_answer …)')
      .option('--from <when>', 'started at or after: ISO 8601 (no offset: in --tz), now, today, yesterday, or an age (-1h, -30m, -2d)')
      .option('--to <when>', 'started before (same forms as --from)')
      .option('--limit <n>', 'at most this many rows (the earliest); default: all')
      .option('--last <n>', 'the latest N rows, newest first')
      .option('--tz <zone>', 'print instants in this IANA zone with its offset (default UTC)')
      .option('--format <format>', 'table | csv | json (default table; --json = json)'),
  ).action(async (f: HistoryFlags) => {
    const format = f.json ? 'json' : (f.format ?? 'table');
    const ask = historyAsk(f, Date.now());
    const usage = !FORMATS.includes(format) ? `--format: "${format}" is not one of ${FORMATS.join(', ')}` : typeof ask === 'string' ? ask : null;
    if (usage !== null || typeof ask === 'string') {
      io.err(`dialerd: ${usage}`);
      return done(2);
    }
    const instant = (ms: number): string => formatInstant(ms, ask.zone);
    done(await withApi(io, f, async (api) => {
      if (format === 'csv') {
        let all = '';
        let header = true;
        for await (const rows of pages(api, ask)) {
          const chunk = historyCsv(rows, { instant, header });
          header = false;
          if (io.write) io.write(chunk);
          else all += chunk;
        }
        if (!io.write) io.out(all);
        return;
      }
      const rows: HistoryRow[] = [];
      for await (const page of pages(api, ask)) rows.push(...page);
      io.out(format === 'json' ? terminalJson(JSON.stringify(rows.map((r) => withLocalTimes(r, ask.zone)), null, 2)) : historyTable(rows, ask.zone));
    }));
  });
}
