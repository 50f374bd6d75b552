/**
 * The PbxAdapter contract against ManualPbx, the engine tests' fake: whatever those tests drive
 * by hand, the fake itself answers originate, hangup, liveDials and status as the real adapters do.
 * Here a small driver plays each outcome on it.
 */
import { randomUUID } from 'node:crypto';
import type { DialRequest } from '../../src/pbx/port.ts';
import { ManualPbx } from '../fakes/manual-pbx.ts';
import { pbxContract, type Outcome, type PbxHarness } from './pbx.contract.ts';

class DrivenPbx extends ManualPbx {
  readonly timers = new Set<NodeJS.Timeout>();
  /** Originates this "PBX" refused: it never created those calls. */
  readonly refused = new Set<string>();
  constructor(private readonly outcomeOf: (req: DialRequest) => Outcome) {
    super('manual', () => Date.now());
  }

  override originate(req: DialRequest): Promise<void> {
    const before = this.originated.length;
    const p = super.originate(req);
    if (this.originated.length > before) this.play(req.dialId, this.outcomeOf(req));
    return p;
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private play(id: string, outcome: Outcome): void {
    const live = (): boolean => this.dials.get(id)?.ended === false;
    if (outcome === 'refuse') {
      this.refused.add(id);
      return this.later(1, () => this.refuse(id));
    }
    this.later(1, () => {
      this.accept(id);
      this.emit({ type: 'progress', dialId: id, at: Date.now() });
    });
    const end = (ms: number, f: Parameters<ManualPbx['end']>[1]): void => this.later(ms, () => live() && this.end(id, f));
    if (outcome === 'busy') end(10, { q850: 17, sip: 486 });
    if (outcome === 'no_answer') end(40, { q850: 19, sip: 480, ringTimeoutHit: true });
    if (outcome === 'answer') {
      this.later(20, () => live() && this.answer(id));
      end(60, { q850: 16 });
    }
  }
}

async function manualHarness(): Promise<PbxHarness> {
  const outcomes = new Map<string, Outcome>();
  const make = (): DrivenPbx => new DrivenPbx((req) => outcomes.get(req.dialId) ?? 'hold');
  const pbx = make();
  const others: DrivenPbx[] = [];
  await pbx.start();
  return {
    pbx,
    now: () => Date.now(),
    unstarted() {
      const other = make();
      others.push(other);
      return other;
    },
    request(outcome: Outcome): DialRequest {
      const dialId = randomUUID();
      outcomes.set(dialId, outcome);
      return {
        dialId, campaign: 'c1', record: `r-${outcome}`, number: '+15550000001', endpoint: 'X/+15550000001', callerId: null,
        ringTimeoutSeconds: 30, vars: {}, amd: { enabled: false, params: {} }, onAnswer: { context: 'dialerd', extension: 's', priority: 1 },
      };
    },
    linkDown: async () => pbx.setLink('down'),
    linkUp: async () => pbx.setLink('up'),
    pbxCalls: async (dialId) => (pbx.refused.has(dialId) ? 0 : pbx.originated.filter((r) => r.dialId === dialId).length),
    async endAtPbx(dialId) {
      pbx.end(dialId, { q850: 16 });
    },
    async close() {
      for (const p of [pbx, ...others]) {
        for (const t of p.timers) clearTimeout(t);
        await p.stop();
      }
    },
  };
}

pbxContract('ManualPbx (the engine tests\' fake)', manualHarness);
