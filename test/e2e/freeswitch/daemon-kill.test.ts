/**
 * Issue 10, "a restart must never call anyone twice", on the real FreeSWITCH: `dialerd run` (a
 * child process) dials 9 numbers, is SIGKILLed while all 9 ring, and every call ends while no
 * daemon runs — 3 busy, 3 answered (the carrier hangs up after 4 s of talk), 3 unanswered (ring
 * timeout). A new daemon on the same Redis settles each with its REAL result from FreeSWITCH's
 * memory of ends (the api_hangup_hook), none `lost`, none dialled again: the carrier's INVITEs are
 * the ground truth. dialerd is not in the call path: a customer who answers while the daemon is
 * dead is in the campaign's answered extension (`park` in the lab dialplan), not hung up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonProcess } from '../../helpers/daemon-process.ts';
import { startRedis, type RedisServer } from '../../helpers/redis-server.ts';
import { until } from '../../helpers/until.ts';
import type { Observed } from '../shared/daemon.ts';
import type { Sipp } from '../shared/sipp.ts';
import { fsChannelCount } from './chaos-views.ts';
import { startDaemon, writeConfig } from './daemon-env.ts';
import { ESL, fsApi, invitesReceived, startCarrier } from './harness.ts';

const KINDS = { busy: '486', answered: '210', no_answer: '100' } as const;
type Kind = keyof typeof KINDS;
const NUMBERS: Array<{ id: string; number: string; kind: Kind }> = (Object.keys(KINDS) as Kind[]).flatMap((kind, k) =>
  [0, 1, 2].map((i) => ({ id: `${kind}${i}`, number: `+4420794${k}${i}${KINDS[kind]}`, kind })),
);
const TALK_MS = 4000;

const CAMPAIGN = `concurrency: 9\ncalls_per_second: 50\nring_timeout: 8s
attempts: { per_record: 3, short_call: 0s, technical_errors: { first_delay: 1s, factor: 1, max_delay: 1s, free: 0 } }
complete_when_done: true
on_answer: { context: dialer, extension: park }
rules:\n  answered: done\n  busy: stop_record\n  no_answer: stop_record\n  lost: { retry_after: 1s }\n`;

/** `show channels` row (dest turns into the extension once answered: initial_dest is the number dialled). */
interface ChannelRow { uuid: string; callstate: string; application: string; context: string; initial_dest: string }
const channels = async (): Promise<ChannelRow[]> => (JSON.parse(await fsApi('show channels as json')) as { rows?: ChannelRow[] }).rows ?? [];

describe('dialerd SIGKILLed on a real FreeSWITCH while its calls go on', () => {
  let redis: RedisServer;
  let carrier: Sipp;
  let child: DaemonProcess | null = null;
  let o: Observed | null = null;

  beforeAll(async () => {
    redis = await startRedis();
    // Every call rings 4 s first (the carrier's pause), so all 9 are up when the daemon dies.
    carrier = await startCarrier('daemon-kill', [
      { suffix: '210', kind: 'answer', holdMs: TALK_MS },
      { suffix: '486', kind: 'reject', code: 486, reason: 'Busy Here' },
      { suffix: '100', kind: 'ring' },
    ], 4000);
  });
  afterAll(async () => {
    await child?.kill();
    await o?.daemon.stop(0);
    await carrier?.stop();
    await redis?.stop();
  });

  it('calls that end while no daemon runs are settled with their real results and never dialled again', async () => {
    const csv = `id,phone\n${NUMBERS.map((n) => `${n.id},${n.number}`).join('\n')}\n`;
    const cfg = writeConfig({ kill: { csv, yaml: CAMPAIGN } }, { store: `{ type: redis, url: "${redis.url}/0", prefix: "kill:" }` });
    child = DaemonProcess.start(cfg, [], { DIALERD_E2E_ESL_PASSWORD: ESL.password });
    const d = child;
    await until(async () => invitesReceived(carrier).length === NUMBERS.length && (await fsChannelCount()) === NUMBERS.length, 'all 9 ringing', 90_000).catch(async (err: Error) => {
      throw new Error(`${err.message}; INVITEs ${invitesReceived(carrier).length}, channels ${await fsChannelCount().catch(String)}; the daemon said:\n${d.tail()}\n${d.other.join("")}`);
    });
    await child.kill();
    const killedAt = Date.now();

    // No daemon now. The answered customers are in the dialplan's answered extension.
    const answered = NUMBERS.filter((n) => n.kind === 'answered').map((n) => n.number.replace('+', ''));
    const inExtension = new Map<string, ChannelRow>();
    await until(async () => {
      for (const c of await channels()) if (c.callstate === 'ACTIVE' && answered.some((a) => c.initial_dest.endsWith(a))) inExtension.set(c.initial_dest, c);
      return inExtension.size === answered.length;
    }, 'the 3 answered calls up in the dialplan', 15_000).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(await channels())}`);
    });
    expect([...inExtension.values()].map((c) => `${c.context}/${c.application}`)).toEqual(['dialer/park', 'dialer/park', 'dialer/park']);
    await until(async () => (await fsChannelCount()) === 0, 'every call over while no daemon runs', 20_000);
    const downMs = Date.now() - killedAt;

    o = await startDaemon(cfg);
    const obs = o;
    await until(() => obs.finals.length === NUMBERS.length, 'every record final', 30_000);
    await until(() => obs.changes.some((c) => c.id === 'kill' && c.to === 'completed'), 'campaign completed', 10_000);

    const rows = obs.dials;
    console.log(`[e2e] kill -9: 9 calls ended during ${(downMs / 1000).toFixed(1)} s without a daemon; the next one settled ${rows.map((r) => `${r.number.slice(-3)}:${r.result}/${r.causeName}/${r.sip}/${r.talkSeconds}s`).join(' ')}`);
    expect(rows).toHaveLength(NUMBERS.length);
    for (const n of NUMBERS) {
      const row = rows.find((r) => r.number === n.number)!;
      expect({ id: n.id, result: row?.result }).toEqual({ id: n.id, result: n.kind });
      if (n.kind === 'busy') expect({ sip: row.sip, q850: row.q850 }).toEqual({ sip: 486, q850: 17 });
      if (n.kind === 'answered') {
        // the talk time the customer had with the dialplan while dialerd was dead
        expect(row.talkSeconds).toBeGreaterThan(TALK_MS / 1000 - 0.5);
        expect(row.talkSeconds).toBeLessThan(TALK_MS / 1000 + 1.5);
      }
      if (n.kind === 'no_answer') expect(row.causeName).toBe('NO_ANSWER');
    }
    // Ground truth: exactly one INVITE per number, each record's one dial.
    const invites = invitesReceived(carrier).map((i) => i.ruri);
    expect(invites).toHaveLength(NUMBERS.length);
    for (const n of NUMBERS) expect(invites.filter((r) => r.startsWith(`sip:${n.number}@`)), n.id).toHaveLength(1);
  }, 240_000);
});
