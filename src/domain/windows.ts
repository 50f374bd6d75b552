/**
 * Calling windows (domain.md §5): may a number be called at an instant, and when next.
 *
 * Pure. Windows are wall-clock intervals in each zone evaluated; luxon's IANA zone data turns
 * instants into wall time, so daylight-saving days need no special cases: a 02:00-03:00 window
 * does not exist on a spring-forward day, and a 01:00-02:00 window on a fall-back day is open
 * for both occurrences of that hour (two real hours).
 *
 * Holidays: no calling at all on a holiday date, in the zone being evaluated. A window that starts
 * on a holiday is closed throughout, and so is the after-midnight part of a window that started
 * the day before a holiday (`fri 22:00-02:00` with Saturday a holiday closes at Saturday 00:00).
 */
import { IANAZone } from 'luxon';
import type { CallingHours, WindowSpec } from './types.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const ZONE_SLACK = 15 * 3_600_000; // larger than any UTC offset

/** Zones to evaluate: the campaign zone unless subscriberLocalTime; then the record's `timezone`
 *  column wins, else the number's zones, else (unknown) the campaign zone. Invalid zones are skipped. */
export function zonesToCheck(hours: CallingHours, recordTimezone: string | null, numberZones: string[]): string[] {
  if (!hours.subscriberLocalTime) return [hours.timezone];
  if (recordTimezone !== null && isValidZone(recordTimezone)) return [recordTimezone];
  const known = [...new Set(numberZones.filter(isValidZone))];
  return known.length > 0 ? known : [hours.timezone];
}

/** Open at `instant` in EVERY zone of `zones` (never call someone at 7 am). No calling_hours → always
 *  open. An empty `zones` means the campaign zone; an invalid zone is never open. */
export function isOpen(hours: CallingHours | null, zones: string[], instant: number): boolean {
  if (hours === null) return true;
  return effectiveZones(hours, zones).every((zone) => zone.isValid && openAtWall(hours, instant + offsetMs(zone, instant)));
}

/** Earliest instant ≥ `instant` at which isOpen is true, or null if none within `horizonDays` (default 400).
 *  Exact to the instant a window opens (wall-clock minute boundaries, or a DST jump into a window). */
export function nextOpen(
  hours: CallingHours | null,
  zones: string[],
  instant: number,
  horizonDays = 400,
): number | null {
  if (hours === null) return instant;
  if (!hours.windows.some((w) => w.days.length > 0 && w.startMinute !== w.endMinute)) return null;
  const limit = instant + horizonDays * DAY;
  const list = effectiveZones(hours, zones);
  // Each zone's next opening is a lower bound for the intersection; raise the candidate until all agree.
  let at = instant;
  while (at <= limit) {
    let latest = at;
    for (const zone of list) {
      const open = nextOpenInZone(hours, zone, at, limit);
      if (open === null) return null;
      latest = Math.max(latest, open);
    }
    if (latest === at) return at;
    at = latest;
  }
  return null;
}

/** Earliest instant ≥ `instant` at which isOpen is false (== `instant` when closed already), or null
 *  when it stays open for `horizonDays` (default 400; no calling_hours: always open). The end of an
 *  open stretch that began at a nextOpen answer. */
export function nextClosed(
  hours: CallingHours | null,
  zones: string[],
  instant: number,
  horizonDays = 400,
): number | null {
  if (hours === null) return null;
  const limit = instant + horizonDays * DAY;
  // Closed in the intersection as soon as one zone closes.
  let first: number | null = null;
  for (const zone of effectiveZones(hours, zones)) {
    const c = nextClosedInZone(hours, zone, instant, limit);
    if (c !== null && (first === null || c < first)) first = c;
  }
  return first;
}

/** "09:00-20:00", "22:00-02:00" (over midnight), "00:00-24:00". Empty windows ("09:00-09:00") → null. */
export function parseHours(s: string): { startMinute: number; endMinute: number } | null {
  const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(s);
  if (m === null) return null;
  const start = clockMinute(Number(m[1]), Number(m[2]), false);
  const end = clockMinute(Number(m[3]), Number(m[4]), true);
  if (start === null || end === null || start === end) return null;
  return { startMinute: start, endMinute: end };
}

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const FULL_DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** "mon-fri", "sat", "mon,wed,fri", "sat-sun", "fri-mon" (wraps), "daily"; full names and any case.
 *  Sorted ISO weekdays (1 = Monday … 7 = Sunday), or null when anything is not understood. */
export function parseDays(s: string): number[] | null {
  const text = s.trim().toLowerCase();
  if (text === 'daily') return [1, 2, 3, 4, 5, 6, 7];
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const ends = part.split('-').map((p) => dayNumber(p.trim()));
    if (ends.length > 2 || ends.some((d) => d === null)) return null;
    const [from, to = from] = ends as number[];
    for (let d = from!; ; d = (d % 7) + 1) {
      days.add(d);
      if (d === to) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

/** True for an IANA zone name the runtime knows (e.g. 'Europe/Moscow'). */
export function isValidZone(zone: string): boolean {
  return zone !== '' && IANAZone.isValidZone(zone);
}

function dayNumber(p: string): number | null {
  const i = DAY_NAMES.findIndex((short, k) => p === short || p === FULL_DAY_NAMES[k]);
  return i < 0 ? null : i + 1;
}

function clockMinute(h: number, min: number, isEnd: boolean): number | null {
  if (min > 59) return null;
  if (h === 24 && min === 0 && isEnd) return 1440;
  return h > 23 ? null : h * 60 + min;
}

function effectiveZones(hours: CallingHours, zones: string[]): IANAZone[] {
  return (zones.length > 0 ? zones : [hours.timezone]).map((z) => IANAZone.create(z));
}

// Offsets memoized per zone and UTC day: Intl lookups cost microseconds, and nextOpen asks for
// thousands when windows rarely overlap. A day whose two ends agree is taken as free of transitions.
const offsetCache = new Map<string, Map<number, number>>();
const NO_CACHE = Number.NaN;

function offsetMs(zone: IANAZone, instant: number): number {
  let days = offsetCache.get(zone.name);
  if (days === undefined) offsetCache.set(zone.name, (days = new Map()));
  const day = Math.floor(instant / DAY);
  let cached = days.get(day);
  if (cached === undefined) {
    if (days.size > 50_000) days.clear();
    const a = zone.offset(day * DAY);
    cached = a === zone.offset((day + 1) * DAY - 1) ? a * MINUTE : NO_CACHE;
    days.set(day, cached);
  }
  return Number.isNaN(cached) ? zone.offset(instant) * MINUTE : cached;
}

const holidaySets = new WeakMap<CallingHours, Set<string>>();

function isHoliday(hours: CallingHours, dayStart: number): boolean {
  if (hours.holidays.length === 0) return false;
  let set = holidaySets.get(hours);
  if (set === undefined) holidaySets.set(hours, (set = new Set(hours.holidays)));
  return set.has(new Date(dayStart).toISOString().slice(0, 10));
}

/** Is the wall-clock time `wall` (local time written as if it were UTC ms) inside a window? */
function openAtWall(hours: CallingHours, wall: number): boolean {
  const dayStart = Math.floor(wall / DAY) * DAY;
  const minute = Math.floor((wall - dayStart) / MINUTE);
  const weekday = ((((dayStart / DAY + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday (4)
  const prevWeekday = weekday === 1 ? 7 : weekday - 1;
  let today: boolean | undefined;
  let yesterday: boolean | undefined;
  const todayOk = () => (today ??= !isHoliday(hours, dayStart));
  const yesterdayOk = () => (yesterday ??= !isHoliday(hours, dayStart - DAY));
  return hours.windows.some((w: WindowSpec) => {
    if (w.startMinute < w.endMinute) {
      return minute >= w.startMinute && minute < w.endMinute && w.days.includes(weekday) && todayOk();
    }
    if (w.startMinute === w.endMinute) return false;
    if (minute >= w.startMinute) return w.days.includes(weekday) && todayOk();
    return minute < w.endMinute && w.days.includes(prevWeekday) && yesterdayOk() && todayOk();
  });
}

/**
 * Earliest instant in [from, limit] at which `zone` alone is open. Openness is a function of wall
 * time, so it can only begin at an instant whose wall time is a window start or a midnight, or at
 * a DST transition (wall time jumps); those candidates are scanned local day by local day.
 */
function nextOpenInZone(hours: CallingHours, zone: IANAZone, from: number, limit: number): number | null {
  if (!zone.isValid) return null;
  if (openAtWall(hours, from + offsetMs(zone, from))) return from;
  const starts = [...new Set([0, ...hours.windows.map((w) => w.startMinute)])];
  const firstDay = Math.floor((from + offsetMs(zone, from)) / DAY) * DAY - DAY;
  for (let day = firstDay; day <= limit + ZONE_SLACK; day += DAY) {
    const best = earliestOpen(hours, zone, dayCandidates(zone, day, starts), from, limit);
    if (best === null) continue;
    // Around a fall-back at midnight the next day's candidates can come earlier in real time.
    const next = earliestOpen(hours, zone, dayCandidates(zone, day + DAY, starts), from, limit);
    return next !== null && next < best ? next : best;
  }
  return null;
}

/** As nextOpenInZone, for the first closed instant: openness can only end where wall time is a
 *  window end or a midnight (a holiday, a day not in the window), or at a DST transition. */
function nextClosedInZone(hours: CallingHours, zone: IANAZone, from: number, limit: number): number | null {
  if (!zone.isValid || !openAtWall(hours, from + offsetMs(zone, from))) return from;
  const ends = [...new Set([0, ...hours.windows.map((w) => w.endMinute % 1440)])];
  const firstDay = Math.floor((from + offsetMs(zone, from)) / DAY) * DAY - DAY;
  for (let day = firstDay; day <= limit + ZONE_SLACK; day += DAY) {
    let best: number | null = null;
    for (const c of [...dayCandidates(zone, day, ends), ...dayCandidates(zone, day + DAY, ends)]) {
      if (c <= from || c > limit || (best !== null && c >= best)) continue;
      if (!openAtWall(hours, c + offsetMs(zone, c))) best = c;
    }
    if (best !== null) return best;
  }
  return null;
}

function earliestOpen(hours: CallingHours, zone: IANAZone, cands: number[], from: number, limit: number): number | null {
  let best: number | null = null;
  for (const c of cands) {
    if (c <= from || c > limit || (best !== null && c >= best)) continue;
    if (openAtWall(hours, c + offsetMs(zone, c))) best = c;
  }
  return best;
}

/** Instants of local day `day` (wall ms of its midnight) at which openness may begin. */
function dayCandidates(zone: IANAZone, day: number, startMinutes: number[]): number[] {
  const before = offsetMs(zone, day - ZONE_SLACK);
  const after = offsetMs(zone, day + DAY + ZONE_SLACK);
  const out: number[] = [];
  for (const m of startMinutes) {
    const wall = day + m * MINUTE;
    for (const off of before === after ? [before] : [before, after]) {
      const instant = wall - off;
      if (before === after || offsetMs(zone, instant) === off) out.push(instant);
    }
  }
  if (before !== after) out.push(transitionIn(zone, day - ZONE_SLACK, day + DAY + ZONE_SLACK));
  return out;
}

/** First instant in (lo, hi] whose offset differs from lo's (one transition assumed in range). */
function transitionIn(zone: IANAZone, lo: number, hi: number): number {
  const initial = zone.offset(lo);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offset(mid) === initial) lo = mid;
    else hi = mid;
  }
  return hi;
}
