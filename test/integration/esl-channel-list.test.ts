/**
 * FreeSWITCH's `show channels` reads its core database, written behind the channel events (on
 * the real 1.10.12 a ringing channel is listed ~200 ms after its CHANNEL_PROGRESS, an ended one
 * unlisted ~200 ms after its hangup). The adapter must not take "not listed yet" for "gone".
 * The fake's list lags far beyond each test here, one way or the other, so no timing decides.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { dialRequest } from '../helpers/dial-request.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { createEslAdapter } from '../../src/pbx/esl/adapter.ts';
import { channelUuidOf } from '../../src/pbx/esl/originate.ts';
import type { DialRequest, PbxAdapter } from '../../src/pbx/port.ts';
import { Recorder } from '../fakes/esl/recorder.ts';
import { FakeEslServer } from '../fakes/esl/server.ts';

const PASSWORD = 'lag-pw';
const BUSY = '+15550000486';
const NEW_UNLISTED = { newMs: 60_000, endedMs: 0 };
const ENDED_LISTED = { newMs: 0, endedMs: 60_000 };
let fake: FakeEslServer | null = null;
let adapter: PbxAdapter | null = null;

afterEach(async () => {
  await adapter?.stop();
  await fake?.close();
});

async function start(lag: { newMs: number; endedMs: number }) {
  fake = await FakeEslServer.start({ password: PASSWORD, heartbeatMs: 40, channelListLag: lag, script: (n) => (n === BUSY ? { sip: 486, ringMs: 5 } : { hold: true }) });
  adapter = createEslAdapter(
    { name: 'fs1', host: '127.0.0.1', port: fake.port, password: PASSWORD },
    { clock: { now: () => Date.now() }, logger: silentLogger(), reconnect: { baseMs: 10, maxMs: 40 }, jobErrorGraceMs: 50 },
  );
  const rec = new Recorder(adapter);
  await adapter.start();
  await rec.waitFor((e) => e.type === 'status' && e.status === 'up', 'up');
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

describe('ESL adapter, while show channels lags behind the channels', () => {
  it('liveDials lists a ringing dial the channel list does not show yet', async () => {
    const { adapter, rec } = await start(NEW_UNLISTED);
    const req = dial('+15550000001');
    await adapter.originate(req);
    await rec.waitFor((e) => e.type === 'progress' && e.dialId === req.dialId, 'progress');
    expect(await adapter.liveDials()).toEqual([req.dialId]);
  });

  it('a restarted daemon adopts a dial it expects whose channel is not listed yet, and hears its end', async () => {
    const { fake, adapter, rec } = await start(NEW_UNLISTED);
    const req = dial('+15550000001');
    await adapter.originate(req);
    await rec.waitFor((e) => e.type === 'progress' && e.dialId === req.dialId, 'progress');
    await adapter.stop(); // kill -9 of the first daemon: its link goes, the call rings on
    const next = createEslAdapter({ name: 'fs1', host: '127.0.0.1', port: fake.port, password: PASSWORD }, { clock: { now: () => Date.now() }, logger: silentLogger(), reconnect: { baseMs: 10, maxMs: 40 } });
    const rec2 = new Recorder(next);
    await next.start();
    try {
      await rec2.waitFor((e) => e.type === 'status' && e.status === 'up', 'up');
      expect(fake.calls.showChannelsJson()).not.toContain(channelUuidOf(req.dialId));
      expect(await next.liveDials()).toEqual([]);
      expect(await next.liveDials([req.dialId, 'dialerd-never-originated'])).toEqual([req.dialId]);
      fake.calls.kill(channelUuidOf(req.dialId), 'USER_BUSY');
      const end = await rec2.waitFor((e) => e.type === 'ended' && e.dialId === req.dialId, 'ended');
      expect(end).toMatchObject({ facts: { causeName: 'USER_BUSY', outcomeLost: false } });
    } finally {
      await next.stop();
    }
  });

  it('a reconnect does not end a ringing dial that is not listed yet', async () => {
    const { fake, adapter, rec } = await start(NEW_UNLISTED);
    const req = dial('+15550000001');
    await adapter.originate(req);
    await rec.waitFor((e) => e.type === 'progress' && e.dialId === req.dialId, 'progress');
    const mark = rec.events.length;
    fake.dropClients();
    await rec.waitFor((e) => e.type === 'status' && e.status === 'up' && rec.events.indexOf(e) > mark, 'up again');
    // Reconciliation's commands go out before these on the same connection, so it has decided by their replies.
    const busy = dial(BUSY);
    await adapter.originate(busy);
    await rec.waitFor((e) => e.type === 'ended' && e.dialId === busy.dialId, 'busy ended');
    expect(await adapter.liveDials()).toEqual([req.dialId]);
    expect(rec.of(req.dialId).map((e) => e.type)).toEqual(['progress']);
    await adapter.hangup(req.dialId);
    await rec.waitFor((e) => e.type === 'ended' && e.dialId === req.dialId, 'ended');
  });

  it('a reconnect ends a dial whose channel ended while the link was down, though it is still listed', async () => {
    const { fake, adapter, rec } = await start(ENDED_LISTED);
    const req = dial('+15550000001');
    await adapter.originate(req);
    await rec.waitFor((e) => e.type === 'progress' && e.dialId === req.dialId, 'progress');
    expect(fake.calls.showChannelsJson()).toContain(req.dialId);
    const mark = rec.events.length;
    fake.dropClients();
    fake.calls.kill(req.dialId); // its events go nowhere: nobody is connected
    await rec.waitFor((e) => e.type === 'status' && e.status === 'up' && rec.events.indexOf(e) > mark, 'up again');
    const end = await rec.waitFor((e) => e.type === 'ended' && e.dialId === req.dialId, 'ended');
    expect(end).toMatchObject({ facts: { outcomeLost: false, causeName: 'NORMAL_CLEARING', progress: true } });
    expect(await adapter.liveDials()).toEqual([]);
  });
});
