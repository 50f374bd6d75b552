/**
 * `dialerd record show CAMPAIGN RECORD` (one record explained: numbers, dials, why it waits) and
 * `dialerd record list CAMPAIGN [--state S] [--why REASON] [--limit N]`, from the control API.
 * Instants print as ISO 8601 in --tz (default UTC); text from outside is terminal-safe.
 */
import type { Command } from 'commander';
import { seg } from '../api/client.ts';
import type { RecordRow, RecordView } from '../api/record-view.ts';
import { MAX_RECORD_PAGE, type RecordListReply } from '../api/routes-records.ts';
import { isValidZone } from '../domain/windows.ts';
import { terminalJson, terminalText } from '../lib/terminal-safe.ts';
import { apiOptions, withApi, type ApiFlags } from './campaign.ts';
import { table } from './tables.ts';
import { formatInstant } from './history-time.ts';
import type { Io } from './main.ts';

interface ShowFlags extends ApiFlags {
  tz?: string;
}
interface ListFlags extends ShowFlags {
  state?: string;
  why?: string;
  limit?: string;
}

function numberNote(n: RecordView['numbers'][number]): string {
  return [n.current ? 'current' : '', n.dnc ? 'dnc' : '', n.exhausted ? 'per_number reached' : ''].filter(Boolean).join(', ');
}

export function showText(r: RecordView, zone: string): string {
  const at = (ms: number | null): string => (ms === null ? '-' : formatInstant(ms, zone));
  const lines = [
    `record    ${r.id} (campaign ${r.campaign})`,
    `state     ${r.state}${r.finalReason && r.finalReason !== r.state ? ` (${r.finalReason})` : ''}`,
    `attempts  ${r.attempts}, dials ${r.dials}, last result ${r.lastResult ?? '-'}`,
    `next_at   ${at(r.nextAt)}`,
    `why       ${r.why.reason}: ${r.why.detail}${r.why.until !== null ? ` — until ${at(r.why.until)}` : ''}`,
  ];
  for (const [i, w] of (r.why.windows ?? []).entries()) {
    lines.push(`${i === 0 ? 'window' : ''.padEnd(6)}    ${w.zone} ${w.localTime}: ${w.open ? 'open' : `closed, opens ${at(w.opensAt)}`}`);
  }
  lines.push('', r.numbers.length === 0 ? 'no dialable number' : table(['#', 'NUMBER', 'ATTEMPTS', 'ZONES', 'NOTE'], r.numbers.map((n) => [n.index, n.number, n.attempts, n.zones.join(' ') || '-', numberNote(n)])));
  lines.push('');
  if (r.history.length === 0) lines.push('no dials');
  else {
    lines.push(
      table(
        ['STARTED', 'NUMBER', 'RESULT', 'RING', 'TALK', 'ACTION', 'NEXT'],
        r.history.map((h) => [at(h.startedAt), h.number, `${h.result}${h.held ? ' (held)' : ''}`, h.ringSeconds, h.talkSeconds, h.final ?? h.action, at(h.nextAt)]),
      ),
    );
  }
  if (r.historyNote) lines.push(`(${r.historyNote})`);
  return lines.join('\n');
}

export function listText(rows: RecordRow[], zone: string, more: boolean): string {
  const body = rows.length === 0 ? 'no records' : table(['RECORD', 'STATE', 'NUMBER', 'ATTEMPTS', 'WHY', 'UNTIL', 'DETAIL'], rows.map((r) => [r.id, r.state, r.number ?? '-', r.attempts, r.why, r.until === null ? '-' : formatInstant(r.until, zone), r.detail]));
  return more ? `${body}\n(more records may follow: raise --limit)` : body;
}

/** Registers `record show|list` on the program; `done(code)` receives the exit code. */
export function registerRecordCommands(program: Command, io: Io, done: (code: number) => void): void {
  const record = program.command('record').description("one campaign's records: why each waits (from a running daemon's control API)");
  const zoneOf = (f: ShowFlags): string | null => {
    const zone = f.tz ?? 'UTC';
    if (isValidZone(zone)) return zone;
    io.err(`dialerd: --tz: "${zone}" is not an IANA time zone (e.g. Europe/Moscow, UTC)`);
    return null;
  };
  const out = (f: ApiFlags, data: unknown, human: string): void => io.out(f.json ? terminalJson(JSON.stringify(data, null, 2)) : terminalText(human));

  apiOptions(
    record
      .command('show')
      .argument('<campaign>')
      .argument('<record>')
      .description('one record: state, numbers, attempts, its dials (newest first) and why it is not being called now')
      .option('--tz <zone>', 'print instants in this IANA zone (default UTC)'),
  ).action(async (campaign: string, id: string, f: ShowFlags) => {
    const zone = zoneOf(f);
    if (zone === null) return done(2);
    done(await withApi(io, f, async (api) => {
      const r = await api.json<RecordView>('GET', `/campaigns/${seg(campaign)}/records/${seg(id)}`);
      out(f, r, showText(r, zone));
    }));
  });

  apiOptions(
    record
      .command('list')
      .argument('<campaign>')
      .description("a campaign's records with why each waits, filtered by state and reason")
      .option('--state <state>', 'only records in this state (pending, waiting, dialing, done, …)')
      .option('--why <reason>', 'only records waiting for this reason (window, retry, cap, …)')
      .option('--limit <n>', 'at most this many records (default 100)')
      .option('--tz <zone>', 'print instants in this IANA zone (default UTC)'),
  ).action(async (campaign: string, f: ListFlags) => {
    const zone = zoneOf(f);
    if (zone === null) return done(2);
    if (f.limit !== undefined && !/^[1-9]\d*$/.test(f.limit)) {
      io.err(`dialerd: --limit: "${f.limit}" is not a positive integer`);
      return done(2);
    }
    const limit = f.limit === undefined ? 100 : Number(f.limit);
    done(await withApi(io, f, async (api) => {
      const rows: RecordRow[] = [];
      let cursor: string | null = null;
      do {
        const q = new URLSearchParams({ limit: String(Math.min(limit - rows.length, MAX_RECORD_PAGE)), ...(f.state ? { state: f.state } : {}), ...(f.why ? { why: f.why } : {}), ...(cursor ? { cursor } : {}) });
        const page: RecordListReply = await api.json<RecordListReply>('GET', `/campaigns/${seg(campaign)}/records?${q.toString()}`);
        rows.push(...page.records);
        cursor = page.next;
      } while (cursor !== null && rows.length < limit);
      out(f, { records: rows, more: cursor !== null }, listText(rows, zone, cursor !== null));
    }));
  });
}
