/**
 * When will a campaign finish? Pure: the caller passes the instant, the record counts, the
 * lifetime dials and the recent dial samples (domain/rates.ts rateSamples).
 *
 * 1. Nothing left (no record pending, waiting or dialing): done, the ETA is now.
 * 2. Dials still to make = records not final × (dials so far ÷ records finished by a dial, i.e.
 *    `done` + `exhausted`): each dial is taken to finish its record with the chance observed so far.
 * 3. Dialing rate = dials of the first sample (15 min, 60 min, 24 h) ÷ the minutes of it the
 *    calling windows were open (campaign zone), needing at least 5 open minutes.
 * 4. Walk the calling windows ahead from now (or start_at), spending open time until
 *    dials ÷ rate minutes are used; the ETA is the instant that happens.
 * Unknown (`at: null`, `why` says which step failed) when the campaign is not running or
 * scheduled, nothing was dialed or finished yet, no recent sample measures a rate, no window
 * opens again, or the ETA lies more than 400 days ahead.
 */
import type { RateSample } from './rates.ts';
import { round } from './rates.ts';
import { FINAL_STATES, type CallingHours, type CampaignState, type RecordState } from './types.ts';
import { nextClosed, nextOpen } from './windows.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Open minutes a sample needs before its rate is trusted. */
export const MIN_SAMPLE_MINUTES = 5;
export const ETA_HORIZON_DAYS = 400;

export interface EtaInput {
  now: number;
  state: CampaignState;
  startAt: number | null;
  hours: CallingHours | null;
  records: Partial<Record<RecordState, number>>;
  /** Lifetime dials of the campaign. */
  dials: number;
  samples: RateSample[];
}

export interface Eta {
  /** Epoch ms of the estimated completion; null: unknown. */
  at: number | null;
  /** Seconds from now to `at` (the daemon's clock, virtual in a demo); null: unknown. */
  seconds: number | null;
  /** Dials still expected (step 2); null when not estimated. */
  remainingDials: number | null;
  /** Dials per open calling-window minute (step 3); null when not measured. */
  dialsPerOpenMinute: number | null;
  /** Why it is unknown; null when `at` is set. */
  why: string | null;
}

const unknown = (why: string, remainingDials: number | null = null, rate: number | null = null): Eta => ({ at: null, seconds: null, remainingDials, dialsPerOpenMinute: rate, why });

export function estimateEta(o: EtaInput): Eta {
  const left = (o.records.pending ?? 0) + (o.records.waiting ?? 0) + (o.records.dialing ?? 0);
  if (left === 0) return { at: o.now, seconds: 0, remainingDials: 0, dialsPerOpenMinute: null, why: null };
  if (o.state !== 'running' && o.state !== 'scheduled') return unknown(`campaign ${o.state}`);
  const finished = (o.records.done ?? 0) + (o.records.exhausted ?? 0);
  if (o.dials === 0) return unknown('no dials yet');
  if (finished === 0) return unknown('no record finished by a dial yet');
  const remainingDials = Math.ceil((left * o.dials) / finished);
  let rate: number | null = null;
  for (const s of o.samples) {
    const open = openMs(o.hours, s.from, o.now);
    if (open >= MIN_SAMPLE_MINUTES * MINUTE) {
      rate = s.dials / (open / MINUTE);
      break;
    }
  }
  if (rate === null) {
    const why = o.samples.length === 0 ? 'no dials in the last 24 hours' : `under ${MIN_SAMPLE_MINUTES} open minutes of dialing to measure the rate`;
    return unknown(why, remainingDials);
  }
  const at = spendOpenTime(o.hours, Math.max(o.now, o.startAt ?? o.now), (remainingDials / rate) * MINUTE, o.now + ETA_HORIZON_DAYS * DAY);
  const shown = round(rate, 2);
  if (at === 'never') return unknown('no calling window ahead', remainingDials, shown);
  if (at === 'beyond') return unknown(`more than ${ETA_HORIZON_DAYS} days`, remainingDials, shown);
  const when = Math.round(at);
  return { at: when, seconds: Math.round((when - o.now) / 1000), remainingDials, dialsPerOpenMinute: shown, why: null };
}

/** Percentage of records in a final state, one decimal (100 with no records). */
export function percentFinal(records: Partial<Record<RecordState, number>>): { total: number; final: number; percent: number } {
  const total = Object.values(records).reduce((a: number, n) => a + (n ?? 0), 0);
  const final = FINAL_STATES.reduce((a, s) => a + (records[s] ?? 0), 0);
  return { total, final, percent: total === 0 ? 100 : round((final / total) * 100, 1) };
}

/** Milliseconds in [from, to) when the campaign's calling windows are open. */
function openMs(hours: CallingHours | null, from: number, to: number): number {
  let total = 0;
  walkOpen(hours, from, to, (start, end) => {
    total += end - start;
    return false;
  });
  return total;
}

/** The instant `need` ms of open time after `from` have passed; 'never' with no window ahead, 'beyond' past `limit`. */
function spendOpenTime(hours: CallingHours | null, from: number, need: number, limit: number): number | 'never' | 'beyond' {
  let left = need;
  let at: number | null = null;
  const walked = walkOpen(hours, from, limit, (start, end) => {
    if (end - start >= left) {
      at = start + left;
      return true;
    }
    left -= end - start;
    return false;
  });
  return at ?? (walked === 'no-window' ? 'never' : 'beyond');
}

/** Calls `each(start, end)` for every open stretch clipped to [from, to), in order, until it returns true. */
function walkOpen(hours: CallingHours | null, from: number, to: number, each: (start: number, end: number) => boolean): 'stopped' | 'no-window' | 'end' {
  const days = Math.ceil((to - from) / DAY) + 1;
  let t = from;
  while (t < to) {
    const open = nextOpen(hours, [], t, days);
    if (open === null) return 'no-window';
    if (open >= to) return 'end';
    const close = nextClosed(hours, [], open, days) ?? to;
    if (each(open, Math.min(close, to))) return 'stopped';
    t = close;
  }
  return 'end';
}
