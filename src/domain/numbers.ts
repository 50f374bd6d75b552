/**
 * Phone number normalization (domain.md §2 `invalid` records): raw contact-list text → a valid
 * E.164 number with its country and type. Pure; backed by libphonenumber-js with its full
 * ("max") metadata, the only build that knows which ranges are allocated (validity) and to
 * what (types); "min" knows lengths only.
 */
import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js/max';
import type { CountryCode, PhoneNumber } from 'libphonenumber-js/max';

/** A number dialerd may dial: valid for its country in libphonenumber's metadata. */
export interface ValidNumber {
  e164: string;
  /** ISO 3166 alpha-2 of the number (`RU`, `KZ` for +7 7…), null for non-geographic (+800…). */
  country: string | null;
  /** The country calling code, digits only (`7`). */
  callingCode: string;
  /** libphonenumber's type in lower case (`mobile`, `fixed_line`, `toll_free`, `premium_rate`…), null if unknown. */
  type: string | null;
}

export type NormalizeResult = ({ ok: true } & ValidNumber) | { ok: false; reason: NumberRejectReason };

/** Reasons `normalizeNumber` may give, stable for reports and tests. */
export const NUMBER_REJECT_REASONS = [
  'empty',
  'letters',
  'bad_characters',
  'no_region',
  'invalid_region',
  'too_short',
  'too_long',
  'invalid_country',
  'not_possible',
  /** The length fits, but no range of the country holds it (e.g. `(312) 555-0147` read as RU). */
  'not_valid',
  'unparseable',
] as const;
export type NumberRejectReason = (typeof NUMBER_REJECT_REASONS)[number];

// Digits plus the punctuation people type around them; '+' only in front.
const ALLOWED = /^\+?[\d\s\-.()]+$/;
const LETTER = /\p{L}/u;

/**
 * Normalize one raw number to E.164 using `region` (ISO 3166 alpha-2, e.g. 'RU') for numbers
 * without +country. Accepts spaces, dashes, dots, parentheses, a leading '+', the region's own
 * trunk and international prefixes (RU '8…', '810…'), and a leading '00' international prefix in
 * any region (libphonenumber only knows the region's official one, e.g. 810 in RU, so '00' is
 * retried as '+' when the national reading is not a valid number). The digits must make a
 * number that is **valid** for its country, not merely of a possible length: `(312) 555-0147`
 * in a RU list is `not_valid` (never +73125550147), and digits split by spaces into an overlong
 * string (`8 916 123-45-12 123`) are never joined into something dialable. Rejects letters
 * (vanity numbers, "ext"), empty input, and numbers too short, too long or not possible.
 */
export function normalizeNumber(raw: string, region: string | null): NormalizeResult {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (LETTER.test(text)) return { ok: false, reason: 'letters' };
  if (!ALLOWED.test(text)) return { ok: false, reason: 'bad_characters' };
  const digits = text.replace(/\D/g, '');
  if (digits === '') return { ok: false, reason: 'empty' };

  const country = region !== null && isValidRegion(region) ? (region.toUpperCase() as CountryCode) : undefined;
  const international = text.startsWith('+');
  if (!international && country === undefined && !digits.startsWith('00')) {
    return { ok: false, reason: region === null ? 'no_region' : 'invalid_region' };
  }

  const input = international ? `+${digits}` : digits;
  const national = international || country !== undefined ? parse(input, country) : undefined;
  if (national?.isValid()) return valid(national);
  const viaZeroZero = !international && digits.startsWith('00') ? parse(`+${digits.slice(2)}`, undefined) : undefined;
  if (viaZeroZero?.isValid()) return valid(viaZeroZero);
  if (national?.isPossible() || viaZeroZero?.isPossible()) return { ok: false, reason: 'not_valid' };
  return { ok: false, reason: lengthReason(input, country) };
}

/** True for an ISO 3166 alpha-2 region libphonenumber has metadata for (case-insensitive). */
export function isValidRegion(region: string): boolean {
  return /^[A-Za-z]{2}$/.test(region) && isSupportedCountry(region.toUpperCase());
}

/** The country calling code of a region (`RU` → `7`), null for an unknown region. */
export function callingCodeOf(region: string): string | null {
  return isValidRegion(region) ? getCountryCallingCode(region.toUpperCase() as CountryCode) : null;
}

function parse(input: string, country: CountryCode | undefined): PhoneNumber | undefined {
  return parsePhoneNumberFromString(input, country);
}

function valid(n: PhoneNumber): { ok: true } & ValidNumber {
  const type = n.getType();
  return { ok: true, e164: n.number, country: n.country ?? null, callingCode: n.countryCallingCode, type: type === undefined ? null : type.toLowerCase() };
}

function lengthReason(input: string, country: CountryCode | undefined): NumberRejectReason {
  switch (validatePhoneNumberLength(input, country)) {
    case 'TOO_SHORT':
      return 'too_short';
    case 'TOO_LONG':
      return 'too_long';
    case 'INVALID_COUNTRY':
      return 'invalid_country';
    case 'NOT_A_NUMBER':
      return 'unparseable';
    default:
      return 'not_possible';
  }
}
