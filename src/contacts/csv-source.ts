/**
 * Streams a CSV file as rows of trimmed fields, each tagged with the physical line it starts on.
 * csv-parse does the quoting; this module adds what it lacks for contact lists: delimiter
 * detection from the header line, CRLF/CR normalization (csv-parse miscounts lines on CRLF
 * inside quotes), exact start-line numbers, field trimming and blank-row skipping.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { DialerdError } from '../lib/errors.ts';

/** One non-blank CSV record. `line` is 1-based, the physical line the record starts on. */
export interface CsvRow {
  line: number;
  fields: string[];
}

/** A record csv-parse could not read (unclosed quote, oversized record). */
export interface CsvSkip {
  line: number;
  message: string;
}

export type Delimiter = ',' | ';' | '\t';

/** Records larger than this are refused, so an unclosed quote cannot pull the whole file into memory. */
export const MAX_RECORD_CHARS = 1 << 20;
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

/** Strips a leading BOM and turns CRLF and lone CR into LF, across chunk boundaries. */
class NewlineNormalizer extends Transform {
  private first = true;
  private pendingCr = false;
  constructor() {
    super({ decodeStrings: false, encoding: 'utf8' });
  }
  override _transform(chunk: string | Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let text = (this.pendingCr ? '\r' : '') + chunk.toString();
    if (this.first) {
      text = text.replace(/^\uFEFF/, '');
      this.first = false;
    }
    this.pendingCr = text.endsWith('\r');
    if (this.pendingCr) text = text.slice(0, -1);
    done(null, text.replace(/\r\n?/g, '\n'));
  }
  override _flush(done: TransformCallback): void {
    done(null, this.pendingCr ? '\n' : '');
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** A field's text: trimmed, and unquoted when the quotes were surrounded by spaces (` "x" `). */
function cleanField(raw: string): string {
  const t = raw.trim();
  if (t !== raw && t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/""/g, '"');
  return t;
}

/**
 * Streams the rows of `file`, header included. Never holds more than one record (plus stream
 * buffers) in memory. Unreadable records are passed to `onSkip`; the file must exist.
 */
export async function* readCsvRows(
  file: string,
  onSkip: (s: CsvSkip) => void,
): AsyncGenerator<CsvRow, void, undefined> {
  const delimiter = await sniffDelimiter(file);
  const source = createReadStream(file, { encoding: 'utf8' });
  let consumed = 0; // newlines in everything csv-parse has handed back so far
  const parser = parse({
    delimiter,
    info: true,
    raw: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      const text = raw ?? '';
      const lead = /^\n*/.exec(text)?.[0].length ?? 0;
      onSkip({ line: consumed + lead + 1, message: `unreadable record (${err?.code ?? 'error'}); the rest of the file may be lost` });
      consumed += countNewlines(text);
      return undefined;
    },
  });
  const stream = source.pipe(new NewlineNormalizer()).pipe(parser);
  source.on('error', (e) => parser.destroy(e));
  try {
    for await (const item of stream as AsyncIterable<{ record: string[]; raw: string }>) {
      const lead = /^\n*/.exec(item.raw)?.[0].length ?? 0;
      const line = consumed + lead + 1;
      consumed += countNewlines(item.raw);
      const fields = item.record.map(cleanField);
      if (fields.every((f) => f === '')) continue;
      yield { line, fields };
    }
  } finally {
    source.destroy();
  }
}
