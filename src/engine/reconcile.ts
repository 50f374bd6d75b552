/**
 * Restart reconciliation: the dials the store says were live (a previous run's, or ours before
 * the link dropped) are adopted when their PBX still has them (they count against the caps and
 * settle normally); those it no longer has are settled with the real end the PBX remembers
 * (port: recallEnds), and `lost` (counted, its own rule) only when it remembers nothing.
 *
 * A real end wins over the verdict: an `ended` event for a dial the engine does not hold yet
 * (it arrived before or while the PBX's live list was read) is kept in `EarlyEnds` and settles
 * the dial with its real facts; one arriving while the verdict's write is still pending (the
 * store is down) replaces it (engine.settle). After the verdict is written a late end is
 * ignored: the dial is no longer held, the store's settle is idempotent, one history row.
 */
import { emptyEndFacts, type EndFacts, type PbxAdapter, type RecalledEnd } from '../pbx/port.ts';
import type { Caps } from './caps.ts';
import type { CampaignCtx } from './campaigns.ts';
import type { DialBook } from './dial-book.ts';
import { dialState, type LiveDialState } from './dial.ts';
import type { EngineDeps } from './types.ts';

/** Ends of dials the engine did not hold when they came: bounded, oldest dropped first. */
export class EarlyEnds {
  private readonly ends = new Map<string, { at: number; facts: EndFacts }>();
  constructor(private readonly max = 10_000) {}

  put(dialId: string, at: number, facts: EndFacts): void {
    this.ends.delete(dialId);
    this.ends.set(dialId, { at, facts });
    if (this.ends.size > this.max) this.ends.delete(this.ends.keys().next().value!);
  }

  take(dialId: string): { at: number; facts: EndFacts } | undefined {
    const e = this.ends.get(dialId);
    this.ends.delete(dialId);
    return e;
  }
}

export interface ReconcileHost {
  deps: Pick<EngineDeps, 'store' | 'pbxes' | 'trunks' | 'scheduler' | 'logger'>;
  campaigns: Map<string, CampaignCtx>;
  caps: Caps;
  dials: DialBook;
  early: EarlyEnds;
  /** `verdict`: reconciliation's `lost`, which a real end may still replace. */
  settle(d: LiveDialState, at: number, facts: EndFacts, verdict: boolean): Promise<void>;
}

/** The PBX's memory of ends for dials it no longer has; none when it cannot be read (then they are `lost`). */
async function recall(h: ReconcileHost, pbx: PbxAdapter, ids: string[]): Promise<Map<string, RecalledEnd>> {
  try {
    return await pbx.recallEnds(ids);
  } catch (err) {
    h.deps.logger.warn({ pbx: pbx.name, dials: ids.length, err }, 'could not read the PBX memory of ends; those dials are settled lost');
    return new Map();
  }
}

/** Reconcile one PBX's dials; see the module comment. */
export async function reconcilePbx(h: ReconcileHost, pbxName: string): Promise<{ adopted: number; recalled: number; lost: number }> {
  let adopted = 0;
  let recalledCount = 0;
  let lost = 0;
  const store = h.deps.store;
  const mine = (await store.liveDials()).filter((l) => l.pbx === pbxName && !h.dials.has(l.dialId));
  if (mine.length === 0) return { adopted, recalled: 0, lost };
  const pbx = h.deps.pbxes.get(pbxName);
  const known = new Set(pbx ? await pbx.liveDials(mine.map((l) => l.dialId)) : []);
  const gone = mine.filter((l) => !known.has(l.dialId)).map((l) => l.dialId);
  const recalled = pbx && gone.length > 0 ? await recall(h, pbx, gone) : new Map<string, RecalledEnd>();
  for (const live of mine) {
    const ctx = h.campaigns.get(live.campaign);
    const rec = await store.getRecord(live.campaign, live.record);
    const trunk = h.deps.trunks[live.trunk];
    if (!ctx || !rec || !trunk || !pbx || h.dials.has(live.dialId)) continue;
    const d = dialState({
      id: live.dialId,
      spec: ctx.spec,
      record: { ...rec, state: 'dialing', numberIndex: live.numberIndex, dials: live.dial },
      number: live.number,
      attempt: live.attempt,
      slot: h.caps.adopt(live.campaign, live.trunk),
      pbx,
      trunk,
      startedAt: live.startedAt,
      answeredAt: live.answeredAt,
    });
    h.dials.add(d);
    const early = h.early.take(live.dialId);
    const remembered = recalled.get(live.dialId);
    if (early) {
      adopted++;
      await h.settle(d, early.at, early.facts, false);
    } else if (remembered) {
      recalledCount++;
      if (remembered.amd) {
        d.amdStatus ??= remembered.amd.status;
        d.amdCause ??= remembered.amd.cause;
      }
      await h.settle(d, remembered.at, remembered.facts, false);
    } else if (known.has(live.dialId)) adopted++;
    else {
      lost++;
      await h.settle(d, h.deps.scheduler.now(), { ...emptyEndFacts(), outcomeLost: true, causeText: 'gone from the PBX across a daemon restart' }, true);
    }
  }
  if (adopted + recalledCount + lost > 0) h.deps.logger.info({ pbx: pbxName, adopted, recalled: recalledCount, lost }, 'reconciled live dials');
  return { adopted, recalled: recalledCount, lost };
}
