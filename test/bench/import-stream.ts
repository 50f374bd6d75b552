/**
 * Importing a large contact file (moved here from the unit suite: it writes ~35 MB): every row
 * streamed in batches, and the heap kept well under the file's size. Throws when the import does
 * not do its work or holds a third of the file; prints the figures.
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { importContacts } from '../../src/contacts/import.ts';

export const IMPORT_HEAD = ['rows', 'file MB', 'batches', 'peak heap MB', 'seconds'];

// A note wide enough that the file dwarfs what the importer must keep (the ids it has seen).
const NOTE =
  'customer asked to call back about the overdue invoice, prefers mornings; ' +
  'mentioned a second address, wants the statement by e-mail, do not offer the new tariff again';

export async function importStream(rows: number): Promise<(string | number)[][]> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const dir = mkdtempSync(join(tmpdir(), 'dialerd-stream-'));
  const path = join(dir, 'big.csv');
  try {
    const out = createWriteStream(path);
    out.write('id,phone,name,amount,note\n');
    for (let i = 0; i < rows; i++) {
      const line = `${i},+7916${String(i).padStart(7, '0')},"Name ${i}",${i % 1000}.00,"${NOTE}"\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const size = statSync(path).size;
    gc();
    const base = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    let seen = 0;
    let batches = 0;
    let peak = 0;
    const report = await importContacts({ file: path, region: 'RU', campaign: 'big', now: 0, batchSize: 1000 }, async (b) => {
      batches++;
      seen += b.length;
      if (batches % 20 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
    });
    const seconds = (performance.now() - t0) / 1000;
    if (seen !== rows || report.valid !== rows || report.problems.length > 0) throw new Error(`import did ${seen} of ${rows} rows (${report.valid} valid)`);
    // What stays live: the id set (duplicate ids), a fraction of the file, and the numbers taken for
    // `duplicates: dial_once` (domain/record-numbers.ts NumberBook, ~46 bytes a number).
    if (peak >= size / 3 + 50 * rows) throw new Error(`import held ${peak} bytes of heap for a ${size}-byte file`);
    return [[rows, size / 1e6, batches, peak / 1e6, seconds]];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
