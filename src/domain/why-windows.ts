/** The calling window as seen from each zone a subscriber may be in (the record view's `windows`). Pure. */
import { DateTime } from 'luxon';
import type { CallingHours } from './types.ts';
import { isOpen, isValidZone, nextOpen } from './windows.ts';

export interface ZoneWindow {
  zone: string;
  /** Wall time there at `now`, e.g. `Mon 22:13`. */
  localTime: string;
  open: boolean;
  /** When it opens in this zone alone (epoch ms); null while open or when it never opens within 400 days. */
  opensAt: number | null;
}

/** One entry per zone (the campaign's zone when `zones` is empty). */
export function zoneWindows(hours: CallingHours, zones: string[], now: number): ZoneWindow[] {
  return (zones.length > 0 ? zones : [hours.timezone]).map((zone) => {
    const open = isOpen(hours, [zone], now);
    const localTime = isValidZone(zone) ? DateTime.fromMillis(now, { zone, locale: 'en-US' }).toFormat('ccc HH:mm') : 'unknown zone';
    return { zone, localTime, open, opensAt: open ? null : nextOpen(hours, [zone], now) };
  });
}
