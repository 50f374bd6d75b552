/**
 * `dialerd run` never crashes on input: broken, empty, binary and non-mapping campaign files, an
 * alias bomb, an oversized file, a directory named like one, a missing contacts or DNC file, a campaign id used by two files and
 * a contact list with garbage rows are each logged (file:line:col, or file:line for CSV rows);
 * the good campaign runs to the end and the daemon exits 0 on SIGTERM.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_CONFIG_BYTES } from '../../src/config/read-config.ts';
import { campaignYaml, contactsCsv, makeFixture, type Fixture } from '../helpers/daemon-fixture.ts';
import { DaemonProcess, campaignTo, isDialLine } from '../helpers/daemon-process.ts';

let f: Fixture;
let daemon: DaemonProcess | null = null;

beforeAll(() => {
  f = makeFixture({ redisUrl: null });
  f.writeContacts(
    'good.csv',
    [
      'id,phone,name',
      'g1,+79160000001,Ann',
      'g2,not-a-number,Bob',
      'g3,,Empty',
      'g4,+79160000004,Dan,extra,fields',
      ',+79160000005,no id',
      'g6,\u0000\u0001\u0002,binary',
      'g1,+79160000007,duplicate id',
      'g9,+79160000009,"unclosed quote',
      'g10,+79160000010,read after the quote',
    ].join('\n'),
  );
  f.writeContacts('ok.csv', contactsCsv(2, 79260000000));
  f.writeCampaign('good', campaignYaml({ id: 'good', contacts: 'good.csv', concurrency: 3 }));
  f.writeCampaign('broken', 'id: broken\nstate: [running\ntrunk: t1\n');
  f.writeCampaign('empty', '');
  f.writeCampaign('list', '- a\n- b\n');
  f.writeCampaign('binary', Buffer.from([0xff, 0xfe, 0, 1, 2, 0x80, 0x81]).toString('latin1'));
  f.writeCampaign('nodnc', campaignYaml({ id: 'nodnc', contacts: 'ok.csv', dnc: ['missing-dnc.txt'] }));
  f.writeCampaign('nocontacts', campaignYaml({ id: 'nocontacts', contacts: 'missing.csv' }));
  // Same id as good.yaml: it must not replace good's settings or contact list.
  f.writeCampaign('zz-same-id', campaignYaml({ id: 'good', contacts: 'ok.csv', concurrency: 1 }));
  mkdirSync(path.join(f.campaignsDir, 'dir.yaml'));
  f.writeCampaign('bomb', ['id: bomb', 'a: &a [x, x]', 'b: &b [*a, *a]', ...Array.from({ length: 120 }, (_, i) => `k${i}: *b`)].join('\n'));
  f.writeCampaign('huge', `${campaignYaml({ id: 'huge', contacts: 'ok.csv' })}# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
});

afterAll(async () => {
  await daemon?.kill();
  f?.remove();
});

it('logs every bad input with its position and keeps running the good campaign', async () => {
  const d = DaemonProcess.start(f.configFile);
  daemon = d;
  await d.waitFor(campaignTo('good', 'completed'), 'campaign good completed', 20_000);
  d.signal('SIGTERM');
  expect(await d.waitExit()).toEqual({ code: 0, signal: null });

  const errorsOf = (name: string): string[] => d.lines.filter((l) => l.level === 50 && l.file === path.join(f.campaignsDir, name)).map((l) => l.msg);
  const at = (name: string): RegExp => new RegExp(`^${path.join(f.campaignsDir, name)}:\\d+:\\d+: `);
  for (const [name, why] of [
    ['broken.yaml', /sequence/i],
    ['empty.yaml', /empty/],
    ['list.yaml', /expected a mapping/],
    ['binary.yaml', /expected a mapping/],
    ['dir.yaml', /EISDIR/],
    ['bomb.yaml', /:36:6: alias \*b expands too much/],
    ['huge.yaml', /:1:1: file too large: \d+ bytes \(at most 1048576\)/],
    ['nodnc.yaml', /DNC file not found: .*missing-dnc\.txt/],
    ['nocontacts.yaml', /contacts file not found: .*missing\.csv/],
  ] as const) {
    const msgs = errorsOf(name);
    expect(msgs, name).toHaveLength(2);
    expect(msgs[0], name).toMatch(at(name));
    expect(msgs[0], name).toMatch(why);
    expect(msgs[1], name).toMatch(/^campaign file rejected \(1 errors\); not loaded$/);
  }
  expect(errorsOf('zz-same-id.yaml')).toEqual([`${path.join(f.campaignsDir, 'zz-same-id.yaml')}:1:1: campaign id "good" is already used by ${path.join(f.campaignsDir, 'good.yaml')}; this file is not loaded`]);

  // The contact list's garbage rows: each reported with its line, the valid rows dialed.
  const csv = path.join(f.dir, 'good.csv');
  const problems = d.lines.filter((l) => l.campaign === 'good' && l.level === 40).map((l) => l.msg);
  for (const [line, why] of [
    [3, /no dialable number.*letters/],
    [4, /no dialable number/],
    [5, /expected 3 fields, found 5/],
    [6, /empty id/],
    [7, /no dialable number/],
    [8, /duplicate id "g1"/],
    [9, /^unclosed quote: .* before the end of the file; read with its quote as text$/],
  ] as const) {
    expect(problems.find((m) => m.startsWith(`${csv}:${line}: `))?.slice(`${csv}:${line}: `.length), `line ${line}`).toMatch(why);
  }
  const dialed = d.lines.filter(isDialLine).map((l) => l.record).sort();
  expect(dialed).toEqual(['g1', 'g10', 'g4', 'g9', 'line-6']); // g9 with its stray quote, g10 not swallowed by it
  expect(d.lines.filter(isDialLine).every((l) => l.campaign === 'good' && l.result === 'answered')).toBe(true);
  expect(d.lines.filter((l) => l.level >= 60)).toEqual([]);
  expect(d.other.join('')).not.toMatch(/Error|at .*\.ts:\d+/); // no stack trace on stderr
});
