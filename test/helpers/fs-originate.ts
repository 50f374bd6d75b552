/**
 * A faithful TypeScript model of how FreeSWITCH reads `originate {a=b,c=d}<endpoint> <ext> …`,
 * written from reading (not copying) its sources:
 * - mod_commands.c `originate_function`: the argument text is split with
 *   `switch_separate_string(cmd, ' ', argv, 10)`;
 * - switch_ivr_originate.c: while the dial string starts with `{`,
 *   switch_event.c `switch_event_create_brackets(data, '{', '}', ',', …)`: the block ends at
 *   `switch_find_end_paren` (counts braces, knows nothing of quotes or escapes); a `^^X` at its
 *   start makes X the delimiter; the block is split with `switch_separate_string(.., ',', .., 1024)`
 *   and every item with `switch_separate_string(item, '=', .., 2)`, kept when that gives 2 parts;
 * - switch_utils.c `switch_separate_string` (the `^^X` prefix, blank vs char delimiter),
 *   `separate_string_char_delim`, `separate_string_blank_delim`, `cleanup_separated_string`,
 *   `unescape_char`.
 * Strings are handled per UTF-16 unit; UTF-8 multi-byte sequences never contain ASCII bytes, so
 * this matches the C code's bytes for every character that matters to it.
 * Not modelled (the builder never writes them): `<…>` blocks, several `{…}` blocks in a row.
 */

const ESCAPE_META = '\\';

function unescapeChar(c: string): string {
  return c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c === 's' ? ' ' : c;
}

/** cleanup_separated_string: leading blanks skipped, quotes dropped, escapes taken, trailing blanks cut. */
export function cleanup(str: string, delim: string): string {
  let p = 0;
  while (str[p] === ' ') p++;
  let out = '';
  let end: number | null = null;
  let inside = false;
  for (; p < str.length; p++) {
    const ch = str[p]!;
    let esc = false;
    if (ch === ESCAPE_META) {
      const next = str[p + 1] ?? '';
      const known = next === "'" || next === '"' || (delim !== '' && next === delim) || next === ESCAPE_META;
      if (next !== '' && (known || unescapeChar(next) !== next)) {
        p++;
        out += known ? next : unescapeChar(next);
        end = out.length;
        esc = true;
      }
    }
    if (esc) continue;
    if (ch === "'" && (inside || str.indexOf("'", p + 1) !== -1)) {
      inside = !inside;
      if (inside) end = out.length;
    } else {
      out += ch;
      if (ch !== ' ' || inside) end = out.length;
    }
  }
  return end === null ? out : out.slice(0, end);
}

/** separate_string_char_delim: escapes skip a character; a quote groups only if another follows. */
function charDelim(buf: string, delim: string, max: number): string[] {
  const starts: number[] = [];
  const ends: number[] = [];
  let finding = false;
  let inside = false;
  let p = 0;
  while (p < buf.length && starts.length < max) {
    if (!finding) {
      starts.push(p);
      finding = true;
      continue;
    }
    const ch = buf[p];
    if (ch === ESCAPE_META) p++;
    else if (ch === "'" && (inside || buf.indexOf("'", p + 1) !== -1)) inside = !inside;
    else if (ch === delim && !inside) {
      ends.push(p);
      finding = false;
    }
    p++;
  }
  return starts.map((s, i) => cleanup(buf.slice(s, ends[i]), delim));
}

/** separate_string_blank_delim: runs of blanks separate; every quote toggles grouping. */
function blankDelim(buf: string, max: number): string[] {
  const starts: number[] = [];
  const ends: number[] = [];
  let state: 'start' | 'skip-initial' | 'find' | 'skip-ending' = 'start';
  let inside = false;
  let p = 0;
  while (p < buf.length && starts.length < max) {
    const ch = buf[p];
    if (state === 'start') {
      starts.push(p);
      state = 'skip-initial';
    } else if (state === 'skip-initial') {
      if (ch === ' ') p++;
      else state = 'find';
    } else if (state === 'find') {
      if (ch === ESCAPE_META) p++;
      else if (ch === "'") inside = !inside;
      else if (ch === ' ' && !inside) {
        ends.push(p);
        state = 'skip-ending';
      }
      p++;
    } else if (ch === ' ') p++;
    else state = 'start';
  }
  return starts.map((s, i) => cleanup(buf.slice(s, ends[i]), ''));
}

/** switch_separate_string: `^^X` at the start (with something after X) makes X the delimiter. */
export function separateString(buf: string, delim: string, max: number): string[] {
  if (buf.startsWith('^^') && buf.length >= 4) {
    delim = buf[2]!;
    buf = buf.slice(3);
  }
  if (buf === '') return [];
  return delim === ' ' ? blankDelim(buf, max) : charDelim(buf, delim, max);
}

/** switch_find_end_paren: index of the matching close, braces counted blindly; -1 if none. */
export function findEndParen(s: string, from: number, open: string, close: string): number {
  let p = from;
  while (s[p] === ' ') p++;
  if (s[p] !== open) return -1;
  let depth = 1;
  for (let e = p + 1; e < s.length; e++) {
    if (s[e] === open && open !== close) depth++;
    else if (s[e] === close && --depth === 0) return e;
  }
  return -1;
}

export interface ParsedOriginate {
  /** Channel variables in the order FreeSWITCH adds them (a later duplicate replaces the earlier). */
  vars: Array<[string, string]>;
  /** The dial string after the `{…}` block (endpoint). */
  endpoint: string;
  /** The originate arguments after the dial string (extension, dialplan, context…). */
  rest: string[];
}

/** What FreeSWITCH makes of the text after `originate `; null where it answers -USAGE / Parse Error. */
export function parseOriginateArgs(args: string): ParsedOriginate | null {
  const argv = separateString(args, ' ', 10);
  if (argv.length < 2 || argv.length > 7) return null;
  let data = argv[0]!;
  const vars: Array<[string, string]> = [];
  if (data.startsWith('{')) {
    const end = findEndParen(data, 0, '{', '}');
    if (end < 0) return null;
    if (/^ *\{/.test(data.slice(end + 1))) throw new Error('several {…} blocks: not modelled');
    let block = data.slice(1, end);
    let delim = ',';
    if (block.startsWith('^^') && block.length >= 3) {
      delim = block[2]!;
      block = block.slice(3);
    }
    for (const item of separateString(block, delim, 1024)) {
      const kv = separateString(item, '=', 2);
      if (kv.length === 2) vars.push([kv[0]!, kv[1]!]);
    }
    data = data.slice(end + 1);
  }
  return { vars, endpoint: data.replace(/^ +/, ''), rest: argv.slice(1) };
}
