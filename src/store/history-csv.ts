/**
 * Call history as CSV (RFC 4180, CRLF): one header line, one line per dial, written by
 * csv-stringify with the formula-safe options of lib/csv-safe.ts. Instants are ISO 8601 UTC (or as the caller formats them),
 * nulls are empty, numbers are numbers, flags are `true` / `false`.
 */
import { stringify } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { pipeline, Readable } from 'node:stream';
import type { HistoryRow } from '../domain/types.ts';
import { SAFE_CSV } from '../lib/csv-safe.ts';

/** How an instant is written (epoch ms → text). */
export type InstantFormat = (ms: number) => string;
type Cell = (r: HistoryRow, t: (ms: number | null) => string | null) => string | number | null;

const utcIso: InstantFormat = (ms) => new Date(ms).toISOString();

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
  ['started_at', (r, t) => t(r.startedAt)],
  ['answered_at', (r, t) => t(r.answeredAt)],
  ['ended_at', (r, t) => t(r.endedAt)],
  ['ring_seconds', (r) => r.ringSeconds],
  ['talk_seconds', (r) => r.talkSeconds],
  ['result', (r) => r.result],
  ['interrupted', (r) => String(r.interrupted)],
  ['q850', (r) => r.q850],
  ['sip', (r) => r.sip],
  ['cause_name', (r) => r.causeName],
  ['amd_status', (r) => r.amdStatus],
  ['amd_cause', (r) => r.amdCause],
  ['action', (r) => r.action],
  ['next_at', (r, t) => t(r.nextAt)],
  ['final', (r) => r.final],
  ['held', (r) => (r.held === true ? 'true' : 'false')],
];

export function historyCsvHeader(): string {
  return COLUMNS.map(([name]) => name).join(',');
}

const OPTIONS = { ...SAFE_CSV, header: true, columns: COLUMNS.map(([name]) => name) };
const cells = (r: HistoryRow, instant: InstantFormat = utcIso): (string | number | null)[] =>
  COLUMNS.map(([, cell]) => cell(r, (ms) => (ms === null ? null : instant(ms))));

/**
 * CSV text of `rows` as a stream (header first, even for no rows): rows are pulled as the
 * reader consumes, so memory stays bounded by the stream buffers. An error from `rows` destroys
 * the returned stream with it.
 */
export function historyCsvStream(rows: AsyncIterable<HistoryRow>): Readable {
  const out = stringify(OPTIONS);
  pipeline(Readable.from(cellsOf(rows)), out, () => {
    // pipeline already destroyed `out` with the error; its reader sees it.
  });
  return out;
}

async function* cellsOf(rows: AsyncIterable<HistoryRow>): AsyncGenerator<(string | number | null)[]> {
  for await (const r of rows) yield cells(r);
}

/** The CSV text of `rows` at once (small exports, pages, tests); `header: false` for a page after the first. */
export function historyCsv(rows: HistoryRow[], opts: { instant?: InstantFormat; header?: boolean } = {}): string {
  return stringifySync(
    rows.map((r) => cells(r, opts.instant)),
    { ...OPTIONS, header: opts.header ?? true },
  );
}
