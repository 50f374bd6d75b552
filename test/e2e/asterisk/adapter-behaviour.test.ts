/**
 * The PbxAdapter guarantees that need a real Asterisk: originate only while up, refusals that
 * leave no event, our channel ids (409 → fresh id), hangup, liveDials, and adoption of our live
 * channels by a new adapter process (daemon restart).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDialerdError } from '../../../src/lib/errors.ts';
import type { PbxAdapter } from '../../../src/pbx/port.ts';
import { Collector } from '../shared/collector.ts';
import { realScheduler } from '../../../src/lib/clock.ts';
import { createAriAdapter } from '../../../src/pbx/ari/index.ts';
import { dialRequest, logger, newAdapter } from './fixtures.ts';
import { ARI, asteriskChannels, endpointAt, startSipp, until, type Sipp } from './harness.ts';
import { answerScenario, ringForeverScenario } from '../shared/sipp-scenarios.ts';

const APP = 'dialerd-e2e-behaviour';
const RING = 15131;
const HOLD = 15132;
const auth = 'Basic ' + Buffer.from(`${ARI.username}:${ARI.password}`).toString('base64');

describe('ARI adapter guarantees on a real Asterisk', () => {
  let adapter: PbxAdapter;
  let col: Collector;
  const sipps: Sipp[] = [];
  const others: PbxAdapter[] = [];

  beforeAll(async () => {
    sipps.push(await startSipp('behaviour-ring', ringForeverScenario(), RING));
    sipps.push(await startSipp('behaviour-hold', answerScenario(4000), HOLD));
    adapter = newAdapter(APP);
    col = new Collector(adapter);
  });

  afterAll(async () => {
    await adapter?.stop();
    for (const a of others) await a.stop();
    await Promise.all(sipps.map((s) => s.stop()));
  });

  it('refuses to originate before the events socket is up, with DIALERD_ERR_PBX_DOWN', async () => {
    expect(adapter.status()).toBe('down');
    const err = await adapter.originate(dialRequest(endpointAt(RING, '1'))).catch((e: unknown) => e);
    expect(isDialerdError(err, 'DIALERD_ERR_PBX_DOWN')).toBe(true);
    await expect(adapter.liveDials()).rejects.toMatchObject({ code: 'DIALERD_ERR_PBX_DOWN' });
    await adapter.start();
    await until(() => adapter.status() === 'up', 'link up', 10_000);
    expect(col.statuses).toEqual(['connecting', 'up']);
  });

  it('a refused originate rejects with ORIGINATE_REFUSED and no event ever follows for it', async () => {
    const bad = dialRequest('PJSIP/no-such-endpoint');
    await expect(adapter.originate(bad)).rejects.toMatchObject({ code: 'DIALERD_ERR_ORIGINATE_REFUSED' });
    const good = dialRequest(endpointAt(HOLD, '2'));
    await adapter.originate(good);
    await col.waitEnded(good.dialId);
    expect(col.of(bad.dialId)).toEqual([]);
  });

  it('hangup() ends a ringing dial once, soft, and liveDials follows Asterisk', async () => {
    const req = dialRequest(endpointAt(RING, '3'), { ringTimeoutSeconds: 30 });
    await adapter.originate(req);
    await until(() => col.sequence(req.dialId).includes('progress'), 'ringing', 5000);
    expect(await adapter.liveDials()).toContain(req.dialId);
    expect(await asteriskChannels()).toContain(req.dialId);
    await adapter.hangup(req.dialId);
    const facts = await col.waitEnded(req.dialId);
    expect(facts.soft).toBe(true);
    expect(facts.ringTimeoutHit).toBe(false);
    expect(await adapter.liveDials()).not.toContain(req.dialId);
    await adapter.hangup(req.dialId); // already ended: ignored
    await adapter.hangup('never-existed');
    expect(col.endedCount(req.dialId)).toBe(1);
  });

  it('a channel id taken by someone else (409) is retried with a fresh id; events keep our dialId', async () => {
    const req = dialRequest(endpointAt(RING, '4'), { ringTimeoutSeconds: 30 });
    const squat = await fetch(
      `${ARI.url}/ari/channels/${req.dialId}?endpoint=${encodeURIComponent(endpointAt(RING, '5'))}&app=squatter&timeout=30`,
      { method: 'POST', headers: { Authorization: auth } },
    );
    expect(squat.status).toBe(200);
    await adapter.originate(req);
    await until(() => col.sequence(req.dialId).includes('progress'), 'ringing', 5000);
    const channels = await asteriskChannels();
    expect(channels).toContain(`${req.dialId}.1`);
    expect(await adapter.liveDials()).toEqual(expect.arrayContaining([req.dialId]));
    await adapter.hangup(req.dialId);
    await col.waitEnded(req.dialId);
    expect(await asteriskChannels()).toContain(req.dialId); // the squatter's, untouched
    await fetch(`${ARI.url}/ari/channels/${req.dialId}`, { method: 'DELETE', headers: { Authorization: auth } });
  });

  it('a new adapter (daemon restart) adopts our live call and reports its end', async () => {
    const req = dialRequest(endpointAt(HOLD, '6'));
    await adapter.originate(req);
    await until(() => col.sequence(req.dialId).includes('answered'), 'answered', 5000);
    await adapter.stop(); // the daemon dies; the call goes on in Asterisk's dialplan
    expect(await asteriskChannels()).toContain(req.dialId);
    const next = newAdapter(APP);
    others.push(next);
    const col2 = new Collector(next);
    await next.start();
    await until(() => next.status() === 'up', 'new link up', 10_000);
    expect(await next.liveDials()).toEqual([req.dialId]);
    const facts = await col2.waitEnded(req.dialId, 10_000); // SIPp hangs up after 4 s
    expect(facts.answeredAt).not.toBeNull();
    expect(facts.q850).not.toBeNull();
    expect(await next.liveDials()).toEqual([]);
    expect(col.endedCount(req.dialId)).toBe(0);
  });

  it('wrong credentials: status auth_failed, and originate is refused with DIALERD_ERR_PBX_DOWN as the port says', async () => {
    const wrong = createAriAdapter({ name: 'ast1', ...ARI, password: 'wrong', app: `${APP}-auth` }, { clock: realScheduler, logger, reconnect: { baseMs: 100, maxMs: 500 } });
    others.push(wrong);
    await wrong.start();
    await until(() => wrong.status() === 'auth_failed', 'auth_failed', 10_000);
    await expect(wrong.originate(dialRequest(endpointAt(HOLD, '7')))).rejects.toMatchObject({ code: 'DIALERD_ERR_PBX_DOWN', detail: 'ast1 (credentials refused)' });
  });
});
