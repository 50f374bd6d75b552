/**
 * The ETA of `GET /campaigns/:id` on a simulated campaign: run it on the virtual clock to an
 * instant, read the campaign view there, run on to the end and compare.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { campaignView, type CampaignView } from '../../src/api/views.ts';
import { parseHours } from '../../src/domain/windows.ts';
import { simulate, type SimulationResult } from '../../src/engine/simulation.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import type { Outcomes } from '../../src/pbx/sim/outcomes.ts';
import { makeRecords, makeSpec } from '../helpers/spec.ts';

const MOSCOW = 'Europe/Moscow';
const at = (local: string): number => DateTime.fromISO(local, { zone: MOSCOW }).toMillis();
const M = 60_000;

// A minute a dial: 3 of 4 answer (ring 20 s, talk 40 s), 1 of 4 rings out (60 s) and is retried 10 minutes later.
const OUTCOMES: Outcomes = {
  defaultMix: [
    { form: { kind: 'ring', ringSeconds: 20, then: { kind: 'answer', talkSeconds: 40 } }, weight: 3 },
    { form: { kind: 'ring', ringSeconds: 60, then: { kind: 'result', result: 'no_answer' } }, weight: 1 },
  ],
  numbers: new Map(),
};

function campaign(until: number): Promise<SimulationResult> {
  const spec = makeSpec({
    concurrency: 2,
    callsPerSecond: 10,
    ringTimeoutSeconds: 90,
    // Weekdays 10:00-12:00 in Moscow: two hours a day.
    callingHours: { timezone: MOSCOW, subscriberLocalTime: false, windows: [{ days: [1, 2, 3, 4, 5], ...parseHours('10:00-12:00')! }], holidays: [] },
    attempts: { perRecord: 3, perNumber: 3, shortCallSeconds: 5, technicalErrors: { firstDelaySeconds: 60, factor: 2, maxDelaySeconds: 3600, free: 9 } },
    rules: { no_answer: { repeat: null, then: { kind: 'retry_after', seconds: 600 } } },
  });
  const from = at('2026-11-30T09:00'); // Monday
  return simulate({ spec, records: [makeRecords('c1', 400, from)], dnc: { has: () => false }, zones: { zonesFor: () => [] }, outcomes: OUTCOMES, seed: 7, from, until });
}

const view = (r: SimulationResult): Promise<CampaignView> =>
  campaignView({ engine: r.engine, store: r.store, pbxes: new Map(), clock: r.scheduler, logger: silentLogger() }, 'c1');

async function finish(r: SimulationResult): Promise<number> {
  return r.scheduler.run({ stop: () => r.engine.campaign('c1')?.status.state === 'completed' && r.engine.live() === 0 });
}

/** Open window minutes between two instants (10:00-12:00 weekdays), signed. */
function openMinutesBetween(a: number, b: number): number {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  let n = 0;
  for (let t = lo; t < hi; t += M) {
    const d = DateTime.fromMillis(t, { zone: MOSCOW });
    if (d.weekday <= 5 && d.hour >= 10 && d.hour < 12) n++;
  }
  return a < b ? n : -n;
}

describe('ETA on a simulated campaign (virtual clock)', () => {
  it('mid-window: the ETA lands within 10 open minutes of the real completion, two days later', async () => {
    const r = await campaign(at('2026-11-30T11:00'));
    const v = await view(r);
    expect(v.state).toBe('running');
    expect(v.progress.percentFinal).toBeGreaterThan(0);
    expect(v.progress.percentFinal).toBeLessThan(100);
    expect(v.lastHour.dials).toBeGreaterThan(90);
    expect(v.lastHour.answerRate).toBeGreaterThan(0.6);
    expect(v.lastHour.answerRate).toBeLessThan(0.9);
    expect(v.dialsPerMinute).toBeGreaterThan(1.5);
    expect(v.eta.why).toBeNull();
    const eta = v.eta.at!;
    const end = await finish(r);
    expect(r.engine.campaign('c1')?.status.state).toBe('completed');
    // The campaign needs more than one more day of windows: the estimate had to walk them.
    expect(DateTime.fromMillis(end, { zone: MOSCOW }).toISODate()).not.toBe('2026-11-30');
    expect(Math.abs(openMinutesBetween(eta, end))).toBeLessThanOrEqual(10);
  });

  it('at night, with the window closed: the rate comes from the last open hours and the ETA is still known', async () => {
    const r = await campaign(at('2026-11-30T20:00'));
    const v = await view(r);
    expect(v.lastHour.dials).toBe(0);
    expect(v.dialsPerMinute).toBe(0);
    expect(v.today.dials).toBeGreaterThan(200);
    expect(v.eta.dialsPerOpenMinute).toBeGreaterThan(1.5);
    const eta = v.eta.at!;
    expect(DateTime.fromMillis(eta, { zone: MOSCOW }).hour).toBeGreaterThanOrEqual(10);
    const end = await finish(r);
    expect(Math.abs(openMinutesBetween(eta, end))).toBeLessThanOrEqual(10);
  });

  it('once every record is final the ETA is now and the campaign 100 % final', async () => {
    const r = await campaign(at('2026-12-31T00:00'));
    const v = await view(r);
    expect(v.state).toBe('completed');
    expect(v.progress).toEqual({ total: 400, final: 400, percentFinal: 100 });
    expect(v.eta).toEqual({ at: r.scheduler.now(), seconds: 0, remainingDials: 0, dialsPerOpenMinute: null, why: null });
  });
});
