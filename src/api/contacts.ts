/**
 * Contacts posted to a running campaign → DialRecords, exactly as a CSV import builds them:
 * numbers read by domain/record-numbers.ts under the campaign's region and `numbers:` policy, a
 * record with no dialable number becomes an `invalid` record (kept, never dialed), an unknown
 * time zone is dropped with a problem, control characters are stripped from variable values
 * with a problem. The route has already refused bad variable names and sizes (varsError, 400).
 *
 * `duplicates: dial_once` holds within one request only: the store has no index by number, so
 * a number already in the campaign (from the CSV or an earlier request) is not looked up.
 */
import { DEFAULT_NUMBER_POLICY, type NumberPolicy } from '../domain/number-policy.ts';
import { describeDrop, invalidReason, NumberBook, selectNumbers } from '../domain/record-numbers.ts';
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
  /** Numbers not dialled because they repeated in their contact or (dial_once) in an earlier contact of the request. */
  duplicateNumbers: number;
  problems: ContactProblem[];
}

/** Build records for `campaign`; valid ones are due at `dueAt` (epoch ms). Pure. */
export function buildRecords(
  campaign: string,
  region: string | null,
  contacts: ContactInput[],
  dueAt: number,
  policy: NumberPolicy = DEFAULT_NUMBER_POLICY,
): BuiltContacts {
  const out: BuiltContacts = { records: [], valid: 0, invalid: 0, duplicateIds: 0, duplicateNumbers: 0, problems: [] };
  const seen = new Set<string>();
  const book = policy.duplicates === 'dial_once' ? new NumberBook((i) => `contact ${i} of this request`) : null;
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
    const sel = selectNumbers(c.phones, region, policy, book, index);
    out.duplicateNumbers += sel.duplicates;
    for (const d of sel.dropped) problem(`number not dialled, ${describeDrop(d)}`);
    if (sel.numbers.length === 0) {
      out.invalid++;
      out.records.push(invalidRecord(base, invalidReason(sel.dropped)));
    } else {
      out.valid++;
      out.records.push(newRecord({ ...base, numbers: sel.numbers, nextAt: dueAt }));
    }
  });
  return out;
}
