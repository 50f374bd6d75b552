/**
 * The options every CSV dialerd writes goes through (csv-stringify): RFC 4180 quoting, CRLF
 * records, and no cell a spreadsheet would run as a formula.
 *
 * csv-stringify's `escape_formulas` (6.x) prefixes `'` to a text cell starting with `=`, `+`,
 * `-`, `@`, tab or CR (and their fullwidth forms); JS numbers are written as they are. One
 * exception, decided here: a cell that is a plain E.164 number (`+` and 2–15 digits, first digit
 * not 0) stays raw. Phone numbers reach history only after our own E.164 validation, so the
 * `number` column is always this shape; a spreadsheet reads it as arithmetic on digits (it shows
 * 74951234567, no function, no reference, no DDE), and every machine reader gets the exact
 * number back, where `'+7…` would corrupt it. README "Call history" says how to keep the `+`.
 */
import type { CastReturnObject, Options } from 'csv-stringify';

const E164 = /^\+[1-9]\d{1,14}$/;

/** Whether a text cell is left unescaped although it starts with `+`. */
export const isE164 = (s: string): boolean => E164.test(s);

/** A per-cell option override; csv-stringify honours `escape_formulas` here (its typings omit it). */
const raw = (value: string): CastReturnObject => ({ value, escape_formulas: false }) as CastReturnObject;

export const SAFE_CSV: Options = {
  escape_formulas: true,
  record_delimiter: '\r\n',
  // Also quote a lone CR or LF inside a cell (off by default once record_delimiter is set).
  quote_record_delimiter: true,
  cast: {
    string: (s) => (isE164(s) ? raw(s) : s),
  },
};
