/**
 * The PbxAdapter contract against the FreeSWITCH adapter and the fake mod_event_socket (real
 * TCP, real framing), with a TCP proxy in between so the link can be cut while calls go on.
 */
import { randomUUID } from 'node:crypto';
import { silentLogger } from '../../src/lib/logger.ts';
import { createEslAdapter } from '../../src/pbx/esl/adapter.ts';
import { channelUuidOf } from '../../src/pbx/esl/originate.ts';
import type { DialRequest, PbxAdapter } from '../../src/pbx/port.ts';
import { FakeEslServer, type NumberScript } from '../fakes/esl/server.ts';
import { LinkProxy } from './pbx-link-proxy.ts';
import { pbxContract, type Outcome, type PbxHarness } from './pbx.contract.ts';

const PASSWORD = 'contract-pw';
const SKEW_MS = 3_600_000;
const SCRIPTS: Record<Outcome, NumberScript> = {
  answer: { answerAfterMs: 20, talkMs: 40 },
  busy: { sip: 486, ringMs: 10 },
  no_answer: { cause: 'NO_ANSWER', ringMs: 40 },
  refuse: { refuse: 'GATEWAY_DOWN' },
  hold: { hold: true },
};
const NUMBER: Record<Outcome, string> = { answer: '+15550000001', busy: '+15550000002', no_answer: '+15550000003', refuse: '+15550000004', hold: '+15550000005' };
const byNumber = new Map(Object.entries(NUMBER).map(([o, n]) => [n, SCRIPTS[o as Outcome]]));

async function eslHarness(): Promise<PbxHarness> {
  const fake = await FakeEslServer.start({ password: PASSWORD, heartbeatMs: 50, script: (n) => byNumber.get(n) ?? { hold: true } });
  const proxy = await LinkProxy.start({ host: '127.0.0.1', port: fake.port });
  // Our clock an hour ahead of the switch's: instants must come from ours (src/pbx/port.ts).
  const clock = { now: () => Date.now() + SKEW_MS };
  const adapter = (name: string) =>
    createEslAdapter(
      { name, host: '127.0.0.1', port: proxy.port, password: PASSWORD },
      { clock, logger: silentLogger(), reconnect: { baseMs: 10, maxMs: 50 }, heartbeatTimeoutMs: 2000, jobErrorGraceMs: 50 },
    );
  const pbx = adapter('fs1');
  const others: PbxAdapter[] = [];
  await pbx.start();
  await new Promise<void>((resolve) => {
    const off = pbx.on((e) => e.type === 'status' && e.status === 'up' && (off(), resolve()));
  });
  return {
    pbx,
    now: clock.now,
    unstarted: () => {
      const other = adapter('fs2');
      others.push(other);
      return other;
    },
    request(outcome: Outcome): DialRequest {
      const number = NUMBER[outcome];
      return {
        dialId: `dialerd-${randomUUID()}`,
        campaign: 'c1',
        record: `r-${number}`,
        number,
        endpoint: `sofia/gateway/carrier-a/${number}`,
        callerId: null,
        ringTimeoutSeconds: 30,
        vars: {},
        amd: { enabled: false, params: {} },
        onAnswer: { context: 'dialerd', extension: '', priority: 1 },
      };
    },
    linkDown: () => proxy.down(),
    linkUp: () => proxy.up(),
    // Every origination_uuid the switch received, refused duplicates included.
    pbxCalls: async (dialId) => fake.calls.originated.filter((u) => u === channelUuidOf(dialId)).length,
    async endAtPbx(dialId) {
      if (!fake.calls.kill(channelUuidOf(dialId))) throw new Error(`no channel for ${dialId}`);
    },
    async close() {
      for (const o of others) await o.stop();
      await pbx.stop();
      await proxy.close();
      await fake.close();
    },
  };
}

pbxContract('FreeSWITCH (ESL) adapter, fake switch', eslHarness);
