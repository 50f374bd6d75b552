/**
 * The PbxAdapter contract against the Asterisk adapter and a fake ARI (real HTTP and WebSocket
 * sockets, Asterisk's wire format), with a TCP proxy in between so the link (REST and events)
 * can be cut while the fake's channels go on.
 */
import { randomUUID } from 'node:crypto';
import { silentLogger } from '../../src/lib/logger.ts';
import { createAriAdapter } from '../../src/pbx/ari/index.ts';
import type { DialRequest, PbxAdapter } from '../../src/pbx/port.ts';
import { FakeAriServer, type AriScript } from '../fakes/ari/server.ts';
import { LinkProxy } from './pbx-link-proxy.ts';
import { pbxContract, type Outcome, type PbxHarness } from './pbx.contract.ts';

const USER = { username: 'dialer', password: 'contract-pw' };
/** Our clock an hour ahead of the fake's: instants must come from ours (src/pbx/port.ts). */
const SKEW_MS = 3_600_000;
const SCRIPTS: Record<Outcome, AriScript> = {
  answer: { answerAfterMs: 20, talkMs: 40 },
  busy: { reject: { cause: 17, sip: 486 }, ringMs: 10 },
  no_answer: { reject: { cause: 19, sip: 480 }, ringMs: 40 },
  refuse: { refuse: 'Allocation failed' },
  hold: { hold: true },
};
const endpointOf = (o: Outcome): string => `PJSIP/carrier/sip:${o}@127.0.0.1`;
const byEndpoint = new Map(Object.entries(SCRIPTS).map(([o, s]) => [endpointOf(o as Outcome), s]));

async function ariHarness(): Promise<PbxHarness> {
  const fake = await FakeAriServer.start({ ...USER, script: (e) => byEndpoint.get(e) ?? { hold: true } });
  const proxy = await LinkProxy.start({ host: '127.0.0.1', port: fake.port });
  const clock = { now: () => Date.now() + SKEW_MS };
  const adapter = (name: string): PbxAdapter =>
    createAriAdapter(
      { name, url: `http://127.0.0.1:${proxy.port}`, ...USER, app: 'dialerd-contract' },
      { clock, logger: silentLogger(), reconnect: { baseMs: 10, maxMs: 50 }, tuning: { pingMs: 1000, requestTimeoutMs: 2000 } },
    );
  const pbx = adapter('ast1');
  const others: PbxAdapter[] = [];
  const up = new Promise<void>((resolve) => pbx.on((e) => e.type === 'status' && e.status === 'up' && resolve()));
  await pbx.start();
  await up;
  const mine = (dialId: string) => (id: string) => id === dialId || id.startsWith(`${dialId}.`);
  return {
    pbx,
    now: clock.now,
    unstarted() {
      const other = adapter('ast2');
      others.push(other);
      return other;
    },
    request(outcome: Outcome): DialRequest {
      return {
        dialId: `dialerd-${randomUUID()}`,
        campaign: 'c1',
        record: `r-${outcome}`,
        number: '+15550000001',
        endpoint: endpointOf(outcome),
        callerId: null,
        ringTimeoutSeconds: 30,
        vars: {},
        amd: { enabled: false, params: {} },
        onAnswer: { context: 'dialerd', extension: 's', priority: 1 },
      };
    },
    linkDown: () => proxy.down(),
    linkUp: () => proxy.up(),
    // Every channel the fake created for this dial (our id, or id.N after a 409).
    pbxCalls: async (dialId) => fake.created.filter(mine(dialId)).length,
    async endAtPbx(dialId) {
      if (!fake.farEndHangup(dialId)) throw new Error(`no channel for ${dialId}`);
    },
    async close() {
      for (const o of others) await o.stop();
      await pbx.stop();
      await proxy.close();
      await fake.close();
    },
  };
}

pbxContract('Asterisk (ARI) adapter, fake ARI', ariHarness);
