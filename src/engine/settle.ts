/**
 * A dial's settle once its outcome is built: persisted until it sticks (an attempt is never lost
 * because the store blinked), then what it sets off — events, trunk rates, breaker, storm guard,
 * budgets, the campaign's reaction — in that order.
 */
import { endedBySwitch } from '../domain/results.ts';
import type { DialRecord } from '../domain/types.ts';
import { backoffDelay, DEFAULT_BACKOFF } from '../lib/backoff.ts';
import { isDialerdError } from '../lib/errors.ts';
import type { CampaignControl } from './campaign-control.ts';
import type { DialBook } from './dial-book.ts';
import type { historyRow, LiveDialState, Outcome } from './dial.ts';
import { stormDial } from './storm-guards.ts';
import type { TrunkRates } from './trunk-rates.ts';
import type { EngineDeps, EngineEvents } from './types.ts';

export interface SettleHost {
  deps: Pick<EngineDeps, 'store' | 'logger'>;
  dials: DialBook;
  control: CampaignControl;
  trunkRates: TrunkRates;
  /** The engine stopped: a settle not persisted yet stays in the store's live dials for the next start. */
  stopped(): boolean;
  /** Waits `ms`, or less when the store comes back. */
  waitForStore(ms: number): Promise<void>;
  emit<K extends keyof EngineEvents>(event: K, ...args: Parameters<EngineEvents[K]>): boolean;
  kickAll(): void;
}

/**
 * Persist until it sticks. Each try rebuilds the outcome (a real end may have replaced a verdict
 * meanwhile). Null when the engine stopped first, or when another daemon owns the store (fenced).
 */
export async function persistSettle<T extends { record: DialRecord; row: ReturnType<typeof historyRow> }>(h: SettleHost, d: LiveDialState, build: () => T): Promise<T | null> {
  for (let attempt = 0; ; attempt++) {
    if (h.stopped()) return null;
    const s = build();
    try {
      await h.deps.store.settle({ dialId: d.id, record: s.record, history: s.row });
      return s;
    } catch (err) {
      if (isDialerdError(err, 'DIALERD_ERR_STORE_FENCED')) {
        // Another daemon owns the store now: it adopted this dial from the store's live dials and
        // settles it. Ours to forget, never to hang up at our shutdown.
        h.deps.logger.warn({ dialId: d.id }, 'settle refused: another dialerd owns the store and settles this dial');
        h.dials.remove(d);
        return null;
      }
      h.deps.logger.error({ dialId: d.id, err }, 'settle failed; retrying');
      await h.waitForStore(backoffDelay(attempt, DEFAULT_BACKOFF));
    }
  }
}

/** What a persisted settle sets off: events, guards, budgets, auto-complete (the engine's stop() waits for it). */
export async function afterSettle(h: SettleHost, d: LiveDialState, s: Outcome): Promise<void> {
  const { spec, row, record, final, facts, mapped, endedAt } = s;
  h.dials.remove(d);
  h.deps.logger.info(
    { campaign: spec.id, record: row.record, dialId: d.id, number: row.number, result: row.result, q850: row.q850, sip: row.sip, action: row.action },
    `dial ${row.record} ${row.number}: ${row.result} -> ${row.action}`,
  );
  h.emit('dial', row, record);
  if (final) h.emit('final', { campaign: spec.id, record: record.id, state: final, reason: record.finalReason, at: endedAt });
  h.trunkRates.settled(d.trunk.name, row.result, endedAt);
  // A lost outcome or a PBX gone away is no evidence about the trunk or the campaign.
  const noEvidence = facts.outcomeLost === true || facts.pbxDown === true || endedBySwitch(facts);
  await h.control.breakers.settled(d.trunk.name, { dialId: d.id, result: row.result, sip: row.sip, endedAt, outcomeLost: noEvidence });
  const ctx = h.control.campaigns.get(spec.id);
  if (ctx) await h.control.storms.settled(ctx, d.trunk.name, stormDial(d, row, record, noEvidence));
  await h.control.budgets.counted(ctx, row);
  if (ctx) await h.control.afterResult(ctx, mapped.result, s.out.pauseCampaign, noEvidence);
  h.kickAll();
}
