import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isDialerdError } from '../../src/lib/errors.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { createEslAdapter, type EslAdapterDeps } from '../../src/pbx/esl/adapter.ts';
import { channelUuidOf } from '../../src/pbx/esl/originate.ts';
import type { DialRequest, PbxAdapter } from '../../src/pbx/port.ts';
import { Recorder } from '../fakes/esl/recorder.ts';
import { FakeEslServer, type FakeEslOptions, type NumberScript } from '../fakes/esl/server.ts';

const PASSWORD = 'not-ClueCon-7f3a';
let fake: FakeEslServer | null = null;
let adapters: PbxAdapter[] = [];

afterEach(async () => {
  for (const a of adapters) await a.stop();
  adapters = [];
  await fake?.close();
  fake = null;
});

async function setup(
  scripts: Record<string, NumberScript>,
  o: Partial<FakeEslOptions> = {},
  deps: Partial<EslAdapterDeps> & { password?: string } = {},
): Promise<{ fake: FakeEslServer; adapter: PbxAdapter; rec: Recorder }> {
  fake = await FakeEslServer.start({ password: PASSWORD, heartbeatMs: 50, script: (n) => scripts[n] ?? { hold: true }, ...o });
  const adapter = createEslAdapter(
    { name: 'fs1', host: '127.0.0.1', port: fake.port, password: deps.password ?? PASSWORD },
    { clock: { now: () => Date.now() }, logger: silentLogger(), reconnect: { baseMs: 10, maxMs: 50 }, heartbeatTimeoutMs: 2000, jobErrorGraceMs: 100, ...deps },
  );
  adapters.push(adapter);
  const rec = new Recorder(adapter);
  await adapter.start();
  await rec.waitFor((e) => e.type === 'status' && e.status === 'up', 'up');
  return { fake, adapter, rec };
}

const dial = (number: string, over: Partial<DialRequest> = {}): DialRequest => ({
  dialId: randomUUID(),
  campaign: 'c1',
  record: `r-${number}`,
  number,
  endpoint: `sofia/gateway/carrier-a/${number}`,
  callerId: '+74950000000',
  ringTimeoutSeconds: 30,
  vars: { name: 'Ivan' },
  amd: { enabled: false, params: {} },
  onAnswer: { context: 'dialerd', extension: '', priority: 1 },
  ...over,
});

describe('ESL adapter against the fake switch', () => {
  it('authenticates, subscribes to the events it needs, and reports an answered call in order', async () => {
    const { fake, adapter, rec } = await setup({ '+1001': { answerAfterMs: 20, talkMs: 30 } });
    expect(fake.commands).toContain(`auth ${PASSWORD}`);
    const sub = fake.commands.find((c) => c.startsWith('event json'))!;
    for (const e of ['CHANNEL_ANSWER', 'CHANNEL_HANGUP_COMPLETE', 'BACKGROUND_JOB', 'HEARTBEAT', 'CUSTOM', 'avmd::beep']) expect(sub).toContain(e);
    const req = dial('+1001');
    await adapter.originate(req);
    const ended = await rec.ended(req.dialId);
    expect(rec.of(req.dialId).map((e) => e.type)).toEqual(['progress', 'answered', 'ended']);
    expect(ended.facts).toMatchObject({ causeName: 'NORMAL_CLEARING', q850: 16, sip: 200, originateFailed: false, ringTimeoutHit: false });
    expect(ended.facts.answeredAt).not.toBeNull();
    expect(fake.calls.originated).toEqual([req.dialId]);
  });

  const SIP_TABLE: Array<[number, string, number]> = [
    [486, 'USER_BUSY', 17],
    [600, 'USER_BUSY', 17],
    [404, 'UNALLOCATED_NUMBER', 1],
    [480, 'NO_USER_RESPONSE', 18],
    [408, 'RECOVERY_ON_TIMER_EXPIRE', 102],
    [504, 'RECOVERY_ON_TIMER_EXPIRE', 102],
    [503, 'NORMAL_TEMPORARY_FAILURE', 41],
    [500, 'NORMAL_TEMPORARY_FAILURE', 41],
    [603, 'CALL_REJECTED', 21],
    [484, 'INVALID_NUMBER_FORMAT', 28],
    [502, 'NETWORK_OUT_OF_ORDER', 38],
  ];

  it('reports the sofia cause name, q850 and SIP code for every SIP failure, whatever the event order', async () => {
    const scripts = Object.fromEntries(SIP_TABLE.map(([sip]) => [`+2${sip}`, { sip, ringMs: 15 }]));
    const { adapter, rec } = await setup(scripts, { jobOrder: 'random' });
    const reqs = SIP_TABLE.map(([sip]) => dial(`+2${sip}`));
    await Promise.all(reqs.map((r) => adapter.originate(r)));
    for (const [i, [sip, name, q850]] of SIP_TABLE.entries()) {
      const ended = await rec.ended(reqs[i]!.dialId);
      expect(ended.facts, `SIP ${sip}`).toMatchObject({ sip, causeName: name, q850, answeredAt: null, originateFailed: false, ringTimeoutHit: false });
    }
  });

  it.each(['job-first', 'hangup-first'] as const)('ends a failed dial exactly once when BACKGROUND_JOB comes %s', async (order) => {
    const { adapter, rec } = await setup({ '+3486': { sip: 486, ringMs: 5 }, '+3999': { sip: 503, ringMs: 400 } }, { jobOrder: order });
    const a = dial('+3486');
    const later = dial('+3999');
    await adapter.originate(a);
    await adapter.originate(later);
    const ended = await rec.ended(a.dialId);
    expect(ended.facts).toMatchObject({ sip: 486, causeName: 'USER_BUSY' });
    await rec.ended(later.dialId); // well past the -ERR grace period
    expect(rec.of(a.dialId).filter((e) => e.type === 'ended')).toHaveLength(1);
  });

  it('ends with originateFailed when the originate is refused without a channel (BACKGROUND_JOB -ERR)', async () => {
    const { adapter, rec } = await setup({ '+4000': { refuse: 'GATEWAY_DOWN' } });
    const req = dial('+4000');
    await adapter.originate(req);
    const ended = await rec.ended(req.dialId);
    expect(ended.facts).toMatchObject({ originateFailed: true, causeName: 'GATEWAY_DOWN', sip: null, answeredAt: null });
  });

  it('marks the ring timeout when FreeSWITCH gives up itself', async () => {
    const { adapter, rec } = await setup({ '+5000': { cause: 'NO_ANSWER', ringMs: 10 } });
    const req = dial('+5000');
    await adapter.originate(req);
    expect((await rec.ended(req.dialId)).facts).toMatchObject({ ringTimeoutHit: true, causeName: 'NO_ANSWER', q850: 19, sip: null });
  });

  it('reports AMD from mod_avmd, a mod_amd event, and a channel variable, before the end', async () => {
    const { adapter, rec } = await setup({
      '+6001': { answerAfterMs: 5, talkMs: 30, amd: { via: 'avmd', status: 'MACHINE' } },
      '+6002': { answerAfterMs: 5, talkMs: 30, amd: { via: 'amd_event', status: 'person', cause: 'MAXWORDS-3-2' } },
      '+6003': { answerAfterMs: 5, talkMs: 30, amd: { via: 'amd_var', status: 'Machine', cause: 'LONGGREETING' } },
    });
    const reqs = ['+6001', '+6002', '+6003'].map((n) => dial(n, { amd: { enabled: true, params: {} } }));
    await Promise.all(reqs.map((r) => adapter.originate(r)));
    await Promise.all(reqs.map((r) => rec.ended(r.dialId)));
    const amd = reqs.map((r) => rec.of(r.dialId).find((e) => e.type === 'amd'));
    expect(amd.map((e) => e && e.type === 'amd' && [e.status, e.cause])).toEqual([
      ['MACHINE', 'BEEP'],
      ['HUMAN', 'MAXWORDS-3-2'],
      ['MACHINE', 'LONGGREETING'],
    ]);
    for (const r of reqs) expect(rec.of(r.dialId).map((e) => e.type)).toEqual(['progress', 'answered', 'amd', 'ended']);
  });

  it('answers liveDials from show channels, and hangs up our dial softly', async () => {
    const { adapter, rec } = await setup({});
    const a = dial('+7001');
    const b = dial('+7002');
    await adapter.originate(a);
    await adapter.originate(b);
    expect((await adapter.liveDials()).sort()).toEqual([a.dialId, b.dialId].sort());
    await adapter.hangup(a.dialId);
    expect((await rec.ended(a.dialId)).facts).toMatchObject({ soft: true, causeName: 'NORMAL_CLEARING' });
    expect(await adapter.liveDials()).toEqual([b.dialId]);
    await adapter.hangup('no-such-dial');
  });

  it('a -ERR to show channels is a failed PBX command (DIALERD_ERR_PBX_COMMAND), not a timeout', async () => {
    const { fake, adapter } = await setup({});
    fake.apiReplies.set('show channels', '-ERR out of memory\n');
    await expect(adapter.liveDials()).rejects.toMatchObject({ code: 'DIALERD_ERR_PBX_COMMAND' });
  });

  it('maps a dialId FreeSWITCH cannot hold as a uuid (over 36 bytes) to a stable channel uuid', async () => {
    const { fake, adapter, rec } = await setup({ '+7101': { answerAfterMs: 5, talkMs: 5 } });
    const long = dial('+7101', { dialId: `dialerd-${randomUUID()}` });
    const held = dial('+7102', { dialId: `dialerd-${randomUUID()}` });
    await adapter.originate(long);
    await adapter.originate(held);
    expect(fake.calls.originated).toEqual([channelUuidOf(long.dialId), channelUuidOf(held.dialId)]);
    expect(channelUuidOf(long.dialId)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await rec.ended(long.dialId)).facts.sip).toBe(200);
    expect(rec.of(long.dialId).map((e) => e.type)).toEqual(['progress', 'answered', 'ended']);
    expect(await adapter.liveDials()).toEqual([held.dialId]);
    await adapter.hangup(held.dialId);
    expect((await rec.ended(held.dialId)).facts.soft).toBe(true);
    const again = await adapter.originate(long).catch((e: unknown) => e);
    expect(isDialerdError(again, 'DIALERD_ERR_ORIGINATE_REFUSED')).toBe(true);
    expect(fake.calls.originated).toHaveLength(2);
  });

  it('after a daemon restart, adopts our live dials (and only ours) and reports their end', async () => {
    const { fake, adapter } = await setup({});
    const a = dial('+7201', { dialId: `dialerd-${randomUUID()}` });
    const b = dial('+7202', { dialId: `dialerd-${randomUUID()}` });
    await adapter.originate(a);
    await adapter.originate(b);
    fake.calls.bgapi('job-foreign', `originate {origination_uuid=${randomUUID()}}sofia/gateway/other/+7299 &park()`);
    await adapter.stop();
    const next = createEslAdapter(
      { name: 'fs1', host: '127.0.0.1', port: fake.port, password: PASSWORD },
      { clock: { now: () => Date.now() }, logger: silentLogger(), reconnect: { baseMs: 10, maxMs: 50 }, jobErrorGraceMs: 100 },
    );
    adapters.push(next);
    const rec = new Recorder(next);
    await next.start();
    await rec.waitFor((e) => e.type === 'status' && e.status === 'up', 'up');
    expect(fake.calls.live.size).toBe(3);
    expect((await next.liveDials()).sort()).toEqual([a.dialId, b.dialId].sort());
    fake.calls.kill(channelUuidOf(a.dialId), 'NORMAL_CLEARING');
    fake.calls.kill(channelUuidOf(b.dialId), 'NORMAL_CLEARING');
    expect((await rec.ended(a.dialId)).facts.causeName).toBe('NORMAL_CLEARING');
    expect((await rec.ended(b.dialId)).facts.causeName).toBe('NORMAL_CLEARING');
    expect(fake.calls.originated).toHaveLength(3);
  });

  it('after a restart, also picks up our dial from its own events (dialerd_dial), without liveDials', async () => {
    const { fake, adapter } = await setup({});
    const a = dial('+7301', { dialId: `dialerd-${randomUUID()}` });
    await adapter.originate(a);
    await adapter.stop();
    const next = createEslAdapter(
      { name: 'fs1', host: '127.0.0.1', port: fake.port, password: PASSWORD },
      { clock: { now: () => Date.now() }, logger: silentLogger(), reconnect: { baseMs: 10, maxMs: 50 } },
    );
    adapters.push(next);
    const rec = new Recorder(next);
    await next.start();
    await rec.waitFor((e) => e.type === 'status' && e.status === 'up', 'up');
    fake.calls.kill(channelUuidOf(a.dialId), 'NORMAL_CLEARING');
    expect((await rec.ended(a.dialId)).facts).toMatchObject({ causeName: 'NORMAL_CLEARING', answeredAt: null });
  });

  it('refuses to originate while down, with DIALERD_ERR_PBX_DOWN', async () => {
    const { fake, adapter, rec } = await setup({});
    const down = rec.status('down');
    await fake.close();
    await down;
    const err = await adapter.originate(dial('+8000')).catch((e: unknown) => e);
    expect(isDialerdError(err, 'DIALERD_ERR_PBX_DOWN')).toBe(true);
    expect(isDialerdError(await adapter.liveDials().catch((e: unknown) => e), 'DIALERD_ERR_PBX_DOWN')).toBe(true);
  });
});
