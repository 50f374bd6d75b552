/**
 * SIGHUP tells what happened (issue 12): per campaign file the field diff of what changed
 * (`concurrency 8 → 3`); a rejected edit at file:line:col shown by `campaign status` (API and CLI)
 * until a valid version loads; dialerd.yaml reloaded where safe (a raised global cap takes effect
 * at once, a trunk's cap and the log level too), what needs a restart named and kept, an invalid
 * dialerd.yaml kept out; each reload counted in `dialerd_config_reloads_total{result}`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CampaignView } from '../../src/api/views.ts';
import { main } from '../../src/cli/main.ts';
import type { HistoryRow } from '../../src/domain/types.ts';
import { campaignYaml, contactsCsv, makeFixture, type Fixture } from '../helpers/daemon-fixture.ts';
import { DaemonProcess, campaignTo, type LogLine } from '../helpers/daemon-process.ts';
import { until } from '../helpers/until.ts';

let f: Fixture;
let d: DaemonProcess | null = null;

beforeAll(() => {
  f = makeFixture({ redisUrl: null, maxConcurrency: 1, extraConfig: 'api: { listen: "127.0.0.1:0", auth: none }\n' });
  f.writeContacts('a.csv', contactsCsv(3));
  f.writeContacts('x.csv', contactsCsv(8, 79260000000));
  f.writeCampaign('a', paused(8));
  f.writeCampaign('x', campaignYaml({ id: 'x', contacts: 'x.csv', concurrency: 4 }));
});

afterAll(async () => {
  await d?.kill();
  f?.remove();
});

/** Campaign `a`, paused (it never dials: only its settings matter here). */
const paused = (concurrency: number): string => campaignYaml({ id: 'a', contacts: 'a.csv', concurrency }).replace('state: running', 'state: paused');

function editConfig(from: RegExp, to: string): void {
  const text = readFileSync(f.configFile, 'utf8');
  expect(text).toMatch(from);
  writeFileSync(f.configFile, text.replace(from, to));
}

/** The most dials of `rows` live at one instant. */
function maxOverlap(rows: HistoryRow[]): number {
  const edges = rows.flatMap((r) => [
    [r.startedAt, 1],
    [r.endedAt, -1],
  ]);
  edges.sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
  let live = 0;
  let max = 0;
  for (const [, e] of edges) max = Math.max(max, (live += e!));
  return max;
}

const msgIs = (msg: string) => (l: LogLine) => l.msg === msg;
const reloadDone = (l: LogLine): boolean => /^reload done /.test(l.msg);

it('SIGHUP logs what changed, shows a rejected edit until it is fixed, reloads dialerd.yaml where safe, counts reloads', async () => {
  d = DaemonProcess.start(f.configFile);
  const url = String((await d.waitFor((l) => /^control API listening/.test(l.msg), 'the API', 60_000)).url);
  const get = async <T>(p: string): Promise<T> => (await fetch(`${url}${p}`)).json() as Promise<T>;
  const metrics = async (): Promise<string> => (await fetch(`${url}/metrics`)).text();
  const cliStatus = async (id: string): Promise<string> => {
    const out: string[] = [];
    expect(await main(['campaign', 'status', id, '--api', url], { out: (s) => void out.push(s), err: (s) => void out.push(s) })).toBe(0);
    return out.join('\n');
  };
  await d.waitFor((l) => l.campaign === 'x' && typeof l.result === 'string', 'the first dial of x');
  expect((await get<CampaignView>('/campaigns/a')).settings).toMatchObject({ concurrency: 8, state: 'paused', file: `${f.campaignsDir}/a.yaml` });

  // 1. A campaign edit and a dialerd.yaml edit (global cap 1 → 4, log level): both applied, each logged as a diff.
  f.writeCampaign('a', paused(3));
  editConfig(/max_concurrency: 1\n/, 'max_concurrency: 4\n');
  editConfig(/log_level: info\n/, 'log_level: debug\n');
  let mark = d.mark();
  d.signal('SIGHUP');
  const done1 = await d.waitFor(reloadDone, 'the first reload', 10_000, mark);
  expect(done1.msg).toBe('reload done (ok): campaign files 1 changed, 1 unchanged, 0 new, 0 importing, 0 rejected');
  const after1 = d.lines.slice(mark).map((l) => l.msg);
  expect(after1).toContain('campaign a: concurrency 8 → 3');
  expect(after1).toContain('campaign x: unchanged');
  const raised = d.lines.slice(mark).find((l) => l.msg === 'dialerd.yaml: log_level "info" → "debug", max_concurrency 1 → 4');
  const raisedAt = raised?.time as number; // logged just before it is applied
  expect((await get<CampaignView>('/campaigns/a')).settings?.concurrency).toBe(3);
  expect(await cliStatus('a')).toMatch(/^settings {2}concurrency 3, calls_per_second 50, .*\nfile {6}.*a\.yaml\nconfig {4}ok$/m);

  // The raised global cap takes effect: x dialed one at a time before, four at once after.
  await d.waitFor(campaignTo('x', 'completed'), 'x completed', 30_000);
  const x = (await get<{ rows: HistoryRow[] }>('/history?campaign=x')).rows;
  expect(x).toHaveLength(8);
  expect(maxOverlap(x.filter((r) => r.startedAt < raisedAt))).toBe(1);
  expect(maxOverlap(x.filter((r) => r.startedAt > raisedAt))).toBe(4);

  // 2. What needs a restart is named, and the running one kept; the trunk's cap and the log level (now warn) are taken.
  editConfig(/store: \{ type: memory \}/, 'store: { type: redis, url: "redis://127.0.0.1:1" }');
  editConfig(/endpoint: "SIM\/\{number\}", concurrency: 50/, 'endpoint: "SIM/9{number}", concurrency: 7');
  editConfig(/log_level: debug\n/, 'log_level: warn\n');
  mark = d.mark();
  d.signal('SIGHUP');
  await until(async () => /^dialerd_config_reloads_total\{result="ok"\} 2$/m.test(await metrics()), 'the second reload counted');
  const after2 = d.lines.slice(mark);
  expect(after2.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([
    'store changed: needs a restart; kept the running one',
    'trunks.t1 (endpoint) changed: needs a restart; kept the running one',
  ]);
  // Logged just before the level moved to warn; nothing at info after it.
  expect(after2.filter((l) => l.level === 30).map((l) => l.msg)).toEqual(['dialerd.yaml: log_level "debug" → "warn", trunks.t1.concurrency 50 → 7']);

  // 3. An invalid campaign edit: rejected at file:line:col, shown by status (API, CLI) while it is pending.
  const file = f.writeCampaign('a', paused(3).replace('concurrency: 3', 'concurrency: lots'));
  editConfig(/log_level: warn\n/, 'log_level: info\n');
  mark = d.mark();
  d.signal('SIGHUP');
  expect((await d.waitFor(reloadDone, 'the third reload', 10_000, mark)).msg).toMatch(/^reload done \(rejected\): .* 1 rejected$/);
  const a = await get<CampaignView>('/campaigns/a');
  expect(a.configRejected).toMatch(new RegExp(`^${file}:5:14: .*lots`));
  expect(a.settings?.concurrency).toBe(3);
  expect(await cliStatus('a')).toMatch(new RegExp(`^config {4}rejected \\(${file}:5:14: .*\\); the running version is kept$`, 'm'));
  expect(await metrics()).toMatch(/^dialerd_config_reloads_total\{result="rejected"\} 1$/m);

  // 4. dialerd.yaml invalid, the campaign file fixed: the yaml is kept out (rejected), the campaign's rejection clears.
  editConfig(/max_concurrency: 4\n/, 'max_concurrency: lots\n');
  f.writeCampaign('a', paused(2));
  mark = d.mark();
  d.signal('SIGHUP');
  expect((await d.waitFor(reloadDone, 'the fourth reload', 10_000, mark)).result).toBe('rejected');
  await d.waitFor(msgIs('dialerd.yaml rejected (1 errors); the running config is kept'), 'the yaml rejection', 1000, mark);
  expect(d.lines.slice(mark).some((l) => l.level === 50 && new RegExp(`^${f.configFile}:2:18: `).test(l.msg))).toBe(true);
  expect(d.lines.slice(mark).map((l) => l.msg)).toContain('campaign a: concurrency 3 → 2');
  expect(await get<CampaignView>('/campaigns/a')).toMatchObject({ configRejected: null, settings: { concurrency: 2 } });
  expect(await cliStatus('a')).toMatch(/^config {4}ok$/m);
  const m = await metrics();
  expect(m).toMatch(/^dialerd_config_reloads_total\{result="ok"\} 2$/m);
  expect(m).toMatch(/^dialerd_config_reloads_total\{result="rejected"\} 2$/m);

  d.signal('SIGTERM');
  expect((await d.waitExit()).code).toBe(0);
}, 90_000);
