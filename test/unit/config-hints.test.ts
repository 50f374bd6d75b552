import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/cli/validate.ts';
import { didYouMeanOrList, zoneHint } from '../../src/config/config-error.ts';
import { RESULTS } from '../../src/domain/types.ts';

let dir: string;

async function validate(lines: string[]): Promise<string[]> {
  const file = join(dir, 'c.yaml');
  await writeFile(file, lines.join('\n') + '\n');
  const err: string[] = [];
  await validateCommand([file], { out: () => {}, err: (s) => void err.push(s.slice(file.length + 1)) }, {});
  return err;
}

const base = ['id: x', 'state: running', 'trunk: a', 'contacts: { file: c.csv }'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dialerd-hints-'));
  await writeFile(join(dir, 'c.csv'), 'id,phone\n');
});

describe('validate: what to write instead', () => {
  it('names the zone of a city given alone', async () => {
    const err = await validate([...base, 'calling_hours:', '  timezone: Moscow', '  windows: [{ days: mon-fri, hours: "09:00-18:00" }]']);
    expect(err).toEqual(['6:13: calling_hours.timezone: unknown time zone "Moscow" (did you mean "Europe/Moscow"?)']);
  });

  it('zone hints: city with spaces, any case, and typos of the full name', () => {
    expect(zoneHint('new york')).toBe(' (did you mean "America/New_York"?)');
    expect(zoneHint('Europe/Moskow')).toBe(' (did you mean "Europe/Moscow"?)');
    expect(zoneHint('Atlantis')).toBe('');
  });

  it('suggests the nested key and lists the keys valid there', async () => {
    expect(await validate([...base, 'attempts: { per_call: 3 }'])).toEqual([
      '5:13: attempts: unknown key "per_call" (did you mean "per_record"? expected one of per_record, per_number, short_call, technical_errors)',
    ]);
  });

  it('lists the valid result names when a rule names no result', async () => {
    expect(await validate([...base, 'rules: { nobody: done }'])).toEqual([`5:10: rules.nobody: unknown result "nobody" (expected one of ${RESULTS.join(', ')})`]);
    expect(await validate([...base, 'rules: { answerd: done }'])).toEqual(['5:10: rules.answerd: unknown result "answerd" (did you mean "answered"?)']);
  });

  it('a close typo is suggested alone; an ambiguous first word gets the list only', () => {
    expect(didYouMeanOrList('per_numbr', ['per_record', 'per_number'])).toBe(' (did you mean "per_number"?)');
    expect(didYouMeanOrList('per_xyz', ['per_abcd', 'per_efgh'])).toBe(' (expected one of per_abcd, per_efgh)');
  });
});
