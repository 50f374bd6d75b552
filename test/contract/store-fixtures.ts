/** Fixtures for the Store contract suites. */
import type { DialRecord, HistoryRow } from '../../src/domain/types.ts';
import type { LiveDial } from '../../src/store/port.ts';

export const T0 = 1_763_800_000_000;

export function rec(id: string, over: Partial<DialRecord> = {}): DialRecord {
  return {
    campaign: 'c1',
    id,
    numbers: ['+74951234567', '+74957654321'],
    timezone: null,
    vars: { name: `Name ${id}` },
    state: 'pending',
    nextAt: T0,
    numberIndex: 0,
    attempts: 0,
    numberAttempts: [0, 0],
    repeats: 0,
    consecutiveErrors: 0,
    dials: 0,
    lastResult: null,
    finalReason: null,
    ...over,
  };
}

export function row(dialId: string, over: Partial<HistoryRow> = {}): HistoryRow {
  return {
    dialId,
    campaign: 'c1',
    record: 'r1',
    number: '+74951234567',
    numberIndex: 0,
    attempt: 1,
    dial: 1,
    callerId: null,
    trunk: 't1',
    pbx: 'pbx1',
    startedAt: T0,
    answeredAt: null,
    endedAt: T0 + 30_000,
    ringSeconds: 30,
    talkSeconds: 0,
    result: 'no_answer',
    interrupted: false,
    q850: 19,
    sip: 480,
    causeName: null,
    amdStatus: null,
    amdCause: null,
    action: 'retry_after',
    nextAt: T0 + 3_600_000,
    final: null,
    held: false,
    ...over,
  };
}

export function live(dialId: string, over: Partial<LiveDial> = {}): LiveDial {
  return {
    dialId,
    campaign: 'c1',
    record: 'r1',
    number: '+74951234567',
    numberIndex: 0,
    attempt: 1,
    dial: 1,
    trunk: 't1',
    pbx: 'pbx1',
    callerId: '+74950000000',
    startedAt: T0,
    answeredAt: null,
    ...over,
  };
}
