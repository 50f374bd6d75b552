/**
 * The trunk breaker through the engine on the simulated PBX and a virtual clock: a carrier
 * answering every call with 402 / 403, or refusing every originate, pauses the trunk's campaigns
 * after 5 dials with nothing lost; resume is refused during the cool-down, then one probe dial
 * decides. "Fixed" here means the simulated carrier's outcomes are switched to `answered`.
 */
import { describe, expect, it } from 'vitest';
import { finals, rig, switchOutcomes, T0, type Rig } from '../helpers/engine-rig.ts';
import { makeSpec } from '../helpers/spec.ts';

const answered = (r: Rig) => switchOutcomes(r, 'answered');
const COOLDOWN = 60_000;

describe('trunk breaker: a carrier answering 402 to everything', () => {
  it('pauses trunk_funds after 5 dials with 0 records final; resume refused; a still-failing probe re-pauses after exactly one dial; fixed, it runs on', async () => {
    const r = await rig({ outcomes: 'default: { sip: 402 }' });
    await r.runFor(30_000);
    expect(r.dials).toHaveLength(5);
    expect(r.dials.every((d) => d.result === 'insufficient_funds' && d.sip === 402 && d.action === 'retry_after')).toBe(true);
    expect(r.status()).toEqual({ state: 'paused', pauseReason: 'trunk_funds', pauseDetail: 'trunk t1: 5 trunk-fault dials in a row (SIP 402 ×5)' });
    expect(r.changes.at(-1)).toMatchObject({ from: 'running', to: 'paused', reason: 'trunk_funds', detail: 'trunk t1: 5 trunk-fault dials in a row (SIP 402 ×5)' });
    expect(await finals(r.store)).toBe(0);
    const trippedAt = r.dials[4]!.endedAt;

    // During the cool-down: refused, with the reason.
    await expect(r.engine.resume('c1')).rejects.toMatchObject({ code: 'DIALERD_ERR_RESUME_REFUSED', message: expect.stringMatching(/trunk_funds \(trunk t1: 5 trunk-fault dials .*resume allowed in \d+s/) });
    await r.runFor(trippedAt + COOLDOWN - r.scheduler.now());
    expect(r.dials).toHaveLength(5);

    // Still 402: the probe fails, paused again at once, after exactly one more dial.
    await r.engine.resume('c1');
    await r.runFor(30_000);
    expect(r.dials).toHaveLength(6);
    expect(r.status()).toMatchObject({ state: 'paused', pauseReason: 'trunk_funds', pauseDetail: 'trunk t1: the probe dial failed (SIP 402 ×1)' });
    await expect(r.engine.resume('c1')).rejects.toMatchObject({ code: 'DIALERD_ERR_RESUME_REFUSED' });

    // The account is topped up: after the cool-down the probe answers and the campaign runs on.
    answered(r);
    await r.runFor(COOLDOWN);
    await r.engine.resume('c1');
    await r.scheduler.run();
    expect(r.dials[6]!.result).toBe('answered');
    expect(r.status().state).toBe('completed');
    const c = await r.store.counts('c1');
    expect(c.states.done).toBe(100);
  });

  it('the 402 dials are not counted as attempts (technical): no record spent, none final', async () => {
    const r = await rig({ outcomes: 'default: { sip: 402 }', records: 3, specs: [makeSpec({ concurrency: 1, maxConsecutiveErrors: 20, attempts: { perRecord: 1, perNumber: 1, shortCallSeconds: 10, technicalErrors: { firstDelaySeconds: 60, factor: 2, maxDelaySeconds: 3600, free: 9 } } })] });
    await r.runFor(600_000);
    expect(r.status().pauseReason).toBe('trunk_funds');
    expect(r.dials).toHaveLength(5);
    expect(r.dials.map((d) => d.attempt)).toEqual([1, 1, 1, 1, 1]);
    expect(await finals(r.store)).toBe(0);
  });
});

describe('trunk breaker: 403 and errors', () => {
  it('403 on everything pauses trunk_auth after 5 dials; a failing probe re-pauses after one more', async () => {
    const r = await rig({ outcomes: 'default: { sip: 403 }' });
    await r.runFor(30_000);
    expect(r.dials).toHaveLength(5);
    expect(r.dials.every((d) => d.result === 'trunk_rejected')).toBe(true);
    expect(r.status()).toMatchObject({ state: 'paused', pauseReason: 'trunk_auth', pauseDetail: 'trunk t1: 5 trunk-fault dials in a row (SIP 403 ×5)' });
    expect(await finals(r.store)).toBe(0);
    await expect(r.engine.resume('c1')).rejects.toMatchObject({ code: 'DIALERD_ERR_RESUME_REFUSED' });
    await r.runFor(COOLDOWN);
    await r.engine.resume('c1');
    await r.runFor(30_000);
    expect(r.dials).toHaveLength(6);
    expect(r.status()).toMatchObject({ state: 'paused', pauseReason: 'trunk_auth' });
  });

  it('a campaign mapping 403 back to failed (causes:) is not paused by it', async () => {
    const spec = makeSpec({ concurrency: 1, maxConsecutiveErrors: 20, causes: { sip: { 403: 'failed' }, q850: {} } });
    const r = await rig({ outcomes: 'default: { sip: 403 }', specs: [spec], records: 10 });
    await r.runFor(600_000);
    expect(r.dials.length).toBeGreaterThan(5);
    expect(r.dials.every((d) => d.result === 'failed')).toBe(true);
    expect(r.changes.some((c) => c.reason === 'trunk_auth' || c.reason === 'trunk_funds' || c.reason === 'trunk_down')).toBe(false);
    // `failed` from every record is the storm guard's business instead.
    expect(r.status().pauseReason).toBe('suspect_results');
  });

  it('refused originates pause trunk_down after 5 (before max_consecutive_errors 20); the PBX link coming back does not clear it', async () => {
    const r = await rig({ outcomes: 'default: error' });
    await r.runFor(30_000);
    expect(r.dials).toHaveLength(5);
    expect(r.status()).toMatchObject({ state: 'paused', pauseReason: 'trunk_down', pauseDetail: 'trunk t1: 5 trunk-fault dials in a row (error ×5)' });
    r.pbx.setLink('down', 'blip');
    r.pbx.setLink('up', null);
    await r.runFor(COOLDOWN * 2);
    expect(r.status()).toMatchObject({ state: 'paused', pauseReason: 'trunk_down' });
    expect(r.dials).toHaveLength(5);
  });

  it('a subscriber result between faults keeps the breaker closed', async () => {
    const r = await rig({ outcomes: 'default: { answered: 1, insufficient_funds: 1 }', records: 40 });
    await r.scheduler.run({ until: T0 + 3 * 3600_000 });
    // With the default mix a run of 5 402s in a row may happen; but no pause without one.
    let run = 0;
    let longest = 0;
    for (const d of r.dials) {
      run = d.result === 'insufficient_funds' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    expect(r.changes.some((c) => c.reason === 'trunk_funds')).toBe(longest >= 5);
  });
});

describe('trunk breaker: every campaign on the trunk, and a restart', () => {
  it('opens for the trunk: every running campaign on it pauses; resuming one probes, its success lets both dial', async () => {
    const specs = [makeSpec({ id: 'c1', concurrency: 1, maxConsecutiveErrors: 20 }), makeSpec({ id: 'c2', concurrency: 1, maxConsecutiveErrors: 20 })];
    const r = await rig({ outcomes: 'default: { sip: 402 }', specs, records: 10 });
    await r.runFor(30_000);
    expect(r.status('c1')).toMatchObject({ state: 'paused', pauseReason: 'trunk_funds' });
    expect(r.status('c2')).toMatchObject({ state: 'paused', pauseReason: 'trunk_funds' });
    const before = r.dials.length;
    expect(before).toBeLessThanOrEqual(6); // 5, plus at most the other campaign's dial already in flight
    answered(r);
    await r.runFor(COOLDOWN);
    await r.engine.resume('c1');
    await r.engine.resume('c2');
    await r.scheduler.run();
    expect(r.dials[before]!.result).toBe('answered');
    expect(r.status('c1').state).toBe('completed');
    expect(r.status('c2').state).toBe('completed');
  });

  it('after a restart a campaign paused trunk_funds stays paused, and its resume still sends exactly one probe', async () => {
    const first = await rig({ outcomes: 'default: { sip: 402 }', records: 20 });
    await first.runFor(30_000);
    expect(first.status()).toMatchObject({ state: 'paused', pauseReason: 'trunk_funds' });
    await first.engine.stop(0);
    const second = await rig({ outcomes: 'default: { sip: 402 }', store: first.store, from: first.scheduler.now() });
    await second.runFor(COOLDOWN);
    expect(second.status()).toMatchObject({ state: 'paused', pauseReason: 'trunk_funds' });
    expect(second.dials).toHaveLength(0);
    await second.engine.resume('c1');
    await second.runFor(30_000);
    expect(second.dials).toHaveLength(1);
    expect(second.status()).toMatchObject({ state: 'paused', pauseReason: 'trunk_funds' });
  });
});
