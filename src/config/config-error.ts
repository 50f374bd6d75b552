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
