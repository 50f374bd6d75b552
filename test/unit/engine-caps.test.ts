/**
 * A cap is a promise: fire originate answers, refusals, answers, ends, duplicate ends,
 * link drops and reconnects in random orders and check the live count after every event.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { SlidingWindowLimiter } from '../../src/engine/rate.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { settle, VirtualScheduler } from '../../src/lib/virtual-scheduler.ts';
import { mulberry32 } from '../../src/lib/prng.ts';
import { allHistory } from '../../src/store/history-pages.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { ManualPbx } from '../fakes/manual-pbx.ts';
import { makeRecord, makeSpec } from '../helpers/spec.ts';

const T0 = Date.UTC(2026, 11, 1, 9);

async function scenario(seed: number) {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const scheduler = new VirtualScheduler(T0);
  const store = createMemoryStore();
  const pbx = new ManualPbx('pbx', () => scheduler.now());
  await pbx.start();
  const caps = { c1: 4, c2: 3, trunk: 6, global: 5 };
  let n = 0;
  const engine = new Engine({
    store,
    scheduler,
    logger: silentLogger(),
    pbxes: new Map([['pbx', pbx]]),
    trunks: { t1: { name: 't1', pbx: 'pbx', endpoint: 'X/{number}', concurrency: caps.trunk, callsPerSecond: 1000 } },
    maxConcurrency: caps.global,
    zones: { zonesFor: () => [] },
    rateLimiter: (cps) => new SlidingWindowLimiter(cps),
    newDialId: () => `d${++n}`,
  });
  const rows: string[] = [];
  engine.on('dial', (r) => rows.push(r.dialId));
  // Both campaigns share numbers: a number must never be in two live dials.
  const numbers = Array.from({ length: 12 }, (_, i) => `+7916000${String(i).padStart(4, '0')}`);
  for (const id of ['c1', 'c2'] as const) {
    await engine.addRecords(id, Array.from({ length: 25 }, (_, i) => makeRecord(id, `${id}-r${i}`, [pick(numbers), pick(numbers)], T0)));
    await engine.upsertCampaign(makeSpec({ id, concurrency: caps[id], attempts: { perRecord: 3, perNumber: 2, shortCallSeconds: 10, technicalErrors: { firstDelaySeconds: 1, factor: 1, maxDelaySeconds: 1, free: 1 } }, rules: { no_answer: { repeat: { times: 1, everySeconds: 5 }, then: { kind: 'retry_after', seconds: 10 } } } }), { has: () => false });
  }
  await engine.begin();

  const check = (): void => {
    expect(engine.live()).toBeLessThanOrEqual(caps.global);
    expect(engine.liveFor('c1')).toBeLessThanOrEqual(caps.c1);
    expect(engine.liveFor('c2')).toBeLessThanOrEqual(caps.c2);
    expect(pbx.liveCount()).toBeLessThanOrEqual(caps.global);
    const live = pbx.liveNumbers();
    expect(new Set(live).size).toBe(live.length);
  };

  for (let step = 0; step < 1500; step++) {
    const open = [...pbx.dials.values()].filter((d) => !d.ended);
    const unaccepted = open.filter((d) => !d.accepted);
    const r = rnd();
    if (open.length > 0 && r < 0.35) pbx.end(pick(open).req.dialId, { q850: pick([16, 17, 19, 34, 0]), sip: pick([null, 486, 480]) });
    else if (unaccepted.length > 0 && r < 0.55) pbx.accept(pick(unaccepted).req.dialId);
    else if (unaccepted.length > 0 && r < 0.6) pbx.refuse(pick(unaccepted).req.dialId);
    else if (open.length > 0 && r < 0.7) pbx.answer(pick(open).req.dialId);
    else if (r < 0.75 && pbx.originated.length > 0) {
      // A duplicate end for a dial that may already be settled.
      const d = pick(pbx.originated);
      pbx.end(d.dialId, { q850: 16 });
    } else if (r < 0.78) pbx.setLink(pbx.status() === 'up' ? 'down' : 'up');
    else if (r < 0.9) {
      const at = scheduler.peek();
      if (at !== null) await scheduler.run({ until: at });
    } else if (pbx.status() !== 'up') pbx.setLink('up');
    await settle();
    check();
  }
  // Drain: bring the link up and end everything until no record is left to dial.
  pbx.setLink('up');
  for (let i = 0; i < 20000 && (engine.live() > 0 || (await store.nextDueAt('c1')) !== null || (await store.nextDueAt('c2')) !== null); i++) {
    const open = [...pbx.dials.values()].filter((d) => !d.ended);
    for (const d of open) {
      if (!d.accepted) pbx.accept(d.req.dialId);
      pbx.end(d.req.dialId, { q850: 17, sip: 486 });
    }
    await settle();
    check();
    const at = scheduler.peek();
    if (at !== null) await scheduler.run({ until: at });
  }
  return { engine, store, pbx, rows };
}

describe('engine caps under random event orders', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}: caps hold after every event; every dial settled exactly once`, async () => {
      const { engine, store, pbx, rows } = await scenario(seed);
      expect(engine.live()).toBe(0);
      // One history row per originated dial, none twice.
      expect(new Set(rows).size).toBe(rows.length);
      const history = await allHistory(store, {});
      expect(history.map((h) => h.dialId).sort()).toEqual([...rows].sort());
      // Every originate the PBX saw is settled exactly once; other rows are dials that never left.
      const originated = new Set(pbx.originated.map((d) => d.dialId));
      for (const id of originated) expect(rows).toContain(id);
      for (const h of history) if (!originated.has(h.dialId)) expect(h.result).toBe('error');
      // Every record is final (busy to exhaustion) and the campaigns completed.
      for (const id of ['c1', 'c2']) {
        const c = await store.counts(id);
        expect((c.states.pending ?? 0) + (c.states.waiting ?? 0) + (c.states.dialing ?? 0)).toBe(0);
        expect(engine.campaign(id)?.status.state).toBe('completed');
      }
    });
  }
});
