/**
 * FreeSWITCH's memory of ends (src/pbx/esl/memory.ts) on the real switch, through the adapter's
 * own originate: the api_hangup_hook runs for every kind of end (busy, 404, ring timeout, answered,
 * our hang-up), and there is no instant at which a dial is neither listed by `show channels`
 * (what a restarted daemon reads) nor remembered: sampled list-then-memory the whole time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realScheduler } from '../../../src/lib/clock.ts';
import { createEslAdapter } from '../../../src/pbx/esl/adapter.ts';
import { memoryVar } from '../../../src/pbx/esl/memory.ts';
import { channelUuidOf } from '../../../src/pbx/esl/originate.ts';
import type { PbxAdapter } from '../../../src/pbx/port.ts';
import { dialRequest, logger } from '../shared/fixtures.ts';
import type { Sipp } from '../shared/sipp.ts';
import { until } from '../../helpers/until.ts';
import { ESL, endpointFor, fsApi, startCarrier } from './harness.ts';

const CASES = [
  { suffix: '486', ring: 60, cause: 'USER_BUSY', sip: 486, kill: false },
  { suffix: '404', ring: 60, cause: 'UNALLOCATED_NUMBER', sip: 404, kill: false },
  { suffix: '100', ring: 2, cause: 'NO_ANSWER', sip: null, kill: false },
  { suffix: '201', ring: 60, cause: 'NORMAL_CLEARING', sip: 200, kill: false },
  { suffix: '100', ring: 60, cause: 'NORMAL_CLEARING', sip: null, kill: true },
] as const;

describe('FreeSWITCH remembers every end of our dials, with no gap after the channel list', () => {
  let carrier: Sipp;
  let pbx: PbxAdapter;

  beforeAll(async () => {
    carrier = await startCarrier('memory', [
      { suffix: '201', kind: 'answer', holdMs: 1000 },
      { suffix: '486', kind: 'reject', code: 486, reason: 'Busy Here' },
      { suffix: '404', kind: 'reject', code: 404, reason: 'Not Found' },
      { suffix: '100', kind: 'ring' },
    ], 500);
    pbx = createEslAdapter({ name: 'fs1', ...ESL }, { clock: realScheduler, logger });
    await pbx.start();
    await until(() => pbx.status() === 'up', 'ESL up', 10_000);
  });
  afterAll(async () => {
    await pbx?.stop();
    await carrier?.stop();
  });

  it('a restarted daemon finds a dial originated a moment ago by its id, before show channels lists it', async () => {
    const number = '+15557779100';
    const req = dialRequest(endpointFor(number), { number, callerId: '5550001', ringTimeoutSeconds: 60, onAnswer: { context: 'dialer', extension: 'park', priority: 1 } });
    const next = createEslAdapter({ name: 'fs1', ...ESL }, { clock: realScheduler, logger });
    await next.start();
    try {
      await until(() => next.status() === 'up', 'second ESL link up', 10_000);
      await pbx.originate(req);
      await until(() => fsApi(`uuid_exists ${channelUuidOf(req.dialId)}`).then((r) => r.trim() === 'true'), 'the channel exists', 5000);
      const [listed, byId] = await Promise.all([next.liveDials(), next.liveDials([req.dialId])]);
      console.log(`[e2e] just originated: show channels lists it: ${listed.includes(req.dialId)}; found by id: ${byId.includes(req.dialId)}`);
      expect(byId).toContain(req.dialId);
    } finally {
      await pbx.hangup(req.dialId);
      await next.stop();
    }
  });

  it.each(CASES.map((c, i) => ({ ...c, i })))('$cause (kill: $kill)', async (c) => {
    const number = `+1555777${c.i}${c.suffix}`;
    const req = dialRequest(endpointFor(number), { number, callerId: '5550001', ringTimeoutSeconds: c.ring, onAnswer: { context: 'dialer', extension: 'park', priority: 1 } });
    const uuid = channelUuidOf(req.dialId);
    let ended = false;
    const off = pbx.on((e) => void (e.type === 'ended' && e.dialId === req.dialId && (ended = true)));
    await pbx.originate(req);
    let listedOnce = false;
    let samples = 0;
    const gaps: number[] = [];
    const t0 = Date.now();
    let killed = false;
    // Sample until the dial has ended and left the list: list first, then memory.
    for (;;) {
      const listed = (await fsApi('show channels as json')).includes(uuid);
      const remembered = !(await fsApi(`global_getvar ${memoryVar(uuid)}`)).startsWith('-ERR');
      samples++;
      if (listed) listedOnce = true;
      else if (listedOnce && !remembered) gaps.push(Date.now() - t0);
      if (c.kill && listed && !killed) {
        killed = true;
        await pbx.hangup(req.dialId);
      }
      if (listedOnce && !listed && ended) break;
      if (Date.now() - t0 > 15_000) throw new Error('the dial never ended');
    }
    off();
    const got = (await pbx.recallEnds([req.dialId])).get(req.dialId);
    console.log(`[e2e] memory ${c.cause}${c.kill ? ' (our hang-up)' : ''}: ${samples} samples list→memory, ${gaps.length} with neither; remembered ${JSON.stringify(got?.facts && { causeName: got.facts.causeName, sip: got.facts.sip, soft: got.facts.soft, answered: got.facts.answeredAt !== null })}`);
    expect(gaps).toEqual([]);
    expect(got?.facts).toMatchObject({ causeName: c.cause, sip: c.sip, soft: c.kill, outcomeLost: false });
    expect(got!.facts.answeredAt !== null).toBe(c.suffix === '201');
    await pbx.forgetEnds([req.dialId]);
    expect((await pbx.recallEnds([req.dialId])).size).toBe(0);
  });
});
