import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/lib/prng.ts';
import type { CallingHours, WindowSpec } from '../../src/domain/types.ts';
import { isOpen, nextOpen } from '../../src/domain/windows.ts';

// nextOpen steps over candidate boundaries; here it must agree with a plain minute-by-minute scan
// of isOpen, on random windows around daylight-saving changes (including Lord Howe's 30-minute one).
const ZONES = ['America/New_York', 'Europe/Berlin', 'America/Los_Angeles', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham'];
const AROUND = ['2026-03-08T00:00Z', '2026-03-29T00:00Z', '2026-04-04T12:00Z', '2026-10-03T12:00Z', '2026-10-25T00:00Z', '2026-11-01T00:00Z'];
const HORIZON_DAYS = 3;


function randomHours(r: () => number): CallingHours {
  const windows: WindowSpec[] = Array.from({ length: 1 + Math.floor(r() * 2) }, () => {
    const startMinute = Math.floor(r() * 96) * 15;
    let endMinute = Math.floor(r() * 97) * 15;
    if (endMinute === startMinute) endMinute = (startMinute + 60) % 1440;
    const days = [1, 2, 3, 4, 5, 6, 7].filter(() => r() < 0.6);
    return { days, startMinute, endMinute };
  });
  const holidays = r() < 0.3 ? ['2026-03-08', '2026-10-25', '2026-11-01', '2026-04-05'] : [];
  return { timezone: 'UTC', subscriberLocalTime: true, windows, holidays };
}

function scan(hours: CallingHours, zones: string[], from: number): number | null {
  for (let m = 0; m <= HORIZON_DAYS * 1440; m++) {
    if (isOpen(hours, zones, from + m * 60_000)) return from + m * 60_000;
  }
  return null;
}

describe('nextOpen agrees with a minute-by-minute scan', () => {
  it('on 60 random calendars, zones and start instants near DST changes', () => {
    const r = mulberry32(20261122);
    for (let i = 0; i < 60; i++) {
      const hours = randomHours(r);
      const zones = ZONES.filter(() => r() < 0.35);
      if (zones.length === 0) zones.push(ZONES[i % ZONES.length]!);
      const from = Date.parse(AROUND[i % AROUND.length]!) + Math.floor(r() * 48 * 60) * 60_000 - 24 * 3_600_000;
      const expected = scan(hours, zones, from);
      const actual = nextOpen(hours, zones, from, HORIZON_DAYS);
      expect(actual, JSON.stringify({ i, hours, zones, from: new Date(from).toISOString() })).toBe(expected);
    }
  });
});
