/**
 * Chaos on the real Asterisk (issue 10, "Chaos suite"): 1,000 records with repeats and retries,
 * `dialerd run` SIGKILLed at ≥ 10 random instants (restarted at once or after a pause), the
 * durable Redis restarted once and Asterisk once, all mid-campaign. SIPp's message trace is the
 * ground truth; it is compared with dialerd's history and the campaign's rules. The instants are
 * random on purpose (a seeded PRNG, printed), which is why this file waits on real time.
 */
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isFinal, isTechnical, type HistoryRow } from '../../../src/domain/types.ts';
import { mulberry32 } from '../../../src/lib/prng.ts';
import { allHistory } from '../../../src/store/history-pages.ts';
import type { Store } from '../../../src/store/port.ts';
import { createRedisStore } from '../../../src/store/redis/index.ts';
import { DaemonProcess } from '../../helpers/daemon-process.ts';
import { startDurableRedis, type DurableRedis } from '../../helpers/redis-durable.ts';
import { writeConfig } from '../asterisk/daemon-env.ts';
import { asterisk, asteriskChannels, startSipp, until, type Sipp } from '../asterisk/harness.ts';
import { carrierScenario, type Branch } from '../shared/sipp-carrier.ts';
import { carrierCalls, type CarrierCall } from '../shared/sipp-trace.ts';

const RECORDS = 1000;
const CAP = 30;
const KILLS = 10;
const SEED = Number(process.env.DIALERD_CHAOS_SEED ?? 20261130);
const BRANCHES: Branch[] = [
  { suffix: '201', kind: 'answer', holdMs: 800 },
  { suffix: '486', kind: 'reject', code: 486, reason: 'Busy Here' },
  { suffix: '100', kind: 'ring' },
];
/** 45 % answer, 35 % busy (a repeat, then a retry), 20 % ring out (a retry). */
const suffixOf = (i: number): string => (i % 20 < 9 ? '201' : i % 20 < 16 ? '486' : '100');
const PER_RECORD = 2;
const REPEATS = 1;
const YAML = `concurrency: ${CAP}\ncalls_per_second: 50\nring_timeout: 3s\non_answer: { context: dialerd-hold, extension: s }
attempts: { per_record: ${PER_RECORD}, short_call: 0s }\ncomplete_when_done: true\nmax_consecutive_errors: 1000
rules:
  answered: done
  busy: { repeat: { times: ${REPEATS}, every: 1s }, then: { retry_after: 2s } }
  no_answer: { retry_after: 2s }
  lost: { retry_after: 2s }
`;

let redis: DurableRedis;
let carrier: Sipp;
let store: Store | null = null;
let daemon: DaemonProcess | null = null;

beforeAll(async () => {
  redis = await startDurableRedis();
  carrier = await startSipp('chaos-carrier', carrierScenario(BRANCHES), 15070, 300, { traceMessages: true });
});
afterAll(async () => {
  await daemon?.kill();
  await store?.close();
  await carrier?.stop();
  await redis?.destroy();
});

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Asterisk frees a ringing channel at its ring timeout before its CANCEL is on the wire: the next
 * INVITE was seen reaching the carrier up to ~5 ms before that CANCEL. Calls ending within this
 * of a new one's INVITE do not count as simultaneous.
 */
const CANCEL_LAG_MS = 20;

/** Most calls the carrier had at once (a call: its INVITE to its last message but the switch's ACK). */
function maxSimultaneous(calls: CarrierCall[]): number {
  const edges = calls.flatMap((c) => [[c.firstMs, 1], [c.endMs - CANCEL_LAG_MS, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}

it(`${RECORDS} records, ${KILLS} SIGKILLs, a Redis and an Asterisk restart: the carrier saw exactly what the history and the rules say`, async () => {
  const numbers = Array.from({ length: RECORDS }, (_, i) => `+4420${72000 + i}${suffixOf(i)}`);
  const cfg = writeConfig({ chaos: { numbers, yaml: YAML } }, CAP, redis.url);
  const s = await createRedisStore({ url: redis.url, prefix: `e2e-${path.basename(path.dirname(cfg))}:` });
  store = s;
  const env = { DIALERD_E2E_ARI_PASSWORD: 'dialerpw' };
  const rnd = mulberry32(SEED);
  const completed = async (): Promise<boolean> => (await s.getCampaign('chaos').catch(() => null))?.state === 'completed';
  const t0 = Date.now();
  let kills = 0;
  const timeline: string[] = [];
  const mark = (what: string): void => void timeline.push(`${what}@${((Date.now() - t0) / 1000).toFixed(1)}`);
  let redisRestarts = 0;
  let asteriskRestarts = 0;

  daemon = DaemonProcess.start(cfg, [], env);
  while (kills < KILLS) {
    await wait(3000 + rnd() * 4000);
    if (kills === 3 && redisRestarts === 0) {
      mark('redis-stop');
      await redis.stop();
      await wait(1500);
      await redis.start();
      redisRestarts++;
      await wait(2000);
    }
    if (kills === 6 && asteriskRestarts === 0) {
      mark('asterisk-stop');
      await asterisk('stop');
      await asterisk('start');
      asteriskRestarts++;
      await wait(2000);
    }
    await daemon.kill();
    mark('kill');
    kills++;
    if (rnd() < 0.4) await wait(rnd() * 3000);
    daemon = DaemonProcess.start(cfg, [], env);
    mark('start');
  }
  await until(completed, 'campaign completed', { timeoutMs: 420_000, everyMs: 500 }).catch(async (err: unknown) => {
    // say why it stalled (e.g. paused by a guard) next to the timeline
    console.log(`[chaos] stalled: ${JSON.stringify(await s.getCampaign('chaos').catch(() => null))}; timeline ${timeline.join(' ')}`);
    const errors = (await allHistory(s, { campaign: 'chaos' })).filter((r) => r.result === 'error');
    console.log(`[chaos] error rows: ${JSON.stringify(errors.map((r) => [((r.startedAt - t0) / 1000).toFixed(1), ((r.endedAt - t0) / 1000).toFixed(1), r.q850, r.sip, r.causeName, r.answeredAt !== null]))}`);
    throw err;
  });
  await until(async () => (await asteriskChannels()).length === 0, 'no channel left', 20_000);
  daemon.signal('SIGTERM');
  await daemon.waitExit(20_000);
  const seconds = (Date.now() - t0) / 1000;

  const rows: HistoryRow[] = await allHistory(s, { campaign: 'chaos' });
  const records = await Promise.all(numbers.map((_, i) => s.getRecord('chaos', `chaos-${i + 1}`)));
  const calls = carrierCalls(carrier.messageFile);
  const rowsBy = new Map<string, HistoryRow[]>();
  for (const r of rows) rowsBy.set(r.number, [...(rowsBy.get(r.number) ?? []), r]);
  const callsBy = new Map<string, CarrierCall[]>();
  for (const c of calls) callsBy.set(c.number, [...(callsBy.get(c.number) ?? []), c]);

  let callsWithoutRow = 0;
  let rowsWithoutCall = 0;
  let overlaps = 0;
  let overRules = 0;
  let calledAfterAnswer = 0;
  for (const n of numbers) {
    const mine = (callsBy.get(n) ?? []).sort((a, b) => a.firstMs - b.firstMs);
    const hist = rowsBy.get(n) ?? [];
    const uncounted = hist.filter((r) => isTechnical(r.result) || r.result === 'cancelled').length;
    const subscriber = hist.length - uncounted - hist.filter((r) => r.result === 'lost').length;
    callsWithoutRow += Math.max(0, mine.length - hist.length);
    rowsWithoutCall += Math.max(0, subscriber - mine.length);
    overRules += Math.max(0, mine.length - (PER_RECORD * (1 + REPEATS) + uncounted));
    for (let k = 1; k < mine.length; k++) if (mine[k]!.firstMs < mine[k - 1]!.lastMs) overlaps++;
    const firstAnswer = mine.find((c) => c.answered);
    const again = firstAnswer ? mine.filter((c) => c.firstMs > firstAnswer.firstMs).length : 0;
    calledAfterAnswer += again;
    if (again > 0) {
      const t = (ms: number) => ((ms - t0) / 1000).toFixed(1);
      console.log(`[chaos] called again after answering: ${n} ${JSON.stringify(hist.map((r) => [r.dialId, r.result, t(r.startedAt), t(r.endedAt), r.talkSeconds, r.q850, r.sip, r.action]))}`);
    }
  }
  const notFinal = records.filter((r) => !r || !isFinal(r.state)).length;
  const results = rows.reduce<Record<string, number>>((m, r) => ({ ...m, [r.result]: (m[r.result] ?? 0) + 1 }), {});
  const peak = maxSimultaneous(calls);
  console.log(
    `[chaos] seed ${SEED}: ${RECORDS} records in ${seconds.toFixed(0)} s; ${kills} SIGKILLs, ${redisRestarts} Redis restart, ${asteriskRestarts} Asterisk restart; ` +
      `carrier: ${calls.length} calls, peak ${peak} at once (cap ${CAP}); history: ${rows.length} rows ${JSON.stringify(results)}; ` +
      `not final ${notFinal}, calls without a row ${callsWithoutRow}, rows without a call ${rowsWithoutCall}, overlapping calls ${overlaps}, ` +
      `calls beyond the rules ${overRules}, called again after answering ${calledAfterAnswer}`,
  );
  console.log(`[chaos] timeline ${timeline.join(' ')}`);
  // the technical rows (the Asterisk restart's), by Q.850 and SIP code
  const errors = rows.filter((r) => r.result === 'error').reduce<Record<string, number>>((m, r) => ({ ...m, [`${r.q850},${r.sip}`]: (m[`${r.q850},${r.sip}`] ?? 0) + 1 }), {});
  console.log(`[chaos] error rows (q850,sip): ${JSON.stringify(errors)}`);

  expect(kills).toBeGreaterThanOrEqual(KILLS);
  expect(notFinal).toBe(0);
  expect(callsWithoutRow).toBe(0);
  expect(rowsWithoutCall).toBe(0);
  expect(overlaps).toBe(0);
  expect(peak).toBeLessThanOrEqual(CAP);
  expect(overRules).toBe(0);
  expect(calledAfterAnswer).toBe(0);
});
