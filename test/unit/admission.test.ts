import { describe, expect, it } from 'vitest';
import { admit, NUMBER_BUSY_DELAY_MS } from '../../src/engine/admission.ts';
import { makeRecord, makeSpec } from '../helpers/spec.ts';

const NOW = Date.UTC(2026, 11, 1, 6, 0); // Tue 09:00 Moscow
const env = (over: Partial<Parameters<typeof admit>[2]> = {}) => ({ dnc: { has: () => false }, zones: { zonesFor: () => [] }, numberIsLive: () => false, ...over });

describe('admit', () => {
  it('dials the current number when nothing stands in the way', () => {
    expect(admit(makeRecord('c', 'r', ['+79160000001'], NOW), makeSpec(), env(), NOW)).toEqual({ kind: 'dial', number: '+79160000001' });
  });

  it('a record with no number left is exhausted', () => {
    const rec = { ...makeRecord('c', 'r', ['+79160000001'], NOW), numberIndex: 1 };
    expect(admit(rec, makeSpec(), env(), NOW)).toEqual({ kind: 'final', state: 'exhausted', reason: 'no_number' });
  });

  it('a DNC number moves the record to its next dialable number, skipping spent and blocked ones', () => {
    const rec = { ...makeRecord('c', 'r', ['+79160000001', '+79160000002', '+79160000003', '+79160000004'], NOW), numberAttempts: [0, 3, 0, 0] };
    const a = admit(rec, makeSpec(), env({ dnc: { has: (n) => n === '+79160000001' || n === '+79160000003' } }), NOW);
    expect(a).toMatchObject({ kind: 'later', why: 'dnc', nextAt: NOW, record: { numberIndex: 3, numberAttempts: [3, 3, 0, 0], repeats: 0 } });
  });

  it('blocked when every number left is on a list', () => {
    const rec = makeRecord('c', 'r', ['+79160000001', '+79160000002'], NOW);
    expect(admit(rec, makeSpec(), env({ dnc: { has: () => true } }), NOW)).toEqual({ kind: 'final', state: 'blocked', reason: 'dnc +79160000001' });
  });

  it('outside the window: later, at the instant it opens in every zone of the subscriber', () => {
    const spec = makeSpec({
      callingHours: { timezone: 'Europe/Moscow', subscriberLocalTime: true, windows: [{ days: [1, 2, 3, 4, 5, 6, 7], startMinute: 10 * 60, endMinute: 20 * 60 }], holidays: [] },
    });
    const rec = makeRecord('c', 'r', ['+79160000001'], NOW);
    // Moscow and Samara (UTC+4): 10:00 in both is 10:00 Moscow.
    const a = admit(rec, spec, env({ zones: { zonesFor: () => ['Europe/Moscow', 'Europe/Samara'] } }), NOW);
    expect(a).toMatchObject({ kind: 'later', why: 'window', nextAt: Date.UTC(2026, 11, 1, 7, 0) });
    // A per-record zone wins over the number's zones.
    const own = admit({ ...rec, timezone: 'Asia/Vladivostok' }, spec, env({ zones: { zonesFor: () => ['Europe/Moscow'] } }), NOW);
    expect(own).toEqual({ kind: 'dial', number: '+79160000001' });
  });

  it('a number in another live dial waits', () => {
    const a = admit(makeRecord('c', 'r', ['+79160000001'], NOW), makeSpec(), env({ numberIsLive: () => true }), NOW);
    expect(a).toMatchObject({ kind: 'later', why: 'number_live_elsewhere', nextAt: NOW + NUMBER_BUSY_DELAY_MS });
  });
});
