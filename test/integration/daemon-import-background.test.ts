/**
 * A large contact list imports in the background (issue 12, Imports): with a 200,000-row list
 * (generated in the fixture's tmp dir) the control API answers and another campaign dials while it
 * is read; the progress is logged (`importing campaign big: 0% (0/200,000)`), shown by campaign
 * status (API and CLI) and counted (`dialerd_import_rows_total`); the imported campaign dials
 * nothing before its whole list is in. Today's daemon kept the API down, silently, until the
 * import ended.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CampaignView, HealthView } from '../../src/api/views.ts';
import { main } from '../../src/cli/main.ts';
import { campaignYaml, contactsCsv, makeFixture, type Fixture } from '../helpers/daemon-fixture.ts';
import { DaemonProcess, campaignTo } from '../helpers/daemon-process.ts';
import { until } from '../helpers/until.ts';

const BIG = 200_000;
/** Several daemons may start at once on a busy 2-core machine. */
const PATIENCE_MS = 90_000;

let f: Fixture;
let d: DaemonProcess | null = null;

beforeAll(() => {
  f = makeFixture({ redisUrl: null, extraConfig: 'api: { listen: "127.0.0.1:0", auth: none }\n' });
  f.writeContacts('big.csv', contactsCsv(BIG));
  f.writeContacts('small.csv', contactsCsv(3, 79260000000));
  f.writeCampaign('big', campaignYaml({ id: 'big', contacts: 'big.csv', concurrency: 2 }));
  f.writeCampaign('small', campaignYaml({ id: 'small', contacts: 'small.csv', concurrency: 1 }));
});

afterAll(async () => {
  await d?.kill();
  f?.remove();
});

it('imports a 200,000-row list in the background: API up, another campaign dialing, progress in log, status and metrics', async () => {
  d = DaemonProcess.start(f.configFile);
  const url = String((await d.waitFor((l) => /^control API listening/.test(l.msg), 'the API', PATIENCE_MS)).url);
  const get = async <T>(p: string): Promise<{ status: number; body: T }> => {
    const r = await fetch(`${url}${p}`);
    return { status: r.status, body: (await r.json()) as T };
  };

  // While big is read: /health answers, small dials, big shows its progress (API, CLI, metrics).
  const seen = await until(
    async () => {
      const [health, big, small] = await Promise.all([get<HealthView>('/health'), get<CampaignView>('/campaigns/big'), get<CampaignView>('/campaigns/small')]);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const out: string[] = [];
      await main(['campaign', 'status', 'big', '--api', url], { out: (s) => void out.push(s), err: (s) => void out.push(s) });
      const dialing = small.body.live + small.body.dials > 0;
      return big.status === 200 && big.body.importing !== null && big.body.importing.rows > 0 && dialing && { health, big: big.body, metrics, cli: out.join('\n') };
    },
    'big importing while the API answers and small dials',
    { timeoutMs: PATIENCE_MS },
  );
  expect(seen.health.status).toBe(200);
  expect(seen.health.body.store).toBe('up');
  expect(seen.big).toMatchObject({ state: 'draft', live: 0, dials: 0, settings: null, importing: { total: BIG } });
  expect(seen.big.importing!.rows).toBeLessThan(BIG);
  expect(seen.cli).toMatch(/^state {5}draft, importing \d{1,2}% \([\d,]+\/200,000\)$/m);
  const counted = Number(/^dialerd_import_rows_total\{campaign="big"\} (\d+)$/m.exec(seen.metrics)?.[1]);
  expect(counted).toBeGreaterThan(0);
  expect((await get<{ campaigns: CampaignView[] }>('/campaigns')).body.campaigns.map((c) => c.id)).toEqual(['big', 'small']);
  expect(d.lines.find((l) => l.campaign === 'big' && /^importing /.test(l.msg))?.msg).toBe('importing campaign big: 0% (0/200,000)');

  // The whole list in: big runs, and its first dial comes after the import.
  const imported = await d.waitFor((l) => l.campaign === 'big' && /^imported /.test(l.msg), 'big imported', PATIENCE_MS);
  expect(imported.msg).toBe(`imported ${BIG} records (0 invalid)`);
  await d.waitFor((l) => l.campaign === 'big' && typeof l.result === 'string', 'the first dial of big', PATIENCE_MS);
  const importedAt = d.lines.indexOf(imported);
  expect(d.lines.findIndex((l) => l.campaign === 'big' && (typeof l.result === 'string' || l.to === 'running'))).toBeGreaterThan(importedAt);
  const big = (await get<CampaignView>('/campaigns/big')).body;
  expect(big).toMatchObject({ state: 'running', importing: null, settings: { concurrency: 2 } });
  expect((await (await fetch(`${url}/metrics`)).text()).match(/^dialerd_import_rows_total\{campaign="big"\} (\d+)$/m)?.[1]).toBe(String(BIG));
  await d.waitFor(campaignTo('small', 'completed'), 'small completed', PATIENCE_MS);

  d.signal('SIGTERM');
  expect((await d.waitExit(PATIENCE_MS)).code).toBe(0);
}, 4 * PATIENCE_MS);
