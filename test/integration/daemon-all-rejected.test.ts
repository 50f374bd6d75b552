/**
 * `dialerd run` with every campaign file rejected (here an alias bomb) still starts: it logs the
 * file's error at file:line:col and `no campaign loaded`, and a valid file added later is loaded
 * on SIGHUP.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { campaignYaml, contactsCsv, makeFixture, type Fixture } from '../helpers/daemon-fixture.ts';
import { DaemonProcess, campaignTo } from '../helpers/daemon-process.ts';

let f: Fixture;
let daemon: DaemonProcess | null = null;

beforeAll(() => {
  f = makeFixture({ redisUrl: null });
  f.writeContacts('ok.csv', contactsCsv(2));
});

afterAll(async () => {
  await daemon?.kill();
  f?.remove();
});

it('starts with no valid campaign file and loads one added later on SIGHUP', async () => {
  const bomb = f.writeCampaign('bomb', ['id: bomb', 'a: &a [x, x]', 'b: &b [*a, *a]', ...Array.from({ length: 40 }, (_, i) => `k${i}: *b`)].join('\n'));
  const d = DaemonProcess.start(f.configFile);
  daemon = d;
  await d.waitFor((l) => l.msg === 'no campaign loaded: fix or add campaign files, then send SIGHUP', 'no campaign loaded', 10_000);
  expect(d.lines.filter((l) => l.file === bomb).map((l) => l.msg)).toEqual([`${bomb}:36:6: alias *b expands too much (more than 100 copies)`, 'campaign file rejected (1 errors); not loaded']);

  f.writeCampaign('good', campaignYaml({ id: 'good', contacts: 'ok.csv' }));
  const mark = d.mark();
  d.signal('SIGHUP');
  await d.waitFor(campaignTo('good', 'completed'), 'campaign good completed', 15_000, mark);
  d.signal('SIGTERM');
  expect(await d.waitExit()).toEqual({ code: 0, signal: null });
}, 40_000);
