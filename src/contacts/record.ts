/**
 * Builds fresh DialRecords for an imported contact row (the shape of src/domain/types.ts,
 * nothing dialed yet). Kept here so the import does not depend on the retry module.
 */
import type { DialRecord } from '../domain/types.ts';

interface RecordBase {
  campaign: string;
  id: string;
  timezone: string | null;
  vars: Record<string, string>;
}

/** A dialable record: `pending`, due at `nextAt`, every counter at zero. */
export function newPendingRecord(base: RecordBase, numbers: string[], nextAt: number): DialRecord {
  return {
    ...base,
    numbers,
    state: 'pending',
    nextAt,
    numberIndex: 0,
    attempts: 0,
    numberAttempts: numbers.map(() => 0),
    repeats: 0,
    consecutiveErrors: 0,
    dials: 0,
    lastResult: null,
    finalReason: null,
  };
}

/** A record with no dialable number: final state `invalid`, never due, raw values kept in `finalReason`. */
export function newInvalidRecord(base: RecordBase, finalReason: string): DialRecord {
  return {
    ...base,
    numbers: [],
    state: 'invalid',
    nextAt: null,
    numberIndex: 0,
    attempts: 0,
    numberAttempts: [],
    repeats: 0,
    consecutiveErrors: 0,
    dials: 0,
    lastResult: null,
    finalReason,
  };
}
