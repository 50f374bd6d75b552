/**
 * Streams a CSV file as rows of trimmed fields, each tagged with the physical line it starts on:
 * the delimiter is detected from the header line, lines come from csv-lines.ts (BOM, CRLF, a
 * bound on length), records from csv-records.ts (quoting, and recovery from a broken quote).
 */
import { open } from 'node:fs/promises';
import { DialerdError } from '../lib/errors.ts';
import { readLines } from './csv-lines.ts';
import { CsvRecords, type CsvOut } from './csv-records.ts';

/** One non-blank CSV record. `line` is 1-based, the physical line the record starts on. */
export interface CsvRow {
  line: number;
  fields: string[];
}

/** A problem with a line: an unclosed quote (the row is still read), a line too long (skipped). */
export interface CsvSkip {
  line: number;
  message: string;
}

export type Delimiter = ',' | ';' | '\t';

/** Longest line, and longest record (a quoted field may span lines), in characters: 64 Ki. */
export const MAX_RECORD_CHARS = 64 * 1024;
const SNIFF_BYTES = 64 * 1024;
const CANDIDATES: Delimiter[] = [',', ';', '\t'];

/** The candidate occurring most often outside quotes in `headerLine`; `,` on a tie or when none occurs. */
export function detectDelimiter(headerLine: string): Delimiter {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best: Delimiter = ',';
  for (const c of CANDIDATES) if ((counts.get(c) ?? 0) > (counts.get(best) ?? 0)) best = c;
  return best;
}

/** Reads the first line of `file` (BOM stripped, blank lines skipped) to choose the delimiter. */
export async function sniffDelimiter(file: string): Promise<Delimiter> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    throw new DialerdError('DIALERD_ERR_CONTACTS', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const first = text.split(/\r\n|\r|\n/).find((l) => l.trim() !== '') ?? '';
    return detectDelimiter(first);
  } finally {
    await handle.close();
  }
}

/**
 * Streams the rows of `file`, header included. Holds one record (at most MAX_RECORD_CHARS) in
 * memory. Problems (an unclosed quote, a line too long) go to `onSkip` in file order with the
 * rows; the file must exist.
 */
export async function* readCsvRows(file: string, onSkip: (s: CsvSkip) => void): AsyncGenerator<CsvRow, void, undefined> {
  const records = new CsvRecords(await sniffDelimiter(file), MAX_RECORD_CHARS);
  for await (const line of readLines(file, MAX_RECORD_CHARS)) yield* deliver(records.push(line), onSkip);
  yield* deliver(records.end(), onSkip);
}

function* deliver(outs: CsvOut[], onSkip: (s: CsvSkip) => void): Generator<CsvRow, void, undefined> {
  for (const o of outs) {
    if ('row' in o) yield o.row;
    else onSkip(o.problem);
  }
}
