/**
 * A bounded step of a walk over one campaign's record hash (HSCAN). The cursor is
 * `<hscan cursor>:<entries of that batch already passed>`, so a step can stop inside a batch
 * (a small hash comes back whole whatever COUNT says): re-reading the batch at that cursor
 * skips what was passed. While the hash grows a walk may repeat records (SCAN's guarantee).
 */
import type { Redis } from 'ioredis';
import { DialerdError } from '../../lib/errors.ts';
import type { RecordScanPage, RecordScanQuery } from '../port.ts';
import { decodeRecord } from './codec.ts';

function parse(cursor: string | null): [string, number] {
  if (cursor === null) return ['0', 0];
  const m = /^(\d{1,20}):(\d{1,9})$/.exec(cursor);
  if (!m) throw new DialerdError('DIALERD_ERR_USAGE', 'cursor: not a record cursor of this store');
  return [m[1]!, Number(m[2])];
}

export async function scanRecords(client: Redis, key: string, q: RecordScanQuery): Promise<RecordScanPage> {
  let [at, skip] = parse(q.cursor);
  const count = Math.max(1, q.count);
  const rows: RecordScanPage['rows'] = [];
  let examined = 0;
  for (;;) {
    const [next, flat] = await client.hscan(key, at, 'COUNT', count);
    const entries = flat.length / 2;
    for (let i = skip; i < entries; i++) {
      examined++;
      const record = decodeRecord(flat[2 * i + 1]!);
      const cursor = `${at}:${i + 1}`;
      if (q.state === undefined || record.state === q.state) rows.push({ record, cursor });
      if (examined >= count && i + 1 < entries) return { rows, cursor };
    }
    skip = 0;
    if (next === '0') return { rows, cursor: null };
    at = next;
    if (examined >= count) return { rows, cursor: `${at}:0` };
  }
}
