/**
 * Call history as CSV (RFC 4180): one header line, one line per dial. Lines carry no line
 * break; join them with CRLF as RFC 4180 says. Instants are ISO 8601 UTC, nulls are empty.
 */
import type { HistoryRow } from '../domain/types.ts';

type Cell = (r: HistoryRow) => string | number | null;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const COLUMNS: [string, Cell][] = [
  ['dial_id', (r) => r.dialId],
  ['campaign', (r) => r.campaign],
  ['record', (r) => r.record],
  ['number', (r) => r.number],
  ['number_index', (r) => r.numberIndex],
  ['attempt', (r) => r.attempt],
  ['dial', (r) => r.dial],
  ['caller_id', (r) => r.callerId],
  ['trunk', (r) => r.trunk],
  ['pbx', (r) => r.pbx],
  ['started_at', (r) => iso(r.startedAt)],
  ['answered_at', (r) => iso(r.answeredAt)],
  ['ended_at', (r) => iso(r.endedAt)],
  ['ring_seconds', (r) => r.ringSeconds],
  ['talk_seconds', (r) => r.talkSeconds],
  ['result', (r) => r.result],
  ['q850', (r) => r.q850],
  ['sip', (r) => r.sip],
  ['cause_name', (r) => r.causeName],
  ['amd_status', (r) => r.amdStatus],
  ['amd_cause', (r) => r.amdCause],
  ['action', (r) => r.action],
  ['next_at', (r) => iso(r.nextAt)],
  ['final', (r) => r.final],
];

/** Quotes a field when it holds a comma, a double quote, CR or LF; inner quotes are doubled. */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function historyCsvHeader(): string {
  return COLUMNS.map(([name]) => name).join(',');
}

export function historyRowToCsv(r: HistoryRow): string {
  return COLUMNS.map(([, cell]) => csvField(cell(r))).join(',');
}
