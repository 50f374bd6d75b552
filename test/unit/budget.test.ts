import { describe, expect, it } from 'vitest';
import { addDial, addTotal, budgetSpent, dayOf, dialRoom, nextDayStart, packageSpent, totalDialRoom, totalSpent } from '../../src/domain/budget.ts';

const limits = { maxDialsPerDay: 3, maxTalkSeconds: 600 };

describe('daily budget', () => {
  it('days are calendar days in the campaign zone', () => {
    const t = Date.UTC(2026, 11, 1, 21, 30); // 00:30 on 2 Dec in Moscow
    expect(dayOf(t, 'Europe/Moscow')).toBe('2026-12-02');
    expect(dayOf(t, 'UTC')).toBe('2026-12-01');
    expect(nextDayStart(t, 'Europe/Moscow')).toBe(Date.UTC(2026, 11, 2, 21, 0));
  });
  it('counts dials and talk per day; a new day starts from zero', () => {
    let u = { day: '', dials: 0, talkSeconds: 0 };
    u = addDial(u, '2026-12-01', 100);
    u = addDial(u, '2026-12-01', 50);
    expect(u).toEqual({ day: '2026-12-01', dials: 2, talkSeconds: 150 });
    expect(addDial(u, '2026-12-02', 10)).toEqual({ day: '2026-12-02', dials: 1, talkSeconds: 10 });
  });
  it('is spent at the dial cap or the talk cap, only for that day', () => {
    expect(budgetSpent(limits, { day: 'd', dials: 2, talkSeconds: 599 }, 'd')).toBeNull();
    expect(budgetSpent(limits, { day: 'd', dials: 3, talkSeconds: 0 }, 'd')).toMatch(/3 dials today \(max_dials_per_day 3\)/);
    expect(budgetSpent(limits, { day: 'd', dials: 0, talkSeconds: 600 }, 'd')).toMatch(/10 talk minutes today \(max_talk_minutes 10\)/);
    expect(budgetSpent(limits, { day: 'd', dials: 9, talkSeconds: 9999 }, 'e')).toBeNull();
    expect(budgetSpent({ maxDialsPerDay: null, maxTalkSeconds: null }, { day: 'd', dials: 1e9, talkSeconds: 1e9 }, 'd')).toBeNull();
  });
  it('dial room counts the live dials of today; a new day has the whole budget', () => {
    expect(dialRoom(limits, { day: 'd', dials: 1, talkSeconds: 0 }, 'd', 1)).toBe(1);
    expect(dialRoom(limits, { day: 'd', dials: 3, talkSeconds: 0 }, 'd', 2)).toBe(0);
    expect(dialRoom(limits, { day: 'd', dials: 3, talkSeconds: 0 }, 'e', 0)).toBe(3);
    expect(dialRoom({ maxDialsPerDay: null, maxTalkSeconds: 60 }, { day: 'd', dials: 99, talkSeconds: 0 }, 'd', 9)).toBe(Infinity);
  });
});

describe('lifetime limits and trunk packages', () => {
  const total = { totalDials: 5, totalTalkSeconds: 1200 };
  it('total_dials room counts the live dials; none without the limit', () => {
    expect(totalDialRoom(total, { dials: 2, talkSeconds: 0 }, 2)).toBe(1);
    expect(totalDialRoom(total, { dials: 4, talkSeconds: 0 }, 3)).toBe(0);
    expect(totalDialRoom({ totalDials: null, totalTalkSeconds: null }, { dials: 1e9, talkSeconds: 0 }, 9)).toBe(Infinity);
  });
  it('is reached at the dial or the talk limit, and says which', () => {
    expect(totalSpent(total, { dials: 4, talkSeconds: 1199 })).toBeNull();
    expect(totalSpent(total, { dials: 5, talkSeconds: 0 })).toBe('5 dials in total (total_dials 5)');
    expect(totalSpent(total, { dials: 1, talkSeconds: 1230 })).toBe('21 talk minutes in total (total_talk_minutes 20)');
    expect(addTotal({ dials: 1, talkSeconds: 10 }, 5.5)).toEqual({ dials: 2, talkSeconds: 15.5 });
  });
  it('a trunk package is used up at its talk seconds; no package never is', () => {
    expect(packageSpent('t1', 600, { dials: 99, talkSeconds: 599.9 })).toBeNull();
    expect(packageSpent('t1', 600, { dials: 1, talkSeconds: 600 })).toBe('trunk t1: 10 talk minutes of its package (trunks.t1.minutes 10)');
    expect(packageSpent('t1', undefined, { dials: 1, talkSeconds: 1e9 })).toBeNull();
  });
});
