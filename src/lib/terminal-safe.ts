/**
 * Text from outside (record ids, contact fields, PBX causes, campaign files) made safe to print
 * on a terminal: C0 and C1 controls (so every ESC/CSI sequence), DEL, line and paragraph
 * separators and the bidi controls (U+061C, U+200E/F, U+202A–202E, U+2066–2069) become visible
 * escapes `\x1b`, `\u202e`: nothing can move the cursor, recolour, retitle, hide or reorder what
 * the operator reads, and the escape shows what was there.
 */

import { BIDI, C1, SEPARATORS } from '../domain/text-controls.ts';

const UNSAFE = new RegExp(`[\\u0000-\\u001f${C1}${SEPARATORS}${BIDI}]`, 'g');
const UNSAFE_KEEP_LINES = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f${C1}${SEPARATORS}${BIDI}]`, 'g');
// Those JSON.stringify leaves raw inside strings (it escapes only C0, quote and backslash).
const UNSAFE_IN_JSON = new RegExp(`[${C1}${SEPARATORS}${BIDI}]`, 'g');

const visible = (c: string): string => {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
};
const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One table cell or one value inside a line: every unsafe character escaped, line breaks and tabs too. */
export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, visible);
}

/** A whole message: as `terminalSafe`, but its own line breaks and tabs stay. */
export function terminalText(s: string): string {
  return s.replace(UNSAFE_KEEP_LINES, visible);
}

/** JSON text (from JSON.stringify) with the controls it leaves raw written as `\uXXXX`: the same JSON value, safe on a terminal. */
export function terminalJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, unicodeEscape);
}
