/**
 * A campaign's daily budget and its lifetime limits (domain.md §3: calls refused because of the
 * campaign's own budget leave the record waiting and pause the campaign with reason `budget`),
 * and a trunk's minute package. Pure: days are calendar days in the campaign's zone; instants
 * and lifetime totals (counted by the store) are passed in.
 */
import { DateTime } from 'luxon';
import type { CampaignSpec } from './types.ts';

export interface BudgetUsage {
  /** yyyy-mm-dd in the campaign's zone. */
  day: string;
  dials: number;
  talkSeconds: number;
}

/** Lifetime usage of a campaign or a trunk (every settled dial, counted once by the store). */
export interface Totals {
  dials: number;
  talkSeconds: number;
}

type DailyLimits = Pick<CampaignSpec['limits'], 'maxDialsPerDay' | 'maxTalkSeconds'>;
type TotalLimits = Pick<CampaignSpec['limits'], 'totalDials' | 'totalTalkSeconds'>;

export function budgetZone(spec: Pick<CampaignSpec, 'callingHours'>): string {
  return spec.callingHours?.timezone ?? 'UTC';
}

export function dayOf(instant: number, zone: string): string {
  return DateTime.fromMillis(instant, { zone }).toISODate()!;
}

/** Start of the day after `instant`'s day, in `zone`. */
export function nextDayStart(instant: number, zone: string): number {
  return DateTime.fromMillis(instant, { zone }).startOf('day').plus({ days: 1 }).toMillis();
}

/** Start of `instant`'s day, in `zone`. */
export function dayStart(instant: number, zone: string): number {
  return DateTime.fromMillis(instant, { zone }).startOf('day').toMillis();
}

/** Add one settled dial to the usage (a new day starts from zero). */
export function addDial(u: BudgetUsage, day: string, talkSeconds: number): BudgetUsage {
  const base = u.day === day ? u : { day, dials: 0, talkSeconds: 0 };
  return { day, dials: base.dials + 1, talkSeconds: base.talkSeconds + talkSeconds };
}

/** Dials the daily budget still allows on `day`, counting `live` ones (Infinity without max_dials_per_day). */
export function dialRoom(limits: DailyLimits, u: BudgetUsage, day: string, live: number): number {
  if (limits.maxDialsPerDay === null) return Infinity;
  return Math.max(0, limits.maxDialsPerDay - (u.day === day ? u.dials : 0) - live);
}

/** Why the budget is spent for `day`, or null while there is room. */
export function budgetSpent(limits: DailyLimits, u: BudgetUsage, day: string): string | null {
  if (u.day !== day) return null;
  if (limits.maxDialsPerDay !== null && u.dials >= limits.maxDialsPerDay) return `${u.dials} dials today (max_dials_per_day ${limits.maxDialsPerDay})`;
  if (limits.maxTalkSeconds !== null && u.talkSeconds >= limits.maxTalkSeconds) {
    return `${Math.round(u.talkSeconds / 60)} talk minutes today (max_talk_minutes ${limits.maxTalkSeconds / 60})`;
  }
  return null;
}

/** Add one settled dial to lifetime totals. */
export function addTotal(t: Totals, talkSeconds: number): Totals {
  return { dials: t.dials + 1, talkSeconds: t.talkSeconds + talkSeconds };
}

/** Dials the lifetime `total_dials` still allows, counting `live` ones (Infinity without it). */
export function totalDialRoom(limits: TotalLimits, t: Totals, live: number): number {
  return limits.totalDials === null ? Infinity : Math.max(0, limits.totalDials - t.dials - live);
}

/** Which lifetime limit is reached, or null while there is room. Talk is checked as calls end: the call that crosses it finishes. */
export function totalSpent(limits: TotalLimits, t: Totals): string | null {
  if (limits.totalDials !== null && t.dials >= limits.totalDials) return `${t.dials} dials in total (total_dials ${limits.totalDials})`;
  if (limits.totalTalkSeconds !== null && t.talkSeconds >= limits.totalTalkSeconds) {
    return `${Math.round(t.talkSeconds / 60)} talk minutes in total (total_talk_minutes ${limits.totalTalkSeconds / 60})`;
  }
  return null;
}

/** The trunk's minute package is used up (`packageSeconds` of talk), or null while there is room (or no package). */
export function packageSpent(trunk: string, packageSeconds: number | undefined, t: Totals): string | null {
  if (packageSeconds === undefined || t.talkSeconds < packageSeconds) return null;
  return `trunk ${trunk}: ${Math.round(t.talkSeconds / 60)} talk minutes of its package (trunks.${trunk}.minutes ${packageSeconds / 60})`;
}
