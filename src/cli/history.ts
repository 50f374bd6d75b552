/**
 * `dialerd history [--campaign ID] [--result R] [--from ISO] [--to ISO] [--limit N]
 * [--format table|csv|json]`: call history from the daemon's control API. Instants are checked
 * by the API (ISO 8601 or epoch ms); a bad one is a usage error (exit 2). Table and JSON follow
 * the API's `next` pages until `--limit` rows or the end; CSV is one streamed export, written
 * to stdout as it arrives. Table cells and JSON are terminal-safe; CSV is data, written as is.
 */
import type { Command } from 'commander';
import type { HistoryRow } from '../domain/types.ts';
import type { ApiClient } from '../api/client.ts';
import { MAX_HISTORY_PAGE, type HistoryReply } from '../api/routes-history.ts';
import { terminalJson } from '../lib/terminal-safe.ts';
import { apiOptions, table, withApi, type ApiFlags } from './campaign.ts';
import type { Io } from './main.ts';

interface HistoryFlags extends ApiFlags {
  campaign?: string;
  result?: string;
  from?: string;
  to?: string;
  limit?: string;
  format?: string;
}

const FORMATS = ['table', 'csv', 'json'];
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function historyTable(rows: HistoryRow[]): string {
  if (rows.length === 0) return 'no calls';
  return table(
    ['STARTED', 'CAMPAIGN', 'RECORD', 'NUMBER', 'RESULT', 'RING', 'TALK', 'ACTION', 'FINAL'],
    rows.map((r) => [iso(r.startedAt), r.campaign, r.record, r.number, r.result, r.ringSeconds, r.talkSeconds, r.action, r.final ?? '']),
  );
}

/** The API query string for the flags (only the ones given). */
export function historyQuery(f: HistoryFlags, format: 'json' | 'csv', extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const k of ['campaign', 'result', 'from', 'to', 'limit'] as const) if (f[k] !== undefined) q.set(k, f[k]!);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  q.set('format', format);
  return q.toString();
}

/** Rows page by page (each at most the API's maximum) until `limit` or the end. */
async function fetchRows(api: ApiClient, f: HistoryFlags): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  const limit = f.limit !== undefined ? Number(f.limit) : Number.POSITIVE_INFINITY;
  let cursor: string | null = null;
  do {
    const page = String(Math.min(limit - rows.length, MAX_HISTORY_PAGE));
    const r: HistoryReply = await api.json<HistoryReply>('GET', `/history?${historyQuery(f, 'json', { limit: page, ...(cursor ? { cursor } : {}) })}`);
    rows.push(...r.rows);
    cursor = r.next;
  } while (cursor !== null && rows.length < limit);
  return rows;
}

/** Registers `history` on the program; `done(code)` receives the exit code. */
export function registerHistoryCommand(program: Command, io: Io, done: (code: number) => void): void {
  apiOptions(
    program
      .command('history')
      .description('call history (one row per dial) from a running daemon')
      .option('--campaign <id>', 'only this campaign')
      .option('--result <result>', 'only dials with this result (answered, busy, no_answer …)')
      .option('--from <instant>', 'started at or after (ISO 8601, e.g. 2026-11-22T09:00:00Z)')
      .option('--to <instant>', 'started before (ISO 8601)')
      .option('--limit <n>', 'at most this many rows (the earliest); default: all')
      .option('--format <format>', 'table | csv | json (default table; --json = json)'),
  ).action(async (f: HistoryFlags) => {
    const format = f.json ? 'json' : (f.format ?? 'table');
    if (!FORMATS.includes(format)) {
      io.err(`dialerd: --format: "${format}" is not one of ${FORMATS.join(', ')}`);
      return done(2);
    }
    if (f.limit !== undefined && !/^[1-9]\d*$/.test(f.limit)) {
      io.err(`dialerd: --limit: "${f.limit}" is not a positive integer`);
      return done(2);
    }
    done(await withApi(io, f, async (api) => {
      if (format === 'csv') {
        let all = '';
        for await (const chunk of api.textChunks(`/history?${historyQuery(f, 'csv')}`)) {
          if (io.write) io.write(chunk);
          else all += chunk;
        }
        if (!io.write) io.out(all);
        return;
      }
      const rows = await fetchRows(api, f);
      io.out(format === 'json' ? terminalJson(JSON.stringify(rows, null, 2)) : historyTable(rows));
    }));
  });
}
