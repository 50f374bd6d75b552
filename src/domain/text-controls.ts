/**
 * The characters text from outside may not carry into a PBX command or onto a terminal, as
 * RegExp character-class sources (one list for domain/vars.ts and lib/terminal-safe.ts).
 */

/** DEL and the C1 controls. */
export const C1 = '\\u007f-\\u009f';
/** The bidi controls: ALM, LRM/RLM, LRE..RLO, LRI..PDI. */
export const BIDI = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
/** Unicode's line and paragraph separators. */
export const SEPARATORS = '\\u2028\\u2029';
