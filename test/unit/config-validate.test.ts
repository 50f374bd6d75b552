import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/cli/validate.ts';

let dir: string;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) } };
}

async function write(name: string, lines: string[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}

const campaign = (id: string, trunk = 'a') => [`id: ${id}`, 'state: running', `trunk: ${trunk}`, 'contacts: { file: c.csv }'];
const daemon = ['campaigns_dir: .', 'pbxes:', '  fs1: { type: freeswitch, host: h, password: x }', 'trunks:', '  a: { pbx: fs1, endpoint: "{number}" }'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dialerd-validate-'));
  await writeFile(join(dir, 'c.csv'), 'id,phone\n');
});

describe('validateCommand', () => {
  it('exits 2 with a usage line when given no files', async () => {
    const c = capture();
    expect(await validateCommand([], c.io, {})).toBe(2);
    expect(c.err).toEqual(['usage: dialerd validate FILE.yaml [FILE.yaml …]']);
  });

  it('checks campaigns against the trunks of a daemon config given alongside, and prints warnings', async () => {
    const d = await write('dialerd.yaml', daemon);
    const good = await write('good.yaml', campaign('good'));
    const bad = await write('bad.yaml', campaign('bad', 'b'));
    const c = capture();
    // The daemon config is read first whatever the order of arguments.
    expect(await validateCommand([good, bad, d], c.io, {})).toBe(1);
    expect(c.out).toEqual([`${d}: ok`, `${good}: ok`]);
    expect(c.err).toEqual([
      `${d}:3:47: warning: pbxes.fs1.password: a literal password in the config file; prefer password_env (the name of an environment variable)`,
      `${bad}:3:8: trunk: unknown trunk "b" (defined: a)`,
    ]);
  });

  it('prints every error of every file and a YAML syntax error with its position', async () => {
    const many = await write('many.yaml', ['id: x', 'state: runnin', 'trunk: a', 'contacts: { file: c.csv }', 'concurrency: 0']);
    const broken = await write('broken.yaml', ['id: x', 'state: "running', '']);
    const c = capture();
    expect(await validateCommand([many, broken], c.io, {})).toBe(1);
    expect(c.err).toEqual([
      `${many}:2:8: state: "runnin" is not one of draft, scheduled, running, paused, completed (did you mean "running"?)`,
      `${many}:5:14: concurrency: 0 is out of range (must be >= 1)`,
      `${broken}:2:8: Missing closing "quote`,
    ]);
  });

  it('rejects two campaigns with one id', async () => {
    const one = await write('one.yaml', campaign('same'));
    const two = await write('two.yaml', ['# the second', ...campaign('same')]);
    const c = capture();
    expect(await validateCommand([one, two], c.io, {})).toBe(1);
    expect(c.err).toEqual([`${two}:2:5: id: "same" is already the id of ${one}`]);
  });

  it('reports a missing file as one line', async () => {
    const c = capture();
    expect(await validateCommand([join(dir, 'nope.yaml')], c.io, {})).toBe(1);
    expect(c.err).toEqual([`${join(dir, 'nope.yaml')}:1:1: cannot read file: ENOENT`]);
  });

  it('turns an unexpected exception into one line, never a stack trace', async () => {
    const good = await write('fine.yaml', campaign('fine'));
    const err: string[] = [];
    const io = {
      out: () => {
        throw new Error('disk full\n    at somewhere (x.ts:1:1)');
      },
      err: (s: string) => void err.push(s),
    };
    expect(await validateCommand([good], io, {})).toBe(1);
    expect(err).toEqual([`${good}: unexpected error: disk full`]);
  });
});

describe('validateCommand --contacts', () => {
  const withContacts = (id: string, csv: string) => [`id: ${id}`, 'state: running', 'trunk: a', `contacts: { file: ${csv}, region: RU }`, 'numbers: { countries: [RU] }'];

  it('reads the CSV with the import, prints each problem with file:line as a warning and the counts; exit 0', async () => {
    const csv = join(dir, 'rows.csv');
    await writeFile(csv, ['id,phone', '1,+74951234567', '2,+74951234567', '3,abc', '4,+12025550123', '4,+74957654321', '5,84951112233,x'].join('\n') + '\n');
    const f = await write('rows.yaml', withContacts('rows', 'rows.csv'));
    const c = capture();
    expect(await validateCommand([f], c.io, {}, { contacts: true })).toBe(0);
    expect(c.out).toEqual([`${f}: ok`, `${csv}: 6 rows, 5 records (2 valid, 3 invalid); numbers not dialled: 1 duplicate, 1 letters, 1 country; rows skipped: 1 duplicate id, 0 bad id; 5 warnings`]);
    expect(c.err).toEqual([
      `${csv}:3: warning: record "2" has no dialable number: duplicate: "+74951234567" (+74951234567, line 2)`,
      `${csv}:4: warning: record "3" has no dialable number: letters: "abc"`,
      expect.stringMatching(new RegExp(`^${csv}:5: warning: record "4" has no dialable number: country`)),
      `${csv}:6: warning: duplicate id "4"; row skipped`,
      `${csv}:7: warning: expected 2 fields, found 3`,
    ]);
  });

  it('a CSV the daemon could not import at all is an error (exit 1); without --contacts it is not read', async () => {
    await writeFile(join(dir, 'nophone.csv'), 'id,name\n1,x\n');
    const f = await write('nophone.yaml', withContacts('nophone', 'nophone.csv'));
    const c = capture();
    expect(await validateCommand([f], c.io, {}, { contacts: true })).toBe(1);
    expect(c.err).toEqual([`contacts: ${join(dir, 'nophone.csv')}: no phone column (phone, phone1…N or phones)`]);
    const quiet = capture();
    expect(await validateCommand([f], quiet.io, {})).toBe(0);
    expect(quiet.err).toEqual([]);
  });
});
