/**
 * The PbxAdapter contract (test/contract/pbx.contract.ts) against the ESL adapter and the real
 * FreeSWITCH: one SIPp carrier answering by number, and a TCP proxy in front of ESL so the link
 * can be cut while FreeSWITCH and its calls go on.
 */
import { afterAll, beforeAll } from 'vitest';
import { realScheduler } from '../../../src/lib/clock.ts';
import { createEslAdapter } from '../../../src/pbx/esl/adapter.ts';
import { channelUuidOf } from '../../../src/pbx/esl/originate.ts';
import type { DialRequest, PbxAdapter } from '../../../src/pbx/port.ts';
import { LinkProxy } from '../../contract/pbx-link-proxy.ts';
import { pbxContract, type Outcome, type PbxHarness } from '../../contract/pbx.contract.ts';
import { dialRequest, logger } from '../shared/fixtures.ts';
import type { Sipp } from '../shared/sipp.ts';
import { until } from '../../helpers/until.ts';
import { ESL, endpointFor, fsApi, fsChannelExists, invitesReceived, startCarrier } from './harness.ts';

/** The carrier's answer by the number's last three digits. */
const SUFFIX: Record<Outcome, string> = { answer: '201', busy: '486', no_answer: '100', refuse: '', hold: '100' };
let carrier: Sipp;

beforeAll(async () => {
  carrier = await startCarrier('contract', [
    { suffix: '201', kind: 'answer', holdMs: 800 },
    { suffix: '486', kind: 'reject', code: 486, reason: 'Busy Here' },
    { suffix: '100', kind: 'ring' },
  ], 200);
});

afterAll(async () => {
  await carrier?.stop();
});

let numbers = 0;
/** A number no other request uses, so the carrier's INVITEs tell the dials apart. */
const freshNumber = (suffix: string): string => `+1555${String(++numbers).padStart(4, '0')}${suffix}`;

async function eslHarness(): Promise<PbxHarness> {
  const proxy = await LinkProxy.start({ host: ESL.host, port: ESL.port });
  const adapter = (name: string): PbxAdapter =>
    createEslAdapter(
      { name, host: '127.0.0.1', port: proxy.port, password: ESL.password },
      { clock: realScheduler, logger, reconnect: { baseMs: 100, maxMs: 500 } },
    );
  const pbx = adapter('fs1');
  const others: PbxAdapter[] = [];
  await pbx.start();
  await until(() => pbx.status() === 'up', 'ESL link up', 10_000);
  const requested = new Map<string, string>();
  const live = (dialId: string): Promise<boolean> => fsChannelExists(channelUuidOf(dialId));
  return {
    pbx,
    now: () => realScheduler.now(),
    unstarted() {
      const other = adapter('fs2');
      others.push(other);
      return other;
    },
    request(outcome: Outcome): DialRequest {
      const number = freshNumber(SUFFIX[outcome]);
      const req = dialRequest(outcome === 'refuse' ? 'sofia/gateway/no-such-gateway/1000' : endpointFor(number), {
        number,
        callerId: '5550001',
        ringTimeoutSeconds: outcome === 'no_answer' ? 2 : 60,
        onAnswer: { context: 'dialer', extension: '', priority: 1 },
      });
      requested.set(req.dialId, number);
      return req;
    },
    linkDown: () => proxy.down(),
    linkUp: () => proxy.up(),
    // FreeSWITCH keeps no record of ended channels; the carrier does: the INVITEs it got for this dial's number.
    pbxCalls: async (dialId) => invitesReceived(carrier).filter((i) => i.ruri.startsWith(`sip:${requested.get(dialId)}@`)).length,
    async endAtPbx(dialId) {
      const reply = await fsApi(`uuid_kill ${channelUuidOf(dialId)}`);
      if (!reply.startsWith('+OK')) throw new Error(`uuid_kill ${dialId}: ${reply}`);
      await until(async () => !(await live(dialId)), `${dialId} gone in FreeSWITCH`, 5000);
    },
    async close() {
      for (const o of others) await o.stop();
      await pbx.stop();
      await proxy.close();
      // A failed test may leave a `hold` dial ringing: it must not spill into the next one.
      for (const id of requested.keys()) if (await live(id)) await fsApi(`uuid_kill ${channelUuidOf(id)}`);
    },
  };
}

pbxContract('FreeSWITCH (ESL) adapter, real FreeSWITCH', eslHarness, 15_000);
