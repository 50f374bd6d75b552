import { describe, expect, it } from 'vitest';
import {
  breakerGate,
  breakerResume,
  breakerSettle,
  breakerStart,
  closedBreaker,
  restoredBreaker,
  type BreakerPolicy,
  type BreakerState,
  type SettledDial,
} from '../../src/domain/guards.ts';
import type { Result } from '../../src/domain/types.ts';

const P: BreakerPolicy = { after: 5, cooldownSeconds: 60 };
const T0 = 1_700_000_000_000;
let seq = 0;
const dial = (result: Result, sip: number | null = null, over: Partial<SettledDial> = {}): SettledDial => ({
  dialId: `d${++seq}`, result, sip, endedAt: T0, ...over,
});

function feed(s: BreakerState, dials: SettledDial[]) {
  const effects = [];
  for (const d of dials) {
    const step = breakerSettle(s, d, P);
    s = step.state;
    effects.push(...step.effects);
  }
  return { s, effects };
}
const times = (n: number, f: () => SettledDial) => Array.from({ length: n }, f);

describe('trunk breaker: opening', () => {
  it('opens after `after` consecutive 402s with reason trunk_funds, naming the trunk, the code and the count', () => {
    const { s: four, effects: none } = feed(closedBreaker('carrier-a'), times(4, () => dial('insufficient_funds', 402)));
    expect(none).toEqual([]);
    expect(breakerGate(four)).toBe('free');
    const { s, effects } = feed(four, [dial('insufficient_funds', 402)]);
    expect(s.mode).toBe('open');
    expect(breakerGate(s)).toBe('open');
    expect(effects).toEqual([
      { kind: 'open', trunk: 'carrier-a', reason: 'trunk_funds', dials: 5, detail: 'trunk carrier-a: 5 trunk-fault dials in a row (SIP 402 ×5)' },
    ]);
  });

  it.each([
    [[403, 403, 401, 407, 403], 'trunk_auth'],
    [[null, null, null, null, null], 'trunk_down'],
    [[null, 403, null, 402, null], 'trunk_funds'],
    [[null, 403, null, null, null], 'trunk_auth'],
  ] as const)('a run %j opens with %s', (codes, reason) => {
    const results = codes.map((c) => dial(c === 402 ? 'insufficient_funds' : c === null ? 'error' : 'trunk_rejected', c));
    const { effects } = feed(closedBreaker('t'), results);
    expect(effects).toHaveLength(1);
    expect(effects[0]).toMatchObject({ kind: 'open', reason, dials: 5 });
  });

  it('any other result breaks the run; cancelled and lost outcomes neither count nor reset', () => {
    let { s } = feed(closedBreaker('t'), times(4, () => dial('trunk_rejected', 403)));
    ({ s } = feed(s, [dial('no_answer', 480)]));
    expect(s.run.dials).toBe(0);
    ({ s } = feed(s, [...times(4, () => dial('error')), dial('cancelled'), dial('error', null, { outcomeLost: true })]));
    expect(s.mode).toBe('closed');
    expect(s.run.dials).toBe(4);
    const { effects } = feed(s, [dial('error')]);
    expect(effects).toMatchObject([{ kind: 'open', reason: 'trunk_down', dials: 5 }]);
  });

  it('after: 1 opens on the first fault', () => {
    expect(breakerSettle(closedBreaker('t'), dial('trunk_rejected', 401), { ...P, after: 1 }).state.mode).toBe('open');
  });
});

describe('trunk breaker: resume and the probe', () => {
  const opened = () => feed(closedBreaker('carrier-a'), times(5, () => dial('insufficient_funds', 402, { endedAt: T0 }))).s;

  it('refuses resume during the cool-down, with the reason and detail', () => {
    const r = breakerResume(opened(), T0 + 59_000);
    expect(r).toEqual({ ok: false, reason: 'trunk_funds', detail: 'trunk carrier-a: 5 trunk-fault dials in a row (SIP 402 ×5); resume allowed in 1s (one probe dial then)' });
  });

  it('after the cool-down resume half-opens: exactly one probe goes through', () => {
    const r = breakerResume(opened(), T0 + 60_000);
    if (!r.ok) throw new Error('refused');
    expect(r.state.mode).toBe('half_open');
    expect(breakerGate(r.state)).toBe('probe');
    const probing = breakerStart(r.state, 'probe-1');
    expect(breakerGate(probing)).toBe('wait');
    expect(breakerStart(probing, 'other')).toBe(probing);
    expect(breakerResume(probing, T0 + 61_000)).toEqual({ ok: true, state: probing });
  });

  it('a passing probe closes it (effect close); dialing is free again', () => {
    const r = breakerResume(opened(), T0 + 60_000);
    if (!r.ok) throw new Error('refused');
    const step = breakerSettle(breakerStart(r.state, 'p'), dial('answered', null, { dialId: 'p' }), P);
    expect(step.state).toEqual(closedBreaker('carrier-a'));
    expect(step.effects).toEqual([{ kind: 'close', trunk: 'carrier-a', detail: 'trunk carrier-a: the probe dial passed (answered)' }]);
    expect(breakerGate(step.state)).toBe('free');
  });

  it('a failing probe opens it again at once, with a fresh cool-down and the probe\'s own reason', () => {
    const r = breakerResume(opened(), T0 + 60_000);
    if (!r.ok) throw new Error('refused');
    const step = breakerSettle(breakerStart(r.state, 'p'), dial('trunk_rejected', 403, { dialId: 'p', endedAt: T0 + 65_000 }), P);
    expect(step.state.mode).toBe('open');
    expect(step.effects).toEqual([{ kind: 'open', trunk: 'carrier-a', reason: 'trunk_auth', dials: 1, detail: 'trunk carrier-a: the probe dial failed (SIP 403 ×1)' }]);
    expect(breakerResume(step.state, T0 + 124_000).ok).toBe(false);
    expect(breakerResume(step.state, T0 + 125_000).ok).toBe(true);
  });

  it('only the probe decides: other dials settling while open or half-open change nothing; a cancelled probe frees the slot', () => {
    const o = opened();
    expect(breakerSettle(o, dial('answered'), P).state).toBe(o);
    const r = breakerResume(o, T0 + 60_000);
    if (!r.ok) throw new Error('refused');
    const probing = breakerStart(r.state, 'p');
    expect(breakerSettle(probing, dial('answered'), P).state).toBe(probing);
    expect(breakerSettle(probing, dial('insufficient_funds', 402), P).state).toBe(probing);
    expect(breakerGate(breakerSettle(probing, dial('cancelled', null, { dialId: 'p' }), P).state)).toBe('probe');
  });

  it('resume on a closed breaker is a no-op', () => {
    const s = closedBreaker('t');
    expect(breakerResume(s, T0)).toEqual({ ok: true, state: s });
  });

  it('restored after a restart: open with the campaign\'s reason, resumable at once, and resume still probes', () => {
    const s = restoredBreaker('t', 'trunk_auth', 'trunk t: 5 trunk-fault dials in a row (SIP 403 ×5)', T0);
    expect(breakerGate(s)).toBe('open');
    const r = breakerResume(s, T0);
    if (!r.ok) throw new Error('refused');
    expect(breakerGate(r.state)).toBe('probe');
  });
});
