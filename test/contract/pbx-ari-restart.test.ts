/**
 * The ARI adapter across an Asterisk restart (issue 10, chaos findings A and B): the memory of
 * ends survives it (the global variables are wiped, the hangup handler's AstDB copy is not, and
 * recallEnds falls back to it; the fake ARI plays [dialerd-end] and [dialerd-memory] of
 * dialplan/asterisk/dialerd-originate.conf), and originates refused while Asterisk shuts down are
 * pbx_down, not the trunk's refusal.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { silentLogger } from '../../src/lib/logger.ts';
import { BATCH } from '../../src/pbx/ari/end-memory-db.ts';
import { createAriAdapter } from '../../src/pbx/ari/index.ts';
import type { DialRequest, PbxAdapter, PbxEvent } from '../../src/pbx/port.ts';
import { FakeAriServer } from '../fakes/ari/server.ts';

const USER = { username: 'dialer', password: 'contract-pw' };
let fake: FakeAriServer;
let pbx: PbxAdapter;
const ended = new Map<string, PbxEvent>();

beforeEach(async () => {
  fake = await FakeAriServer.start({ ...USER, script: () => ({ reject: { cause: 17, sip: 486 }, ringMs: 5 }) });
  pbx = createAriAdapter(
    { name: 'ast1', url: `http://127.0.0.1:${fake.port}`, ...USER, app: 'dialerd-contract' },
    { clock: { now: () => Date.now() }, logger: silentLogger(), reconnect: { baseMs: 10, maxMs: 50 }, tuning: { goneWithinMs: 1000 } },
  );
  const up = new Promise<void>((resolve) => pbx.on((e) => e.type === 'status' && e.status === 'up' && resolve()));
  pbx.on((e) => void (e.type === 'ended' && ended.set(e.dialId, e)));
  await pbx.start();
  await up;
});
afterEach(async () => {
  await pbx.stop();
  await fake.close();
});

const request = (): DialRequest => ({
  dialId: `dialerd-${randomUUID()}`, campaign: 'c1', record: 'r1', number: '+15550000001', endpoint: 'PJSIP/carrier/sip:busy@127.0.0.1',
  callerId: null, ringTimeoutSeconds: 30, vars: {}, amd: { enabled: false, params: {} }, onAnswer: { context: 'dialerd', extension: 's', priority: 1 },
});
async function busyDial(): Promise<string> {
  const req = request();
  await pbx.originate(req);
  await expect.poll(() => ended.has(req.dialId)).toBe(true);
  return req.dialId;
}

it('a dial that ended before Asterisk restarted is still recalled (from AstDB), with its facts', async () => {
  const id = await busyDial();
  fake.restart();
  expect(fake.globals.size).toBe(0);
  const got = (await pbx.recallEnds([id, 'never-originated-0001'])).get(id);
  expect(got?.facts).toMatchObject({ q850: 17, sip: 486, outcomeLost: false });
  expect([...(await pbx.recallEnds([id, 'never-originated-0001'])).keys()]).toEqual([id]);
});

it('forgetting deletes the global at once and the AstDB copies in batches; a forgotten id is never restored', async () => {
  const ids = [await busyDial()];
  await pbx.forgetEnds(ids);
  fake.restart();
  expect(fake.db.has(ids[0]!)).toBe(true); // waiting for its batch
  // a recall that restores (an id whose global is missing) takes the waiting id along
  expect((await pbx.recallEnds([...ids, 'never-originated-0002'])).size).toBe(0);
  expect(fake.db.has(ids[0]!)).toBe(false);
  const more = Array.from({ length: BATCH }, (_, i) => `dialerd-x-${i}`);
  for (const id of more) fake.db.set(id, '1|17|486|Ringing||1764480000123');
  for (const id of more) await pbx.forgetEnds([id]);
  expect(more.filter((id) => fake.db.has(id))).toEqual([]);
});

it('an originate refused while Asterisk shuts down is DIALERD_ERR_PBX_DOWN (no trunk evidence)', async () => {
  fake.beginShutdown(50);
  await expect(pbx.originate(request())).rejects.toMatchObject({ code: 'DIALERD_ERR_PBX_DOWN' });
});
