import { describe, expect, it } from 'vitest';
import { stormResume, stormSettle, SUSPECT_RESULTS, watchingStorm, type StormDial, type StormEffect, type StormState } from '../../src/domain/guards.ts';
import { newRecord } from '../../src/domain/record.ts';
import type { Result } from '../../src/domain/types.ts';

const T0 = 1_700_000_000_000;
let seq = 0;

/** A dial of record `rec` ending `result` (SIP code optional). */
function dial(rec: string, result: Result, sip: number | null = null, over: Partial<StormDial> = {}): StormDial {
  const before = newRecord({ campaign: 'c1', id: rec, numbers: ['+79160000000'], nextAt: T0 });
  return { dialId: `d${++seq}`, startedAt: T0, result, sip, q850: null, before, after: { ...before, state: 'exhausted', nextAt: null, dials: 1 }, ...over };
}

/** `n` dials of `n` different records (r{from}…), all ending `result`. */
const storm = (n: number, result: Result, sip: number | null = null, from = 0): StormDial[] => Array.from({ length: n }, (_, i) => dial(`r${from + i}`, result, sip));

function feed(s: StormState, dials: StormDial[], count = 10): { s: StormState; effects: StormEffect[] } {
  const effects: StormEffect[] = [];
  for (const d of dials) {
    const step = stormSettle(s, d, count);
    s = step.state;
    effects.push(...step.effects);
  }
  return { s, effects };
}

describe('storm guard: tripping', () => {
  it('trips on exactly the 10th dial from 10 records with one suspect result; the effect holds those 10 and names trunk, result and codes', () => {
    const dials = storm(10, 'invalid_number', 404);
    const nine = feed(watchingStorm('carrier-a'), dials.slice(0, 9));
    expect(nine.effects).toEqual([]);
    const { s, effects } = feed(nine.s, dials.slice(9));
    expect(effects).toEqual([
      { kind: 'trip', result: 'invalid_number', detail: 'trunk carrier-a: the last 10 dials, from 10 different records, all ended invalid_number (SIP 404 ×10)', held: dials },
    ]);
    expect(s).toMatchObject({ tripped: 'invalid_number', window: [] });
  });

  it.each(SUSPECT_RESULTS)('trips on %s', (result) => {
    expect(feed(watchingStorm('t'), storm(10, result)).effects.map((e) => e.kind)).toEqual(['trip']);
  });

  it('never trips on a result outside the suspect set (busy, no_answer, answered, congestion, the technical ones)', () => {
    for (const result of ['busy', 'no_answer', 'answered', 'congestion', 'error', 'insufficient_funds', 'trunk_rejected', 'machine'] as Result[]) {
      expect(feed(watchingStorm('t'), storm(30, result)).effects).toEqual([]);
    }
  });

  it('codes in the detail: the most frequent first; Q.850 when there is no SIP code', () => {
    const dials = [...storm(6, 'unreachable', 502), ...Array.from({ length: 4 }, (_, i) => dial(`q${i}`, 'unreachable', null, { q850: 20 }))];
    const [e] = feed(watchingStorm('t'), dials).effects;
    expect(e).toMatchObject({ kind: 'trip', detail: 'trunk t: the last 10 dials, from 10 different records, all ended unreachable (SIP 502 ×6, Q.850 20 ×4)' });
  });

  it('different results mixed: no trip; the run counts from the last other result', () => {
    const mixed = [...storm(9, 'invalid_number', 404), dial('x', 'rejected', 603), ...storm(9, 'invalid_number', 404, 20)];
    const { s, effects } = feed(watchingStorm('t'), mixed);
    expect(effects).toEqual([]);
    expect(feed(s, [dial('y', 'invalid_number', 404)]).effects.map((e) => e.kind)).toEqual(['trip']);
  });

  it('the same record twice in the window: no trip', () => {
    const dials = [...storm(5, 'failed'), ...storm(5, 'failed')]; // r0..r4 twice
    expect(feed(watchingStorm('t'), dials).effects).toEqual([]);
    expect(feed(watchingStorm('t'), [...dials, ...storm(4, 'failed', null, 5)]).effects).toEqual([]); // the first r4 still inside
    expect(feed(watchingStorm('t'), [...dials, ...storm(5, 'failed', null, 5)]).effects.map((e) => e.kind)).toEqual(['trip']);
  });

  it('cancelled dials and dials whose outcome was lost are no evidence: ignored, the run goes on', () => {
    const dials = [...storm(5, 'rejected'), dial('c', 'cancelled'), dial('l', 'no_answer', null, { outcomeLost: true }), ...storm(5, 'rejected', null, 5)];
    expect(feed(watchingStorm('t'), dials).effects.map((e) => e.kind)).toEqual(['trip']);
  });

  it('the window is bounded by count', () => {
    const { s } = feed(watchingStorm('t'), [...storm(50, 'busy'), ...storm(3, 'answered', null, 50)], 7);
    expect(s.window).toHaveLength(7);
  });

  it('count 0 or 1 turns it off; count 3 trips after 3', () => {
    expect(feed(watchingStorm('t'), storm(20, 'failed'), 0).effects).toEqual([]);
    expect(feed(watchingStorm('t'), storm(20, 'failed'), 1).effects).toEqual([]);
    expect(feed(watchingStorm('t'), storm(3, 'failed'), 3).effects.map((e) => e.kind)).toEqual(['trip']);
  });
});

describe('storm guard: tripped, then resumed', () => {
  it('while tripped, each further dial with the tripped result is held (live at the trip); other results pass', () => {
    const tripped = feed(watchingStorm('t'), storm(10, 'invalid_number', 404)).s;
    const late = dial('r20', 'invalid_number', 404);
    const { s, effects } = feed(tripped, [late, dial('r21', 'busy'), dial('r22', 'rejected')]);
    expect(effects).toEqual([{ kind: 'hold', held: [late] }]);
    expect(s.tripped).toBe('invalid_number');
  });

  it('resume confirms the result: it never trips again, another suspect result still does', () => {
    const tripped = feed(watchingStorm('t'), storm(10, 'invalid_number', 404)).s;
    const resumed = stormResume(tripped);
    expect(resumed).toEqual({ trunk: 't', window: [], tripped: null, confirmed: ['invalid_number'] });
    expect(feed(resumed, storm(40, 'invalid_number', 404, 100)).effects).toEqual([]);
    expect(feed(resumed, storm(10, 'unreachable', 502, 200)).effects.map((e) => e.kind)).toEqual(['trip']);
  });

  it('resume of a watching guard changes nothing', () => {
    const s = feed(watchingStorm('t'), storm(4, 'failed')).s;
    expect(stormResume(s)).toBe(s);
  });
});
