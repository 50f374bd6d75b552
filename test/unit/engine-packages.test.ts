/** Lifetime limits on the engine (virtual clock): live dials hold room, so total_dials is never exceeded. */
import { expect, it } from 'vitest';
import { rig } from '../helpers/engine-rig.ts';
import { makeSpec } from '../helpers/spec.ts';

it('limits.total_dials with concurrency 5: exactly that many dials start, then paused budget; records stay waiting', async () => {
  const spec = makeSpec({ concurrency: 5, limits: { maxDialsPerDay: null, maxTalkSeconds: null, totalDials: 3, totalTalkSeconds: null } });
  const r = await rig({ outcomes: 'default: { ring: 1s, then: { answer: 30s } }', records: 20, specs: [spec] });
  await r.runFor(10 * 60_000);
  expect(r.dials).toHaveLength(3);
  expect(r.status()).toEqual({ state: 'paused', pauseReason: 'budget', pauseDetail: '3 dials in total (total_dials 3)' });
  expect(await r.store.usage('campaign', 'c1')).toEqual({ dials: 3, talkSeconds: 90 });
  expect((await r.store.counts('c1')).states).toEqual({ done: 3, pending: 17 });
  await expect(r.engine.resume('c1')).rejects.toMatchObject({ code: 'DIALERD_ERR_RESUME_REFUSED' });
});
