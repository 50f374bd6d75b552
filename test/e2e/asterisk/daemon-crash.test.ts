/**
 * `dialerd run` as a separate process, SIGKILLed with calls up on the real Asterisk (issue 10, "A
 * restart must never call anyone twice"). Calls run in the dialplan, not in dialerd: a call
 * answered while dialerd is down stays up in its on_answer context until the carrier hangs up;
 * every call that ended meanwhile is settled after the restart from Asterisk's memory of ends with
 * its real result (busy stays busy, answered keeps its talk time), none `lost`, none dialled twice.
 * SIPp's message trace is the ground truth for what the carrier saw.
 */
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HistoryRow } from '../../../src/domain/types.ts';
import { allHistory } from '../../../src/store/history-pages.ts';
import type { Store } from '../../../src/store/port.ts';
import { createRedisStore } from '../../../src/store/redis/index.ts';
import { DaemonProcess } from '../../helpers/daemon-process.ts';
import { carrierScenario, type Branch } from '../shared/sipp-carrier.ts';
import { carrierCalls } from '../shared/sipp-trace.ts';
import { REDIS_PORT, startRedis, writeConfig } from './daemon-env.ts';
import { ARI, asteriskChannels, startSipp, until, type Sipp } from './harness.ts';

const RING_MS = 2000;
const HOLD_MS = 4000;
const BRANCHES: Branch[] = [
  { suffix: '240', kind: 'answer', holdMs: HOLD_MS },
  { suffix: '486', kind: 'reject', code: 486, reason: 'Busy Here' },
  { suffix: '100', kind: 'ring' },
];
/** Answer, answer, then busy / ring / answer in turn: two answered before the kill, the rest after. */
const SUFFIXES = ['240', '240', '486', '100', '240', '486', '100', '240', '486', '100', '240', '486'];
const NUMBERS = SUFFIXES.map((s, i) => `+4420${71000 + i}${s}`);
const EXPECTED: Record<string, string> = { '240': 'answered', '486': 'busy', '100': 'no_answer' };
const auth = 'Basic ' + Buffer.from(`${ARI.username}:${ARI.password}`).toString('base64');

async function channelStates(): Promise<{ id: string; state: string }[]> {
  const r = await fetch(`${ARI.url}/ari/channels`, { headers: { Authorization: auth }, signal: AbortSignal.timeout(2000) });
  return (await r.json()) as { id: string; state: string }[];
}

let redis: { stop(): Promise<void> };
let carrier: Sipp;
let store: Store;
let daemon: DaemonProcess | null = null;

beforeAll(async () => {
  redis = await startRedis();
  carrier = await startSipp('daemon-crash-carrier', carrierScenario(BRANCHES), 15070, RING_MS, { traceMessages: true });
});
afterAll(async () => {
  await daemon?.kill();
  await store?.close();
  await carrier?.stop();
  await redis?.stop();
});

it('SIGKILL with calls up: answers go on in the dialplan, ends are settled with their real results after the restart, nobody is called twice', async () => {
  const cfg = writeConfig({
    crash: {
      numbers: NUMBERS,
      yaml: `concurrency: 12\ncalls_per_second: 4\nring_timeout: 5s\non_answer: { context: dialerd-hold, extension: s }
attempts: { per_record: 3, short_call: 0s }\ncomplete_when_done: true
rules:\n  answered: done\n  busy: stop_record\n  no_answer: stop_record\n`,
    },
  });
  store = await createRedisStore({ url: `redis://127.0.0.1:${REDIS_PORT}/0`, prefix: `e2e-${path.basename(path.dirname(cfg))}:` });
  const env = { DIALERD_E2E_ARI_PASSWORD: 'dialerpw' };
  daemon = DaemonProcess.start(cfg, [], env);

  // Two answered calls: kill the daemon there, with the others still ringing.
  await until(async () => (await channelStates()).filter((c) => c.state === 'Up').length >= 2, 'two answered calls', 20_000);
  const killedAt = Date.now();
  const liveAtKill = (await asteriskChannels()).length;
  await daemon.kill();

  // While it is down: answered calls stay up (the carrier ends them), the rest end on their own.
  let maxUpWhileDown = 0;
  await until(async () => {
    const chans = await channelStates();
    maxUpWhileDown = Math.max(maxUpWhileDown, chans.filter((c) => c.state === 'Up').length);
    return chans.length === 0;
  }, 'every call of the killed daemon ended', 20_000);
  const downMs = Date.now() - killedAt;

  daemon = DaemonProcess.start(cfg, [], env);
  let rows: HistoryRow[] = [];
  await until(async () => {
    rows = await allHistory(store, { campaign: 'crash' });
    return new Set(rows.map((r) => r.record)).size === NUMBERS.length && (await asteriskChannels()).length === 0;
  }, 'every record dialled and settled', 60_000);
  rows = await allHistory(store, { campaign: 'crash' });

  const calls = carrierCalls(carrier.messageFile);
  const byNumber = (n: string) => calls.filter((c) => c.number === n);
  const answeredWhileDown = rows.filter((r) => r.answeredAt !== null && r.answeredAt > killedAt && r.startedAt < killedAt);
  const dialledBefore = rows.filter((r) => r.startedAt < killedAt);
  console.log(
    `[daemon-crash] ${liveAtKill} calls up at the SIGKILL, down ${(downMs / 1000).toFixed(1)} s, ${maxUpWhileDown} answered calls up meanwhile; ` +
      `${dialledBefore.length} dialled before the kill and settled after the restart (${answeredWhileDown.length} answered after the kill, ±0.5 s); ` +
      `carrier: ${calls.length} INVITEs for ${NUMBERS.length} records, ${calls.filter((c) => c.byeReceived).length} BYEs from Asterisk; ` +
      `results ${JSON.stringify(rows.reduce<Record<string, number>>((m, r) => ({ ...m, [r.result]: (m[r.result] ?? 0) + 1 }), {}))}`,
  );

  expect(liveAtKill).toBeGreaterThanOrEqual(4);
  expect(maxUpWhileDown).toBeGreaterThanOrEqual(1);
  expect(answeredWhileDown.length).toBeGreaterThanOrEqual(1);
  for (const [i, n] of NUMBERS.entries()) {
    const mine = rows.filter((r) => r.number === n).map((r) => r.result);
    // One dial per number in dialerd's history, one call at the carrier: nobody dialled twice. The
    // only `lost` allowed is a dial the killed daemon had claimed but whose originate never left
    // (the carrier saw no call): Asterisk cannot remember what it never had.
    if (mine[0] === 'lost') expect(byNumber(n).length, n).toBe(0);
    else expect(byNumber(n).length, n).toBe(1);
    expect(mine, n).toEqual([byNumber(n).length === 0 ? 'lost' : EXPECTED[SUFFIXES[i]!]]);
  }
  expect(calls.length).toBeGreaterThanOrEqual(NUMBERS.length - 2);
  for (const r of rows.filter((x) => x.result === 'answered')) {
    // the carrier's own hang-up after HOLD_MS: the talk time survived the restart
    expect(r.talkSeconds, r.number).toBeGreaterThanOrEqual(HOLD_MS / 1000 - 0.5);
    expect(r.talkSeconds, r.number).toBeLessThanOrEqual(HOLD_MS / 1000 + 1.5);
  }
  // Asterisk hung up no answered call: the carrier ended every one (with dialerd down, too)
  expect(calls.filter((c) => c.byeReceived)).toEqual([]);
}, 120_000);
