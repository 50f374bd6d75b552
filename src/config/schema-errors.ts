/**
 * Turns ajv's errors into ops-readable ConfigErrors placed on the offending YAML node.
 */
import type { ErrorObject } from 'ajv';
import { at, didYouMean, didYouMeanOrList, type ConfigError, type DocPath } from './config-error.ts';
import type { ParsedYaml } from './yaml-positions.ts';
import { DURATION_PATTERN } from './duration.ts';
import { isSecretKey, redactUrl } from '../lib/redact.ts';

/** Friendly wording for the schema's patterns, keyed by the pattern text. */
const PATTERN_HINTS: Record<string, string> = {
  [DURATION_PATTERN]: 'is not a duration (use e.g. 30s, 10m, 1h, 1d or 1h30m)',
};

/** Register how to word a failed `pattern`. */
export function addPatternHint(pattern: string, hint: string): void {
  PATTERN_HINTS[pattern] = hint;
}

/**
 * A hook for wording that depends on where the error is. Return a ConfigError to replace the
 * generic one, `'drop'` to suppress it, or null to keep the generic wording.
 */
export type Customize = (e: ErrorObject, path: DocPath, y: ParsedYaml) => ConfigError | 'drop' | null;

/** Every ajv error as a ConfigError, in document order, without duplicates. */
export function translateAjvErrors(errors: readonly ErrorObject[], y: ParsedYaml, customize?: Customize): ConfigError[] {
  const out: ConfigError[] = [];
  const paths = errors.map((e) => toPath(e.instancePath, y.data));
  errors.forEach((e, i) => {
    const path = paths[i] as DocPath;
    // anyOf/oneOf summaries repeat what the branch errors beneath them already say.
    if ((e.keyword === 'anyOf' || e.keyword === 'oneOf') && paths.some((p, j) => j !== i && startsWith(p, path))) return;
    const custom = customize?.(e, path, y) ?? null;
    if (custom === 'drop') return;
    out.push(custom ?? generic(e, path, y));
  });
  return sortAndDedupe(out);
}

/** Stable document order; identical errors once. */
export function sortAndDedupe(errors: ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  return errors
    .filter((e) => {
      const k = `${e.file}:${e.line}:${e.col}:${e.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
}

function generic(e: ErrorObject, path: DocPath, y: ParsedYaml): ConfigError {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const known = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      return y.errorAt([...path, key], 'key', at(path, `unknown key "${key}"${path.length > 0 ? didYouMeanOrList(key, known) : didYouMean(key, known)}`), true);
    }
    case 'required':
      return y.errorAt(path, 'parent', `missing required key "${String(p.missingProperty)}"`);
    case 'type':
      return y.errorAt(path, 'value', typeMessage(e, path, y));
    case 'enum': {
      const allowed = (e.schema as unknown[]).map(String);
      const got = String(e.data);
      if (isSecret(path)) return y.errorAt(path, 'value', `${describe(e.data, path)} is not one of ${allowed.join(', ')}`);
      return y.errorAt(path, 'value', `"${got}" is not one of ${allowed.join(', ')}${didYouMean(got, allowed)}`);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return y.errorAt(path, 'value', `${describe(e.data, path)} is out of range (must be ${String(p.comparison)} ${String(p.limit)})`);
    case 'pattern': {
      const hint = PATTERN_HINTS[String(p.pattern)] ?? `does not match ${String(p.pattern)}`;
      return y.errorAt(path, 'value', `${describe(e.data, path)} ${hint}`);
    }
    case 'minItems':
    case 'minLength':
    case 'minProperties':
      return y.errorAt(path, 'value', 'must not be empty');
    case 'discriminator': {
      const tag = String(p.tag);
      if (p.error === 'tag' && typeof e.data === 'object' && e.data !== null && !(tag in e.data)) {
        return y.errorAt(path, 'parent', `missing required key "${tag}"`);
      }
      const data = e.data as Record<string, unknown>;
      const choices = discriminatorChoices(e);
      const got = String(data?.[tag]);
      return y.errorAt([...path, tag], 'value', `unknown ${tag} "${got}" (expected one of ${choices.join(', ')})`);
    }
    default:
      return y.errorAt(path, 'value', e.message ?? 'invalid value');
  }
}

function typeMessage(e: ErrorObject, path: DocPath, y: ParsedYaml): string {
  const want = String((e.params as { type: string }).type);
  if (path.length === 0 && (e.data === null || e.data === undefined)) return 'the file is empty (expected a mapping of settings)';
  const got = describe(e.data, path);
  const isDuration = (e.parentSchema as { pattern?: string } | undefined)?.pattern === DURATION_PATTERN;
  if (isDuration) return `expected a duration such as 30s, 10m, 1h, got ${got}`;
  if (want === 'string' && (typeof e.data === 'number' || typeof e.data === 'boolean')) {
    return `expected a string, got ${got} (put it in quotes${isSecret(path) ? '' : `: "${y.sourceAt(path) ?? String(e.data)}"`})`;
  }
  const noun = want === 'object' ? 'mapping' : want === 'array' ? 'list' : want;
  return `expected ${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}, got ${got}`;
}

/** A value as a message quotes it; never a secret's, and a URL without its credentials. */
function describe(v: unknown, path: DocPath): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (isSecret(path)) return `a ${typeof v} (value hidden)`;
  if (typeof v === 'string') return `"${URL_KEYS.has(String(path.at(-1))) ? redactUrl(v) : v}"`;
  return String(v);
}

const URL_KEYS = new Set(['url', 'webhook']);
const isSecret = (path: DocPath): boolean => typeof path.at(-1) === 'string' && isSecretKey(path.at(-1) as string);

function discriminatorChoices(e: ErrorObject): string[] {
  const branches = ((e.parentSchema as { oneOf?: unknown[] } | undefined)?.oneOf ?? []) as {
    properties?: Record<string, { const?: unknown; enum?: unknown[] }>;
  }[];
  const tag = String((e.params as { tag: string }).tag);
  return branches.flatMap((b) => {
    const s = b.properties?.[tag];
    return s?.const !== undefined ? [String(s.const)] : (s?.enum ?? []).map(String);
  });
}

/** `/windows/0/days` → ['windows', 0, 'days']: indexes of lists become numbers, map keys stay strings. */
export function toPath(instancePath: string, data: unknown): DocPath {
  if (instancePath === '') return [];
  const out: (string | number)[] = [];
  let node = data;
  for (const raw of instancePath.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const isIndex = Array.isArray(node);
    out.push(isIndex ? Number(seg) : seg);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
  }
  return out;
}

function startsWith(p: DocPath, prefix: DocPath): boolean {
  return p.length > prefix.length && prefix.every((s, i) => s === p[i]);
}
