/**
 * Contacts posted to a running campaign → DialRecords, exactly as a CSV import builds them:
 * numbers normalized with the campaign's region, a record with no dialable number becomes an
 * `invalid` record (kept, never dialed), an unknown time zone is dropped with a problem,
 * control characters are stripped from variable values with a problem. The route has already
 * refused bad variable names and sizes (varsError, 400).
 */
import { normalizeNumber } from '../domain/numbers.ts';
import type { DialRecord } from '../domain/types.ts';
import { isValidZone } from '../domain/windows.ts';
import { invalidRecord, newRecord } from '../domain/record.ts';
import { cleanVarValue } from '../domain/vars.ts';

/** One contact as the API takes it (POST /campaigns/:id/records). */
export interface ContactInput {
  id: string;
  /** Raw numbers in dialing order, as people write them. */
  phones: string[];
  timezone?: string | null;
  vars?: Record<string, string>;
}

export interface ContactProblem {
  /** Position in the posted array. */
  index: number;
  id: string;
  message: string;
}

export interface BuiltContacts {
  records: DialRecord[];
  valid: number;
  invalid: number;
  /** Contacts skipped because their id repeated inside the request. */
  duplicateIds: number;
  problems: ContactProblem[];
}

/** Build records for `campaign`; valid ones are due at `dueAt` (epoch ms). Pure. */
export function buildRecords(campaign: string, region: string | null, contacts: ContactInput[], dueAt: number): BuiltContacts {
  const out: BuiltContacts = { records: [], valid: 0, invalid: 0, duplicateIds: 0, problems: [] };
  const seen = new Set<string>();
  contacts.forEach((c, index) => {
    const problem = (message: string): void => void out.problems.push({ index, id: c.id, message });
    if (seen.has(c.id)) {
      out.duplicateIds++;
      problem(`duplicate id "${c.id}" in the request; skipped`);
      return;
    }
    seen.add(c.id);
    let timezone = c.timezone ?? null;
    if (timezone !== null && !isValidZone(timezone)) {
      problem(`unknown timezone "${timezone}"; ignored`);
      timezone = null;
    }
    const vars: Record<string, string> = {};
    for (const [name, raw] of Object.entries(c.vars ?? {})) {
      const v = cleanVarValue(raw);
      vars[name] = v.value;
      if (v.controls > 0) problem(`variable "${name}": ${v.controls} control character(s) stripped`);
    }
    const base = { campaign, id: c.id, timezone, vars };
    const numbers: string[] = [];
    const rejected: string[] = [];
    for (const raw of c.phones) {
      const n = normalizeNumber(raw, region);
      if (!n.ok) rejected.push(`${JSON.stringify(raw)} (${n.reason})`);
      else if (!numbers.includes(n.e164)) numbers.push(n.e164);
    }
    for (const r of rejected) problem(`number ${r} dropped`);
    if (numbers.length === 0) {
      out.invalid++;
      out.records.push(invalidRecord(base, `invalid: ${rejected.length === 0 ? 'no number' : rejected.join('; ')}`));
    } else {
      out.valid++;
      out.records.push(newRecord({ ...base, numbers, nextAt: dueAt }));
    }
  });
  return out;
}
