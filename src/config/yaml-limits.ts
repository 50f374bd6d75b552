/**
 * Bounds on the work a YAML file can ask of the parser (its size is bounded by read-config.ts):
 * tokens and flow nesting are counted before parsing (the lexer is cheap, the composer is not),
 * aliases before converting to data, and duplicate keys found in linear time (yaml's own check
 * is quadratic: 70,000 keys took two minutes). Each problem carries the offset of its token, so
 * it is reported at file:line:col.
 */
import { isAlias, isCollection, isPair, isScalar, Lexer, visit, type Alias, type Document, type Node } from 'yaml';

/** Most lexer tokens (scalars, indicators, spaces, line breaks) in one file; the example campaign has ~500. */
export const MAX_TOKENS = 10_000;
/** Deepest `[`/`{` nesting accepted: a campaign needs 4. */
export const MAX_FLOW_DEPTH = 64;
/** Most aliases (`*name`) in one file; also yaml's `maxAliasCount` (expansion work per anchor). */
export const MAX_ALIASES = 100;

export interface LimitProblem {
  offset: number;
  message: string;
}

// Lexer tokens that mark structure but are not source text.
const MARKERS = new Set(['\x02', '\x18', '\x1f']);

/** The first token past MAX_TOKENS or nested deeper than MAX_FLOW_DEPTH (the lexer stops there). */
export function lexProblem(text: string): LimitProblem | null {
  let depth = 0;
  let offset = 0;
  let tokens = 0;
  for (const token of new Lexer().lex(text)) {
    if (++tokens > MAX_TOKENS) return { offset, message: `too many YAML tokens (more than ${MAX_TOKENS}; a campaign file has a few hundred)` };
    if (token === '[' || token === '{') {
      if (++depth > MAX_FLOW_DEPTH) return { offset, message: `nested deeper than ${MAX_FLOW_DEPTH} levels` };
    } else if (token === ']' || token === '}') {
      depth--;
    }
    if (!MARKERS.has(token)) offset += token.length;
  }
  return null;
}

/** Every key that repeats a scalar key earlier in its map ("Map keys must be unique", as yaml words it). */
export function duplicateKeys(doc: Document): LimitProblem[] {
  const found: LimitProblem[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        if (seen.has(pair.key.value)) found.push({ offset: pair.key.range?.[0] ?? 0, message: 'Map keys must be unique' });
        seen.add(pair.key.value);
      }
    },
  });
  return found;
}

/**
 * An alias that yaml's toJS would throw on or loop with: one too many, one with no anchor
 * before it, one inside its own anchor (a cycle), or the one where expansion passes
 * yaml's `maxAliasCount` (the same arithmetic as yaml's Alias.resolve, to point at it).
 */
export function aliasProblem(doc: Document): LimitProblem | null {
  const expansion = new Map<Node, { count: number; size: number }>();
  const sizeOf = (n: unknown): number => {
    if (isAlias(n)) {
      const e = expansion.get(n.resolve(doc) as Node);
      return e ? e.count * e.size : 0;
    }
    if (isCollection(n)) return (n.items as unknown[]).reduce<number>((max, item) => Math.max(max, sizeOf(item)), 0);
    if (isPair(n)) return Math.max(sizeOf(n.key), sizeOf(n.value));
    return 1;
  };
  let seen = 0;
  let problem: LimitProblem | null = null;
  visit(doc, {
    Alias(_key, alias: Alias, path) {
      const at = (message: string): typeof visit.BREAK => ((problem = { offset: alias.range?.[0] ?? 0, message }), visit.BREAK);
      if (++seen > MAX_ALIASES) return at(`more than ${MAX_ALIASES} aliases`);
      const target = alias.resolve(doc) as Node | undefined;
      if (!target) return at(`alias *${alias.source} has no anchor &${alias.source} before it`);
      if (path.includes(target)) return at(`alias *${alias.source} is inside its own anchor`);
      const e = expansion.get(target) ?? { count: 1, size: 0 }; // yaml counts the anchor itself
      expansion.set(target, e);
      e.count++;
      if (e.size === 0) e.size = sizeOf(target);
      if (e.count * e.size > MAX_ALIASES) return at(`alias *${alias.source} expands too much (more than ${MAX_ALIASES} copies)`);
      return undefined;
    },
  });
  return problem;
}
