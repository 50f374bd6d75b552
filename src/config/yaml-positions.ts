/**
 * YAML parsing that remembers where every node came from, so any problem found later (by the
 * JSON Schema or by a semantic check) can be reported as `file:line:col`.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { at, type ConfigError, type DocPath } from './config-error.ts';
import { aliasProblem, duplicateKeys, lexProblem, MAX_ALIASES } from './yaml-limits.ts';

/** Which node of a path a problem points at. */
export type Target =
  /** the key (unknown keys) */
  | 'key'
  /** the value (wrong values) */
  | 'value'
  /** the node that owns `path` as a whole, reported at its key (missing keys inside it) */
  | 'parent';

export interface ParsedYaml {
  file: string;
  /** The document as plain data (YAML 1.2 core schema: timestamps stay strings). */
  data: unknown;
  /** Syntax errors; when non-empty, `data` must not be trusted. */
  syntaxErrors: ConfigError[];
  syntaxWarnings: ConfigError[];
  /** A ConfigError at `path`; `message` is prefixed with the dotted path unless `bare`. */
  errorAt(path: DocPath, target: Target, message: string, bare?: boolean): ConfigError;
  /** The source text of the value at `path`, as written (e.g. `+7495…` before YAML made it a number). */
  sourceAt(path: DocPath): string | null;
}

interface Located {
  key: Node | null;
  value: Node | null;
}

/**
 * Parse `text` (the contents of `file`); never throws. Work is bounded (yaml-limits.ts): a
 * file past a limit, or one the parser throws on, gets a syntax error at its position.
 */
export function parseYaml(text: string, file: string): ParsedYaml {
  try {
    return parseBounded(text, file);
  } catch (e) {
    return failed(file, { line: 1, col: 1 }, `cannot parse: ${firstLine(e)}`);
  }
}

function parseBounded(text: string, file: string): ParsedYaml {
  const tooMuch = lexProblem(text);
  if (tooMuch) {
    const before = text.slice(0, tooMuch.offset);
    return failed(file, { line: before.split('\n').length, col: tooMuch.offset - before.lastIndexOf('\n') }, tooMuch.message);
  }
  const lc = new LineCounter();
  // uniqueKeys: checked by duplicateKeys in linear time. logLevel 'error': yaml's own warnings
  // would go to the process's stderr, quoting the file.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, keepSourceTokens: false, uniqueKeys: false, logLevel: 'error' });
  const pos = (offset: number): { line: number; col: number } => lc.linePos(offset);
  const mk = (offset: number, message: string): ConfigError => ({ file, ...pos(offset), message });
  const errorOffsets: [number, string][] = doc.errors.map((e) => [errorOffset(doc, e.code, e.pos[0]), e.message]);
  for (const d of duplicateKeys(doc)) errorOffsets.push([d.offset, d.message]);
  const alias = errorOffsets.length === 0 ? aliasProblem(doc) : null;
  if (alias) errorOffsets.push([alias.offset, alias.message]);
  const syntaxErrors = errorOffsets.sort((a, b) => a[0] - b[0]).map(([offset, message]) => mk(offset, message));
  const syntaxWarnings = doc.warnings.map((e) => mk(e.pos[0], e.message));
  const rootOffset = (doc.contents as Node | null)?.range?.[0] ?? 0;

  const offsetOf = (n: Node | null): number | null => n?.range?.[0] ?? null;

  const locate = (path: DocPath): Located => walk(doc, path);

  return {
    file,
    data: syntaxErrors.length > 0 ? null : doc.toJS({ maxAliasCount: MAX_ALIASES }),
    syntaxErrors,
    syntaxWarnings,
    errorAt(path, target, message, bare = false) {
      const text = bare ? message : at(path, message);
      let offset: number | null;
      if (target === 'parent') {
        const found = path.length === 0 ? null : locate(path);
        offset = offsetOf(found?.key ?? null) ?? offsetOf(found?.value ?? null);
      } else {
        const found = locate(path);
        offset =
          target === 'key'
            ? (offsetOf(found.key) ?? offsetOf(found.value))
            : (offsetOf(found.value) ?? offsetOf(found.key));
      }
      return mk(offset ?? rootOffset, text);
    },
    sourceAt(path) {
      const r = locate(path).value?.range;
      return r ? text.slice(r[0], r[1]) : null;
    },
  };
}

/** A result holding one syntax error and no data. */
function failed(file: string, where: { line: number; col: number }, message: string): ParsedYaml {
  const error: ConfigError = { file, ...where, message };
  return {
    file,
    data: null,
    syntaxErrors: [error],
    syntaxWarnings: [],
    errorAt: (_path, _target, m) => ({ ...error, message: m }),
    sourceAt: () => null,
  };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

/** Follow `path` as far as it goes; returns the deepest key/value pair reached. */
function walk(doc: Document, path: DocPath): Located {
  let node: unknown = doc.contents;
  let found: Located = { key: null, value: (node as Node | null) ?? null };
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
      if (!pair) return found;
      node = pair.value;
      found = { key: (pair.key as Node) ?? null, value: (pair.value as Node | null) ?? null };
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) return found;
      node = item;
      found = { key: null, value: item as Node };
    } else {
      return found;
    }
  }
  return found;
}

function keyText(k: unknown): string {
  return isScalar(k) ? String(k.value) : String(k);
}

/** An unterminated quote is reported by the parser where the file ends; point at where it opened. */
function errorOffset(doc: Document, code: string, offset: number): number {
  if (code !== 'MISSING_CHAR') return offset;
  let open = offset;
  visit(doc, {
    Scalar(_k, n) {
      const r = n.range;
      if ((n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE') && r && r[0] < offset && r[1] >= offset) open = r[0];
    },
  });
  return open;
}
