/**
 * Carrier backpressure through the engine on the virtual clock: a trunk at 10 calls/s meets a
 * 20-s burst of 503s. Asserted on the dial instants: 10 starts a second before, a tenth of that
 * (the floor) while the carrier is congested, then one more start a second every 10 s back to 10,
 * and never more than the configured 10 in any second.
 */
import { describe, expect, it } from 'vitest';
import { rig, switchOutcomes, T0 } from '../helpers/engine-rig.ts';
import { makeSpec } from '../helpers/spec.ts';

describe('carrier backpressure (AIMD) on a trunk', () => {
  it('a burst of 503 lowers the trunk rate to its floor, which then recovers additively', async () => {
    const spec = makeSpec({ concurrency: 300, callsPerSecond: 1000, maxConsecutiveErrors: 1000 });
    const r = await rig({ outcomes: 'default: { answer: 1s }', records: 3000, trunk: { callsPerSecond: 10, concurrency: 300 }, specs: [spec] });
    await r.runFor(10_000);
    expect(r.engine.trunkCps('t1')).toBe(10);
    switchOutcomes(r, '{ sip: 503 }');
    await r.runFor(20_000);
    expect(r.engine.trunkCps('t1')).toBe(1);
    expect(r.dials.filter((d) => d.result === 'congestion').length).toBeGreaterThan(3);
    switchOutcomes(r, '{ answer: 1s }');
    await r.runFor(150_000);
    expect(r.engine.trunkCps('t1')).toBe(10);

    const starts = r.dials.map((d) => d.startedAt).sort((a, b) => a - b);
    for (let i = 0; i + 10 < starts.length; i++) expect(starts[i + 10]! - starts[i]!, `starts ${i}..${i + 10}`).toBeGreaterThanOrEqual(1000);
    const perSecond = Array.from({ length: 170 }, (_, s) => starts.filter((t) => t >= T0 + s * 1000 && t < T0 + (s + 1) * 1000).length);
    expect(perSecond.slice(0, 10)).toEqual(Array(10).fill(10));
    const low = perSecond.indexOf(1);
    expect(low).toBeGreaterThan(10);
    expect(perSecond.slice(low, low + 10)).toEqual(Array(10).fill(1)); // the floor: 1/10 of 10, never 0
    const recovering = perSecond.slice(low);
    const top = recovering.indexOf(10);
    expect(top).toBeGreaterThan(80); // 1 → 10 in steps of 1 every 10 s
    for (let i = 1; i <= top; i++) expect(recovering[i]! - recovering[i - 1]!, `second ${low + i}`).toBeGreaterThanOrEqual(0);
    for (let i = 1; i <= top; i++) expect(recovering[i]! - recovering[i - 1]!, `second ${low + i}`).toBeLessThanOrEqual(1);
    expect(new Set(recovering.slice(0, top + 1))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  });

  it('congestion not in a burst (broken by other results) leaves the rate alone', async () => {
    const r = await rig({ outcomes: 'default: { congestion: 1, answered: 4 }', records: 300, trunk: { callsPerSecond: 10, concurrency: 300 }, specs: [makeSpec({ concurrency: 300, callsPerSecond: 1000 })] });
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      await r.runFor(1000);
      seen.push(r.engine.trunkCps('t1'));
    }
    let run = 0;
    let burst = false;
    for (const d of [...r.dials].sort((a, b) => a.endedAt - b.endedAt)) {
      run = d.result === 'congestion' ? run + 1 : 0;
      if (run >= 3) burst = true;
    }
    expect(seen.every((c) => c === 10)).toBe(!burst);
  });
});
