/** domain/why.ts: one test per reason, on a virtual `now`. */
import { describe, expect, it } from 'vitest';
import type { CallingHours, DialRecord, HistoryRow } from '../../src/domain/types.ts';
import { explainWait, WAIT_REASONS, type CapsSnapshot, type WaitReason, type WhyInput } from '../../src/domain/why.ts';
import { admit } from '../../src/engine/admission.ts';
import { makeRecord, makeSpec } from '../helpers/spec.ts';

const NOW = Date.UTC(2026, 11, 1, 6, 0); // Tue 09:00 Moscow, 15:00 Tokyo
const NUM = '+74951234567';
const NUM2 = '+74957654321';
const HOURS: CallingHours = { timezone: 'Europe/Moscow', subscriberLocalTime: true, windows: [{ days: [1, 2, 3, 4, 5, 6, 7], startMinute: 8 * 60, endMinute: 20 * 60 }], holidays: [] };

const free = (): CapsSnapshot => ({
  campaign: { live: 0, max: 5 },
  trunk: { name: 't1', live: 0, max: 10 },
  global: { live: 0, max: 50 },
  cps: { available: 5, nextAt: NOW },
  breaker: 'free',
  budget: { room: Number.POSITIVE_INFINITY, spent: null },
});

function input(over: Partial<WhyInput> & { rec?: Partial<DialRecord> } = {}): WhyInput {
  const { rec, ...rest } = over;
  const record = { ...makeRecord('c1', 'r1', [NUM, NUM2], NOW), ...rec };
  return {
    record,
    spec: makeSpec(),
    campaign: { state: 'running', pauseReason: null, pauseDetail: null },
    caps: free(),
    numberZones: record.numbers.map(() => ['Europe/Moscow']),
    numberDnc: record.numbers.map(() => false),
    numberLive: record.numbers.map(() => false),
    now: NOW,
    ...rest,
  };
}

/** Every reason the cases below produced: the last test checks they cover the union. */
const seen = new Set<WaitReason>();
function explain(i: WhyInput): ReturnType<typeof explainWait> {
  const e = explainWait(i);
  seen.add(e.reason);
  return e;
}
const reasonOf = (i: WhyInput): WaitReason => explain(i).reason;

function dialRow(over: Partial<HistoryRow>): HistoryRow {
  return {
    dialId: 'd1', campaign: 'c1', record: 'r1', number: NUM, numberIndex: 0, attempt: 1, dial: 1, callerId: null, trunk: 't1', pbx: 'p',
    startedAt: NOW - 60_000, answeredAt: null, endedAt: NOW - 30_000, ringSeconds: 30, talkSeconds: 0, result: 'busy', interrupted: false,
    q850: 17, sip: 486, causeName: null, amdStatus: null, amdCause: null, action: 'retry_after', nextAt: NOW + 600_000, final: null, ...over,
  };
}

describe('explainWait', () => {
  it('due: nothing holds it back', () => {
    expect(explain(input())).toMatchObject({ reason: 'due', windows: null });
  });

  it('dialing and final', () => {
    expect(reasonOf(input({ rec: { state: 'dialing' } }))).toBe('dialing');
    expect(explain(input({ rec: { state: 'blocked', nextAt: null, finalReason: 'dnc +74951234567' } }))).toMatchObject({ reason: 'final', detail: 'blocked: dnc +74951234567' });
  });

  it('campaign_not_running: draft, scheduled (until start_at), completed', () => {
    expect(reasonOf(input({ campaign: { state: 'draft', pauseReason: null, pauseDetail: null } }))).toBe('campaign_not_running');
    const start = NOW + 3_600_000;
    expect(explain(input({ spec: makeSpec({ startAt: start }), campaign: { state: 'scheduled', pauseReason: null, pauseDetail: null } }))).toMatchObject({ reason: 'campaign_not_running', until: start });
  });

  it('campaign_paused, with the pause reason', () => {
    const e = explain(input({ campaign: { state: 'paused', pauseReason: 'manual', pauseDetail: null } }));
    expect(e).toMatchObject({ reason: 'campaign_paused', detail: 'campaign paused (manual)' });
    expect(reasonOf(input({ campaign: { state: 'paused', pauseReason: 'pbx_down', pauseDetail: 'sim' } }))).toBe('campaign_paused');
  });

  it('guard: paused by the breaker, storm guard or budget; breaker open or probing; budget taken', () => {
    for (const pauseReason of ['trunk_funds', 'trunk_auth', 'trunk_down', 'suspect_results', 'budget'] as const) {
      expect(reasonOf(input({ campaign: { state: 'paused', pauseReason, pauseDetail: 'x' } })), pauseReason).toBe('guard');
    }
    expect(explain(input({ caps: { ...free(), breaker: 'wait' } }))).toMatchObject({ reason: 'guard', detail: expect.stringContaining('probing') });
    expect(explain(input({ caps: { ...free(), budget: { room: 0, spent: null } } }))).toMatchObject({ reason: 'guard', detail: expect.stringContaining('budget') });
  });

  it('window: closed in each zone named with its local time, until it opens in all', () => {
    const night = Date.UTC(2026, 11, 1, 13, 30); // 16:30 Moscow, 22:30 Tokyo
    const e = explain(input({ spec: makeSpec({ callingHours: HOURS }), numberZones: [['Europe/Moscow', 'Asia/Tokyo'], []], now: night }));
    const tokyo = Date.UTC(2026, 11, 1, 23, 0); // 08:00 Tokyo, but 02:00 Moscow
    const opens = Date.UTC(2026, 11, 2, 5, 0); // 08:00 Moscow, 14:00 Tokyo: open in both
    expect(e).toMatchObject({ reason: 'window', until: opens });
    expect(e.detail).toBe('closed in Asia/Tokyo (Tue 22:30 there)');
    expect(e.windows).toEqual([
      { zone: 'Europe/Moscow', localTime: 'Tue 16:30', open: true, opensAt: null },
      { zone: 'Asia/Tokyo', localTime: 'Tue 22:30', open: false, opensAt: tokyo },
    ]);
  });

  it('window: a record the engine deferred to the opening (next_at in the future) says so too', () => {
    const night = Date.UTC(2026, 11, 1, 18, 0); // 21:00 Moscow
    const spec = makeSpec({ callingHours: HOURS });
    const a = admit(makeRecord('c1', 'r1', [NUM], night), spec, { dnc: { has: () => false }, zones: { zonesFor: () => ['Europe/Moscow'] }, numberIsLive: () => false }, night);
    if (a.kind !== 'later') throw new Error('expected later');
    const e = explain(input({ spec, rec: { ...a.record, state: 'pending', nextAt: a.nextAt }, now: night + 1000 }));
    expect(e).toMatchObject({ reason: 'window', until: a.nextAt });
  });

  it('retry: the rule and result that set next_at (from the last dial)', () => {
    const at = NOW + 600_000;
    const e = explain(input({ rec: { state: 'waiting', nextAt: at, dials: 1, attempts: 1, lastResult: 'busy' }, lastDial: dialRow({ nextAt: at }) }));
    expect(e).toMatchObject({ reason: 'retry', until: at });
    expect(e.detail).toBe('busy → retry_after (rules.busy)');
  });

  it('technical_backoff: after an error of our side', () => {
    const at = NOW + 120_000;
    const e = explain(input({ rec: { state: 'waiting', nextAt: at, dials: 2, lastResult: 'error', consecutiveErrors: 2 } }));
    expect(e).toMatchObject({ reason: 'technical_backoff', until: at });
    expect(e.detail).toContain('2 technical in a row');
  });

  it('scheduled: never dialled, next_at ahead', () => {
    expect(reasonOf(input({ rec: { nextAt: NOW + 5000 } }))).toBe('scheduled');
  });

  it('dnc: its number is on a list; says where it goes next', () => {
    expect(explain(input({ numberDnc: [true, false] }))).toMatchObject({ reason: 'dnc', detail: `${NUM} is on a DNC list; it moves on to ${NUM2} (#1)` });
    expect(explain(input({ numberDnc: [true, true] })).detail).toContain('will be blocked');
    // As in the engine's admission, the DNC check comes before the window.
    const night = Date.UTC(2026, 11, 1, 18, 0); // 21:00 Moscow
    expect(reasonOf(input({ spec: makeSpec({ callingHours: HOURS }), numberDnc: [true, false], rec: { nextAt: night }, now: night }))).toBe('dnc');
  });

  it('number_live_elsewhere: due, or deferred while its number is in another live dial', () => {
    expect(reasonOf(input({ numberLive: [true, false] }))).toBe('number_live_elsewhere');
    expect(reasonOf(input({ rec: { state: 'waiting', nextAt: NOW + 15_000, dials: 1, lastResult: 'busy' }, numberLive: [true, false] }))).toBe('number_live_elsewhere');
  });

  it('cap: names which cap is full', () => {
    const cap = (over: Partial<CapsSnapshot>) => explain(input({ caps: { ...free(), ...over } }));
    expect(cap({ campaign: { live: 5, max: 5 } })).toMatchObject({ reason: 'cap', detail: 'campaign concurrency full (5/5)' });
    expect(cap({ trunk: { name: 't1', live: 10, max: 10 } })).toMatchObject({ reason: 'cap', detail: 'trunk t1 concurrency full (10/10)' });
    expect(cap({ global: { live: 50, max: 50 } })).toMatchObject({ reason: 'cap', detail: 'global max_concurrency full (50/50)' });
    expect(cap({ cps: { available: 0, nextAt: NOW + 200 } })).toMatchObject({ reason: 'cap', until: NOW + 200 });
  });

  it('the cases above produced every reason of WAIT_REASONS (a new reason needs its test)', () => {
    expect([...seen].sort()).toEqual([...WAIT_REASONS].sort());
  });
});
