/**
 * `dialerd simulate` reads numbers exactly as `dialerd run` imports them (issue 9): a US number
 * without +1 in a RU list, a premium-rate number and a repeated number are never dialled;
 * `numbers:` in the campaign file opens them.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

let dir: string;

const campaign = (id: string, numbers: string): string => `
id: ${id}
state: running
trunk: carrier-a
contacts: { file: contacts.csv, region: RU }
concurrency: 5
calls_per_second: 5
${numbers}
complete_when_done: true
`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dialerd-sim-numbers-'));
  await writeFile(
    path.join(dir, 'contacts.csv'),
    'id,phone\nA,8 916 123-45-67\nB,+7 (916) 123 45 67\nUS,(312) 555-0147\nP,8 809 123-45-67\nS,8 916 123-45-12 123\n',
  );
  await writeFile(path.join(dir, 'default.yaml'), campaign('defaults', ''));
  await writeFile(path.join(dir, 'open.yaml'), campaign('open', 'numbers: { allow_types: [premium_rate], duplicates: dial_each }'));
});

async function dialled(file: string): Promise<Array<[string, string]>> {
  let out = '';
  const code = await main(['simulate', path.join(dir, file), '--from', '2026-12-01T09:00:00+03:00', '--format', 'jsonl'], { out: (s) => void (out += `${s}\n`), err: () => {} });
  expect(code).toBe(0);
  return out.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => 'dial' in l).map((d) => [d.record, d.number]);
}

it('dials each valid, allowed number once by default', async () => {
  expect(await dialled('default.yaml')).toEqual([['A', '+79161234567']]);
});

it('numbers: { allow_types, duplicates: dial_each } opens premium-rate and repeats; invalid numbers stay undialled', async () => {
  expect((await dialled('open.yaml')).sort()).toEqual([['A', '+79161234567'], ['B', '+79161234567'], ['P', '+78091234567']]);
});
