import { describe, expect, it } from 'vitest';
import type { CallingHours } from '../../src/domain/types.ts';
import { isOpen, nextOpen, parseHours } from '../../src/domain/windows.ts';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const DAILY = [1, 2, 3, 4, 5, 6, 7];

function daily(range: string, timezone: string): CallingHours {
  return { timezone, subscriberLocalTime: false, windows: [{ days: DAILY, ...parseHours(range)! }], holidays: [] };
}
const z = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('America/New_York, spring forward (2026-03-08 02:00 EST → 03:00 EDT at 07:00Z)', () => {
  it('a 02:00-03:00 window does not exist that day; it opens next day at 02:00 EDT', () => {
    const h = daily('02:00-03:00', NY);
    expect(isOpen(h, [NY], z('2026-03-08T06:59:00Z'))).toBe(false); // 01:59 EST
    expect(isOpen(h, [NY], z('2026-03-08T07:00:00Z'))).toBe(false); // 03:00 EDT
    expect(iso(nextOpen(h, [NY], z('2026-03-08T05:00:00Z')))).toBe('2026-03-09T06:00:00.000Z');
  });

  it('a window starting inside the skipped hour opens at the jump', () => {
    const h = daily('02:30-04:00', NY);
    expect(isOpen(h, [NY], z('2026-03-08T06:59:00Z'))).toBe(false);
    expect(iso(nextOpen(h, [NY], z('2026-03-08T05:00:00Z')))).toBe('2026-03-08T07:00:00.000Z');
  });

  it('09:00 before and after the change is 09:00 local', () => {
    const h = daily('09:00-17:00', NY);
    expect(iso(nextOpen(h, [NY], z('2026-03-07T23:00:00Z')))).toBe('2026-03-08T13:00:00.000Z'); // from 18:00 EST
    expect(iso(nextOpen(h, [NY], z('2026-03-09T00:00:00Z')))).toBe('2026-03-09T13:00:00.000Z');
    expect(isOpen(h, [NY], z('2026-03-08T20:59:00Z'))).toBe(true); // 16:59 EDT
    expect(isOpen(h, [NY], z('2026-03-08T21:00:00Z'))).toBe(false); // 17:00 EDT
  });
});

describe('America/New_York, fall back (2026-11-01 02:00 EDT → 01:00 EST at 06:00Z)', () => {
  it('a 01:00-02:00 window is open for both 01:00 hours', () => {
    const h = daily('01:00-02:00', NY);
    expect(isOpen(h, [NY], z('2026-11-01T04:59:00Z'))).toBe(false); // 00:59 EDT
    expect(isOpen(h, [NY], z('2026-11-01T05:00:00Z'))).toBe(true); // 01:00 EDT
    expect(isOpen(h, [NY], z('2026-11-01T06:00:00Z'))).toBe(true); // 01:00 EST
    expect(isOpen(h, [NY], z('2026-11-01T06:59:00Z'))).toBe(true); // 01:59 EST
    expect(isOpen(h, [NY], z('2026-11-01T07:00:00Z'))).toBe(false); // 02:00 EST
    expect(iso(nextOpen(h, [NY], z('2026-11-01T04:00:00Z')))).toBe('2026-11-01T05:00:00.000Z');
    expect(iso(nextOpen(h, [NY], z('2026-11-01T07:00:00Z')))).toBe('2026-11-02T06:00:00.000Z');
  });

  it('a window closed in between reopens at the second occurrence of its start', () => {
    const h = daily('01:00-01:30', NY);
    expect(isOpen(h, [NY], z('2026-11-01T05:45:00Z'))).toBe(false); // 01:45 EDT
    expect(iso(nextOpen(h, [NY], z('2026-11-01T05:30:00Z')))).toBe('2026-11-01T06:00:00.000Z');
  });

  it('09:00 the day after the change is 09:00 EST', () => {
    const h = daily('09:00-17:00', NY);
    expect(iso(nextOpen(h, [NY], z('2026-11-01T23:00:00Z')))).toBe('2026-11-02T14:00:00.000Z');
    expect(iso(nextOpen(h, [NY], z('2026-10-31T22:00:00Z')))).toBe('2026-11-01T14:00:00.000Z');
  });
});

describe('Europe/Berlin, spring forward (2026-03-29 02:00 CET → 03:00 CEST at 01:00Z)', () => {
  it('a 02:00-03:00 window is skipped that day', () => {
    const h = daily('02:00-03:00', BERLIN);
    expect(isOpen(h, [BERLIN], z('2026-03-29T01:00:00Z'))).toBe(false);
    expect(iso(nextOpen(h, [BERLIN], z('2026-03-28T23:30:00Z')))).toBe('2026-03-30T00:00:00.000Z');
  });

  it('09:00 the day after the change is 09:00 CEST', () => {
    const h = daily('09:00-17:00', BERLIN);
    expect(iso(nextOpen(h, [BERLIN], z('2026-03-29T16:00:00Z')))).toBe('2026-03-30T07:00:00.000Z');
  });
});

describe('Europe/Berlin, fall back (2026-10-25 03:00 CEST → 02:00 CET at 01:00Z)', () => {
  it('a 02:00-03:00 window is open for both 02:00 hours', () => {
    const h = daily('02:00-03:00', BERLIN);
    expect(isOpen(h, [BERLIN], z('2026-10-24T23:59:00Z'))).toBe(false); // 01:59 CEST
    expect(isOpen(h, [BERLIN], z('2026-10-25T00:00:00Z'))).toBe(true); // 02:00 CEST
    expect(isOpen(h, [BERLIN], z('2026-10-25T01:30:00Z'))).toBe(true); // 02:30 CET
    expect(isOpen(h, [BERLIN], z('2026-10-25T02:00:00Z'))).toBe(false); // 03:00 CET
  });

  it('09:00 the day after the change is 09:00 CET', () => {
    const h = daily('09:00-17:00', BERLIN);
    expect(iso(nextOpen(h, [BERLIN], z('2026-10-25T18:00:00Z')))).toBe('2026-10-26T08:00:00.000Z');
  });

  it('an over-midnight window across the change ends at 02:00 local wall time', () => {
    const h = daily('22:00-02:00', BERLIN);
    expect(isOpen(h, [BERLIN], z('2026-10-24T23:59:00Z'))).toBe(true); // 01:59 CEST
    expect(isOpen(h, [BERLIN], z('2026-10-25T00:00:00Z'))).toBe(false); // 02:00 CEST
    expect(isOpen(h, [BERLIN], z('2026-10-25T01:00:00Z'))).toBe(false); // 02:00 CET
  });
});

describe('two zones changing clocks on different days', () => {
  it('the intersection opens when the later zone opens, per the offsets of that day', () => {
    const h = daily('09:00-18:00', BERLIN);
    // 2026-03-08 is NY's change day; Berlin is still CET. Berlin closes 17:00Z, NY opens 13:00Z (EDT).
    expect(iso(nextOpen(h, [NY, BERLIN], z('2026-03-08T00:00:00Z')))).toBe('2026-03-08T13:00:00.000Z');
    expect(isOpen(h, [NY, BERLIN], z('2026-03-08T16:59:00Z'))).toBe(true);
    expect(isOpen(h, [NY, BERLIN], z('2026-03-08T17:00:00Z'))).toBe(false);
    // A day earlier NY is on EST: opens 14:00Z.
    expect(iso(nextOpen(h, [NY, BERLIN], z('2026-03-07T00:00:00Z')))).toBe('2026-03-07T14:00:00.000Z');
  });
});
