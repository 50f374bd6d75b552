/**
 * A 500-record campaign through the daemon (`dialerd run`'s composition root) against the fake
 * FreeSWITCH: random BACKGROUND_JOB/hangup order, the ESL connection dropped mid-campaign, and
 * the daemon restarted on the same Redis. Caps are never exceeded, no dial is originated twice,
 * every record ends as its number's script says.
 */
import { ONE_DIAL_RULES } from '../helpers/daemon-fixture.ts';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDaemonConfig } from '../../src/config/load-daemon.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import type { CampaignChange } from '../../src/engine/types.ts';
import type { FinalState, HistoryRow, Result } from '../../src/domain/types.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { createPbx } from '../../src/pbx/factory.ts';
import { createEslAdapter } from '../../src/pbx/esl/adapter.ts';
import { until } from '../helpers/until.ts';
import { FakeEslServer, type NumberScript } from '../fakes/esl/server.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';

const RECORDS = 500;
const TRUNK_CAP = 12;
const CAMPAIGN_CAP = 20;

/** Record i's number and what its far end does, with the result and final state dialerd must reach. */
function plan(i: number): { number: string; script: NumberScript; result: Result; final: FinalState } {
  const number = `+7495${String(1_000_000 + i)}`;
  const ms = 3 + (i % 17);
  switch (i % 6) {
    case 0:
      return { number, script: { answerAfterMs: ms, talkMs: 10 }, result: 'answered', final: 'done' };
    case 1:
      return { number, script: { sip: 486, ringMs: ms }, result: 'busy', final: 'exhausted' };
    case 2:
      return { number, script: { sip: 404, ringMs: ms }, result: 'invalid_number', final: 'exhausted' };
    case 3:
      return { number, script: { cause: 'NO_ANSWER', ringMs: ms }, result: 'no_answer', final: 'exhausted' };
    case 4:
      return { number, script: { answerAfterMs: ms, talkMs: 15, amd: { via: 'avmd', status: 'MACHINE' } }, result: 'machine', final: 'exhausted' };
    default:
      return { number, script: { sip: 503, ringMs: ms }, result: 'congestion', final: 'exhausted' };
  }
}

const PLANS = Array.from({ length: RECORDS }, (_, i) => plan(i + 1));
const BY_NUMBER = new Map(PLANS.map((p) => [p.number, p]));

let redis: RedisServer;
let fake: FakeEslServer;
let configFile: string;

beforeAll(async () => {
  redis = await startRedis();
  fake = await FakeEslServer.start({ password: 'esl-campaign-pw', heartbeatMs: 200, jobOrder: 'random', script: (n) => BY_NUMBER.get(n)?.script ?? { sip: 404 } });
  const dir = mkdtempSync(path.join(tmpdir(), 'dialerd-esl-'));
  mkdirSync(path.join(dir, 'campaigns'));
  writeFileSync(path.join(dir, 'contacts.csv'), `id,phone\n${PLANS.map((p, i) => `r${i + 1},${p.number}`).join('\n')}\n`);
  writeFileSync(
    path.join(dir, 'campaigns', 'esl.yaml'),
    `id: esl
state: running
trunk: carrier-a
contacts: { file: ../contacts.csv, region: RU }
concurrency: ${CAMPAIGN_CAP}
calls_per_second: 200
ring_timeout: 20s
amd: { enabled: true }
on_answer: { context: dialerd, extension: dialerd_avmd }
complete_when_done: true
# A dial whose end was lost with the link is an \`error\`: retried soon, not counted.
attempts: { technical_errors: { first_delay: 1s, factor: 2, max_delay: 4s, free: 9 } }
${ONE_DIAL_RULES}`,
  );
  configFile = path.join(dir, 'dialerd.yaml');
  writeFileSync(
    configFile,
    `log_level: warn
max_concurrency: 100
shutdown_grace: 10s
campaigns_dir: campaigns
store: { type: redis, url: "${redis.url}/0", prefix: "esl-${path.basename(dir)}:" }
pbxes:
  fs1: { type: freeswitch, host: 127.0.0.1, port: ${fake.port}, password_env: DIALERD_TEST_ESL_PASSWORD }
trunks:
  carrier-a: { pbx: fs1, endpoint: "sofia/gateway/carrier-a/{number}", concurrency: ${TRUNK_CAP}, calls_per_second: 200 }
`,
  );
}, 60_000);

afterAll(async () => {
  await fake?.close();
  await redis?.stop();
});

interface Run {
  daemon: Daemon;
  dials: HistoryRow[];
  finals: Map<string, FinalState>;
  changes: CampaignChange[];
}

async function startDaemon(run: Run | null, password = 'esl-campaign-pw'): Promise<Run> {
  const loaded = await loadDaemonConfig(configFile, { ...process.env, DIALERD_TEST_ESL_PASSWORD: password });
  if (!loaded.ok) throw new Error(`config rejected: ${JSON.stringify(loaded.errors)}`);
  const daemon = await Daemon.create({
    config: loaded.config,
    logger: silentLogger(),
    pbxFactory: (cfg, deps) =>
      cfg.type === 'freeswitch'
        ? createEslAdapter(cfg, { clock: deps.scheduler, logger: deps.logger, reconnect: { baseMs: 20, maxMs: 200 }, jobErrorGraceMs: 200 })
        : createPbx(cfg, deps),
  });
  const r: Run = { daemon, dials: run?.dials ?? [], finals: run?.finals ?? new Map(), changes: [] };
  daemon.engine.on('dial', (row) => r.dials.push(row));
  daemon.engine.on('campaign', (c) => r.changes.push(c));
  daemon.engine.on('final', (e) => r.finals.set(e.record, e.state));
  await daemon.start();
  return r;
}

/** Wake source for `until`: every settled dial and final record of the run. */
function runEvents(run: Run): (check: () => void) => () => void {
  return (check) => {
    run.daemon.engine.on('dial', check);
    run.daemon.engine.on('final', check);
    return () => {
      run.daemon.engine.off('dial', check);
      run.daemon.engine.off('final', check);
    };
  };
}

describe('a 500-record campaign on FreeSWITCH through the daemon', () => {
  it('keeps the caps, never replays a dial, survives a dropped link and a restart, and ends every record as scripted', async () => {
    let run = await startDaemon(null);
    await until(() => run.dials.length >= 120, '120 dials', { wake: runEvents(run), timeoutMs: 60_000 });
    fake.dropClients();
    await until(() => run.dials.length >= 260, '260 dials after the drop', { wake: runEvents(run), timeoutMs: 60_000 });
    await run.daemon.stop();
    run = await startDaemon(run);
    await until(() => run.finals.size >= RECORDS, 'every record final', { wake: runEvents(run), timeoutMs: 90_000 });
    await run.daemon.stop();

    expect(fake.calls.peakLive).toBeLessThanOrEqual(TRUNK_CAP);
    expect(fake.calls.peakLive).toBeGreaterThan(1);
    expect(fake.calls.duplicates).toBe(0);
    expect(new Set(fake.calls.originated).size).toBe(fake.calls.originated.length);

    const last = new Map<string, HistoryRow>();
    for (const row of run.dials) last.set(row.record, row);
    const wrong: string[] = [];
    let lost = 0;
    PLANS.forEach((p, i) => {
      const id = `r${i + 1}`;
      const row = last.get(id);
      // A dial live at the drop or the restart whose end was not heard is `lost`: a counted attempt.
      if (row?.result === 'lost' && run.finals.get(id) === 'exhausted') lost++;
      else if (run.finals.get(id) !== p.final || row?.result !== p.result) wrong.push(`${id} ${p.number}: ${run.finals.get(id)}/${row?.result} want ${p.final}/${p.result}`);
    });
    expect(wrong.slice(0, 10), wrong.join("\n")).toEqual([]);
    expect(lost).toBeLessThanOrEqual(2 * TRUNK_CAP);
    // A dial cut off by the drop or the restart may be re-dialled under a new dial id, never replayed.
    const dialIds = run.dials.map((r) => r.dialId);
    expect(new Set(dialIds).size).toBe(dialIds.length);
  }, 180_000);

  it('a refused ESL password pauses the campaign with reason pbx_auth and dials nothing', async () => {
    const before = fake.calls.originated.length;
    // A fresh store: the first test's campaign is (or is about to be) completed in Redis.
    const { Redis } = await import('ioredis');
    const c = new Redis(redis.url);
    await c.flushall();
    c.disconnect();
    const run = await startDaemon(null, 'wrong-password');
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (run.changes.some((c) => c.to === 'paused' && c.reason === 'pbx_auth')) resolve();
      };
      run.daemon.engine.on('campaign', check);
      check();
    });
    expect(run.daemon.pbxes.get('fs1')!.status()).toBe('auth_failed');
    await run.daemon.stop();
    expect(fake.calls.originated.length).toBe(before);
  }, 30_000);
});
