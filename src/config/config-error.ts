/**
 * One configuration problem, pointing at the offending node of a file, and helpers to word it.
 */
import { closest, distance } from 'fastest-levenshtein';
import { terminalText } from '../lib/terminal-safe.ts';

/** A problem in a config file; `line` and `col` are 1-based. */
export interface ConfigError {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** `file:line:col: message`, the form editors and CI annotate. */
export function formatConfigError(e: ConfigError): string {
  // Messages quote the file's own text, which may hold terminal escapes.
  return `${e.file}:${e.line}:${e.col}: ${terminalText(e.message)}`;
}

/** ` (did you mean "x"?)` when a candidate is close enough to be a likely typo, else ''. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(word, candidates as string[]);
  const d = distance(word, best);
  // Close, but not a whole different word ("b" is not a typo of "a").
  return d <= Math.max(2, Math.floor(best.length / 3)) && d < best.length ? ` (did you mean "${best}"?)` : '';
}

/**
 * A typo suggestion, else the whole (short) list of what is valid: ` (did you mean "x"?)` or
 * ` (expected one of a, b, c)`. Used where the valid names are few enough to read (keys of one
 * mapping, result names).
 */
export function didYouMeanOrList(word: string, candidates: readonly string[], noun = 'one of'): string {
  return didYouMean(word, candidates) || sameFirstWord(word, candidates) || (candidates.length > 0 ? ` (expected ${noun} ${candidates.join(', ')})` : '');
}

/** `per_call` → `per_record`: among keys sharing the first word, the nearest, when it is the only nearest. */
function sameFirstWord(word: string, candidates: readonly string[]): string {
  const first = word.split('_')[0];
  const same = candidates.filter((c) => c.includes('_') && c.split('_')[0] === first);
  if (!word.includes('_') || same.length === 0) return '';
  const ranked = same.map((c) => [c, distance(word, c)] as const).sort((a, b) => a[1] - b[1]);
  if (ranked.length > 1 && ranked[0]![1] === ranked[1]![1]) return '';
  return ` (did you mean "${ranked[0]![0]}"? expected one of ${candidates.join(', ')})`;
}

let zoneList: string[] | null = null;
/** The IANA zones this runtime knows (luxon uses the same Intl data). */
export function allZones(): string[] {
  zoneList ??= Intl.supportedValuesOf('timeZone');
  return zoneList;
}

/**
 * A suggestion for an unknown time zone: a city alone (`Moscow`, `new york`) names its zone
 * (`Europe/Moscow`, `America/New_York`); else the nearest zone name when it is a likely typo.
 */
export function zoneHint(name: string): string {
  const city = name.trim().replace(/\s+/g, '_').toLowerCase();
  const byCity = allZones().filter((z) => z.toLowerCase() === city || z.split('/').at(-1)!.toLowerCase() === city);
  if (byCity.length === 1) return ` (did you mean "${byCity[0]}"?)`;
  if (byCity.length > 1) return ` (did you mean one of ${byCity.join(', ')}?)`;
  return didYouMean(name, allZones());
}

/** A path into a document: map keys and sequence indexes. */
export type DocPath = readonly (string | number)[];

/** `calling_hours.windows[1].days` for ops-facing messages. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** `path: message`, or just `message` at the document root. */
export function at(path: DocPath, message: string): string {
  return path.length === 0 ? message : `${formatPath(path)}: ${message}`;
}
