/**
 * Phone number normalization (domain.md §2 `invalid` records): raw contact-list text → E.164.
 * Pure; backed by libphonenumber-js with its full ("max") metadata.
 */
import { isSupportedCountry, parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js/max';
import type { CountryCode, PhoneNumber } from 'libphonenumber-js/max';

export type NormalizeResult = { ok: true; e164: string } | { ok: false; reason: string };

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
  'unparseable',
] as const;

// Digits plus the punctuation people type around them; '+' only in front.
const ALLOWED = /^\+?[\d\s\-.()]+$/;
const LETTER = /\p{L}/u;

/**
 * Normalize one raw number to E.164 using `region` (ISO 3166 alpha-2, e.g. 'RU') for numbers
 * without +country. Accepts spaces, dashes, dots, parentheses, a leading '+', the region's own
 * trunk and international prefixes (RU '8…', '810…'), and a leading '00' international prefix in
 * any region (libphonenumber only knows the region's official one, e.g. 810 in RU, so '00' is
 * retried as '+' when the national reading is not a valid number). Rejects letters (vanity
 * numbers, "ext"), empty input, and numbers that are too short, too long or not possible.
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
  if (!international && digits.startsWith('00') && !national?.isValid()) {
    const viaZeroZero = parse(`+${digits.slice(2)}`, undefined);
    if (viaZeroZero?.isPossible()) return { ok: true, e164: viaZeroZero.number };
  }
  if (national?.isPossible()) return { ok: true, e164: national.number };
  return { ok: false, reason: lengthReason(input, country) };
}

/** True for an ISO 3166 alpha-2 region libphonenumber has metadata for (case-insensitive). */
export function isValidRegion(region: string): boolean {
  return /^[A-Za-z]{2}$/.test(region) && isSupportedCountry(region.toUpperCase());
}

function parse(input: string, country: CountryCode | undefined): PhoneNumber | undefined {
  return parsePhoneNumberFromString(input, country);
}

function lengthReason(input: string, country: CountryCode | undefined): string {
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
