import { createWriteStream, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { importContacts } from '../../src/contacts/import.ts';

const ROWS = 200_000;
const dir = mkdtempSync(join(tmpdir(), 'dialerd-stream-'));
const path = join(dir, 'big.csv');
// A note wide enough that the file dwarfs what the importer must keep (the ids it has seen).
const NOTE =
  'customer asked to call back about the overdue invoice, prefers mornings; ' +
  'mentioned a second address, wants the statement by e-mail, do not offer the new tariff again';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

beforeAll(async () => {
  const out = createWriteStream(path);
  out.write('id,phone,name,amount,note\n');
  for (let i = 0; i < ROWS; i++) {
    const line = `${i},+7916${String(i).padStart(7, '0')},"Name ${i}",${i % 1000}.00,"${NOTE}"\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
});

describe('importContacts on a large file', () => {
  it('streams every row in batches with bounded memory', async () => {
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(35_000_000);
    gc();
    const base = process.memoryUsage().heapUsed;
    let seen = 0;
    let batches = 0;
    let peak = 0;
    let lastId = '';
    const report = await importContacts({ file: path, region: 'RU', campaign: 'big', now: 0, batchSize: 1000 }, async (b) => {
      batches++;
      seen += b.length;
      lastId = b[b.length - 1]!.id;
      if (batches % 20 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
    });
    expect(seen).toBe(ROWS);
    expect(batches).toBe(ROWS / 1000);
    expect(lastId).toBe(String(ROWS - 1));
    expect(report).toMatchObject({ rows: ROWS, records: ROWS, valid: ROWS, invalid: 0, problems: [] });
    // What stays live is the id set (duplicate ids), a fraction of the file, and the numbers
    // taken for `duplicates: dial_once` (domain/record-numbers.ts NumberBook, ~46 bytes a number).
    expect(peak).toBeLessThan(size / 3 + 50 * ROWS);
  }, 180_000);
});
