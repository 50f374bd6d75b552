/**
 * What a reload changed, as field paths of the effective config: `concurrency 8 → 3`,
 * `rules.busy.action "retry" → "stop_record"`, `calling_hours.days[5] (none) → "sat"`. Keys are
 * shown as the files write them (snake_case); the output is bounded (`max` changes, each value cut
 * to VALUE_CHARS, controls escaped) so a rewritten file cannot flood the log. Pure: no I/O.
 */
import { terminalJson } from '../lib/terminal-safe.ts';

/** Characters of one value shown before it is cut with `…`. */
const VALUE_CHARS = 60;

export interface ConfigDiff {
  /** At most `max` changes, in key order, each `path before → after`. */
  changes: string[];
  /** Changes found past `max` (not listed). */
  more: number;
}

/** `before` → `after` (plain data: objects, arrays, primitives, null). `hide(path)` shows `***` for its values (secrets). */
export function configDiff(before: unknown, after: unknown, opts: { max?: number; hide?: (path: string) => boolean } = {}): ConfigDiff {
  const max = opts.max ?? 20;
  const out: ConfigDiff = { changes: [], more: 0 };
  const add = (path: string, a: unknown, b: unknown): void => {
    if (out.changes.length >= max) {
      out.more++;
      return;
    }
    const hidden = opts.hide?.(path) ?? false;
    out.changes.push(`${path || '(all)'} ${hidden ? '***' : show(a)} → ${hidden ? '***' : show(b)}`);
  };
  walk('', before, after, add);
  return out;
}

/** The diff as one line: `a 1 → 2, b x → y (+3 more)`, or `unchanged`. */
export function diffText(d: ConfigDiff): string {
  if (d.changes.length === 0) return 'unchanged';
  return d.changes.join(', ') + (d.more > 0 ? ` (+${d.more} more)` : '');
}

function walk(path: string, a: unknown, b: unknown, add: (path: string, a: unknown, b: unknown) => void): void {
  if (Object.is(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(`${path}[${i}]`, i < a.length ? a[i] : undefined, i < b.length ? b[i] : undefined, add);
    return;
  }
  if (isPlain(a) && isPlain(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) walk(path === '' ? snake(k) : `${path}.${snake(k)}`, a[k], b[k], add);
    return;
  }
  add(path, a, b);
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const snake = (k: string): string => k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = terminalJson(JSON.stringify(v) ?? String(v));
  return s.length > VALUE_CHARS ? `${s.slice(0, VALUE_CHARS - 1)}…` : s;
}
