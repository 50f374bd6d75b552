/**
 * The trunk and store metrics on /metrics after dials driven one by one on a ManualPbx: live dials
 * against the caps while calls are up, results by SIP/Q.850 code, the breaker, the store-latency
 * histogram; then a restart on the same store: the counters read from the store keep their values,
 * the per-process ones start again; two trunk faults in a row open the trunk's breaker.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaemonConfig } from '../../src/config/daemon-types.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import type { Store } from '../../src/store/port.ts';
import { ManualPbx } from '../fakes/manual-pbx.ts';
import { parsePromText, type PromText } from '../helpers/prom-text.ts';
import { until } from '../helpers/until.ts';
import { campaignYaml, rows, TEST_TOKEN } from './api-harness.ts';

let dir: string;
let store: Store;
let daemon: Daemon | null = null;
let pbx: ManualPbx;

function config(): DaemonConfig {
  return {
    pbxes: { manual: { name: 'manual', type: 'sim', outcomes: null, seed: 1 } },
    trunks: { t: { name: 't', pbx: 'manual', endpoint: 'SIM/{number}', concurrency: 2, callsPerSecond: 50, breaker: { after: 2, cooldownSeconds: 60 } } },
    store: { type: 'memory' },
    campaignsDir: path.join(dir, 'campaigns'),
    logLevel: 'error',
    maxConcurrency: 50,
    shutdownGraceSeconds: 1,
    source: path.join(dir, 'dialerd.yaml'),
    api: { host: '127.0.0.1', port: 0, token: TEST_TOKEN },
  };
}

async function startDaemon(): Promise<Daemon> {
  pbx = new ManualPbx('manual', () => Date.now());
  const d = await Daemon.create({ config: config(), logger: silentLogger(), store, pbxFactory: () => pbx });
  await d.start();
  return d;
}

async function scrape(): Promise<PromText> {
  const r = await fetch(`${daemon!.apiUrl}/metrics`);
  expect(r.status).toBe(200);
  return parsePromText(await r.text());
}

/** The dialIds the engine has originated and the test has not ended yet, once there are `n`. */
function liveDials(n: number): Promise<string[]> {
  return until(() => {
    const ids = [...pbx.dials.values()].filter((d) => !d.ended).map((d) => d.req.dialId);
    return ids.length === n ? ids : null;
  }, `${n} live dials`);
}

const settled = (n: number): Promise<true> =>
  until(async () => ((await store.counts('m')).dials === n ? true : null), `${n} dials settled`);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'dialerd-metrics-'));
  mkdirSync(path.join(dir, 'campaigns'));
  writeFileSync(path.join(dir, 'm.csv'), `id,phone\n${rows(1, 3).map((r) => r.join(',')).join('\n')}\n`);
  writeFileSync(path.join(dir, 'campaigns', 'm.yaml'), campaignYaml({ id: 'm', rows: [], yaml: ['concurrency: 3'] }));
  store = createMemoryStore();
  daemon = await startDaemon();
});

afterAll(async () => {
  await daemon?.stop(1000);
});

describe('trunk and store metrics', () => {
  let first: PromText;

  it('while calls are up: live dials per trunk against the trunk, campaign and daemon caps; breaker closed', async () => {
    const [a, b] = await liveDials(2); // the trunk's cap (2) holds the campaign's third record back
    pbx.accept(a!);
    pbx.accept(b!);
    const m = await scrape();
    expect(m.value('dialerd_trunk_live_dials', { trunk: 't' })).toBe(2);
    expect(m.value('dialerd_trunk_max_concurrency', { trunk: 't' })).toBe(2);
    expect(m.value('dialerd_live_dials', { campaign: 'm' })).toBe(2);
    expect(m.value('dialerd_campaign_max_concurrency', { campaign: 'm' })).toBe(3);
    expect(m.value('dialerd_max_concurrency')).toBe(50);
    expect(m.value('dialerd_trunk_breaker_state', { trunk: 't', state: 'closed' })).toBe(1);
    expect(m.value('dialerd_trunk_breaker_state', { trunk: 't', state: 'open' })).toBe(0);
    expect(m.value('dialerd_trunk_results_total', { trunk: 't' })).toBeUndefined();

    pbx.answer(a!);
    pbx.end(a!, { q850: 16, answeredAt: Date.now() });
    pbx.end(b!, { q850: 17, sip: 486 });
    const [c] = await liveDials(1);
    pbx.accept(c!);
    pbx.end(c!, { q850: 17, sip: 486 });
    await settled(3);
  });

  it('after three dials: results by trunk and code, lifetime dials, the store histogram', async () => {
    first = await scrape();
    expect(first.value('dialerd_trunk_live_dials', { trunk: 't' })).toBe(0);
    expect(first.value('dialerd_trunk_results_total', { trunk: 't', result: 'busy', sip: '486', q850: '17' })).toBe(2);
    expect(first.value('dialerd_trunk_results_total', { trunk: 't', result: 'answered', sip: 'none', q850: '16' })).toBe(1);
    expect(first.value('dialerd_trunk_dials_total', { trunk: 't' })).toBe(3);
    expect(first.value('dialerd_trunk_talk_seconds_total', { trunk: 't' })).toBeGreaterThanOrEqual(0);
    expect(first.value('dialerd_dials_total', { campaign: 'm', result: 'busy' })).toBe(2);
    expect(first.value('dialerd_dials_total', { campaign: 'm', result: 'answered' })).toBe(1);
    expect(first.families.get('dialerd_store_operation_seconds')).toBe('histogram');
    expect(first.value('dialerd_store_operation_seconds_count', { op: 'settle', outcome: 'ok' })).toBe(3);
    expect(first.value('dialerd_store_operation_seconds_bucket', { op: 'settle', outcome: 'ok', le: '+Inf' })).toBe(3);
    expect(first.value('dialerd_store_operation_seconds_count', { op: 'claimDue', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(first.value('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(first.families.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
  });

  it('after a restart on the same store: dials_total and the trunk’s lifetime counters go on; per-process counters start again', async () => {
    await daemon!.stop(1000);
    daemon = await startDaemon();
    const m = await scrape();
    expect(m.value('dialerd_dials_total', { campaign: 'm', result: 'busy' })).toBe(2);
    expect(m.value('dialerd_dials_total', { campaign: 'm', result: 'answered' })).toBe(1);
    expect(m.value('dialerd_trunk_dials_total', { trunk: 't' })).toBe(3);
    expect(m.value('dialerd_trunk_talk_seconds_total', { trunk: 't' })).toBe(first.value('dialerd_trunk_talk_seconds_total', { trunk: 't' }));
    expect(m.value('dialerd_trunk_results_total', { trunk: 't' })).toBeUndefined();
    expect(m.value('dialerd_store_operation_seconds_count', { op: 'settle', outcome: 'ok' })).toBeUndefined();
  });

  it('two dials refused for funds (SIP 402) open the breaker: the gauge says open', async () => {
    const add = await fetch(`${daemon!.apiUrl}/campaigns/m/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(rows(2, 2).map(([id, phone]) => ({ id: `x${id}`, phones: [phone] }))),
    });
    expect(add.status).toBe(200);
    for (const id of await liveDials(2)) {
      pbx.accept(id);
      pbx.end(id, { q850: 21, sip: 402 });
    }
    await settled(5);
    const m = await until(async () => {
      const s = await scrape();
      return s.value('dialerd_trunk_breaker_state', { trunk: 't', state: 'open' }) === 1 ? s : null;
    }, 'breaker open on /metrics');
    expect(m.value('dialerd_trunk_breaker_state', { trunk: 't', state: 'closed' })).toBe(0);
    expect(m.value('dialerd_trunk_results_total', { trunk: 't', result: 'insufficient_funds', sip: '402', q850: '21' })).toBe(2);
  });
});
