/**
 * The PbxAdapter contract (test/contract/pbx.contract.ts) against the ARI adapter and the real
 * Asterisk: one SIPp carrier per outcome, and a TCP proxy in front of ARI (REST + WebSocket) so
 * the link can be cut while Asterisk and its calls go on.
 */
import { afterAll, beforeAll } from 'vitest';
import { realScheduler } from '../../../src/lib/clock.ts';
import { createAriAdapter } from '../../../src/pbx/ari/index.ts';
import type { DialRequest, PbxAdapter } from '../../../src/pbx/port.ts';
import { LinkProxy } from '../../contract/pbx-link-proxy.ts';
import { pbxContract, type Outcome, type PbxHarness } from '../../contract/pbx.contract.ts';
import { dialRequest, logger } from './fixtures.ts';
import { ARI, HTTP_PORT, asteriskChannels, endpointAt, startSipp, until, type Sipp } from './harness.ts';
import { answerScenario, rejectScenario, ringForeverScenario } from '../shared/sipp-scenarios.ts';

const ANSWER = 15161;
const BUSY = 15162;
const RING = 15163;
const auth = 'Basic ' + Buffer.from(`${ARI.username}:${ARI.password}`).toString('base64');
const sipps: Sipp[] = [];

beforeAll(async () => {
  sipps.push(await startSipp('contract-answer', answerScenario(800), ANSWER, 200));
  sipps.push(await startSipp('contract-busy', rejectScenario(486, 'Busy Here'), BUSY, 200));
  sipps.push(await startSipp('contract-ring', ringForeverScenario(), RING));
});

afterAll(async () => {
  await Promise.all(sipps.map((s) => s.stop()));
});

/** Hang a channel up in Asterisk directly, not through the adapter (404: already gone). */
async function deleteChannel(id: string): Promise<void> {
  const r = await fetch(`${ARI.url}/ari/channels/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { Authorization: auth }, signal: AbortSignal.timeout(2000) });
  if (r.status !== 204 && r.status !== 404) throw new Error(`DELETE /channels/${id}: HTTP ${r.status}`);
}

const channelsOf = async (dialId: string): Promise<string[]> =>
  (await asteriskChannels()).filter((id) => id === dialId || id.startsWith(`${dialId}.`));

let harnesses = 0;

async function ariHarness(): Promise<PbxHarness> {
  const proxy = await LinkProxy.start({ host: '127.0.0.1', port: HTTP_PORT });
  const adapter = (name: string) =>
    createAriAdapter(
      { name, url: `http://127.0.0.1:${proxy.port}`, username: ARI.username, password: ARI.password, app: `dialerd-e2e-contract-${++harnesses}` },
      { clock: realScheduler, logger, reconnect: { baseMs: 100, maxMs: 500 }, tuning: { pingMs: 1000 } },
    );
  const pbx = adapter('ast1');
  const others: PbxAdapter[] = [];
  await pbx.start();
  await until(() => pbx.status() === 'up', 'ARI link up', 10_000);
  const requested: string[] = [];
  return {
    pbx,
    now: () => realScheduler.now(),
    unstarted() {
      const other = adapter('ast2');
      others.push(other);
      return other;
    },
    request(outcome: Outcome): DialRequest {
      const req =
        outcome === 'answer' ? dialRequest(endpointAt(ANSWER, '1001'))
        : outcome === 'busy' ? dialRequest(endpointAt(BUSY, '1002'))
        : outcome === 'no_answer' ? dialRequest(endpointAt(RING, '1003'), { ringTimeoutSeconds: 2 })
        : outcome === 'refuse' ? dialRequest('PJSIP/no-such-endpoint')
        : dialRequest(endpointAt(RING, '1005'), { ringTimeoutSeconds: 60 });
      requested.push(req.dialId);
      return req;
    },
    linkDown: () => proxy.down(),
    linkUp: () => proxy.up(),
    // Asterisk keeps no record of ended channels: what it has live now (our id, or id.N after a 409).
    pbxCalls: async (dialId) => (await channelsOf(dialId)).length,
    async endAtPbx(dialId) {
      const ids = await channelsOf(dialId);
      if (ids.length === 0) throw new Error(`no channel for ${dialId}`);
      await Promise.all(ids.map(deleteChannel));
      await until(async () => (await channelsOf(dialId)).length === 0, `${dialId} gone in Asterisk`, 5000);
    },
    async close() {
      for (const o of others) await o.stop();
      await pbx.stop();
      await proxy.close();
      // A failed test may leave a `hold` dial ringing: it must not spill into the next one.
      for (const id of requested) for (const ch of await channelsOf(id)) await deleteChannel(ch);
    },
  };
}

pbxContract('Asterisk (ARI) adapter, real Asterisk', ariHarness, 15_000);
