/**
 * Contact variables — the one place for their names, values and limits. Contact lists and API
 * bodies come from strangers, so their data must never name or steer anything in the PBX.
 *
 * Decisions (README, section "Contact variables"):
 * - Names are `[A-Za-z0-9_]{1,64}`. They are ALWAYS sent under dialerd's own prefix, so no
 *   contact column can ever form a PBX-special name (`api_hangup_hook`, `execute_on_answer`,
 *   `sip_h_*`, `CALLERID(num)`…) nor override a variable dialerd sets itself:
 *   FreeSWITCH `dialerd_var_<name>` with the name's case kept as written (FreeSWITCH names are
 *   case-sensitive and `${dialerd_var_name}` reads naturally); Asterisk `DIALERD_VAR_<NAME>`
 *   uppercased (the dialplan convention). Names that differ only in case are one name: a
 *   contact list rejects the later column, the API rejects the body, a dial keeps the first.
 * - Values: control characters are STRIPPED, not rejected (one stray byte in a customer's CSV
 *   must not lose the record): tab, CR, LF (CRLF too), VT, FF and U+2028/2029 become a space; the other C0
 *   controls, NUL, DEL, C1 controls and the bidi controls (U+061C, U+200E/F, U+202A–202E,
 *   U+2066–2069) are removed. Imports count and report what they stripped.
 * - Limits: at most MAX_VARS_PER_RECORD variables a record, values of at most
 *   MAX_VAR_VALUE_LENGTH characters (code points). A CSV keeps its first columns and truncates a
 *   longer value (with a warning); the API answers 400 (the caller can fix and resend).
 * Pure: no I/O.
 */
import { BIDI, C1, SEPARATORS } from './text-controls.ts';

export const MAX_VAR_NAME_LENGTH = 64;
export const MAX_VAR_VALUE_LENGTH = 1024;
export const MAX_VARS_PER_RECORD = 64;
/** JSON Schema / RegExp source of a valid variable name. */
export const VAR_NAME_PATTERN = `^[A-Za-z0-9_]{1,${MAX_VAR_NAME_LENGTH}}$`;
export const FREESWITCH_VAR_PREFIX = 'dialerd_var_';
export const ASTERISK_VAR_PREFIX = 'DIALERD_VAR_';

const NAME_RE = new RegExp(VAR_NAME_PATTERN);
const SPACE_LIKE = new RegExp(`\\r\\n|[\\t\\n\\v\\f\\r${SEPARATORS}]`, 'g');
const CONTROLS = new RegExp(`[\\u0000-\\u001f${C1}${BIDI}]`, 'g');

/** Whether `s` holds a character cleanVarValue would replace or remove. */
export function hasControlChars(s: string): boolean {
  return new RegExp(CONTROLS.source).test(s) || new RegExp(SPACE_LIKE.source).test(s);
}

export function isVarName(name: string): boolean {
  return NAME_RE.test(name);
}

/** The channel-variable name of contact variable `name` on FreeSWITCH (case kept). */
export function freeswitchVarName(name: string): string {
  return `${FREESWITCH_VAR_PREFIX}${name}`;
}

/** The channel-variable name of contact variable `name` on Asterisk (uppercased). */
export function asteriskVarName(name: string): string {
  return `${ASTERISK_VAR_PREFIX}${name.toUpperCase()}`;
}

export interface CleanValue {
  value: string;
  /** Control characters replaced or removed. */
  controls: number;
  /** Cut to MAX_VAR_VALUE_LENGTH characters. */
  truncated: boolean;
}

/** `raw` with control characters stripped (see the file header) and cut to the length limit. */
export function cleanVarValue(raw: string): CleanValue {
  let controls = 0;
  let value = raw
    .replace(SPACE_LIKE, () => {
      controls++;
      return ' ';
    })
    .replace(CONTROLS, () => {
      controls++;
      return '';
    });
  const truncated = valueLength(value) > MAX_VAR_VALUE_LENGTH;
  if (truncated) value = Array.from(value).slice(0, MAX_VAR_VALUE_LENGTH).join('');
  return { value, controls, truncated };
}

/** Length in characters (code points), the unit of MAX_VAR_VALUE_LENGTH. */
export function valueLength(v: string): number {
  return v.length <= MAX_VAR_VALUE_LENGTH ? v.length : Array.from(v).length;
}

/**
 * Why `vars` (an API body's) cannot be a record's variables, naming the first bad key; null
 * when it can. Values are not checked for control characters: those are stripped, not refused.
 */
export function varsError(vars: Readonly<Record<string, string>>): string | null {
  const names = Object.keys(vars);
  if (names.length > MAX_VARS_PER_RECORD) return `${names.length} variables; at most ${MAX_VARS_PER_RECORD}`;
  const seen = new Map<string, string>();
  for (const name of names) {
    if (!isVarName(name)) return `variable name ${JSON.stringify(name)} is not [A-Za-z0-9_]{1,${MAX_VAR_NAME_LENGTH}}`;
    const other = seen.get(name.toLowerCase());
    if (other !== undefined) return `variables ${JSON.stringify(other)} and ${JSON.stringify(name)} differ only in case`;
    seen.set(name.toLowerCase(), name);
    const len = valueLength(vars[name]!);
    if (len > MAX_VAR_VALUE_LENGTH) return `variable ${JSON.stringify(name)}: value of ${len} characters; at most ${MAX_VAR_VALUE_LENGTH}`;
  }
  return null;
}

/**
 * The variables one dial sends: valid names only, listed in `allow` when given (matched
 * case-insensitively, like the contact list's header), one per name ignoring case, at most
 * MAX_VARS_PER_RECORD, values cleaned. Idempotent, and safe on records stored before these rules.
 */
export function dialVars(vars: Readonly<Record<string, string>>, allow: readonly string[] | null = null): Record<string, string> {
  const allowed = allow === null ? null : new Set(allow.map((n) => n.toLowerCase()));
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, raw] of Object.entries(vars)) {
    const key = name.toLowerCase();
    if (!isVarName(name) || seen.has(key) || (allowed !== null && !allowed.has(key))) continue;
    if (seen.size >= MAX_VARS_PER_RECORD) break;
    seen.add(key);
    out[name] = cleanVarValue(String(raw)).value;
  }
  return out;
}
