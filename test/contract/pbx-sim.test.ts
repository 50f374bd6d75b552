/**
 * The PbxAdapter contract against the simulated PBX, on a virtual clock driven 100× faster than
 * real time (a 30 s call takes 0.3 s), so waits stay event-driven and `hold` outlasts any test.
 */
import { randomUUID } from 'node:crypto';
import { VirtualScheduler } from '../../src/lib/virtual-scheduler.ts';
import { parseOutcomes } from '../../src/pbx/sim/outcomes.ts';
import { SimPbx } from '../../src/pbx/sim/sim-adapter.ts';
import type { DialRequest } from '../../src/pbx/port.ts';
import { pbxContract, type Outcome, type PbxHarness } from './pbx.contract.ts';

const OUTCOMES = parseOutcomes(`
numbers:
  "+15550000001": [{ answer: 30s }]
  "+15550000002": busy
  "+15550000003": no_answer
  "+15550000004": error
  "+15550000005": no_answer
`);
const NUMBER: Record<Outcome, string> = { answer: '+15550000001', busy: '+15550000002', no_answer: '+15550000003', refuse: '+15550000004', hold: '+15550000005' };
const SPEED = 100;

async function simHarness(): Promise<PbxHarness> {
  const t0 = Date.UTC(2026, 10, 22, 9);
  const vs = new VirtualScheduler(t0);
  const real0 = Date.now();
  let running = false;
  let closed = false;
  const pump = setInterval(() => {
    if (running || closed) return;
    running = true;
    void vs.run({ until: t0 + (Date.now() - real0) * SPEED }).finally(() => (running = false));
  }, 5);
  const pbx = new SimPbx({ name: 'sim1', scheduler: vs, outcomes: OUTCOMES, seed: 7 });
  await pbx.start();
  return {
    pbx,
    now: () => vs.now(),
    unstarted: () => new SimPbx({ name: 'sim2', scheduler: vs, outcomes: OUTCOMES }),
    request(outcome: Outcome): DialRequest {
      const number = NUMBER[outcome];
      return {
        dialId: randomUUID(),
        campaign: 'c1',
        record: `r-${number}`,
        number,
        endpoint: `PJSIP/${number}@carrier-a`,
        callerId: null,
        // `hold` rings for a virtual day: 14 real minutes at this speed.
        ringTimeoutSeconds: outcome === 'hold' ? 86_400 : 20,
        vars: {},
        amd: { enabled: false, params: {} },
        onAnswer: { context: 'dialerd', extension: 's', priority: 1 },
      };
    },
    linkDown: async () => pbx.setLink('down', 'test: link cut'),
    linkUp: async () => pbx.setLink('up', null),
    pbxCalls: async (dialId) => pbx.originated.filter((r) => r.dialId === dialId).length,
    endAtPbx: async (dialId) => pbx.farEndHangup(dialId),
    async close() {
      closed = true;
      clearInterval(pump);
      await pbx.stop();
    },
  };
}

pbxContract('simulated PBX', simHarness);
