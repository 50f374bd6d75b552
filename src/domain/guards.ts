/**
 * The trunk breaker (issue 9, "trunk faults are not the subscriber's fault"): a pure state
 * machine per trunk, `(state, settled dial) → state + effects`. The engine keeps one state per
 * trunk, feeds it every settled dial on that trunk, and applies the effects. (The storm guard
 * is the second machine in this file, below.)
 *
 * | mode \ input | trunk fault (TECHNICAL_RESULTS)         | any other result (not cancelled) | resume (operator)                        | start a dial            |
 * |--------------|-----------------------------------------|----------------------------------|------------------------------------------|-------------------------|
 * | closed       | run + 1; run = `after` → open (effect)  | run = 0                          | =                                        | free                    |
 * | open         | =                                       | =                                | refused before `openUntil`, then half_open | refused (pause it)    |
 * | half_open    | the probe's → open at once (effect)     | the probe's → closed (effect)    | =                                        | one probe, then wait    |
 *
 * - A run is consecutive trunk-fault dials on the trunk, across its campaigns. Its reason:
 *   `trunk_funds` if a 402 (`insufficient_funds`) is in it, else `trunk_auth` if a 401/403/407
 *   (`trunk_rejected`), else `trunk_down` (`error`: the dial never left).
 * - Opening pauses every running campaign on the trunk (effect `open`); resume is refused for
 *   `cooldownSeconds` after it opened, then the first resume half-opens it: exactly one probe dial
 *   goes through. In half_open only the probe's settle decides: success (any non-fault result)
 *   closes it (effect `close`), the same fault or another opens it again at once with a fresh
 *   cool-down. A cancelled probe frees the probe slot for another.
 * - Dials of an earlier run still settling while open or half_open (not the probe) change nothing.
 * - A dial whose outcome was lost with the PBX link (`outcomeLost`) is no evidence about the
 *   trunk: it neither counts nor resets (the PBX's own `pbx_down` pause covers that case).
 */
import { isTechnical, type DialRecord, type PauseReason, type Result } from './types.ts';

export type TrunkFaultReason = 'trunk_funds' | 'trunk_auth' | 'trunk_down';
export const TRUNK_FAULT_REASONS: readonly PauseReason[] = ['trunk_funds', 'trunk_auth', 'trunk_down'];

export function isTrunkFaultReason(r: PauseReason | null): r is TrunkFaultReason {
  return r !== null && TRUNK_FAULT_REASONS.includes(r);
}

export interface BreakerPolicy {
  /** Consecutive trunk-fault dials that open the breaker. */
  after: number;
  /** After opening, resume is refused this long. */
  cooldownSeconds: number;
}

export const DEFAULT_BREAKER: BreakerPolicy = Object.freeze({ after: 5, cooldownSeconds: 60 });

/** Consecutive trunk-fault dials: how many, of which kind, and their codes (`SIP 402` → 5). */
export interface FaultRun {
  dials: number;
  funds: number;
  auth: number;
  codes: Readonly<Record<string, number>>;
}

export interface BreakerState {
  trunk: string;
  mode: 'closed' | 'open' | 'half_open';
  /** closed: the current run; open / half_open: the run that opened it. */
  run: FaultRun;
  /** Set while open or half_open. */
  reason: TrunkFaultReason | null;
  detail: string | null;
  /** open: resume is refused before this instant (epoch ms). */
  openUntil: number;
  /** half_open: the probe dial, once it started. */
  probe: string | null;
}

export interface SettledDial {
  dialId: string;
  result: Result;
  sip: number | null;
  endedAt: number;
  /** The call ended while the PBX link was down: how it ended is unknown. */
  outcomeLost?: boolean;
}

export type BreakerEffect =
  /** Pause every running campaign on the trunk with `reason`. */
  | { kind: 'open'; trunk: string; reason: TrunkFaultReason; detail: string; dials: number }
  /** The probe passed: the trunk's campaigns dial again. */
  | { kind: 'close'; trunk: string; detail: string };

export interface BreakerStep {
  state: BreakerState;
  effects: BreakerEffect[];
}

const EMPTY_RUN: FaultRun = Object.freeze({ dials: 0, funds: 0, auth: 0, codes: Object.freeze({}) });

export function closedBreaker(trunk: string): BreakerState {
  return { trunk, mode: 'closed', run: EMPTY_RUN, reason: null, detail: null, openUntil: 0, probe: null };
}

/**
 * After a restart the breaker's counts are gone but a campaign may still be paused for a trunk
 * fault: restore it open with that reason, resumable at once (`openUntil` = now), so the first
 * resume still sends one probe before dialing goes on.
 */
export function restoredBreaker(trunk: string, reason: TrunkFaultReason, detail: string | null, now: number): BreakerState {
  return { ...closedBreaker(trunk), mode: 'open', reason, detail: detail ?? `${reason} before a restart`, openUntil: now };
}

function addFault(run: FaultRun, d: SettledDial): FaultRun {
  const code = d.sip !== null ? `SIP ${d.sip}` : d.result;
  return {
    dials: run.dials + 1,
    funds: run.funds + (d.result === 'insufficient_funds' ? 1 : 0),
    auth: run.auth + (d.result === 'trunk_rejected' ? 1 : 0),
    codes: { ...run.codes, [code]: (run.codes[code] ?? 0) + 1 },
  };
}

function reasonOf(run: FaultRun): TrunkFaultReason {
  return run.funds > 0 ? 'trunk_funds' : run.auth > 0 ? 'trunk_auth' : 'trunk_down';
}

function codesText(run: FaultRun): string {
  return Object.entries(run.codes)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([code, n]) => `${code} ×${n}`)
    .join(', ');
}

function open(s: BreakerState, run: FaultRun, endedAt: number, policy: BreakerPolicy, probe: boolean): BreakerStep {
  const reason = reasonOf(run);
  const what = probe ? 'the probe dial failed' : `${run.dials} trunk-fault dials in a row`;
  const detail = `trunk ${s.trunk}: ${what} (${codesText(run)})`;
  const state: BreakerState = { ...s, mode: 'open', run, reason, detail, openUntil: endedAt + policy.cooldownSeconds * 1000, probe: null };
  return { state, effects: [{ kind: 'open', trunk: s.trunk, reason, detail, dials: run.dials }] };
}

/** Feed one settled dial on the trunk. */
export function breakerSettle(s: BreakerState, d: SettledDial, policy: BreakerPolicy): BreakerStep {
  const same: BreakerStep = { state: s, effects: [] };
  if (d.outcomeLost === true) return same;
  if (d.result === 'cancelled') {
    return s.mode === 'half_open' && s.probe === d.dialId ? { state: { ...s, probe: null }, effects: [] } : same;
  }
  const fault = isTechnical(d.result);
  switch (s.mode) {
    case 'closed': {
      if (!fault) return s.run.dials === 0 ? same : { state: { ...s, run: EMPTY_RUN }, effects: [] };
      const run = addFault(s.run, d);
      if (run.dials >= Math.max(1, policy.after)) return open(s, run, d.endedAt, policy, false);
      return { state: { ...s, run }, effects: [] };
    }
    case 'open':
      return same;
    case 'half_open': {
      if (s.probe !== d.dialId) return same;
      if (fault) return open(s, addFault(EMPTY_RUN, d), d.endedAt, policy, true);
      const detail = `trunk ${s.trunk}: the probe dial passed (${d.result})`;
      return { state: closedBreaker(s.trunk), effects: [{ kind: 'close', trunk: s.trunk, detail }] };
    }
  }
}

export type ResumeAnswer = { ok: true; state: BreakerState } | { ok: false; reason: TrunkFaultReason; detail: string };

/**
 * An operator resumes a campaign on the trunk. Refused while open and cooling down (with the
 * reason and detail); after that an open breaker half-opens. Closed and half_open: unchanged.
 */
export function breakerResume(s: BreakerState, now: number): ResumeAnswer {
  if (s.mode !== 'open') return { ok: true, state: s };
  if (now < s.openUntil) {
    const wait = Math.ceil((s.openUntil - now) / 1000);
    return { ok: false, reason: s.reason!, detail: `${s.detail ?? s.reason}; resume allowed in ${wait}s (one probe dial then)` };
  }
  return { ok: true, state: { ...s, mode: 'half_open', probe: null } };
}

/** May a dial start on the trunk now? `probe`: yes, as the half-open probe (then call breakerStart). */
export function breakerGate(s: BreakerState): 'free' | 'probe' | 'wait' | 'open' {
  if (s.mode === 'closed') return 'free';
  if (s.mode === 'open') return 'open';
  return s.probe === null ? 'probe' : 'wait';
}

/** A dial started on the trunk: in half_open it takes the probe slot. */
export function breakerStart(s: BreakerState, dialId: string): BreakerState {
  return s.mode === 'half_open' && s.probe === null ? { ...s, probe: dialId } : s;
}

/**
 * The storm guard (issue 9, "storm guard"): a pure state machine per campaign on its trunk,
 * `(state, settled dial) → state + effects`. A broken trunk can fake a subscriber's "no" for
 * everyone (an endpoint template without its prefix answers 404 to every number): when the last
 * `count` dials of the campaign on its trunk came from `count` different records and all ended
 * with the same suspect result (SUSPECT_RESULTS), they are held — the campaign pauses with reason
 * `suspect_results` and those dials do not count: the engine puts each record back as it was
 * before its dial (effect `trip`).
 *
 * | mode \ input | a dial (not cancelled, outcome known)                                   | resume (operator)                       |
 * |--------------|-------------------------------------------------------------------------|-----------------------------------------|
 * | watching     | into the window (last `count`); the trip condition above → tripped (trip) | =                                     |
 * | tripped (r)  | result r: held too (effect `hold`: a dial live at the trip); else =     | watching, window empty, r confirmed     |
 *
 * - A result the operator confirmed by resuming after its trip never trips this guard again
 *   (the results are real: the rules apply as usual); another suspect result still does.
 * - Cancelled dials and dials whose outcome was lost with the PBX link are no evidence: ignored.
 * - `count` < 2 turns the guard off. The window holds at most `count` dials with their records'
 *   before/after snapshots. It lives in memory: after a restart it starts empty (and a campaign
 *   paused `suspect_results` stays paused until resumed).
 */

/** Results a broken trunk can fake for every number: the storm guard watches these. */
export const SUSPECT_RESULTS: readonly Result[] = ['invalid_number', 'rejected', 'failed', 'unreachable'];

export const DEFAULT_STORM_COUNT = 10;

/** One settled dial as the storm guard sees it, with what the engine needs to undo it. */
export interface StormDial {
  dialId: string;
  /** The history row's startedAt (where the store finds the row). */
  startedAt: number;
  result: Result;
  sip: number | null;
  q850: number | null;
  outcomeLost?: boolean;
  /** The record as it was before this dial was claimed. */
  before: DialRecord;
  /** The record as this dial's settle wrote it. */
  after: DialRecord;
}

export interface StormState {
  trunk: string;
  /** watching: the last dials, oldest first, at most `count`. */
  window: readonly StormDial[];
  /** The suspect result that tripped the guard, until a resume; null while watching. */
  tripped: Result | null;
  /** Results confirmed by a resume after their trip. */
  confirmed: readonly Result[];
}

export type StormEffect =
  /** Pause the campaign (`suspect_results`, detail) and undo every held dial. */
  | { kind: 'trip'; result: Result; detail: string; held: StormDial[] }
  /** Undo one more dial of the storm (it was live at the trip). */
  | { kind: 'hold'; held: StormDial[] };

export interface StormStep {
  state: StormState;
  effects: StormEffect[];
}

export function watchingStorm(trunk: string): StormState {
  return { trunk, window: [], tripped: null, confirmed: [] };
}

function stormCodes(dials: readonly StormDial[]): string {
  const codes = new Map<string, number>();
  for (const d of dials) {
    const code = d.sip !== null ? `SIP ${d.sip}` : d.q850 !== null ? `Q.850 ${d.q850}` : d.result;
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  return [...codes].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([c, n]) => `${c} ×${n}`).join(', ');
}

/** Feed one settled dial of the campaign on the trunk. */
export function stormSettle(s: StormState, d: StormDial, count: number): StormStep {
  const same: StormStep = { state: s, effects: [] };
  if (count < 2 || d.outcomeLost === true || d.result === 'cancelled') return same;
  if (s.tripped !== null) return d.result === s.tripped ? { state: s, effects: [{ kind: 'hold', held: [d] }] } : same;
  const window = [...s.window, d].slice(-count);
  const storm =
    window.length === count &&
    SUSPECT_RESULTS.includes(d.result) &&
    !s.confirmed.includes(d.result) &&
    window.every((w) => w.result === d.result) &&
    new Set(window.map((w) => w.before.id)).size === count;
  if (!storm) return { state: { ...s, window }, effects: [] };
  const detail = `trunk ${s.trunk}: the last ${count} dials, from ${count} different records, all ended ${d.result} (${stormCodes(window)})`;
  return { state: { ...s, window: [], tripped: d.result }, effects: [{ kind: 'trip', result: d.result, detail, held: window }] };
}

/** The operator resumed the campaign: a tripped guard confirms its result and watches again. */
export function stormResume(s: StormState): StormState {
  if (s.tripped === null) return s;
  return { ...s, window: [], tripped: null, confirmed: [...s.confirmed, s.tripped] };
}
