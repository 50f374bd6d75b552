/** Building records: the one place a DialRecord is made from scratch. */
import type { DialRecord } from './types.ts';
import { hasControlChars } from './vars.ts';

/** A record id is a key shown in logs, tables and the PBX: bounded and printable. */
export const MAX_RECORD_ID_LENGTH = 200;

/** Why `id` cannot be a record id (too long, control or bidi characters); null when it can. */
export function recordIdError(id: string): string | null {
  if (id.length > MAX_RECORD_ID_LENGTH) return `id of ${id.length} characters; at most ${MAX_RECORD_ID_LENGTH}`;
  if (hasControlChars(id)) return 'id holds control or bidi-control characters';
  return null;
}

export interface NewRecordInit {
  campaign: string;
  id: string;
  /** E.164 numbers in dialing order (de-duplicated by the caller). */
  numbers: string[];
  timezone?: string | null;
  vars?: Record<string, string>;
  /** First instant it may be dialed (epoch ms). */
  nextAt: number;
}

/** A fresh `pending` record: no dials, no attempts, first number. */
export function newRecord(init: NewRecordInit): DialRecord {
  return {
    campaign: init.campaign,
    id: init.id,
    numbers: [...init.numbers],
    timezone: init.timezone ?? null,
    vars: { ...(init.vars ?? {}) },
    state: 'pending',
    nextAt: init.nextAt,
    numberIndex: 0,
    attempts: 0,
    numberAttempts: init.numbers.map(() => 0),
    repeats: 0,
    consecutiveErrors: 0,
    dials: 0,
    lastResult: null,
    finalReason: null,
  };
}

/** A record with no dialable number: final state `invalid`, never due, the raw values kept in `finalReason`. */
export function invalidRecord(init: Omit<NewRecordInit, 'numbers' | 'nextAt'>, finalReason: string): DialRecord {
  return { ...newRecord({ ...init, numbers: [], nextAt: 0 }), state: 'invalid', nextAt: null, finalReason };
}
