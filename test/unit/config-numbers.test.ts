import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatConfigError, loadCampaignFile } from '../../src/config/load-campaign.ts';

let dir: string;
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dialerd-config-numbers-'));
  await writeFile(join(dir, 'c.csv'), 'id,phone\n1,+74951234567\n');
});

const BASE = ['id: t1', 'state: running', 'trunk: carrier-a', 'contacts: { file: c.csv, region: RU }'];

async function load(lines: string[]) {
  const file = join(dir, `c${++n}.yaml`);
  await writeFile(file, lines.join('\n') + '\n');
  const r = await loadCampaignFile(file, {});
  return { r, errors: r.ok ? [] : r.errors.map((e) => formatConfigError(e).slice(file.length + 1)) };
}

describe('loadCampaignFile: numbers (which valid numbers are dialled)', () => {
  it('absent: blockable types blocked, any country, each number dialled once', async () => {
    const { r } = await load(BASE);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.spec.numbers).toEqual({ allowTypes: [], countries: null, duplicates: 'dial_once' });
  });

  it('reads allow_types, countries (upper-cased, once) and duplicates', async () => {
    const { r } = await load([...BASE, 'numbers: { allow_types: [premium_rate, toll_free_foreign], countries: [ru, KZ, RU], duplicates: dial_each }']);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.spec.numbers).toEqual({ allowTypes: ['premium_rate', 'toll_free_foreign'], countries: ['RU', 'KZ'], duplicates: 'dial_each' });
  });

  it('rejects an unknown type name, an unknown country and an unknown policy at file:line:col', async () => {
    const { errors } = await load([
      ...BASE,
      'numbers:',
      '  allow_types: [premium, pager]',
      '  countries: [RU, XX, Kazakhstan]',
      '  duplicates: once',
    ]);
    expect(errors).toEqual([
      '6:17: numbers.allow_types[0]: "premium" is not one of premium_rate, shared_cost, uan, pager, toll_free_foreign',
      '7:19: numbers.countries[1]: unknown region "XX" (an ISO 3166 country code such as RU or US)',
      '7:23: numbers.countries[2]: "Kazakhstan" is not a region (two letters, ISO 3166, e.g. RU, US)',
      '8:15: numbers.duplicates: "once" is not one of dial_once, dial_each',
    ]);
    const { errors: semantic } = await load([...BASE, 'numbers: { countries: [RU, XX] }']);
    expect(semantic).toEqual(['5:28: numbers.countries[1]: unknown region "XX" (an ISO 3166 country code such as RU or US)']);
  });

  it('rejects an empty countries list and unknown keys', async () => {
    const { errors } = await load([...BASE, 'numbers: { countries: [], duplicate: dial_once }']);
    expect(errors).toEqual([expect.stringMatching(/^5:23: numbers\.countries: /), '5:27: numbers: unknown key "duplicate" (did you mean "duplicates"?)']);
  });
});
