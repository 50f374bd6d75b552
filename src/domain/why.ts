/**
 * Why is this record not being called right now? Pure: `(record, campaign, caps snapshot, now)`
 * → one reason from WAIT_REASONS, a one-line detail, and when the wait ends if known. The API's
 * record view, `dialerd record show|list` and their `--why` filter all use these strings.
 *
 * Order for a record that is neither final nor dialing (the first that holds wins):
 * 1. the campaign is not running: `campaign_not_running` (draft, scheduled, completed); paused by
 *    a guard (trunk breaker, storm guard, budget) → `guard`, by anything else → `campaign_paused`;
 * 2. next_at is in the future: `window` when next_at is exactly the instant the closed window
 *    opens (the engine deferred it there), else `number_live_elsewhere` while its number is in
 *    another live dial, else `technical_backoff` / `retry` after a dial (the last result's rule),
 *    else `scheduled` (not dialled yet: start_at or an import set it);
 * 3. it is due: `dnc` (its number is on a DNC list: it moves on to its next number or becomes
 *    blocked), `window` (closed now), `number_live_elsewhere`, `guard` (breaker open or probing; budget
 *    taken), `cap` (campaign concurrency, trunk, global, calls per second), else `due`.
 */
import { isTrunkFaultReason } from './guards.ts';
import { isFinal, isTechnical, type CampaignSpec, type CampaignState, type DialRecord, type HistoryRow, type PauseReason } from './types.ts';
import { isOpen, nextOpen, zonesToCheck } from './windows.ts';
import { zoneWindows, type ZoneWindow } from './why-windows.ts';

export const WAIT_REASONS = [
  'final',
  'dialing',
  'campaign_not_running',
  'guard',
  'campaign_paused',
  'window',
  'number_live_elsewhere',
  'technical_backoff',
  'retry',
  'scheduled',
  'dnc',
  'cap',
  'due',
] as const;
export type WaitReason = (typeof WAIT_REASONS)[number];

export function isWaitReason(x: unknown): x is WaitReason {
  return typeof x === 'string' && (WAIT_REASONS as readonly string[]).includes(x);
}

/** What holds a due record back right now, as the engine sees it. */
export interface CapsSnapshot {
  campaign: { live: number; max: number };
  trunk: { name: string; live: number; max: number };
  global: { live: number; max: number };
  /** Starts the calls-per-second limiters (trunk, campaign, congestion) allow now, and when the next is allowed. */
  cps: { available: number; nextAt: number };
  /** The trunk breaker's gate: `open` (paused), `wait` (its probe is live), `probe`, `free`. */
  breaker: 'free' | 'probe' | 'wait' | 'open';
  /** Dials the budget allows now (Infinity without limits), and why it is spent if it is. */
  budget: { room: number; spent: string | null };
}

export interface WhyInput {
  record: DialRecord;
  spec: CampaignSpec;
  campaign: { state: CampaignState; pauseReason: PauseReason | null; pauseDetail: string | null };
  caps: CapsSnapshot;
  /** Zones each of the record's numbers may be in (by its prefix), same order as `record.numbers`. */
  numberZones: string[][];
  /** Per number: on one of the campaign's DNC lists. */
  numberDnc: boolean[];
  /** Per number: in a live dial of another record. */
  numberLive: boolean[];
  /** The record's newest history row, when known: names the rule that set next_at. */
  lastDial?: HistoryRow | null;
  now: number;
}

export interface WaitExplanation {
  reason: WaitReason;
  /** One line for people, e.g. `closed in Asia/Tokyo (Mon 22:13 there)`; the instant it ends is `until`. */
  detail: string;
  /** When the wait ends, if known (epoch ms). */
  until: number | null;
  /** The calling window in each zone of the current number (null without calling_hours). */
  windows: ZoneWindow[] | null;
}

const GUARD_PAUSES: ReadonlySet<PauseReason> = new Set(['budget', 'suspect_results']);

export function explainWait(i: WhyInput): WaitExplanation {
  const { record: r, spec, now } = i;
  const number = r.numbers[r.numberIndex];
  const k = r.numberIndex;
  const hours = spec.callingHours;
  const zones = hours && number !== undefined ? zonesToCheck(hours, r.timezone, hours.subscriberLocalTime ? (i.numberZones[k] ?? []) : []) : [];
  const windows = hours ? zoneWindows(hours, zones, now) : null;
  const say = (reason: WaitReason, detail: string, until: number | null = null): WaitExplanation => ({ reason, detail, until, windows });

  if (isFinal(r.state)) return say('final', r.finalReason && r.finalReason !== r.state ? `${r.state}: ${r.finalReason}` : r.state);
  if (r.state === 'dialing') return say('dialing', `a dial of ${number ?? '?'} is live`);
  const c = i.campaign;
  if (c.state === 'paused') {
    const detail = `campaign paused (${c.pauseReason ?? '?'}${c.pauseDetail ? `: ${c.pauseDetail}` : ''})`;
    const guard = isTrunkFaultReason(c.pauseReason) || (c.pauseReason !== null && GUARD_PAUSES.has(c.pauseReason));
    return say(guard ? 'guard' : 'campaign_paused', detail);
  }
  if (c.state !== 'running') {
    return say('campaign_not_running', `campaign ${c.state}`, c.state === 'scheduled' ? spec.startAt : null);
  }
  const closed = hours !== null && !isOpen(hours, zones, now);
  const opens = closed ? nextOpen(hours, zones, now) : null;
  const windowText = (): string =>
    `closed in ${windows!.filter((w) => !w.open).map((w) => `${w.zone} (${w.localTime} there)`).join(', ')}${opens === null ? '; opens in no zone within 400 days' : ''}`;
  const live = number !== undefined && i.numberLive[k] === true;
  const liveText = `${number} is in another live dial`;
  const nextAt = r.nextAt ?? 0;

  if (nextAt > now) {
    if (closed && opens === nextAt) return say('window', windowText(), opens);
    if (live) return say('number_live_elsewhere', liveText, nextAt);
    if (r.dials > 0 && r.lastResult !== null) {
      const d = i.lastDial && i.lastDial.nextAt === r.nextAt ? i.lastDial : null;
      const how = d ? `${d.result} → ${d.action} (rules.${d.interrupted ? 'interrupted' : d.result})` : `last result ${r.lastResult}`;
      if (isTechnical(r.lastResult)) return say('technical_backoff', `${how}; ${r.consecutiveErrors} technical in a row (attempts.technical_errors)`, nextAt);
      return say('retry', how, nextAt);
    }
    return say('scheduled', 'not dialled yet (start_at or the import set next_at)', nextAt);
  }
  // Due: the engine's admission order (engine/admission.ts): DNC, window, number live elsewhere.
  if (number !== undefined && i.numberDnc[k] === true) {
    const next = r.numbers.findIndex((n, j) => j > k && (r.numberAttempts[j] ?? 0) < spec.attempts.perNumber && i.numberDnc[j] !== true);
    return say('dnc', `${number} is on a DNC list; ${next < 0 ? 'the record will be blocked' : `it moves on to ${r.numbers[next]} (#${next})`}`);
  }
  if (closed) return say('window', windowText(), opens);
  if (live) return say('number_live_elsewhere', liveText);
  const caps = i.caps;
  if (caps.breaker === 'open' || caps.breaker === 'wait') return say('guard', `trunk ${caps.trunk.name} breaker ${caps.breaker === 'open' ? 'open' : 'probing (one dial is testing the trunk)'}`);
  if (caps.budget.room <= 0) return say('guard', `budget: ${caps.budget.spent ?? 'the dials allowed are taken by live calls'}`);
  if (caps.campaign.live >= caps.campaign.max) return say('cap', `campaign concurrency full (${caps.campaign.live}/${caps.campaign.max})`);
  if (caps.trunk.live >= caps.trunk.max) return say('cap', `trunk ${caps.trunk.name} concurrency full (${caps.trunk.live}/${caps.trunk.max})`);
  if (caps.global.live >= caps.global.max) return say('cap', `global max_concurrency full (${caps.global.live}/${caps.global.max})`);
  if (caps.cps.available <= 0) return say('cap', 'calls per second spent (campaign, trunk or carrier congestion)', caps.cps.nextAt);
  return say('due', 'due: dialled as soon as a slot frees');
}
