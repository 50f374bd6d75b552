/** Terminal-safe CLI output (lib/terminal-safe.ts): tables, messages, JSON; and formula-safe simulate CSV. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { table } from '../../src/cli/tables.ts';
import { csv, jsonl } from '../../src/cli/sim-format.ts';
import { formatConfigError } from '../../src/config/config-error.ts';
import { terminalJson, terminalSafe, terminalText } from '../../src/lib/terminal-safe.ts';
import { row } from '../contract/store-fixtures.ts';

// Everything a terminal may act on or reorder: C0, DEL, C1, bidi marks, embeddings, overrides, isolates.
const UNSAFE = [...Array.from({ length: 0x20 }, (_, i) => i), ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i), 0x61c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069].map((n) => String.fromCharCode(n));
const RAW = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('terminalSafe', () => {
  it('escapes every control and bidi character visibly and leaves other text alone', () => {
    for (const c of UNSAFE) expect(terminalSafe(`a${c}b`), JSON.stringify(c)).not.toMatch(RAW);
    expect(terminalSafe('\x1b[31mred\x1b[0m')).toBe('\\x1b[31mred\\x1b[0m');
    expect(terminalSafe('abc\u202eexe.pdf')).toBe('abc\\u202eexe.pdf');
    expect(terminalSafe('\x9b2J\x7f\n\t')).toBe('\\x9b2J\\x7f\\x0a\\x09');
    expect(terminalSafe('Иван Петров +7 (495) 123-45-67 ✓ 漢字')).toBe('Иван Петров +7 (495) 123-45-67 ✓ 漢字');
  });

  it('terminalText keeps line breaks and tabs of a whole message; terminalJson keeps the JSON value', () => {
    expect(terminalText('a\n\tb\x1b]0;t\x07\r')).toBe('a\n\tb\\x1b]0;t\\x07\\x0d');
    const v = { id: `x${UNSAFE.join('')}y` };
    const j = terminalJson(JSON.stringify(v, null, 2));
    expect(j).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(j)).toEqual(v);
  });

  it('table(): every cell escaped, so a record id cannot clear the screen, retitle or reorder the line', () => {
    const out = table(['ID', 'N'], [['r\x1b[2J\x1b]0;pwn\x07', 1], ['\u202eevil\nnext', 22]]);
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
    expect(out.split('\n')).toEqual([
      'ID                       N',
      'r\\x1b[2J\\x1b]0;pwn\\x07   1',
      '\\u202eevil\\x0anext      22',
    ]);
    // Widths count the escaped text, so columns stay aligned.
    expect(new Set(out.split('\n').map((l) => l.length)).size).toBe(1);
  });

  it('config errors quoting a hostile file print escaped', () => {
    expect(formatConfigError({ file: 'c.yaml', line: 1, col: 2, message: 'unknown key "\x1b[8mx"' })).toBe('c.yaml:1:2: unknown key "\\x1b[8mx"');
  });
});

describe('simulate output', () => {
  const dial = (over: Parameters<typeof row>[1]) => ({ kind: 'dial' as const, at: 0, seq: 0, row: row('d1', over) });

  it("--format csv neutralizes formulas (leading '), keeps E.164 numbers and numbers raw", () => {
    const text = csv([dial({ record: '=HYPERLINK("x")', causeName: '@x' }), dial({ record: '-1+2', number: '+74951234567', q850: 16 })], 'UTC');
    const recs = parse(text, { columns: true }) as Record<string, string>[];
    expect(recs.map((r) => [r.record, r.number, r.q850])).toEqual([
      ["'=HYPERLINK(\"x\")", '+74951234567', '19'],
      ["'-1+2", '+74951234567', '16'],
    ]);
  });

  it('jsonl writes controls and bidi characters as \\u escapes', () => {
    const [line] = jsonl([dial({ record: 'a\u202e\x9bb' })], 'UTC');
    expect(line).toContain('"record":"a\\u202e\\u009bb"');
    expect(JSON.parse(line!).record).toBe('a\u202e\x9bb');
  });
});
