/** README's "Why is this record not called?" table lists exactly the reasons of domain/why.ts, in its order. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { WAIT_REASONS } from '../../src/domain/why.ts';

it('README lists every wait reason of WAIT_REASONS, each with a meaning', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\r\n/g, '\n');
  const start = readme.indexOf('<!-- why-reasons:start -->');
  const end = readme.indexOf('<!-- why-reasons:end -->');
  expect(start).toBeGreaterThan(0);
  const rows = readme
    .slice(start, end)
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split('|').map((c) => c.trim()));
  expect(rows.map((r) => r[1]!.replace(/`/g, ''))).toEqual([...WAIT_REASONS]);
  for (const r of rows) expect(r[2], r[1]).not.toBe('');
});

it('README documents the record routes and every flag of `dialerd record show|list`', async () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const at = readme.indexOf('\n## Control API and campaign commands\n');
  const section = readme.slice(at, readme.indexOf('\n## ', at + 10));
  expect(section).toContain('| GET | `/campaigns/:id/records/:recordId` |');
  expect(section).toContain('| GET | `/campaigns/:id/records?state=&why=&limit=&cursor=` |');
  for (const cmd of ['show', 'list']) {
    let help = '';
    const io = { out: (s: string) => void (help += s), err: (s: string) => void (help += s) };
    expect(await main(['record', cmd, '--help'], io)).toBe(0);
    expect(section).toContain(`dialerd record ${cmd}`);
    for (const flag of new Set([...help.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]))) {
      if (flag !== '--help') expect(section, `record ${cmd} ${flag}`).toContain(flag);
    }
  }
});
