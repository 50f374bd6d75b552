/**
 * Asterisk killed mid-call and started again: the link goes down and comes back by itself, no
 * originate is accepted while down, every dial that was live is settled exactly once by
 * reconciliation, and an adapter started while Asterisk is down connects when it comes up.
 * Stopped gracefully and started again: a dial that ended before is still recalled (the hangup
 * handler's AstDB copy), and originates refused while it shuts down are pbx_down (issue 10).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDialerdError } from '../../../src/lib/errors.ts';
import type { PbxAdapter } from '../../../src/pbx/port.ts';
import { Collector } from '../shared/collector.ts';
import { dialRequest, newAdapter } from './fixtures.ts';
import { asterisk, asteriskChannels, endpointAt, startSipp, until, type Sipp } from './harness.ts';
import { answerScenario, rejectScenario, ringForeverScenario } from '../shared/sipp-scenarios.ts';

const HOLD = 15151;
const RING = 15152;
const BUSY = 15153;

describe('ARI adapter across an Asterisk crash and restart', () => {
  let adapter: PbxAdapter;
  let late: PbxAdapter | null = null;
  const sipps: Sipp[] = [];

  beforeAll(async () => {
    sipps.push(await startSipp('restart-hold', answerScenario(60_000), HOLD, 200));
    sipps.push(await startSipp('restart-ring', ringForeverScenario(), RING));
    sipps.push(await startSipp('restart-busy', rejectScenario(486, 'Busy Here'), BUSY));
    adapter = newAdapter('dialerd-e2e-restart', { baseMs: 200, maxMs: 1000 });
    await adapter.start();
    await until(() => adapter.status() === 'up', 'link up', 10_000);
  });

  afterAll(async () => {
    await adapter?.stop();
    await late?.stop();
    await Promise.all(sipps.map((s) => s.stop()));
    await asterisk('start'); // leave it running for the files after this one
  });

  it('goes down, refuses dials, comes back, and settles every lost dial once', async () => {
    const col = new Collector(adapter);
    const answered = [1, 2, 3].map((i) => dialRequest(endpointAt(HOLD, String(i))));
    const ringing = [4, 5].map((i) => dialRequest(endpointAt(RING, String(i)), { ringTimeoutSeconds: 60 }));
    for (const r of [...answered, ...ringing]) await adapter.originate(r);
    await until(() => answered.every((r) => col.sequence(r.dialId).includes('answered')), 'answers', 10_000);
    await until(() => ringing.every((r) => col.sequence(r.dialId).includes('progress')), 'ringing', 10_000);
    expect((await adapter.liveDials()).sort()).toEqual([...answered, ...ringing].map((r) => r.dialId).sort());

    await asterisk('kill');
    await until(() => adapter.status() === 'down', 'link down', 10_000);
    const err = await adapter.originate(dialRequest(endpointAt(BUSY, '6'))).catch((e: unknown) => e);
    expect(isDialerdError(err, 'DIALERD_ERR_PBX_DOWN')).toBe(true);
    await expect(adapter.liveDials()).rejects.toMatchObject({ code: 'DIALERD_ERR_PBX_DOWN' });

    // a daemon that starts while Asterisk is down keeps trying
    late = newAdapter('dialerd-e2e-restart-late', { baseMs: 200, maxMs: 1000 });
    const lateCol = new Collector(late);
    await late.start();
    await until(() => late!.status() === 'down', 'late adapter down', 10_000);

    await asterisk('start');
    await until(() => adapter.status() === 'up' && late!.status() === 'up', 'both links up again', 30_000);
    expect(col.statuses).toEqual(['down', 'up']);
    expect(lateCol.statuses).toEqual(['connecting', 'down', 'up']);
    for (const r of [...answered, ...ringing]) {
      expect(col.endedCount(r.dialId)).toBe(1);
      expect(col.ended(r.dialId)!.facts.causeText).toMatch(/reconciled/);
    }
    expect(await adapter.liveDials()).toEqual([]);
    expect(await asteriskChannels()).toEqual([]);

    const after = dialRequest(endpointAt(BUSY, '7'));
    await adapter.originate(after);
    const facts = await col.waitEnded(after.dialId);
    expect([facts.q850, facts.sip]).toEqual([17, 486]);
  });

  it('a graceful restart: originates refused during the shutdown are pbx_down, an ended dial is still recalled', async () => {
    const col = new Collector(adapter);
    const busy = dialRequest(endpointAt(BUSY, '8'));
    await adapter.originate(busy);
    const before = await col.waitEnded(busy.dialId);
    let stopped = false;
    const stopping = asterisk('stop').then(() => void (stopped = true));
    const outcomes: string[] = [];
    const cut: string[] = [];
    for (let i = 0; i < 400 && !stopped && adapter.status() === 'up'; i++) {
      const r = dialRequest(endpointAt(RING, String(100 + i)), { ringTimeoutSeconds: 60 });
      const outcome = await adapter.originate(r).then(() => 'created', (e: unknown) => (e as { code?: string }).code ?? String(e));
      outcomes.push(outcome);
      if (outcome === 'created') cut.push(r.dialId);
    }
    await stopping;
    const refused = outcomes.filter((o) => o !== 'created');
    console.log(`[restart] ${outcomes.length} originates while Asterisk stopped: ${JSON.stringify(Object.fromEntries([...new Set(outcomes)].map((o) => [o, outcomes.filter((x) => x === o).length])))}`);
    expect(refused.filter((o) => o !== 'DIALERD_ERR_PBX_DOWN')).toEqual([]);
    await asterisk('start');
    await until(() => adapter.status() === 'up', 'link up again', 30_000);
    for (const id of cut) await col.waitEnded(id);
    console.log(`[restart] ringing dials cut by the stop, (q850, sip, outcomeLost): ${JSON.stringify([...new Set(cut.map((id) => { const f = col.ended(id)!.facts; return `${f.q850},${f.sip},${f.outcomeLost}`; }))])}`);
    const got = (await adapter.recallEnds([busy.dialId])).get(busy.dialId);
    expect([got?.facts.q850, got?.facts.sip]).toEqual([before.q850, before.sip]);
    await adapter.forgetEnds([busy.dialId]);
    expect((await adapter.recallEnds([busy.dialId])).size).toBe(0);
  });
});
