/**
 * 200 dials, at most 20 at once, 1 s calls: Asterisk's own channel count, sampled every 50 ms,
 * never exceeds 20, and it always equals what the adapter still considers live (no ghosts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapResult } from '../../../src/domain/results.ts';
import type { PbxAdapter } from '../../../src/pbx/port.ts';
import { Collector } from '../shared/collector.ts';
import { dialRequest, newAdapter } from './fixtures.ts';
import { asteriskChannels, endpointAt, startSipp, until, type Sipp } from './harness.ts';
import { answerScenario, rejectScenario } from '../shared/sipp-scenarios.ts';

const TOTAL = 200;
const CAP = 20;
const ANSWER = 15141;
const BUSY = 15142;

describe('ARI adapter under load on a real Asterisk', () => {
  let adapter: PbxAdapter;
  const sipps: Sipp[] = [];

  beforeAll(async () => {
    sipps.push(await startSipp('load-answer', answerScenario(1000), ANSWER, 200));
    sipps.push(await startSipp('load-busy', rejectScenario(486, 'Busy Here'), BUSY, 500));
    adapter = newAdapter('dialerd-e2e-load');
    await adapter.start();
    await until(() => adapter.status() === 'up', 'link up', 10_000);
  });

  afterAll(async () => {
    await adapter?.stop();
    await Promise.all(sipps.map((s) => s.stop()));
  });

  it(`${TOTAL} dials at concurrency ${CAP}: never more than ${CAP} channels, every dial ends once as scripted`, async () => {
    const col = new Collector(adapter);
    const expected = new Map<string, 'answered' | 'busy'>();
    let inFlight = 0;
    let next = 0;
    let maxSeen = 0;
    const samples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const n = (await asteriskChannels()).length;
        samples.push(n);
        maxSeen = Math.max(maxSeen, n);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t0 = Date.now();
    await new Promise<void>((resolve, reject) => {
      const pump = (): void => {
        while (inFlight < CAP && next < TOTAL) {
          const i = next++;
          const busy = i % 4 === 3;
          const req = dialRequest(endpointAt(busy ? BUSY : ANSWER, String(1000 + i)), { onAnswer: { context: 'dialerd-hold', extension: 's', priority: 1 } });
          expected.set(req.dialId, busy ? 'busy' : 'answered');
          col.started.set(req.dialId, Date.now());
          inFlight++;
          adapter.originate(req).catch(reject);
        }
        if (inFlight === 0 && next >= TOTAL) resolve();
      };
      adapter.on((e) => {
        if (e.type === 'ended') {
          inFlight--;
          pump();
        }
      });
      pump();
    });
    const elapsed = (Date.now() - t0) / 1000;
    sampling = false;
    await sampler;
    expect(samples.length).toBeGreaterThan(elapsed * 5); // really sampled all along
    expect(maxSeen).toBeLessThanOrEqual(CAP);
    expect(maxSeen).toBeGreaterThanOrEqual(CAP - 2); // and the cap was really reached
    for (const [id, want] of expected) {
      expect(col.endedCount(id)).toBe(1);
      const got = mapResult(col.raw(id), { shortCallSeconds: 0.5, overrides: { sip: {}, q850: {} } }).result;
      expect([id, got]).toEqual([id, want]);
    }
    expect(await asteriskChannels()).toEqual([]);
    expect(await adapter.liveDials()).toEqual([]);
    console.log(`[e2e] ${TOTAL} dials at ${CAP}: ${elapsed.toFixed(1)} s, ${(TOTAL / elapsed).toFixed(1)} calls/s, max ${maxSeen} channels`);
  });
});
