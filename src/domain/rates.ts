/**
 * Recent dial rates of a campaign, from the store's per-minute and per-hour buckets
 * (Store.rates). Pure: instants are passed in.
 */
import type { Result } from './types.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** What counts as an answer in rates and answer rates: a person picked up (`answered`, `answered_short`); a machine does not. */
export function isAnswer(r: Result): boolean {
  return r === 'answered' || r === 'answered_short';
}

/** Dials and answers counted in one minute or one hour. */
export interface RateCounts {
  dials: number;
  answers: number;
}

/** A campaign's recent dials by their startedAt. */
export interface RecentRates {
  /** `[i]`: the minute i minutes before now's (epoch minutes); `[0]` is the current minute. */
  minutes: RateCounts[];
  /** `[i]`: the UTC hour i hours before now's; `[0]` is the current hour. */
  hours: RateCounts[];
}

/** Dials, answers and answers / dials (null without dials) over a span. */
export interface RateSpan extends RateCounts {
  answerRate: number | null;
}

/** Complete minutes the effective dial rate is measured over. */
export const DIAL_RATE_MINUTES = 15;

export interface RateSummary {
  /** The last 60 minutes (the current one included). */
  lastHour: RateSpan;
  /** Since midnight UTC (`since`, epoch ms). */
  today: RateSpan & { since: number };
  /** Dials per minute over the DIAL_RATE_MINUTES complete minutes before the current one. */
  dialsPerMinute: number;
}

const sum = (cs: RateCounts[]): RateSpan => {
  const dials = cs.reduce((a, c) => a + c.dials, 0);
  const answers = cs.reduce((a, c) => a + c.answers, 0);
  return { dials, answers, answerRate: dials === 0 ? null : round(answers / dials, 3) };
};

export const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

export function summarizeRates(r: RecentRates, now: number): RateSummary {
  const since = Math.floor(now / 86_400_000) * 86_400_000;
  const hoursToday = Math.floor((now - since) / HOUR) + 1;
  const recent = sum(r.minutes.slice(1, DIAL_RATE_MINUTES + 1));
  return {
    lastHour: sum(r.minutes.slice(0, 60)),
    today: { ...sum(r.hours.slice(0, hoursToday)), since },
    dialsPerMinute: round(recent.dials / DIAL_RATE_MINUTES, 2),
  };
}

/** One span to measure the dialing rate over: dials and the instant the first of them fell in. */
export interface RateSample {
  dials: number;
  /** Start of the oldest bucket with a dial (the span is clipped to it). */
  from: number;
}

/**
 * The samples the ETA tries in turn (domain/eta.ts): the last 15 minutes, the last 60 minutes
 * (minute buckets) and the last 24 hours (hour buckets), each ending now and starting at the
 * oldest bucket that has a dial (so a campaign that began dialing ten minutes ago is measured
 * over those ten minutes). Spans without dials are left out.
 */
export function rateSamples(r: RecentRates, now: number): RateSample[] {
  const sample = (cs: RateCounts[], unit: number): RateSample | null => {
    let oldest = -1;
    cs.forEach((c, i) => c.dials > 0 && (oldest = i));
    if (oldest < 0) return null;
    return { dials: cs.slice(0, oldest + 1).reduce((a, c) => a + c.dials, 0), from: (Math.floor(now / unit) - oldest) * unit };
  };
  return [sample(r.minutes.slice(0, 15), MINUTE), sample(r.minutes.slice(0, 60), MINUTE), sample(r.hours.slice(0, 24), HOUR)].filter(
    (s): s is RateSample => s !== null,
  );
}
