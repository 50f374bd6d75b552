/**
 * Maps a contact list's header row to roles: the id column, phone columns in dialing order,
 * the timezone column, and every other column as a call variable.
 *
 * Dialing order: `phone`, then `phone1`, `phone2`, … by number (not by position in the file),
 * then `phones` (several numbers in one cell). Header names match case-insensitively; variables
 * keep the name as written. A variable column whose name breaks domain/vars.ts's rules, or past
 * the per-record limit, is skipped with a header problem naming it.
 */
import { cleanVarValue, isVarName, MAX_VAR_NAME_LENGTH, MAX_VAR_VALUE_LENGTH, MAX_VARS_PER_RECORD } from '../domain/vars.ts';

export interface ColumnLayout {
  /** Index of `id`, or null when the file has none (records get `line-<N>`). */
  id: number | null;
  /** Indices of single-number columns in dialing order. */
  phones: number[];
  /** Index of the `phones` list column, if any. */
  phoneList: number | null;
  timezone: number | null;
  /** Variable name → column index. */
  vars: Array<[name: string, index: number]>;
  /** Number of header fields; rows with another count are reported. */
  width: number;
  /** Header problems (duplicate or empty names), not fatal. */
  problems: string[];
}

const PHONE_N = /^phone(\d+)$/;

/** Splits a `phones` cell: `;` is the documented separator; `|` and `,` also split, since a
 *  `;`-delimited file cannot carry an unquoted `;` inside a cell. */
export function splitPhoneList(cell: string): string[] {
  return cell.split(/[;|,]/).map((s) => s.trim()).filter((s) => s !== '');
}

/** Classifies the header's columns. */
export function layoutColumns(header: string[]): ColumnLayout {
  const layout: ColumnLayout = { width: header.length, id: null, phones: [], phoneList: null, timezone: null, vars: [], problems: [] };
  const seen = new Set<string>();
  let phone: number | null = null;
  const numbered: Array<[n: number, index: number]> = [];
  header.forEach((raw, index) => {
    const name = raw.trim();
    const key = name.toLowerCase();
    if (name === '') {
      layout.problems.push(`column ${index + 1} has no name; ignored`);
      return;
    }
    if (seen.has(key)) {
      layout.problems.push(`duplicate column "${name}"; the later one is ignored`);
      return;
    }
    seen.add(key);
    const m = PHONE_N.exec(key);
    if (key === 'id') layout.id = index;
    else if (key === 'phone') phone = index;
    else if (m) numbered.push([Number(m[1]), index]);
    else if (key === 'phones') layout.phoneList = index;
    else if (key === 'timezone') layout.timezone = index;
    else if (!isVarName(name)) layout.problems.push(`column ${JSON.stringify(name)} is not a variable name ([A-Za-z0-9_], 1–${MAX_VAR_NAME_LENGTH}); skipped`);
    else if (layout.vars.length >= MAX_VARS_PER_RECORD) layout.problems.push(`column "${name}": more than ${MAX_VARS_PER_RECORD} variable columns; skipped`);
    else layout.vars.push([name, index]);
  });
  numbered.sort((a, b) => a[0] - b[0]);
  layout.phones = [...(phone === null ? [] : [phone]), ...numbered.map(([, i]) => i)];
  return layout;
}

/** Raw number cells of one row in dialing order (empty cells dropped). */
export function rawNumbers(layout: ColumnLayout, fields: string[]): string[] {
  const out: string[] = [];
  for (const i of layout.phones) {
    const v = fields[i] ?? '';
    if (v !== '') out.push(v);
  }
  if (layout.phoneList !== null) out.push(...splitPhoneList(fields[layout.phoneList] ?? ''));
  return out;
}

/** A row's call variables, values cleaned (domain/vars.ts); `notes` says what was changed. */
export function rowVars(layout: ColumnLayout, fields: string[]): { vars: Record<string, string>; notes: string[]; stripped: number; truncated: number } {
  const vars: Record<string, string> = {};
  const notes: string[] = [];
  let stripped = 0;
  let truncated = 0;
  for (const [name, i] of layout.vars) {
    const c = cleanVarValue(fields[i] ?? '');
    vars[name] = c.value;
    if (c.controls > 0) {
      stripped++;
      notes.push(`column "${name}": ${c.controls} control character(s) stripped`);
    }
    if (c.truncated) {
      truncated++;
      notes.push(`column "${name}": value cut to ${MAX_VAR_VALUE_LENGTH} characters`);
    }
  }
  return { vars, notes, stripped, truncated };
}
