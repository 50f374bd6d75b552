/**
 * The physical lines of a text file, streamed: BOM stripped, CRLF / LF / lone CR all ending a
 * line, and no line held past `maxChars` (a file with no newline cannot fill memory).
 */
import { createReadStream } from 'node:fs';

/** One physical line; `text` is null when the line was longer than the limit (its text is dropped). */
export interface Line {
  /** 1-based. */
  number: number;
  text: string | null;
}

export async function* readLines(file: string, maxChars: number): AsyncGenerator<Line, void, undefined> {
  const source = createReadStream(file, { encoding: 'utf8' });
  let number = 0;
  let partial = '';
  let tooLong = false;
  let first = true;
  let pendingCr = false; // the chunk ended in \r: a \n opening the next one belongs to it
  try {
    for await (const chunk of source as AsyncIterable<string>) {
      let text = chunk;
      if (first) {
        text = text.replace(/^\uFEFF/, '');
        first = false;
      }
      if (pendingCr && text.startsWith('\n')) text = text.slice(1);
      pendingCr = text.endsWith('\r');
      const parts = text.split(/\r\n|\r|\n/);
      for (let i = 0; i < parts.length - 1; i++) {
        yield { number: ++number, text: tooLong || partial.length + parts[i]!.length > maxChars ? null : partial + parts[i] };
        partial = '';
        tooLong = false;
      }
      const rest = parts[parts.length - 1]!;
      if (tooLong || partial.length + rest.length > maxChars) {
        tooLong = true;
        partial = '';
      } else {
        partial += rest;
      }
    }
    if (partial !== '' || tooLong) yield { number: ++number, text: tooLong ? null : partial };
  } finally {
    source.destroy();
  }
}
