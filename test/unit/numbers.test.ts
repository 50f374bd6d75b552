import { describe, expect, it } from 'vitest';
import { isValidRegion, normalizeNumber } from '../../src/domain/numbers.ts';

const ok = (e164: string) => expect.objectContaining({ ok: true, e164 });
const no = (reason: string) => ({ ok: false, reason });

describe('normalizeNumber', () => {
  it('reads a Russian 8-prefixed national number', () => {
    expect(normalizeNumber('8 912 345-67-89', 'RU')).toEqual(ok('+79123456789'));
    expect(normalizeNumber('89123456789', 'RU')).toEqual(ok('+79123456789'));
    expect(normalizeNumber('8 (495) 123-45-67', 'RU')).toEqual(ok('+74951234567'));
  });

  it('keeps +7 numbers whatever the region', () => {
    expect(normalizeNumber('+7 (495) 123-45-67', null)).toEqual(ok('+74951234567'));
    expect(normalizeNumber('+7 912 345 67 89', 'US')).toEqual(ok('+79123456789'));
  });

  it('reads a 00 international prefix, even where the official one differs (RU: 810)', () => {
    expect(normalizeNumber('0049 30 12345678', 'DE')).toEqual(ok('+493012345678'));
    expect(normalizeNumber('0049 30 12345678', 'RU')).toEqual(ok('+493012345678'));
    expect(normalizeNumber('00 44 20 7946 0958', null)).toEqual(ok('+442079460958'));
    expect(normalizeNumber('810 49 30 12345678', 'RU')).toEqual(ok('+493012345678'));
  });

  it('reads US numbers in the usual notations', () => {
    expect(normalizeNumber('(212) 555-0123', 'US')).toEqual(ok('+12125550123'));
    expect(normalizeNumber('212.555.0123', 'US')).toEqual(ok('+12125550123'));
    expect(normalizeNumber('1-212-555-0123', 'US')).toEqual(ok('+12125550123'));
    expect(normalizeNumber('+1 212 555 0123', 'RU')).toEqual(ok('+12125550123'));
  });

  it('accepts spaces, dashes, tabs and surrounding whitespace', () => {
    expect(normalizeNumber('  +7-912-345-67-89\t', null)).toEqual(ok('+79123456789'));
    expect(normalizeNumber('912 345 67 89', 'ru')).toEqual(ok('+79123456789'));
  });

  it('rejects letters, including vanity numbers and extensions', () => {
    expect(normalizeNumber('1-800-FLOWERS', 'US')).toEqual(no('letters'));
    expect(normalizeNumber('+1 212 555 0123 ext 5', 'US')).toEqual(no('letters'));
    expect(normalizeNumber('тел. 89123456789', 'RU')).toEqual(no('letters'));
    expect(normalizeNumber('n/a', 'RU')).toEqual(no('letters'));
  });

  it('rejects empty and punctuation-only input', () => {
    expect(normalizeNumber('', 'RU')).toEqual(no('empty'));
    expect(normalizeNumber('   ', 'RU')).toEqual(no('empty'));
    expect(normalizeNumber('--', 'RU')).toEqual(no('empty'));
  });

  it('rejects other characters and a + not in front', () => {
    expect(normalizeNumber('8912345#6789', 'RU')).toEqual(no('bad_characters'));
    expect(normalizeNumber('7+9123456789', 'RU')).toEqual(no('bad_characters'));
  });

  it('rejects too short and too long numbers', () => {
    expect(normalizeNumber('123', 'RU')).toEqual(no('too_short'));
    expect(normalizeNumber('+7 912', null)).toEqual(no('too_short'));
    expect(normalizeNumber('+7 912 345 67 89 12', null)).toMatchObject({ ok: false });
    expect(normalizeNumber('+1 212 555 0123 4567', null)).toEqual(no('too_long'));
  });

  it('needs a region for national numbers, and a known one', () => {
    expect(normalizeNumber('89123456789', null)).toEqual(no('no_region'));
    expect(normalizeNumber('89123456789', 'XX')).toEqual(no('invalid_region'));
  });

  it('rejects an unknown country code', () => {
    expect(normalizeNumber('+999 1234 5678', null)).toEqual(no('invalid_country'));
  });

  it('needs a valid number, not only a possible length: a US number in a RU list is not +7', () => {
    expect(normalizeNumber('(312) 555-0147', 'RU')).toEqual(no('not_valid'));
    expect(normalizeNumber('3125550147', 'RU')).toEqual(no('not_valid'));
    expect(normalizeNumber('+7 312 555 01 47', null)).toEqual(no('not_valid'));
    expect(normalizeNumber('+1 312 555 0147', 'RU')).toEqual(ok('+13125550147'));
  });

  it('never joins digits split by spaces into an overlong number', () => {
    expect(normalizeNumber('8 916 123-45-12 123', 'RU')).toMatchObject({ ok: false });
    expect(normalizeNumber('+7 916 123 45 12 34', 'RU')).toMatchObject({ ok: false });
    expect(normalizeNumber('8 916 123 45 12 8 916 765 43 21', 'RU')).toMatchObject({ ok: false });
    expect(normalizeNumber('8 916 123-45-12', 'RU')).toEqual(ok('+79161234512'));
  });

  it("gives the number's country, calling code and type", () => {
    expect(normalizeNumber('8 916 123-45-67', 'RU')).toEqual({ ok: true, e164: '+79161234567', country: 'RU', callingCode: '7', type: 'mobile' });
    expect(normalizeNumber('8 701 234 56 78', 'RU')).toEqual({ ok: true, e164: '+77012345678', country: 'KZ', callingCode: '7', type: 'mobile' });
    expect(normalizeNumber('8 809 123-45-67', 'RU')).toMatchObject({ ok: true, type: 'premium_rate' });
    expect(normalizeNumber('+800 1234 5678', null)).toEqual({ ok: true, e164: '+80012345678', country: null, callingCode: '800', type: 'toll_free' });
  });
});

describe('isValidRegion', () => {
  it('knows ISO alpha-2 regions with metadata', () => {
    expect(isValidRegion('RU')).toBe(true);
    expect(isValidRegion('us')).toBe(true);
    expect(isValidRegion('XX')).toBe(false);
    expect(isValidRegion('RUS')).toBe(false);
    expect(isValidRegion('')).toBe(false);
  });
});
