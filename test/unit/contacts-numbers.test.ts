/**
 * Issue 9, "numbers that are really dialable", at import: validity for the number's region,
 * blocked number types, destination countries, the same number in several records, split digits.
 * Every example number is a literal of its type in libphonenumber's metadata (the version in
 * package-lock.json); a metadata update that moves one fails here first.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DialRecord } from '../../src/domain/types.ts';
import { DEFAULT_NUMBER_POLICY, type NumberPolicy } from '../../src/domain/number-policy.ts';
import { importContacts } from '../../src/contacts/import.ts';
import { buildRecords } from '../../src/api/contacts.ts';

const dir = mkdtempSync(join(tmpdir(), 'dialerd-numbers-'));
let n = 0;

async function load(csv: string, numbers: Partial<NumberPolicy> = {}, region: string | null = 'RU') {
  const file = join(dir, `c${n++}.csv`);
  writeFileSync(file, csv);
  const records: DialRecord[] = [];
  const report = await importContacts({ file, region, numbers: { ...DEFAULT_NUMBER_POLICY, ...numbers }, campaign: 'c', now: 0 }, async (b) => void records.push(...b));
  return { report, byId: new Map(records.map((r) => [r.id, r])), records };
}

/** One example per blocked type, with the detail the record's reason gives. */
const BLOCKED: Array<[type: string, raw: string, e164: string]> = [
  ['premium_rate', '8 809 123-45-67', '+78091234567'], // RU 809
  ['shared_cost', '+33 8 10 12 34 56', '+33810123456'], // FR 0810
  ['uan', '+44 55 1234 5678', '+445512345678'], // GB 055
  ['pager', '+44 7640 123456', '+447640123456'], // GB 076 40
  ['toll_free_foreign', '+1 800 234 5678', '+18002345678'], // US toll-free in a RU list
];

describe('import: only valid numbers', () => {
  it('a US number written without +1 in a RU list is invalid (not_valid), never +73125550147', async () => {
    const { byId, report } = await load('id,phone\nus,(312) 555-0147\nok,8 916 123-45-67\n');
    expect(byId.get('us')).toMatchObject({ state: 'invalid', numbers: [], finalReason: 'not_valid: "(312) 555-0147"' });
    expect(byId.get('ok')).toMatchObject({ state: 'pending', numbers: ['+79161234567'] });
    expect(report).toMatchObject({ valid: 1, invalid: 1, droppedNumbers: { not_valid: 1 } });
    expect(report.problems).toEqual([{ line: 2, message: 'record "us" has no dialable number: not_valid: "(312) 555-0147"' }]);
  });

  it('digits split by spaces into an overlong string are invalid, not joined', async () => {
    const { byId } = await load('id,phone\ns,8 916 123-45-12 123\n');
    expect(byId.get('s')).toMatchObject({ state: 'invalid', numbers: [] });
    expect(byId.get('s')!.finalReason).toMatch(/^not_valid: "8 916 123-45-12 123"$/);
  });

  it('a record keeps its valid numbers; each other one is reported with its reason', async () => {
    const { byId, report } = await load('id,phone1,phone2,phone3\nm,(312) 555-0147,8 809 123-45-67,+7 916 123 45 67\n');
    expect(byId.get('m')).toMatchObject({ state: 'pending', numbers: ['+79161234567'], numberAttempts: [0] });
    expect(report.problems.map((p) => p.message)).toEqual([
      'record "m": number not dialled, not_valid: "(312) 555-0147"',
      'record "m": number not dialled, number_type: "8 809 123-45-67" (premium_rate)',
    ]);
  });

  it('a record with no number left lists every reason, in its order', async () => {
    const { byId } = await load('id,phone1,phone2,phone3\nx,abc,(312) 555-0147,8 809 123-45-67\n');
    expect(byId.get('x')!.finalReason).toBe('letters: "abc"; not_valid: "(312) 555-0147"; number_type: "8 809 123-45-67" (premium_rate)');
  });
});

describe('import: number types', () => {
  it.each(BLOCKED)('%s is blocked by default (record reason number_type)', async (type, raw) => {
    const { byId, report } = await load(`id,phone\nb,${raw}\n`);
    expect(byId.get('b')).toMatchObject({ state: 'invalid', numbers: [], finalReason: `number_type: ${JSON.stringify(raw)} (${type})` });
    expect(report.droppedNumbers).toEqual({ number_type: 1 });
  });

  it.each(BLOCKED)('%s is dialled when allow_types lists it', async (type, raw, e164) => {
    const { byId } = await load(`id,phone\nb,${raw}\n`, { allowTypes: [type as NumberPolicy['allowTypes'][number]] });
    expect(byId.get('b')).toMatchObject({ state: 'pending', numbers: [e164] });
  });

  it('allow_types opens only the types it lists', async () => {
    const { byId } = await load(`id,phone\np,8 809 123-45-67\nu,+44 55 1234 5678\n`, { allowTypes: ['premium_rate'] });
    expect(byId.get('p')!.state).toBe('pending');
    expect(byId.get('u')!.finalReason).toBe('number_type: "+44 55 1234 5678" (uan)');
  });

  it("toll-free of the campaign's own calling code is dialled; of another, and without a region, it is foreign", async () => {
    const { byId } = await load('id,phone\nru,8 800 123-45-67\nglobal,+800 1234 5678\n');
    expect(byId.get('ru')).toMatchObject({ state: 'pending', numbers: ['+78001234567'] });
    expect(byId.get('global')!.finalReason).toBe('number_type: "+800 1234 5678" (toll_free_foreign)');
    const us = await load('id,phone\nus,+1 800 234 5678\n', {}, 'CA');
    expect(us.byId.get('us')!.state).toBe('pending');
    const none = await load('id,phone\nru,+7 800 123-45-67\n', {}, null);
    expect(none.byId.get('ru')!.finalReason).toBe('number_type: "+7 800 123-45-67" (toll_free_foreign)');
  });
});

describe('import: destination countries', () => {
  it('countries: [RU, KZ] dials +7 of both and refuses others (record reason country)', async () => {
    const csv = 'id,phone1,phone2\nru,8 916 123-45-67,\nkz,+7 701 234 56 78,\nde,+49 30 12345678,\nmix,+49 30 12345678,+7 717 212 34 56\nng,+800 1234 5678,\n';
    const { byId, report } = await load(csv, { countries: ['RU', 'KZ'], allowTypes: ['toll_free_foreign'] });
    expect(byId.get('ru')!.numbers).toEqual(['+79161234567']);
    expect(byId.get('kz')!.numbers).toEqual(['+77012345678']);
    expect(byId.get('de')).toMatchObject({ state: 'invalid', finalReason: 'country: "+49 30 12345678" (DE)' });
    expect(byId.get('mix')).toMatchObject({ state: 'pending', numbers: ['+77172123456'] });
    expect(byId.get('ng')!.finalReason).toBe('country: "+800 1234 5678" (non-geographic)');
    expect(report.droppedNumbers).toEqual({ country: 3 });
  });

  it('absent: any country', async () => {
    const { byId } = await load('id,phone\nde,+49 30 12345678\n');
    expect(byId.get('de')!.numbers).toEqual(['+493012345678']);
  });
});

describe('import: the same number in several records', () => {
  const CSV = [
    'id,phone1,phone2',
    'a,8 916 123-45-67,',
    'b,+7 (916) 123 45 67,+7 495 123-45-67',
    'c,79161234567,',
    'd,+74951234567,8 916 000-00-01',
  ].join('\n');

  it('dial_once (default): later occurrences, in any format, are skipped and reported with their lines', async () => {
    const { byId, report } = await load(`${CSV}\n`);
    expect(byId.get('a')!.numbers).toEqual(['+79161234567']);
    expect(byId.get('b')).toMatchObject({ state: 'pending', numbers: ['+74951234567'] });
    expect(byId.get('c')).toMatchObject({ state: 'invalid', numbers: [], finalReason: 'duplicate: "79161234567" (+79161234567, line 2)' });
    expect(byId.get('d')).toMatchObject({ state: 'pending', numbers: ['+79160000001'] });
    expect(report).toMatchObject({ records: 4, valid: 3, invalid: 1, duplicateNumbers: 3, droppedNumbers: {} });
    expect(report.problems).toEqual([
      { line: 3, message: 'record "b": number not dialled, duplicate: "+7 (916) 123 45 67" (+79161234567, line 2)' },
      { line: 4, message: 'record "c" has no dialable number: duplicate: "79161234567" (+79161234567, line 2)' },
      { line: 5, message: 'record "d": number not dialled, duplicate: "+74951234567" (+74951234567, line 3)' },
    ]);
  });

  it('dial_each: every record dials it; only repeats inside a record are dropped', async () => {
    const { byId, report } = await load(`${CSV}\ne,+79161234567,8 916 123 45 67\n`, { duplicates: 'dial_each' });
    expect([...byId.values()].map((r) => r.numbers)).toEqual([
      ['+79161234567'],
      ['+79161234567', '+74951234567'],
      ['+79161234567'],
      ['+74951234567', '+79160000001'],
      ['+79161234567'],
    ]);
    expect(report).toMatchObject({ valid: 5, invalid: 0, duplicateNumbers: 1, problems: [] });
  });
});

describe('API contacts (POST /campaigns/:id/records) read numbers the same way', () => {
  it('validity, types, countries, and dial_once within the request', () => {
    const built = buildRecords(
      'c',
      'RU',
      [
        { id: 'us', phones: ['(312) 555-0147'] },
        { id: 'p', phones: ['8 809 123-45-67', '8 916 123-45-67'] },
        { id: 'dup', phones: ['+7 916 123 45 67'] },
        { id: 'de', phones: ['+49 30 12345678'] },
      ],
      0,
      { ...DEFAULT_NUMBER_POLICY, countries: ['RU'] },
    );
    expect(built.records.map((r) => [r.id, r.state, r.numbers, r.finalReason])).toEqual([
      ['us', 'invalid', [], 'not_valid: "(312) 555-0147"'],
      ['p', 'pending', ['+79161234567'], null],
      ['dup', 'invalid', [], 'duplicate: "+7 916 123 45 67" (+79161234567, contact 1 of this request)'],
      ['de', 'invalid', [], 'country: "+49 30 12345678" (DE)'],
    ]);
    expect(built).toMatchObject({ valid: 1, invalid: 3, duplicateNumbers: 1 });
    expect(buildRecords('c', 'RU', [{ id: 'a', phones: ['89161234567'] }, { id: 'b', phones: ['89161234567'] }], 0, { ...DEFAULT_NUMBER_POLICY, duplicates: 'dial_each' }).valid).toBe(2);
  });
});
