/**
 * A quick first pass over a contact list: its data rows, counted as lines after the header. An
 * estimate for progress only: a quoted field spanning lines counts more than once, blank lines
 * count too, a file ending lines with a lone `\r` counts as one line.
 */
import { createReadStream } from 'node:fs';

export async function countRows(file: string): Promise<number> {
  let lines = 0;
  let last = -1;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
  }
  if (last !== -1 && last !== 0x0a) lines++; // a last line without its newline
  return Math.max(0, lines - 1);
}
