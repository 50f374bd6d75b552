/** The ETA estimator (domain/eta.ts), the rate summary (domain/rates.ts) and windows' nextClosed. */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { estimateEta, percentFinal, type EtaInput } from '../../src/domain/eta.ts';
import { rateSamples, summarizeRates, type RateCounts, type RecentRates } from '../../src/domain/rates.ts';
import type { CallingHours } from '../../src/domain/types.ts';
import { isOpen, nextClosed, nextOpen, parseHours } from '../../src/domain/windows.ts';

const MOSCOW = 'Europe/Moscow';
const M = 60_000;
const H = 3_600_000;
const at = (local: string, zone = MOSCOW): number => DateTime.fromISO(local, { zone }).toMillis();
const iso = (ms: number | null): string | null => (ms === null ? null : DateTime.fromMillis(ms, { zone: MOSCOW }).toISO({ suppressMilliseconds: true }));
const hours = (h: string, days = [1, 2, 3, 4, 5, 6, 7], extra: Partial<CallingHours> = {}): CallingHours => ({
  timezone: MOSCOW,
  subscriberLocalTime: false,
  windows: [{ days, ...parseHours(h)! }],
  holidays: [],
  ...extra,
});
const zero = (): RateCounts => ({ dials: 0, answers: 0 });
/** Buckets with `perMinute` dials in each of the last `minutes` minutes (the current one excluded). */
function steady(now: number, perMinute: number, minutes: number): RecentRates {
  const r: RecentRates = { minutes: Array.from({ length: 120 }, zero), hours: Array.from({ length: 48 }, zero) };
  for (let i = 1; i <= minutes; i++) {
    r.minutes[i] = { dials: perMinute, answers: perMinute / 2 };
    const h = Math.floor(now / H) - Math.floor((now - i * M) / H);
    r.hours[h] = { dials: r.hours[h]!.dials + perMinute, answers: r.hours[h]!.answers + perMinute / 2 };
  }
  return r;
}
const input = (o: Partial<EtaInput>): EtaInput => ({
  now: at('2026-11-30T10:00'),
  state: 'running',
  startAt: null,
  hours: hours('09:00-18:00'),
  records: { pending: 50, waiting: 50, done: 100 },
  dials: 200,
  samples: [],
  ...o,
});

describe('nextClosed', () => {
  it('finds the end of the open stretch, in the zone, across midnight and for several zones', () => {
    const h = hours('09:00-18:00');
    expect(iso(nextClosed(h, [], at('2026-11-30T10:00')))).toBe('2026-11-30T18:00:00+03:00');
    expect(iso(nextClosed(h, [], at('2026-11-30T19:00')))).toBe('2026-11-30T19:00:00+03:00'); // closed already
    expect(iso(nextClosed(hours('22:00-02:00'), [], at('2026-11-30T23:00')))).toBe('2026-12-01T02:00:00+03:00');
    // Several zones: closed as soon as the first one closes (Yekaterinburg is 2 h ahead of Moscow).
    expect(iso(nextClosed(h, ['Europe/Berlin', MOSCOW], at('2026-11-30T12:00')))).toBe('2026-11-30T18:00:00+03:00');
    expect(iso(nextClosed(h, [MOSCOW, 'Asia/Yekaterinburg'], at('2026-11-30T12:00')))).toBe('2026-11-30T16:00:00+03:00');
    expect(nextClosed(hours('00:00-24:00'), [], at('2026-11-30T12:00'), 30)).toBeNull();
    expect(nextClosed(null, [], 0)).toBeNull();
  });

  it('closes at midnight before a holiday and when the next day is not a window day', () => {
    const h = hours('00:00-24:00', [1, 2, 3, 4, 5, 6, 7], { holidays: ['2026-12-02'] });
    expect(iso(nextClosed(h, [], at('2026-11-30T12:00')))).toBe('2026-12-02T00:00:00+03:00');
    expect(iso(nextClosed(hours('00:00-24:00', [1]), [], at('2026-11-30T12:00')))).toBe('2026-12-01T00:00:00+03:00');
  });

  it('agrees with isOpen minute by minute over a week with two windows a day', () => {
    const h: CallingHours = { ...hours('09:00-12:30'), windows: [{ days: [1, 2, 3, 4, 5], ...parseHours('09:00-12:30')! }, { days: [1, 3, 6], ...parseHours('14:15-21:00')! }] };
    let t = at('2026-11-30T00:00');
    for (let i = 0; i < 12; i++) {
      const open = nextOpen(h, [], t)!;
      const close = nextClosed(h, [], open)!;
      expect(isOpen(h, [], close - M)).toBe(true);
      expect(isOpen(h, [], close)).toBe(false);
      t = close;
    }
  });
});

describe('summarizeRates', () => {
  it('sums the last hour, today (UTC) and the effective rate over 15 complete minutes', () => {
    const now = Date.UTC(2026, 10, 30, 1, 30);
    const r = steady(now, 4, 119); // back to 23:31 yesterday
    // The current minute: in the hour and today, not in the rate.
    r.minutes[0] = { dials: 100, answers: 0 };
    r.hours[0] = { dials: r.hours[0]!.dials + 100, answers: r.hours[0]!.answers };
    const s = summarizeRates(r, now);
    expect(s.lastHour).toEqual({ dials: 100 + 59 * 4, answers: 59 * 2, answerRate: Math.round((118 / 336) * 1000) / 1000 });
    expect(s.today).toEqual({ dials: 100 + 90 * 4, answers: 90 * 2, answerRate: Math.round((180 / 460) * 1000) / 1000, since: Date.UTC(2026, 10, 30) });
    expect(s.dialsPerMinute).toBe(4);
    expect(summarizeRates(steady(now, 0, 0), now).lastHour.answerRate).toBeNull();
  });
});

describe('estimateEta', () => {
  it('all records final → 0: the ETA is now, whatever the state', () => {
    const now = at('2026-11-30T03:00');
    for (const state of ['running', 'paused', 'completed'] as const) {
      expect(estimateEta(input({ now, state, records: { done: 5, exhausted: 2, invalid: 1 } }))).toEqual({ at: now, seconds: 0, remainingDials: 0, dialsPerOpenMinute: null, why: null });
    }
    expect(percentFinal({ done: 5, exhausted: 2, invalid: 1 })).toEqual({ total: 8, final: 8, percent: 100 });
    expect(percentFinal({ pending: 2, done: 1 })).toEqual({ total: 3, final: 1, percent: 33.3 });
  });

  it('zero rate → unknown: no dials recently, too short a sample, nothing dialed or finished yet, not running', () => {
    const now = at('2026-11-30T10:00');
    expect(estimateEta(input({ now, samples: [] }))).toMatchObject({ at: null, why: 'no dials in the last 24 hours', remainingDials: 200 });
    expect(estimateEta(input({ now, samples: [{ dials: 3, from: now - 2 * M }] })).why).toBe('under 5 open minutes of dialing to measure the rate');
    expect(estimateEta(input({ now, dials: 0, records: { pending: 10 } })).why).toBe('no dials yet');
    expect(estimateEta(input({ now, records: { waiting: 10, invalid: 3 } })).why).toBe('no record finished by a dial yet');
    expect(estimateEta(input({ now, state: 'paused', samples: rateSamples(steady(now, 2, 60), now) })).why).toBe('campaign paused');
  });

  it('inside a window: remaining dials ÷ rate from now', () => {
    const now = at('2026-11-30T10:00');
    // 100 left × 200 dials / 100 finished = 200 dials; 2 a minute → 100 minutes.
    const eta = estimateEta(input({ now, samples: rateSamples(steady(now, 2, 60), now) }));
    expect(eta).toEqual({ at: at('2026-11-30T11:40'), seconds: 6000, remainingDials: 200, dialsPerOpenMinute: 2, why: null });
  });

  it('windows ahead: the time spills into the next days, skipping nights, closed days and holidays', () => {
    const now = at('2026-11-30T17:00'); // Monday
    const h = hours('09:00-18:00', [1, 2, 3, 4, 5], { holidays: ['2026-12-01'] });
    const samples = rateSamples(steady(now, 2, 60), now);
    // 200 dials at 2/min = 100 min: 60 today, Tuesday a holiday, 40 on Wednesday from 09:00.
    expect(iso(estimateEta(input({ now, hours: h, samples })).at)).toBe('2026-12-02T09:40:00+03:00');
    // 20 000 dials = 10 000 min: 60 today, then eighteen nine-hour weekdays (Wed 2 – Fri 25 Dec), 220 min on Mon 28 Dec.
    const big = estimateEta(input({ now, hours: h, samples, records: { pending: 10_000, done: 100 } }));
    expect(big.remainingDials).toBe(20_000);
    expect(iso(big.at)).toBe('2026-12-28T12:40:00+03:00');
  });

  it('the rate counts only open minutes: a night sample is measured over the window that was open', () => {
    const now = at('2026-11-30T08:30'); // before the window; the last dials were yesterday 09:00-18:00
    const r: RecentRates = { minutes: Array.from({ length: 120 }, zero), hours: Array.from({ length: 48 }, zero) };
    const from = at('2026-11-29T09:00');
    for (let h = 0; h < 9; h++) r.hours[Math.floor(now / H) - Math.floor((from + h * H) / H)] = { dials: 120, answers: 30 };
    const eta = estimateEta(input({ now, samples: rateSamples(r, now) }));
    expect(eta.dialsPerOpenMinute).toBe(2);
    expect(iso(eta.at)).toBe('2026-11-30T10:40:00+03:00');
  });

  it('a scheduled campaign counts from start_at; no window ahead or beyond 400 days → unknown', () => {
    const now = at('2026-11-30T10:00');
    const samples = rateSamples(steady(now, 2, 60), now);
    expect(iso(estimateEta(input({ now, state: 'scheduled', startAt: at('2026-12-01T09:00'), samples })).at)).toBe('2026-12-01T10:40:00+03:00');
    const dates = Array.from({ length: 402 }, (_, i) => DateTime.fromMillis(now, { zone: MOSCOW }).plus({ days: i + 1 }).toISODate()!);
    const lastDay = hours('09:00-18:00', [1, 2, 3, 4, 5, 6, 7], { holidays: dates });
    expect(estimateEta(input({ now, hours: lastDay, samples, records: { pending: 10_000, done: 100 } })).why).toBe('no calling window ahead');
    expect(estimateEta(input({ now, samples, records: { pending: 10_000_000, done: 1 } })).why).toBe('more than 400 days');
    // No calling hours: always open.
    expect(estimateEta(input({ now, hours: null, samples: rateSamples(steady(now, 2, 60), now) })).at).toBe(now + 100 * M);
  });
});
