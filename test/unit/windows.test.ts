import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { CallingHours, WindowSpec } from '../../src/domain/types.ts';
import { isOpen, isValidZone, nextOpen, parseDays, parseHours, zonesToCheck } from '../../src/domain/windows.ts';

const NY = 'America/New_York';
const LA = 'America/Los_Angeles';
const BERLIN = 'Europe/Berlin';
const DAILY = [1, 2, 3, 4, 5, 6, 7];

function win(days: number[], hours: string): WindowSpec {
  return { days, ...parseHours(hours)! };
}
function hours(windows: WindowSpec[], extra: Partial<CallingHours> = {}): CallingHours {
  return { timezone: NY, subscriberLocalTime: false, windows, holidays: [], ...extra };
}
/** Local wall time in `zone` → epoch ms. */
const at = (local: string, zone: string) => DateTime.fromISO(local, { zone }).toMillis();
/** Epoch ms → UTC ISO, for readable expectations. */
const utc = (ms: number | null) => (ms === null ? null : DateTime.fromMillis(ms, { zone: 'utc' }).toISO());

describe('parseHours', () => {
  it('reads same-day, over-midnight and 24:00 windows', () => {
    expect(parseHours('09:00-20:00')).toEqual({ startMinute: 540, endMinute: 1200 });
    expect(parseHours('22:00-02:00')).toEqual({ startMinute: 1320, endMinute: 120 });
    expect(parseHours('00:00-24:00')).toEqual({ startMinute: 0, endMinute: 1440 });
    expect(parseHours(' 9:30 - 17:05 ')).toEqual({ startMinute: 570, endMinute: 1025 });
  });

  it('rejects malformed and empty windows', () => {
    for (const bad of ['', '09:00', '24:00-10:00', '25:00-26:00', '09:60-10:00', '09:00-09:00', '9-17', 'ab:cd-ef:gh']) {
      expect(parseHours(bad), bad).toBeNull();
    }
  });
});

describe('parseDays', () => {
  it('reads ranges, lists and wrapping ranges as ISO weekdays', () => {
    expect(parseDays('mon-fri')).toEqual([1, 2, 3, 4, 5]);
    expect(parseDays('sat')).toEqual([6]);
    expect(parseDays('mon,wed,fri')).toEqual([1, 3, 5]);
    expect(parseDays('sat-sun')).toEqual([6, 7]);
    expect(parseDays('fri-mon')).toEqual([1, 5, 6, 7]);
    expect(parseDays('Monday-Tuesday, SUN')).toEqual([1, 2, 7]);
    expect(parseDays('daily')).toEqual(DAILY);
  });

  it('rejects what it does not understand', () => {
    for (const bad of ['', 'funday', 'mon-', 'mon-tue-wed', 'mon,,tue', 'mo']) expect(parseDays(bad), bad).toBeNull();
  });
});

describe('isValidZone', () => {
  it('knows IANA zones', () => {
    expect(isValidZone('Europe/Moscow')).toBe(true);
    expect(isValidZone('Mars/Olympus')).toBe(false);
    expect(isValidZone('')).toBe(false);
  });
});

describe('zonesToCheck', () => {
  const campaign = hours([], { timezone: 'Europe/Moscow' });
  const local = { ...campaign, subscriberLocalTime: true };

  it('uses the campaign zone unless subscriber local time is on', () => {
    expect(zonesToCheck(campaign, 'Asia/Tokyo', [NY])).toEqual(['Europe/Moscow']);
  });

  it('prefers the record column, then the number zones, then the campaign zone', () => {
    expect(zonesToCheck(local, 'Asia/Tokyo', [NY, LA])).toEqual(['Asia/Tokyo']);
    expect(zonesToCheck(local, null, [NY, LA, NY])).toEqual([NY, LA]);
    expect(zonesToCheck(local, 'Not/AZone', [NY])).toEqual([NY]);
    expect(zonesToCheck(local, null, [])).toEqual(['Europe/Moscow']);
    expect(zonesToCheck(local, null, ['Not/AZone'])).toEqual(['Europe/Moscow']);
  });
});

describe('isOpen / nextOpen basics', () => {
  const weekdays = hours([win([1, 2, 3, 4, 5], '09:00-17:00')]);

  it('no calling hours: always open, nextOpen is the instant itself', () => {
    const t = at('2026-06-06T03:00', NY);
    expect(isOpen(null, [NY], t)).toBe(true);
    expect(nextOpen(null, [NY], t)).toBe(t);
  });

  it('opens at the start minute and closes at the end minute', () => {
    expect(isOpen(weekdays, [NY], at('2026-06-08T08:59', NY))).toBe(false); // Monday
    expect(isOpen(weekdays, [NY], at('2026-06-08T09:00', NY))).toBe(true);
    expect(isOpen(weekdays, [NY], at('2026-06-08T16:59:59', NY))).toBe(true);
    expect(isOpen(weekdays, [NY], at('2026-06-08T17:00', NY))).toBe(false);
    expect(isOpen(weekdays, [NY], at('2026-06-06T10:00', NY))).toBe(false); // Saturday
  });

  it('nextOpen of an open instant is that instant, to the millisecond', () => {
    const t = at('2026-06-08T10:17:23.456', NY);
    expect(nextOpen(weekdays, [NY], t)).toBe(t);
  });

  it('nextOpen jumps the weekend to Monday 09:00', () => {
    expect(utc(nextOpen(weekdays, [NY], at('2026-06-05T17:00', NY)))).toBe(utc(at('2026-06-08T09:00', NY)));
  });

  it('an empty zone list means the campaign zone', () => {
    expect(isOpen(weekdays, [], at('2026-06-08T10:00', NY))).toBe(true);
    expect(isOpen(weekdays, [], at('2026-06-08T16:00', LA))).toBe(false); // 19:00 in New York
  });

  it('closed all week → never open, nextOpen null', () => {
    const t = at('2026-06-08T10:00', NY);
    for (const closed of [hours([]), hours([win([], '09:00-17:00')])]) {
      expect(isOpen(closed, [NY], t)).toBe(false);
      expect(nextOpen(closed, [NY], t)).toBeNull();
    }
  });

  it('returns null when the next opening is beyond the horizon', () => {
    const sundays = hours([win([7], '09:00-17:00')]);
    const monday = at('2026-06-08T10:00', NY);
    expect(nextOpen(sundays, [NY], monday, 5)).toBeNull();
    expect(utc(nextOpen(sundays, [NY], monday, 7))).toBe(utc(at('2026-06-14T09:00', NY)));
  });

  it('an invalid zone is never open', () => {
    expect(isOpen(weekdays, ['Not/AZone'], at('2026-06-08T10:00', NY))).toBe(false);
    expect(nextOpen(weekdays, ['Not/AZone'], at('2026-06-08T10:00', NY))).toBeNull();
  });
});

describe('several zones: open only where every zone is open', () => {
  const day = hours([win(DAILY, '09:00-20:00')]);

  it('a number in New York and Los Angeles opens at 09:00 LA = 12:00 NY', () => {
    expect(isOpen(day, [NY, LA], at('2026-06-08T11:59', NY))).toBe(false);
    expect(isOpen(day, [NY, LA], at('2026-06-08T12:00', NY))).toBe(true);
    expect(utc(nextOpen(day, [NY, LA], at('2026-06-08T06:00', NY)))).toBe(utc(at('2026-06-08T09:00', LA)));
    expect(utc(nextOpen(day, [NY, LA], at('2026-06-08T06:00', NY)))).toBe(utc(at('2026-06-08T12:00', NY)));
  });

  it('closes at 20:00 NY and reopens next day at 09:00 LA', () => {
    expect(isOpen(day, [NY, LA], at('2026-06-08T19:59', NY))).toBe(true);
    expect(isOpen(day, [NY, LA], at('2026-06-08T20:00', NY))).toBe(false);
    expect(utc(nextOpen(day, [NY, LA], at('2026-06-08T20:00', NY)))).toBe(utc(at('2026-06-09T09:00', LA)));
  });

  it('follows the weeks when US and European clocks disagree', () => {
    const both = hours([win(DAILY, '08:00-22:00')]);
    // 2026-03-10: NY already on EDT (UTC-4), Berlin still on CET (UTC+1): 08:00 NY = 12:00Z.
    expect(utc(nextOpen(both, [NY, BERLIN], Date.UTC(2026, 2, 10)))).toBe('2026-03-10T12:00:00.000Z');
    // 2026-04-10: both on summer time: 08:00 NY = 12:00Z too, and Berlin closes at 20:00Z.
    expect(isOpen(both, [NY, BERLIN], Date.UTC(2026, 3, 10, 19, 59))).toBe(true);
    expect(isOpen(both, [NY, BERLIN], Date.UTC(2026, 3, 10, 20, 0))).toBe(false);
    // 2026-01-10: both on standard time: 08:00 NY = 13:00Z.
    expect(utc(nextOpen(both, [NY, BERLIN], Date.UTC(2026, 0, 10)))).toBe('2026-01-10T13:00:00.000Z');
  });

  it('zones whose windows never overlap → null', () => {
    const morning = hours([win(DAILY, '09:00-12:00')]);
    expect(nextOpen(morning, ['Europe/Moscow', LA], Date.UTC(2026, 5, 8))).toBeNull();
  });
});

describe('over-midnight windows', () => {
  const friNight = hours([win([5], '22:00-02:00')], { timezone: BERLIN });

  it('the part after midnight belongs to the day the window started', () => {
    expect(isOpen(friNight, [BERLIN], at('2026-06-12T21:59', BERLIN))).toBe(false); // Friday
    expect(isOpen(friNight, [BERLIN], at('2026-06-12T22:00', BERLIN))).toBe(true);
    expect(isOpen(friNight, [BERLIN], at('2026-06-13T01:00', BERLIN))).toBe(true); // Saturday
    expect(isOpen(friNight, [BERLIN], at('2026-06-13T02:00', BERLIN))).toBe(false);
    expect(isOpen(friNight, [BERLIN], at('2026-06-14T01:00', BERLIN))).toBe(false); // Sunday
    expect(isOpen(friNight, [BERLIN], at('2026-06-13T22:30', BERLIN))).toBe(false); // Saturday night
  });

  it('nextOpen from Saturday 02:00 is the next Friday 22:00', () => {
    expect(utc(nextOpen(friNight, [BERLIN], at('2026-06-13T02:00', BERLIN)))).toBe(utc(at('2026-06-19T22:00', BERLIN)));
  });

  it('a 24:00 end keeps the window open through the last minute of its day only', () => {
    const monday = hours([win([1], '00:00-24:00')]);
    expect(isOpen(monday, [NY], at('2026-06-08T00:00', NY))).toBe(true);
    expect(isOpen(monday, [NY], at('2026-06-08T23:59:59', NY))).toBe(true);
    expect(isOpen(monday, [NY], at('2026-06-09T00:00', NY))).toBe(false);
  });
});

describe('holidays', () => {
  it('a holiday closes its day; nextOpen moves to the next working day', () => {
    const h = hours([win([1, 2, 3, 4, 5], '09:00-17:00')], { holidays: ['2026-06-10'] });
    expect(isOpen(h, [NY], at('2026-06-10T10:00', NY))).toBe(false);
    expect(utc(nextOpen(h, [NY], at('2026-06-10T08:00', NY)))).toBe(utc(at('2026-06-11T09:00', NY)));
  });

  it('over midnight: closed on the holiday date, before and after midnight', () => {
    const h = hours([win(DAILY, '22:00-02:00')], { timezone: BERLIN, holidays: ['2026-12-25'] });
    expect(isOpen(h, [BERLIN], at('2026-12-24T23:00', BERLIN))).toBe(true);
    expect(isOpen(h, [BERLIN], at('2026-12-25T01:00', BERLIN))).toBe(false); // after midnight, into the holiday
    expect(isOpen(h, [BERLIN], at('2026-12-25T23:00', BERLIN))).toBe(false); // starts on the holiday
    expect(isOpen(h, [BERLIN], at('2026-12-26T01:00', BERLIN))).toBe(false); // rest of a window that started on it
    expect(utc(nextOpen(h, [BERLIN], at('2026-12-25T00:00', BERLIN)))).toBe(utc(at('2026-12-26T22:00', BERLIN)));
  });

  it('holiday dates are read in the zone being evaluated', () => {
    const h = hours([win(DAILY, '09:00-17:00')], { holidays: ['2026-12-25'] });
    const instant = Date.UTC(2026, 11, 24, 23, 30); // still the 24th in UTC, 09:30 on the 25th in Vladivostok
    expect(isOpen(h, ['Asia/Vladivostok'], instant)).toBe(false);
    expect(isOpen(hours([win(DAILY, '09:00-17:00')]), ['Asia/Vladivostok'], instant)).toBe(true);
  });

  it('walks a long run of holidays without giving up early', () => {
    const holidays = Array.from({ length: 300 }, (_, i) => DateTime.fromISO('2026-01-01').plus({ days: i }).toISODate()!);
    const h = hours([win(DAILY, '09:00-17:00')], { holidays });
    expect(utc(nextOpen(h, [NY], at('2026-01-01T00:00', NY)))).toBe(utc(at('2026-10-28T09:00', NY)));
  });
});
