/**
 * Instants as `dialerd history` reads and prints them. Read: ISO 8601 (without an offset, in
 * the chosen zone), epoch ms, `now`, `today` / `yesterday` (midnight in the zone) or an age
 * such as `-1h`, `-30m`, `-2d`, `-1h30m`. Printed: ISO 8601 with the zone's offset
 * (`2026-11-22T12:00:00+03:00`, `Z` in UTC), milliseconds only when there are some — the same
 * text in the table, JSON and CSV.
 */
import { DateTime } from 'luxon';
import { parseDuration } from '../config/duration.ts';

/** Epoch ms for `text` read in `zone` at `now`, or null when it is none of the accepted forms. */
export function parseWhen(text: string, zone: string, now: number): number | null {
  const t = text.trim();
  const here = DateTime.fromMillis(now, { zone });
  if (t === 'now') return now;
  if (t === 'today') return here.startOf('day').toMillis();
  if (t === 'yesterday') return here.startOf('day').minus({ days: 1 }).toMillis();
  if (t.startsWith('-')) {
    const s = parseDuration(t.slice(1));
    return s === null ? null : now - s * 1000;
  }
  if (/^\d+$/.test(t)) return Number(t);
  const dt = DateTime.fromISO(t, { zone, setZone: false });
  return dt.isValid ? dt.toMillis() : null;
}

/** `ms` as ISO 8601 with `zone`'s offset. */
export function formatInstant(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) as string;
}
