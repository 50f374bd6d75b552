import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, MAX_RECORD_CHARS, readCsvRows, type CsvRow, type CsvSkip } from '../../src/contacts/csv-source.ts';
import { layoutColumns, rawNumbers, splitPhoneList } from '../../src/contacts/columns.ts';

const dir = mkdtempSync(join(tmpdir(), 'dialerd-csv-'));
let n = 0;
function file(text: string | Buffer): string {
  const p = join(dir, `f${n++}.csv`);
  writeFileSync(p, text);
  return p;
}
async function rows(path: string): Promise<{ rows: CsvRow[]; skips: CsvSkip[] }> {
  const skips: CsvSkip[] = [];
  const out: CsvRow[] = [];
  for await (const r of readCsvRows(path, (s) => skips.push(s))) out.push(r);
  return { rows: out, skips };
}

describe('detectDelimiter', () => {
  it('picks the most frequent candidate outside quotes, comma on a tie', () => {
    expect(detectDelimiter('id,phone,name')).toBe(',');
    expect(detectDelimiter('id;phone;"a,b,c"')).toBe(';');
    expect(detectDelimiter('id\tphone\tname;x')).toBe('\t');
    expect(detectDelimiter('id')).toBe(',');
    expect(detectDelimiter('a;b,c')).toBe(',');
  });
});

describe('readCsvRows', () => {
  it('strips the BOM and handles quoted commas, newlines and escaped quotes', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const body = Buffer.from('id,name\n1,"Smith, John"\n2,"two\nlines ""quoted"""\n');
    const { rows: r } = await rows(file(Buffer.concat([bom, body])));
    expect(r).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['1', 'Smith, John'] },
      { line: 3, fields: ['2', 'two\nlines "quoted"'] },
    ]);
  });

  it('keeps physical line numbers across CRLF, empty and blank lines and multi-line fields', async () => {
    const text = 'id;name\r\n\r\n1;"a\r\n\r\nb"\r\n   \r\n;;\r\n2;x  \r\n\r\n3;"q;r"';
    const { rows: r } = await rows(file(text));
    expect(r).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 3, fields: ['1', 'a\n\nb'] },
      { line: 8, fields: ['2', 'x'] },
      { line: 10, fields: ['3', 'q;r'] },
    ]);
  });

  it('reads tab-separated files and lone-CR line ends', async () => {
    const { rows: r } = await rows(file('id\tphone\r1\t+7 495 123-45-67\r'));
    expect(r).toEqual([
      { line: 1, fields: ['id', 'phone'] },
      { line: 2, fields: ['1', '+7 495 123-45-67'] },
    ]);
  });

  it('trims trailing spaces and unquotes a quoted field surrounded by spaces', async () => {
    const { rows: r } = await rows(file('id,name \n 7 , "Ann" ,x\n'));
    expect(r[1]).toEqual({ line: 2, fields: ['7', 'Ann', 'x'] });
    expect(r[0]!.fields).toEqual(['id', 'name']);
  });

  it('keeps stray quotes inside unquoted fields and a quote closed by text on its own line', async () => {
    const { rows: r, skips } = await rows(file('id,name,x\n1,O"Brien,"a"b\n2,"Ann, Bob","x" \n'));
    expect(r.map((x) => x.fields)).toEqual([['id', 'name', 'x'], ['1', 'O"Brien', '"a"b'], ['2', 'Ann, Bob', 'x']]);
    expect(skips).toEqual([]);
  });

  const UNCLOSED = /^unclosed quote: the quoted field opening on this line has no closing quote (.*); read with its quote as text$/;

  it('reports a quote never closed at its line, reads that row with the quote as text and every row after it', async () => {
    const { rows: r, skips } = await rows(file('id,name\n1,x\n2,"never closed\n3,y\n4,z\n'));
    expect(r).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['1', 'x'] },
      { line: 3, fields: ['2', '"never closed'] },
      { line: 4, fields: ['3', 'y'] },
      { line: 5, fields: ['4', 'z'] },
    ]);
    expect(skips).toEqual([{ line: 3, message: expect.stringMatching(UNCLOSED) }]);
    expect(skips[0]!.message).toMatch(/before the end of the file/);
  });

  it('does not merge rows into one cell when a later quote "closes" a missing one', async () => {
    const { rows: r, skips } = await rows(file('id,phone,name\n1,+7916,"Ann\n2,+7917,Bob\n3,+7918,"Carl"\n4,+7919,Dan\n'));
    expect(r.map((x) => [x.line, ...x.fields])).toEqual([
      [1, 'id', 'phone', 'name'],
      [2, '1', '+7916', '"Ann'],
      [3, '2', '+7917', 'Bob'],
      [4, '3', '+7918', 'Carl'],
      [5, '4', '+7919', 'Dan'],
    ]);
    expect(skips).toEqual([{ line: 2, message: expect.stringMatching(UNCLOSED) }]);
    expect(skips[0]!.message).toMatch(/before line 4/);
  });

  it('gives up on an open quote after 64 Ki characters and skips a longer line, reading the rows after both', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `${i + 10},+7916${String(i).padStart(7, '0')}`);
    const { rows: r, skips } = await rows(file(['id,phone', '1,"open', ...many, `2,${'x'.repeat(MAX_RECORD_CHARS + 1)}`, '3,+79160000003'].join('\n')));
    expect(MAX_RECORD_CHARS).toBe(65_536);
    expect(r).toHaveLength(1 + 1 + 10_000 + 1);
    expect(r[1]).toEqual({ line: 2, fields: ['1', '"open'] });
    expect(r[2]).toEqual({ line: 3, fields: ['10', '+79160000000'] });
    expect(r.at(-1)).toEqual({ line: 10_004, fields: ['3', '+79160000003'] });
    expect(Math.max(...r.flatMap((x) => x.fields.map((f) => f.length)))).toBeLessThan(20);
    expect(skips).toEqual([
      { line: 2, message: expect.stringMatching(UNCLOSED) },
      { line: 10_003, message: 'line longer than 65536 characters; skipped' },
    ]);
    expect(skips[0]!.message).toMatch(/within 65536 characters/);
  });

  it('throws a contacts error for a missing file', async () => {
    await expect(rows(join(dir, 'nope.csv'))).rejects.toMatchObject({ code: 'DIALERD_ERR_CONTACTS' });
  });
});

describe('columns', () => {
  it('orders phone, phone1..N numerically, then phones; the rest are variables', () => {
    const l = layoutColumns(['phones', 'Phone10', 'name', 'phone2', 'ID', 'phone', 'phone1', 'TimeZone']);
    expect(l.id).toBe(4);
    expect(l.phones).toEqual([5, 6, 3, 1]);
    expect(l.phoneList).toBe(0);
    expect(l.timezone).toBe(7);
    expect(l.vars).toEqual([['name', 2]]);
    const fields = ['a;b', 'p10', 'n', 'p2', 'i', 'p', '', 'tz'];
    expect(rawNumbers(l, fields)).toEqual(['p', 'p2', 'p10', 'a', 'b']);
  });

  it('reports duplicate and empty header names', () => {
    const l = layoutColumns(['id', 'phone', 'Name', 'name', '']);
    expect(l.vars).toEqual([['Name', 2]]);
    expect(l.problems).toHaveLength(2);
  });

  it('splits a phones cell on ; | and ,', () => {
    expect(splitPhoneList(' 1 ;2|3, 4;;')).toEqual(['1', '2', '3', '4']);
  });
});
