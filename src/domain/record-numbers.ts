/**
 * A record's raw numbers → the numbers it dials, and why each other one is not dialled. One
 * function for the CSV import and the API, so both read numbers alike:
 * - each raw number is normalized (domain/numbers.ts: valid for its country, else a reason);
 * - a valid number may still be refused by the campaign's policy (`country`, `number_type`);
 * - a number repeated inside its record is dropped silently (counted);
 * - under `duplicates: dial_once`, a number an earlier record of the campaign already dials is
 *   skipped (`duplicate`): the record keeps its other numbers.
 * A record left with no number is `invalid`; `invalidReason` says why, number by number.
 */
import { normalizeNumber, type NumberRejectReason } from './numbers.ts';
import { policyRejection, type NumberPolicy } from './number-policy.ts';
import { cleanVarValue } from './vars.ts';

export type DropReason = NumberRejectReason | 'country' | 'number_type' | 'duplicate';

/** A raw number that is not dialled. */
export interface DroppedNumber {
  raw: string;
  reason: DropReason;
  /** `premium_rate`, `US`, `+79161234567, line 3`…; null when the reason says it all. */
  detail: string | null;
}

export interface RecordNumbers {
  /** E.164, in dialing order, each once. */
  numbers: string[];
  /** In the record's order. */
  dropped: DroppedNumber[];
  /** Numbers not dialled as repeats: inside the record (not in `dropped`) or taken by an earlier record (`duplicate`). */
  duplicates: number;
}

/**
 * The numbers a campaign already dials (for `dial_once`): E.164 → where the first record holding
 * it is (a file line, a position in a request). Keys are the E.164 digits as a double (15 digits
 * at most, exact), about 46 bytes a number: 1M distinct numbers ≈ 46 MB, less than a Set of strings.
 */
export class NumberBook {
  private readonly first = new Map<number, number>();
  /** @param where how a place is shown in a duplicate's detail (`line 3`). */
  constructor(private readonly where: (at: number) => string) {}

  /** Takes `e164` for the record at `at`; returns the earlier place's text when it was taken before. */
  take(e164: string, at: number): string | null {
    const key = Number(e164.slice(1));
    const earlier = this.first.get(key);
    if (earlier !== undefined) return this.where(earlier);
    this.first.set(key, at);
    return null;
  }
}

/**
 * Reads one record's raw numbers under `policy` (numbers without +country in `region`). `book`
 * is the campaign's (dial_once), or null (dial_each); `at` is this record's place in it.
 */
export function selectNumbers(raws: readonly string[], region: string | null, policy: NumberPolicy, book: NumberBook | null, at: number): RecordNumbers {
  const out: RecordNumbers = { numbers: [], dropped: [], duplicates: 0 };
  const seen = new Set<string>();
  for (const raw of raws) {
    const n = normalizeNumber(raw, region);
    if (!n.ok) {
      out.dropped.push({ raw, reason: n.reason, detail: null });
      continue;
    }
    const refused = policyRejection(n, region, policy);
    if (refused) out.dropped.push({ raw, ...refused });
    else if (seen.has(n.e164)) out.duplicates++;
    else {
      seen.add(n.e164);
      const earlier = book?.take(n.e164, at) ?? null;
      if (earlier === null) out.numbers.push(n.e164);
      else {
        out.duplicates++;
        out.dropped.push({ raw, reason: 'duplicate', detail: `${n.e164}, ${earlier}` });
      }
    }
  }
  return out;
}

/** `not_valid: "(312) 555-0147"`, `number_type: "8 809 505-12-34" (premium_rate)`. */
export function describeDrop(d: DroppedNumber): string {
  return `${d.reason}: ${showRaw(d.raw)}${d.detail === null ? '' : ` (${d.detail})`}`;
}

/**
 * An invalid record's `finalReason`: each dropped number as `describeDrop` gives it, joined by
 * `; ` (so a one-number record's reason starts with its number's reason), or `no_number`.
 */
export function invalidReason(dropped: readonly DroppedNumber[]): string {
  return dropped.length === 0 ? 'no_number' : dropped.map(describeDrop).join('; ');
}

const SHOWN = 40;

/** A raw value for a report: control characters gone, at most 40 characters, quoted. */
function showRaw(raw: string): string {
  const v = cleanVarValue(raw).value;
  return JSON.stringify(v.length > SHOWN ? `${v.slice(0, SHOWN)}…` : v);
}
