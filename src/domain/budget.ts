/**
 * A campaign's daily budget (domain.md §3: calls refused because of the campaign's own budget
 * leave the record waiting and pause the campaign with reason `budget`). Pure: days are
 * calendar days in the campaign's zone; instants are passed in.
 */
import { DateTime } from 'luxon';
import type { CampaignSpec } from './types.ts';

export interface BudgetUsage {
  /** yyyy-mm-dd in the campaign's zone. */
  day: string;
  dials: number;
  talkSeconds: number;
}

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
export function dialRoom(limits: CampaignSpec['limits'], u: BudgetUsage, day: string, live: number): number {
  if (limits.maxDialsPerDay === null) return Infinity;
  return Math.max(0, limits.maxDialsPerDay - (u.day === day ? u.dials : 0) - live);
}

/** Why the budget is spent for `day`, or null while there is room. */
export function budgetSpent(limits: CampaignSpec['limits'], u: BudgetUsage, day: string): string | null {
  if (u.day !== day) return null;
  if (limits.maxDialsPerDay !== null && u.dials >= limits.maxDialsPerDay) return `${u.dials} dials today (max_dials_per_day ${limits.maxDialsPerDay})`;
  if (limits.maxTalkSeconds !== null && u.talkSeconds >= limits.maxTalkSeconds) {
    return `${Math.round(u.talkSeconds / 60)} talk minutes today (max_talk_minutes ${limits.maxTalkSeconds / 60})`;
  }
  return null;
}
