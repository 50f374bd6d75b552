/**
 * The `rules:` section: each result's rule is an action or `{repeat: {times, every}, then: action}`.
 * Parsed by hand rather than by the schema's anyOf so each mistake gets one precise message.
 */
import type { Action, Rule, RuleKey } from '../domain/types.ts';
import { isRuleKey } from '../domain/types.ts';
import { at, didYouMean, didYouMeanOrList, type ConfigError, type DocPath } from './config-error.ts';
import { parseDuration } from './duration.ts';
import { WORD_ACTIONS } from './campaign-schema.ts';
import type { ParsedYaml } from './yaml-positions.ts';

const ACTION_HELP = `${WORD_ACTIONS.join(', ')} or { retry_after: 1h }`;

/** Rules written in the file (keys not written are absent), and every problem found. */
export function parseRules(raw: unknown, y: ParsedYaml): { rules: Partial<Record<RuleKey, Rule>>; errors: ConfigError[] } {
  const errors: ConfigError[] = [];
  const rules: Partial<Record<RuleKey, Rule>> = {};
  if (!isObject(raw)) return { rules, errors };
  for (const [name, value] of Object.entries(raw)) {
    // Unknown keys are reported by the schema (with a did-you-mean).
    if (!isRuleKey(name)) continue;
    const rule = parseRule(value, ['rules', name], y, errors);
    if (rule) rules[name] = rule;
  }
  return { rules, errors };
}

function parseRule(v: unknown, path: DocPath, y: ParsedYaml, errors: ConfigError[]): Rule | null {
  if (isObject(v) && ('repeat' in v || 'then' in v)) {
    unknownKeys(v, ['repeat', 'then'], path, y, errors);
    const repeat = parseRepeat(v.repeat, [...path, 'repeat'], y, errors);
    if (!('then' in v)) {
      errors.push(y.errorAt(path, 'parent', 'missing required key "then" (the action after the repeats)'));
      return null;
    }
    const then = parseAction(v.then, [...path, 'then'], y, errors);
    return repeat === undefined || then === null ? null : { repeat, then };
  }
  const then = parseAction(v, path, y, errors);
  return then === null ? null : { repeat: null, then };
}

/** `undefined` when invalid (already reported); null when absent. */
function parseRepeat(v: unknown, path: DocPath, y: ParsedYaml, errors: ConfigError[]): Rule['repeat'] | undefined {
  if (v === undefined) return null;
  if (!isObject(v)) {
    errors.push(y.errorAt(path, 'value', 'expected { times: N, every: DURATION }'));
    return undefined;
  }
  const before = errors.length;
  unknownKeys(v, ['times', 'every'], path, y, errors);
  let times = 0;
  let every = 0;
  if (!('times' in v)) errors.push(y.errorAt(path, 'parent', 'missing required key "times"'));
  else if (!Number.isInteger(v.times) || (v.times as number) < 0 || (v.times as number) > 99) {
    errors.push(y.errorAt([...path, 'times'], 'value', `${String(v.times)} is out of range (a whole number 0..99)`));
  } else times = v.times as number;
  if (!('every' in v)) errors.push(y.errorAt(path, 'parent', 'missing required key "every"'));
  else {
    const s = typeof v.every === 'string' ? parseDuration(v.every) : null;
    if (s === null) errors.push(y.errorAt([...path, 'every'], 'value', `"${String(v.every)}" is not a duration (use e.g. 30s, 10m, 1h, 1d or 1h30m)`));
    else every = s;
  }
  return errors.length > before ? undefined : { times, everySeconds: every };
}

function parseAction(v: unknown, path: DocPath, y: ParsedYaml, errors: ConfigError[]): Action | null {
  if (typeof v === 'string') {
    if ((WORD_ACTIONS as readonly string[]).includes(v)) return { kind: v as (typeof WORD_ACTIONS)[number] };
    const hint = v === 'retry_after' ? ' (write it as { retry_after: 1h })' : didYouMean(v, [...WORD_ACTIONS]);
    errors.push(y.errorAt(path, 'value', `unknown action "${v}"${hint}`));
    return null;
  }
  if (isObject(v) && 'retry_after' in v) {
    const before = errors.length;
    unknownKeys(v, ['retry_after'], path, y, errors);
    const s = typeof v.retry_after === 'string' ? parseDuration(v.retry_after) : null;
    if (s === null) {
      errors.push(y.errorAt([...path, 'retry_after'], 'value', `"${String(v.retry_after)}" is not a duration (use e.g. 30s, 10m, 1h, 1d or 1h30m)`));
    }
    return errors.length > before || s === null ? null : { kind: 'retry_after', seconds: s };
  }
  errors.push(y.errorAt(path, 'value', `expected an action (${ACTION_HELP}) or { repeat: { times, every }, then: action }`));
  return null;
}

function unknownKeys(v: Record<string, unknown>, known: string[], path: DocPath, y: ParsedYaml, errors: ConfigError[]): void {
  for (const k of Object.keys(v)) {
    if (!known.includes(k)) errors.push(y.errorAt([...path, k], 'key', at(path, `unknown key "${k}"${didYouMeanOrList(k, known)}`), true));
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
