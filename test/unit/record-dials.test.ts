/** store/record-dials.ts: a record's newest dials from its campaign's history, read back a bounded number of rows. */
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { recordDials } from '../../src/store/record-dials.ts';
import { rec, row, T0 } from '../contract/store-fixtures.ts';

async function storeWith(records: string[]): Promise<ReturnType<typeof createMemoryStore>> {
  const s = createMemoryStore();
  await s.addRecords('c1', [rec('a'), rec('b')]);
  for (const [i, id] of records.entries()) {
    await s.settle({ dialId: `d${i}`, record: rec(id, { state: 'waiting', dials: 1 }), history: row(`d${i}`, { record: id, startedAt: T0 + i * 1000 }) });
  }
  return s;
}

describe('recordDials', () => {
  it("the record's dials only, newest first, at most `max`", async () => {
    const s = await storeWith(['a', 'b', 'a', 'b', 'a']);
    const all = await recordDials(s, rec('a', { dials: 3 }), 10);
    expect(all).toEqual({ rows: [expect.objectContaining({ dialId: 'd4' }), expect.objectContaining({ dialId: 'd2' }), expect.objectContaining({ dialId: 'd0' })], complete: true });
    const two = await recordDials(s, rec('a', { dials: 3 }), 2);
    expect(two.rows.map((r) => r.dialId)).toEqual(['d4', 'd2']);
    expect(two.complete).toBe(false);
  });

  it('reads back at most `scan` rows of the campaign, and says the walk was not complete', async () => {
    const s = await storeWith(['a', 'b', 'b', 'b', 'b']);
    expect(await recordDials(s, rec('a', { dials: 1 }), 10, 3)).toEqual({ rows: [], complete: false });
    expect(await recordDials(s, rec('a', { dials: 1 }), 10, 5)).toEqual({ rows: [expect.objectContaining({ dialId: 'd0' })], complete: true });
  });

  it('a record never dialled reads nothing', async () => {
    const s = await storeWith(['b']);
    expect(await recordDials(s, rec('a'), 10)).toEqual({ rows: [], complete: true });
  });
});
