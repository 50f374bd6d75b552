/**
 * `dialerd history [--campaign ID] [--result R] [--from ISO] [--to ISO] [--limit N]
 * [--format table|csv|json]`: call history from the daemon's control API. Instants are checked
 * by the API (ISO 8601 or epoch ms); a bad one is a usage error (exit 2).
 */
import type { Command } from 'commander';
import type { HistoryRow } from '../domain/types.ts';
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
export function historyQuery(f: HistoryFlags, format: 'json' | 'csv'): string {
  const q = new URLSearchParams();
  for (const k of ['campaign', 'result', 'from', 'to', 'limit'] as const) if (f[k] !== undefined) q.set(k, f[k]!);
  q.set('format', format);
  return q.toString();
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
      .option('--limit <n>', 'at most this many rows (the earliest)')
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
      if (format === 'csv') return io.out(await api.text(`/history?${historyQuery(f, 'csv')}`));
      const r = await api.json<{ rows: HistoryRow[] }>('GET', `/history?${historyQuery(f, 'json')}`);
      io.out(format === 'json' ? JSON.stringify(r.rows, null, 2) : historyTable(r.rows));
    }));
  });
}
