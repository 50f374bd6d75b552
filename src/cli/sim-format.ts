/** Output formats of `dialerd simulate`: jsonl (the contract), csv, summary. */
import { DateTime } from 'luxon';
import { stringify } from 'csv-stringify/sync';
import type { HistoryRow } from '../domain/types.ts';
import { SAFE_CSV } from '../lib/csv-safe.ts';
import { terminalJson } from '../lib/terminal-safe.ts';
import type { FinalEvent } from '../engine/types.ts';

export type SimLine =
  | { kind: 'dial'; at: number; seq: number; row: HistoryRow }
  | { kind: 'final'; at: number; seq: number; e: FinalEvent };

export function iso(ms: number | null, zone: string): string | null {
  return ms === null ? null : DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true });
}

export function dialJson(r: HistoryRow, zone: string): Record<string, unknown> {
  return {
    at: iso(r.startedAt, zone),
    campaign: r.campaign,
    record: r.record,
    number: r.number,
    number_index: r.numberIndex,
    attempt: r.attempt,
    dial: r.dial,
    result: r.result,
    q850: r.q850,
    sip: r.sip,
    ring_s: r.ringSeconds,
    talk_s: r.talkSeconds,
    action: r.action,
    next_at: iso(r.nextAt, zone),
  };
}

/** Events in time order (dials by their start, finals when they happened; ties keep event order). */
export function ordered(lines: SimLine[]): SimLine[] {
  return [...lines].sort((a, b) => a.at - b.at || a.seq - b.seq);
}

export function jsonl(lines: SimLine[], zone: string): string[] {
  return ordered(lines).map((l) =>
    terminalJson(JSON.stringify(l.kind === 'dial' ? dialJson(l.row, zone) : { at: iso(l.at, zone), record: l.e.record, final: l.e.state })),
  );
}

const CSV_COLS = ['at', 'campaign', 'record', 'number', 'number_index', 'attempt', 'dial', 'result', 'q850', 'sip', 'ring_s', 'talk_s', 'action', 'next_at'];

/** The dials as CSV (formula-safe: lib/csv-safe.ts; LF records as this command always wrote), one text. */
export function csv(lines: SimLine[], zone: string): string {
  const rows = ordered(lines).filter((l): l is Extract<SimLine, { kind: 'dial' }> => l.kind === 'dial');
  return stringify(
    rows.map((l) => dialJson(l.row, zone)),
    { ...SAFE_CSV, record_delimiter: 'unix', header: true, columns: CSV_COLS },
  );
}

export function summary(lines: SimLine[], zone: string, end: number, state: string): string[] {
  const results = new Map<string, number>();
  const finals = new Map<string, number>();
  const perRecord = new Map<string, number>();
  let first: number | null = null;
  for (const l of lines) {
    if (l.kind === 'dial') {
      results.set(l.row.result, (results.get(l.row.result) ?? 0) + 1);
      perRecord.set(l.row.record, (perRecord.get(l.row.record) ?? 0) + 1);
      first = first === null ? l.row.startedAt : Math.min(first, l.row.startedAt);
    } else finals.set(l.e.state, (finals.get(l.e.state) ?? 0) + 1);
  }
  const dist = new Map<number, number>();
  for (const n of perRecord.values()) dist.set(n, (dist.get(n) ?? 0) + 1);
  const total = [...results.values()].reduce((a, b) => a + b, 0);
  const out = [`dials: ${total}`, 'results:'];
  for (const [k, v] of [...results].sort((a, b) => b[1] - a[1])) out.push(`  ${k.padEnd(16)} ${String(v).padStart(7)}`);
  out.push('final states:');
  for (const [k, v] of [...finals].sort((a, b) => b[1] - a[1])) out.push(`  ${k.padEnd(16)} ${String(v).padStart(7)}`);
  out.push('dials per record:');
  for (const [k, v] of [...dist].sort((a, b) => a[0] - b[0])) out.push(`  ${String(k).padStart(3)} dials  ${String(v).padStart(7)} records`);
  const span = first === null ? 'no dials' : `${iso(first, zone)} .. ${iso(end, zone)} (${DateTime.fromMillis(end).diff(DateTime.fromMillis(first), ['days', 'hours', 'minutes']).toHuman({ maximumFractionDigits: 0 })})`;
  out.push(`virtual span: ${span}`);
  out.push(`campaign state: ${state}`);
  return out;
}
