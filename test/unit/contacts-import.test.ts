import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DialRecord } from '../../src/domain/types.ts';
import { MAX_RECORD_ID_LENGTH } from '../../src/domain/record.ts';
import { importContacts, readContacts, type ImportReport } from '../../src/contacts/import.ts';

const dir = mkdtempSync(join(tmpdir(), 'dialerd-import-'));
let n = 0;
function file(text: string): string {
  const p = join(dir, `c${n++}.csv`);
  writeFileSync(p, text);
  return p;
}
const NOW = Date.UTC(2026, 0, 10, 9, 0);

async function load(text: string, extra: { startAt?: number | null; batchSize?: number; maxProblems?: number; region?: string | null } = {}) {
  const batches: DialRecord[][] = [];
  const report = await importContacts(
    { file: file(text), region: extra.region === undefined ? 'RU' : extra.region, campaign: 'demo', now: NOW, ...extra },
    async (b) => {
      batches.push(b);
    },
  );
  const byId = new Map(batches.flat().map((r) => [r.id, r]));
  return { batches, records: batches.flat(), byId, report };
}

describe('importContacts', () => {
  it('builds pending records exactly matching DialRecord', async () => {
    const { records, report } = await load('id,phone,name,amount\nA1,+7 (495) 123-45-67,Ivan,100.50\n');
    expect(records).toEqual([
      {
        campaign: 'demo',
        id: 'A1',
        numbers: ['+74951234567'],
        timezone: null,
        vars: { name: 'Ivan', amount: '100.50' },
        state: 'pending',
        nextAt: NOW,
        numberIndex: 0,
        attempts: 0,
        numberAttempts: [0],
        repeats: 0,
        consecutiveErrors: 0,
        dials: 0,
        lastResult: null,
        finalReason: null,
      },
    ]);
    expect(report).toEqual<ImportReport>({ rows: 1, records: 1, valid: 1, invalid: 0, duplicateNumbers: 0, droppedNumbers: {}, duplicateIds: 0, badIds: 0, varsStripped: 0, varsTruncated: 0, problems: [] });
  });

  it('is due at max(now, startAt)', async () => {
    const later = NOW + 3_600_000;
    expect((await load('id,phone\n1,84951234567\n', { startAt: later })).records[0]!.nextAt).toBe(later);
    expect((await load('id,phone\n1,84951234567\n', { startAt: NOW - 5 })).records[0]!.nextAt).toBe(NOW);
    expect((await load('id,phone\n1,84951234567\n', { startAt: null })).records[0]!.nextAt).toBe(NOW);
  });

  it('orders numbers phone, phone1..N (numerically), phones; drops empties; keeps duplicates once', async () => {
    const text =
      'id,phones,phone10,phone2,phone,phone1\n' +
      'r1,"+7 916 000-00-05;+7 916 000-00-06",+79160000004,+79160000003,+79160000001,+79160000002\n' +
      'r2,,,89160000009,,+7 916 000 00 09\n';
    const { byId, report } = await load(text);
    expect(byId.get('r1')!.numbers).toEqual(['+79160000001', '+79160000002', '+79160000003', '+79160000004', '+79160000005', '+79160000006']);
    expect(byId.get('r1')!.numberAttempts).toEqual([0, 0, 0, 0, 0, 0]);
    expect(byId.get('r2')!.numbers).toEqual(['+79160000009']);
    expect(report.duplicateNumbers).toBe(1);
    expect(report.problems).toEqual([]);
  });

  it('splits phones on | and , in a ;-delimited file', async () => {
    const { records } = await load('id;phones;name\n1;+79160000001|+79160000002,+79160000003;Ann\n');
    expect(records[0]!.numbers).toEqual(['+79160000001', '+79160000002', '+79160000003']);
    expect(records[0]!.vars).toEqual({ name: 'Ann' });
  });

  it('makes a record with no dialable number invalid, keeping the raw values', async () => {
    const text = 'id,phone1,phone2\nbad,abc,12\nempty,,\nok,abc,+74951234567\n';
    const { byId, report } = await load(text);
    const bad = byId.get('bad')!;
    expect(bad.state).toBe('invalid');
    expect(bad.nextAt).toBeNull();
    expect(bad.numbers).toEqual([]);
    expect(bad.numberAttempts).toEqual([]);
    expect(bad.finalReason).toBe('letters: "abc"; too_short: "12"');
    expect(byId.get('empty')!.finalReason).toBe('no_number');
    expect(byId.get('empty')!.state).toBe('invalid');
    const ok = byId.get('ok')!;
    expect(ok.state).toBe('pending');
    expect(ok.numbers).toEqual(['+74951234567']);
    expect(report).toMatchObject({ rows: 3, records: 3, valid: 1, invalid: 2 });
    expect(report.problems.map((p) => p.line)).toEqual([2, 3, 4]);
    expect(report.problems[2]!.message).toContain('"abc"');
  });

  it('needs a region for national numbers', async () => {
    const { records } = await load('id,phone\n1,84951234567\n2,+74951234567\n', { region: null });
    expect(records.map((r) => r.state)).toEqual(['invalid', 'pending']);
  });

  it('skips duplicate ids and names rows without id line-<N>, with correct line numbers', async () => {
    const text = 'id,phone\n\n1,+79160000001\n\n\n1,+79160000002\n,+79160000003\n"x",+79160000004\n,+79160000005\n';
    const { records, report } = await load(text);
    expect(records.map((r) => r.id)).toEqual(['1', 'line-7', 'x', 'line-9']);
    expect(records[0]!.numbers).toEqual(['+79160000001']);
    expect(report.duplicateIds).toBe(1);
    expect(report.rows).toBe(5);
    expect(report.records).toBe(4);
    expect(report.problems).toEqual([
      { line: 6, message: 'duplicate id "1"; row skipped' },
      { line: 7, message: 'empty id; using line-7' },
      { line: 9, message: 'empty id; using line-9' },
    ]);
  });

  it('skips, with a problem, a row whose id is too long or holds control or bidi characters', async () => {
    const long = 'k'.repeat(MAX_RECORD_ID_LENGTH + 1);
    const text = `id,phone\n"x\ny",+79160000001\nR\u001b[2J,+79160000002\nab\u202ecd,+79160000003\n${long},+79160000004\n${long.slice(1)},+79160000005\n`;
    const { records, report } = await load(text);
    expect(records.map((r) => r.id)).toEqual([long.slice(1)]);
    expect(report.badIds).toBe(4);
    expect(report.problems).toEqual([
      { line: 2, message: 'id holds control or bidi-control characters; row skipped' },
      { line: 4, message: 'id holds control or bidi-control characters; row skipped' },
      { line: 5, message: 'id holds control or bidi-control characters; row skipped' },
      { line: 6, message: `id of ${MAX_RECORD_ID_LENGTH + 1} characters; at most ${MAX_RECORD_ID_LENGTH}; row skipped` },
    ]);
  });

  it('gives line-<N> ids to every row when there is no id column, with one problem', async () => {
    const { records, report } = await load('phone\n+79160000001\n+79160000002\n');
    expect(records.map((r) => r.id)).toEqual(['line-2', 'line-3']);
    expect(report.problems).toEqual([{ line: 1, message: 'no id column; records get ids line-<N>' }]);
  });

  it('reads a timezone column, ignoring invalid zones with a problem', async () => {
    const text = 'id,phone,timezone\n1,+79160000001,Asia/Yekaterinburg\n2,+79160000002,Mars/Olympus\n3,+79160000003,\n';
    const { records, report } = await load(text);
    expect(records.map((r) => r.timezone)).toEqual(['Asia/Yekaterinburg', null, null]);
    expect(report.problems).toEqual([{ line: 3, message: 'unknown timezone "Mars/Olympus"; ignored' }]);
    expect(records[1]!.state).toBe('pending');
  });

  it('reports rows with too many or too few fields and still imports them', async () => {
    const text = 'id,phone,name\n1,+79160000001\n2,+79160000002,Bob,extra\n';
    const { records, report } = await load(text);
    expect(records.map((r) => [r.id, r.vars])).toEqual([
      ['1', { name: '' }],
      ['2', { name: 'Bob' }],
    ]);
    expect(report.problems).toEqual([
      { line: 2, message: 'expected 3 fields, found 2' },
      { line: 3, message: 'expected 3 fields, found 4' },
    ]);
  });

  it('handles BOM, ; delimiter, CRLF and quoted variables together', async () => {
    const text = '\uFEFFid;phone;comment\r\n1;+79160000001;"say ""hi""; then\r\nhang up"\r\n';
    const { records, report } = await load(text);
    // A line break inside a cell is a control character for the PBX: it becomes a space.
    expect(records[0]!.vars).toEqual({ comment: 'say "hi"; then hang up' });
    expect(report.varsStripped).toBe(1);
  });

  it('batches: batchSize 2 over 5 rows gives 3 batches', async () => {
    const rows = [1, 2, 3, 4, 5].map((i) => `${i},+7916000000${i}`).join('\n');
    const { batches } = await load(`id,phone\n${rows}\n`, { batchSize: 2 });
    expect(batches.map((b) => b.map((r) => r.id))).toEqual([['1', '2'], ['3', '4'], ['5']]);
  });

  it('caps the problem list but keeps counting', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i},abc`).join('\n');
    const { report } = await load(`id,phone\n${rows}\n`, { maxProblems: 3 });
    expect(report.problems).toHaveLength(3);
    expect(report.invalid).toBe(10);
  });

  it('refuses a file without header or phone column, and a missing file', async () => {
    const opts = { region: 'RU', campaign: 'demo', now: NOW };
    const noop = async () => {};
    await expect(importContacts({ ...opts, file: file('\n\n') }, noop)).rejects.toMatchObject({ code: 'DIALERD_ERR_CONTACTS' });
    await expect(importContacts({ ...opts, file: file('id,name\n1,x\n') }, noop)).rejects.toThrow(/no phone column/);
    await expect(importContacts({ ...opts, file: join(dir, 'missing.csv') }, noop)).rejects.toMatchObject({
      code: 'DIALERD_ERR_CONTACTS',
    });
  });

  it('exposes the same stream as a generator returning the report', async () => {
    const gen = readContacts({ file: file('id,phone\n1,+79160000001\n2,+79160000002\n'), region: 'RU', campaign: 'c', now: NOW, batchSize: 1 });
    const first = await gen.next();
    expect(first.done).toBe(false);
    expect((first.value as DialRecord[])[0]!.id).toBe('1');
    await gen.next();
    const last = await gen.next();
    expect(last).toEqual({ done: true, value: expect.objectContaining({ rows: 2, valid: 2 }) });
  });
});
