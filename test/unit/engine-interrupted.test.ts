/**
 * An answered call that we cut (issue 9): at shutdown, a conversation still live at the grace
 * deadline is hung up by dialerd; it is recorded `answered` with `interrupted: true` (never
 * `answered_short`, however short) and follows the `interrupted` rule. Virtual clock.
 */
import { expect, it } from 'vitest';
import { rig } from '../helpers/engine-rig.ts';
import { makeSpec } from '../helpers/spec.ts';

const TALKING = 'default: { ring: 1s, then: { answer: 60s } }';

async function cutAfter(ms: number, spec = makeSpec({ concurrency: 1 })) {
  const r = await rig({ outcomes: TALKING, records: 1, specs: [spec] });
  await r.runFor(ms); // answered at 1 s, still talking
  const stopped = r.engine.stop(0); // the grace period is over at once: hang up
  await r.runFor(10_000);
  await stopped;
  return r;
}

it('cut at 8 s of talk (short_call 10 s): answered, interrupted, retried after 1 h as a counted attempt', async () => {
  const r = await cutAfter(9_000);
  expect(r.dials).toHaveLength(1);
  const row = r.dials[0]!;
  expect(row).toMatchObject({ result: 'answered', interrupted: true, action: 'retry_after', final: null, talkSeconds: 8 });
  expect(row.nextAt).toBe(row.endedAt + 3_600_000);
  expect(await r.store.getRecord('c1', row.record)).toMatchObject({ state: 'waiting', attempts: 1, lastResult: 'answered' });
  const [stored] = (await r.store.history({ campaign: 'c1', limit: 10 })).rows;
  expect(stored?.interrupted).toBe(true);
});

it('a campaign rule `interrupted: done` closes the record as a success', async () => {
  const spec = makeSpec({ concurrency: 1 });
  const r = await cutAfter(30_000, { ...spec, rules: { ...spec.rules, interrupted: { repeat: null, then: { kind: 'done' } } } });
  expect(r.dials[0]).toMatchObject({ result: 'answered', interrupted: true, action: 'done', final: 'done' });
});

it('a call that ends on its own is not interrupted', async () => {
  const r = await rig({ outcomes: 'default: { ring: 1s, then: { answer: 20s } }', records: 1 });
  await r.runFor(60_000);
  expect(r.dials[0]).toMatchObject({ result: 'answered', interrupted: false, action: 'done' });
});
