/**
 * Scripted outcomes for the simulated PBX (the `--outcomes` file of `dialerd simulate`).
 *
 *   default: answered                     # or a weighted mix { answered: 40, no_answer: 30, busy: 20, failed: 10 }
 *   numbers:
 *     "+74951239000": [busy, busy, { answer: 45s }]
 *     "+79164561278": [{ sip: 486 }, { q850: 19 }, { amd: MACHINE }, { ring: 20s, then: no_answer }]
 *
 * Each list is consumed one entry per dial of that number; the last entry repeats.
 */
import { parseDocument } from 'yaml';
import { isResult, type Result } from '../../domain/types.ts';
import { parseDuration as parseDurationText } from '../../config/duration.ts';

const parseDuration = (v: unknown): number | null => (typeof v === 'string' ? parseDurationText(v) : null);

export type OutcomeForm =
  | { kind: 'result'; result: Exclude<Result, 'cancelled' | 'lost'> }
  | { kind: 'sip'; code: number }
  | { kind: 'q850'; code: number }
  | { kind: 'answer'; talkSeconds: number }
  | { kind: 'amd'; status: AmdStatus }
  | { kind: 'ring'; ringSeconds: number; then: OutcomeForm };

export const AMD_STATUSES = ['MACHINE', 'HUMAN', 'NOTSURE', 'INITIALSILENCE', 'NOAUDIODATA'] as const;
export type AmdStatus = (typeof AMD_STATUSES)[number];

export interface Outcomes {
  /** Weighted default mix; one entry with weight 1 for a single default. */
  defaultMix: { form: OutcomeForm; weight: number }[];
  numbers: Map<string, OutcomeForm[]>;
}

export const DEFAULT_OUTCOMES: Outcomes = {
  defaultMix: [{ form: { kind: 'result', result: 'answered' }, weight: 1 }],
  numbers: new Map(),
};

export class OutcomesError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('\n'));
    this.name = 'OutcomesError';
  }
}

function parseResultName(v: unknown, where: string, errors: string[]): Exclude<Result, 'cancelled' | 'lost'> | null {
  if (isResult(v) && v !== 'cancelled' && v !== 'lost') return v;
  errors.push(`${where}: unknown result ${JSON.stringify(v)}`);
  return null;
}

export function parseForm(v: unknown, where: string, errors: string[]): OutcomeForm | null {
  if (typeof v === 'string') {
    const r = parseResultName(v, where, errors);
    return r ? { kind: 'result', result: r } : null;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    errors.push(`${where}: expected a result name or one of {sip}, {q850}, {answer}, {amd}, {ring, then}`);
    return null;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  const int = (x: unknown, lo: number, hi: number): number | null =>
    Number.isInteger(x) && (x as number) >= lo && (x as number) <= hi ? (x as number) : null;
  switch (keys) {
    case 'sip': {
      const code = int(o.sip, 100, 699);
      if (code === null) errors.push(`${where}.sip: expected a SIP code 100..699`);
      return code === null ? null : { kind: 'sip', code };
    }
    case 'q850': {
      const code = int(o.q850, 0, 127);
      if (code === null) errors.push(`${where}.q850: expected a Q.850 cause 0..127`);
      return code === null ? null : { kind: 'q850', code };
    }
    case 'answer': {
      const s = parseDuration(o.answer);
      if (s === null) errors.push(`${where}.answer: expected a duration like 45s`);
      return s === null ? null : { kind: 'answer', talkSeconds: s };
    }
    case 'amd': {
      if ((AMD_STATUSES as readonly unknown[]).includes(o.amd)) return { kind: 'amd', status: o.amd as AmdStatus };
      errors.push(`${where}.amd: expected one of ${AMD_STATUSES.join(', ')}`);
      return null;
    }
    case 'ring,then': {
      const s = parseDuration(o.ring);
      if (s === null) errors.push(`${where}.ring: expected a duration like 20s`);
      const then = parseForm(o.then, `${where}.then`, errors);
      return s === null || then === null ? null : { kind: 'ring', ringSeconds: s, then };
    }
    default:
      errors.push(`${where}: unknown outcome form {${keys}}`);
      return null;
  }
}

/** Parse an outcomes document. Throws OutcomesError listing every problem. */
export function parseOutcomes(text: string, file = 'outcomes'): Outcomes {
  const doc = parseDocument(text);
  const errors = doc.errors.map((e) => `${file}: ${e.message}`);
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(raw)) if (k !== 'default' && k !== 'numbers') errors.push(`${file}: unknown key "${k}"`);
  const out: Outcomes = { defaultMix: [], numbers: new Map() };
  const def = raw.default ?? 'answered';
  const isMix = def && typeof def === 'object' && !Array.isArray(def) && Object.keys(def).every((k) => isResult(k));
  if (isMix) {
    for (const [k, w] of Object.entries(def)) {
      const r = parseResultName(k, `${file}: default`, errors);
      if (typeof w !== 'number' || !(w >= 0)) errors.push(`${file}: default.${k}: weight must be a number ≥ 0`);
      else if (r && w > 0) out.defaultMix.push({ form: { kind: 'result', result: r }, weight: w });
    }
    if (out.defaultMix.length === 0) errors.push(`${file}: default: the mix needs at least one weight > 0`);
  } else {
    // A single outcome form: a result name, {sip}, {q850}, {answer}, {amd} or {ring, then}.
    const f = parseForm(def, `${file}: default`, errors);
    if (f) out.defaultMix.push({ form: f, weight: 1 });
  }
  const nums = raw.numbers ?? {};
  if (typeof nums !== 'object' || Array.isArray(nums)) errors.push(`${file}: numbers: expected a map of number → list`);
  else
    for (const [n, list] of Object.entries(nums as Record<string, unknown>)) {
      const items = Array.isArray(list) ? list : [list];
      const forms = items.map((f, i) => parseForm(f, `${file}: numbers."${n}"[${i}]`, errors));
      if (forms.length > 0 && forms.every((f) => f !== null)) out.numbers.set(n, forms as OutcomeForm[]);
      else if (forms.length === 0) errors.push(`${file}: numbers."${n}": empty list`);
    }
  if (errors.length > 0) throw new OutcomesError(errors);
  return out;
}
