import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isDialerdError } from '../../src/lib/errors.ts';
import { dialRequest } from '../helpers/dial-request.ts';
import { until } from '../helpers/until.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { createEslAdapter, type EslAdapterDeps } from '../../src/pbx/esl/adapter.ts';
import { channelUuidOf } from '../../src/pbx/esl/originate.ts';
import type { DialRequest, PbxAdapter } from '../../src/pbx/port.ts';
import { Recorder } from '../fakes/esl/recorder.ts';
import { FakeEslServer, type NumberScript } from '../fakes/esl/server.ts';

const PASSWORD = 'not-ClueCon-7f3a';
let fake: FakeEslServer | null = null;
let adapters: PbxAdapter[] = [];

afterEach(async () => {
  for (const a of adapters) await a.stop();
  adapters = [];
  await fake?.close();
  fake = null;
});

async function start(scripts: Record<string, NumberScript>, deps: Partial<EslAdapterDeps> & { password?: string } = {}, heartbeatMs = 40) {
  fake ??= await FakeEslServer.start({ password: PASSWORD, heartbeatMs, script: (n) => scripts[n] ?? { hold: true }, jobOrder: 'random' });
  const adapter = createEslAdapter(
    { name: 'fs1', host: '127.0.0.1', port: fake.port, password: deps.password ?? PASSWORD },
    { clock: { now: () => Date.now() }, logger: silentLogger(), reconnect: { baseMs: 10, maxMs: 40 }, heartbeatTimeoutMs: 2000, jobErrorGraceMs: 50, ...deps },
  );
  adapters.push(adapter);
  const rec = new Recorder(adapter);
  await adapter.start();
  return { fake, adapter, rec };
}

const dial = (number: string): DialRequest =>
  dialRequest(`sofia/gateway/carrier-a/${number}`, {
    dialId: randomUUID(),
    campaign: 'c1',
    record: `r-${number}`,
    number,
    callerId: null,
    ringTimeoutSeconds: 30,
    vars: {},
    onAnswer: { context: 'dialerd', extension: '', priority: 1 },
  });

const up = (rec: Recorder) => rec.waitFor((e) => e.type === 'status' && e.status === 'up', 'up');

describe('ESL link', () => {
  it('a refused password is auth_failed with a clear reason, and nothing is originated', async () => {
    const { fake, adapter, rec } = await start({}, { password: 'wrong' });
    const failed = await rec.waitFor((e) => e.type === 'status' && e.status === 'auth_failed', 'auth_failed');
    expect(failed.type === 'status' && failed.reason).toMatch(/refused the ESL password.*-ERR invalid/);
    expect(adapter.status()).toBe('auth_failed');
    const err = await adapter.originate(dial('+1')).catch((e: unknown) => e);
    expect(isDialerdError(err, 'DIALERD_ERR_PBX_DOWN')).toBe(true);
    expect(fake.commands.some((c) => c.startsWith('event'))).toBe(false);
    expect(rec.events.some((e) => e.type === 'status' && e.status === 'up')).toBe(false);
  });

  it('reconnects after a drop and subscribes again', async () => {
    const { fake, adapter, rec } = await start({ '+2': { answerAfterMs: 5, talkMs: 5 } });
    await up(rec);
    const down = rec.status('down');
    const again = rec.status('up');
    fake.dropClients();
    await down;
    await again;
    expect(fake.commands.filter((c) => c.startsWith('event json'))).toHaveLength(2);
    expect(fake.subscribers).toBe(1);
    const req = dial('+2');
    await adapter.originate(req);
    expect((await rec.ended(req.dialId)).facts.sip).toBe(200);
  });

  it('FreeSWITCH shutting down: the link goes down at its SHUTDOWN event, and an originate it then refuses is pbxDown (no evidence)', async () => {
    const { fake, adapter, rec } = await start({});
    await up(rec);
    const down = rec.next((e) => e.type === 'status' && e.status === 'down', 'down');
    // Hold what the switch says: its SHUTDOWN has not reached us when we originate, its refusal follows it.
    fake.setStalled(true);
    fake.shutdown();
    const req = dial('+4');
    const sent = adapter.originate(req);
    await until(() => fake.commands.some((c) => c.startsWith('bgapi originate')), 'the originate at the switch');
    fake.setStalled(false);
    await sent;
    expect(await down).toMatchObject({ reason: 'FreeSWITCH is shutting down' });
    const ended = await rec.ended(req.dialId);
    expect(ended.facts).toMatchObject({ originateFailed: true, causeName: 'CHAN_NOT_IMPLEMENTED', pbxDown: true });
    await expect(adapter.originate(dial('+5'))).rejects.toMatchObject({ code: 'DIALERD_ERR_PBX_DOWN' });
  });

  it('never replays an originate after a reconnect; the call still ends once', async () => {
    const { fake, adapter, rec } = await start({});
    await up(rec);
    const req = dial('+3');
    await adapter.originate(req);
    const again = rec.status('up');
    fake.dropClients();
    await again;
    expect(await adapter.liveDials()).toEqual([req.dialId]);
    fake.calls.kill(req.dialId, 'NORMAL_CLEARING');
    const ended = await rec.ended(req.dialId);
    expect(ended.facts.causeName).toBe('NORMAL_CLEARING');
    expect(fake.calls.originated).toEqual([req.dialId]);
    expect(fake.calls.duplicates).toBe(0);
    expect(rec.of(req.dialId).filter((e) => e.type === 'ended')).toHaveLength(1);
  });

  it('reconciles a dial whose channel ended while the link was down with the end FreeSWITCH remembers', async () => {
    const { fake, adapter, rec } = await start({ '+4': { answerAfterMs: 5, talkMs: 10_000 } });
    await up(rec);
    const gone = dial('+4');
    const alive = dial('+5');
    await adapter.originate(gone);
    await adapter.originate(alive);
    await rec.waitFor((e) => e.type === 'answered' && e.dialId === gone.dialId, 'answered');
    const again = rec.status('up');
    fake.dropClients();
    fake.calls.kill(channelUuidOf(gone.dialId), 'USER_BUSY'); // its events go nowhere: nobody is connected
    await again;
    const ended = await rec.ended(gone.dialId);
    expect(ended.facts).toMatchObject({ causeName: 'USER_BUSY', q850: 17, originateFailed: false, outcomeLost: false, soft: false });
    expect(ended.facts.answeredAt).not.toBeNull();
    expect(rec.of(alive.dialId).some((e) => e.type === 'ended')).toBe(false);
    expect(await adapter.liveDials()).toEqual([alive.dialId]);
  });

  it('a remembered end set back from a FreeSWITCH clock running ahead never goes before the dial\'s last event', async () => {
    const { fake, adapter, rec } = await start({});
    await up(rec);
    const req = dial('+4');
    await adapter.originate(req);
    const progress = await rec.waitFor((e) => e.type === 'progress' && e.dialId === req.dialId, 'progress');
    const again = rec.status('up');
    fake.dropClients();
    fake.calls.kill(channelUuidOf(req.dialId), 'USER_BUSY');
    // FreeSWITCH's clock an hour ahead when asked: its end looks an hour old.
    fake.apiReplies.set('strmicroepoch', String((Date.now() + 3_600_000) * 1000));
    await again;
    const ended = await rec.ended(req.dialId);
    expect(ended.facts.causeName).toBe('USER_BUSY');
    expect(ended.at).toBeGreaterThanOrEqual(progress.at);
  });

  it('a dial gone while the link was down that FreeSWITCH does not remember (it restarted) is outcomeLost', async () => {
    const { fake, adapter, rec } = await start({});
    await up(rec);
    const gone = dial('+4');
    await adapter.originate(gone);
    const again = rec.status('up');
    fake.dropClients();
    fake.calls.kill(channelUuidOf(gone.dialId));
    fake.calls.globals.clear();
    await again;
    const ended = await rec.ended(gone.dialId);
    expect(ended.facts).toMatchObject({ causeName: null, originateFailed: false, outcomeLost: true, causeText: expect.stringMatching(/outcome lost: channel gone while the ESL link was down/) });
  });

  it('marks the link down when HEARTBEATs stop, and comes back when they return', async () => {
    const { fake, rec } = await start({}, { heartbeatTimeoutMs: 300 }, 30);
    await up(rec);
    const down = rec.next((e) => e.type === 'status' && e.status === 'down', 'down');
    fake.setHeartbeats(false);
    const ev = await down;
    expect(ev.type === 'status' && ev.reason).toMatch(/no HEARTBEAT for 300 ms/);
    const back = rec.status('up');
    fake.setHeartbeats(true);
    await back;
  });

  it('survives frames split at every byte, a stall, and garbage', async () => {
    const { fake, adapter, rec } = await start({ '+6': { answerAfterMs: 5, talkMs: 5 }, '+7': { sip: 486, ringMs: 5 }, '+8': { answerAfterMs: 5, talkMs: 5 } });
    await up(rec);
    fake.setSplit('bytes');
    const a = dial('+6');
    await adapter.originate(a);
    expect((await rec.ended(a.dialId)).facts.sip).toBe(200);
    fake.setSplit('random');
    fake.setStalled(true);
    const b = dial('+7');
    const pending = adapter.originate(b);
    fake.setStalled(false);
    await pending;
    expect((await rec.ended(b.dialId)).facts.causeName).toBe('USER_BUSY');
    fake.setSplit('none');
    // A header block with no Content-Type, then binary junk ending in a blank line: ignored.
    fake.sendGarbage('hello\nthis is not ESL\n\n\x00\xff\xfe\n\n');
    // A bogus Content-Length cannot be resynchronised: the link is dropped and rebuilt.
    const again = rec.next((e) => e.type === 'status' && e.status === 'up', 'up again');
    fake.sendGarbage('Content-Type: text/event-json\nContent-Length: 1e9\n\n');
    await again;
    const c = dial('+8');
    await adapter.originate(c);
    expect((await rec.ended(c.dialId)).facts.sip).toBe(200);
    expect(fake.calls.duplicates).toBe(0);
  });
});
