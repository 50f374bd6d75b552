import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DialRecord } from '../../src/domain/types.ts';
import { importContacts } from '../../src/contacts/import.ts';
import { loadDnc } from '../../src/contacts/dnc.ts';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

describe('config/contacts/example.csv (the demo campaign list)', () => {
  it('imports 300 records: a few invalid, some with two numbers and zones, one on the global DNC list', async () => {
    const records: DialRecord[] = [];
    const report = await importContacts(
      { file: root('config/contacts/example.csv'), region: 'RU', campaign: 'example', now: 0 },
      async (b) => {
        records.push(...b);
      },
    );
    expect(report).toMatchObject({ rows: 300, records: 300, valid: 296, invalid: 4, duplicateNumbers: 1, duplicateIds: 0 });
    expect(records.every((r) => r.numbers.every((n) => /^\+7\d{10}$/.test(n)))).toBe(true);
    expect(records.filter((r) => r.numbers.length === 2).length).toBeGreaterThan(20);
    expect(records.filter((r) => r.timezone !== null).length).toBeGreaterThan(10);
    expect(records.every((r) => 'name' in r.vars && 'amount' in r.vars)).toBe(true);

    const dnc = await loadDnc([root('config/dnc/global.txt')], 'RU');
    const blocked = records.filter((r) => r.numbers.some((n) => dnc.has(n)));
    expect(blocked.map((r) => r.numbers)).toEqual([['+74950000001']]);
  });
});
