/**
 * The retry engine (domain.md §4): given a record that was just dialed and what the dial ended
 * as, decide the record's next state and next dial instant. Pure: instants are passed in.
 *
 * Contract (the engine, `dialerd simulate` and the README rely on it):
 *
 * - attempt = repeats + action. The dial belongs to attempt `record.attempts + 1`
 *   (see {@link currentAttempt}); attempts are counted only when they close.
 * - Short repeat: the result's rule has `repeat {times, everySeconds}` and the current attempt
 *   has used fewer than `times` repeats → decision `repeat`, nextAt = endedAt + every,
 *   not counted, `repeats + 1`. Repeats are counted per attempt ACROSS results (a busy then a
 *   silence share one count), so an attempt has at most 1 + max(times) dials.
 * - Otherwise the attempt closes with the rule's `then` action: it is counted (`attempts + 1`,
 *   `numberAttempts[numberIndex] + 1`) and `repeats` resets to 0. Then, in this order:
 *   - `done` → final `done` (finalReason 'done'); no limit check.
 *   - `stop_record` → final `exhausted` (finalReason 'stop_record').
 *   - attempts ≥ perRecord → final `exhausted` (finalReason 'per_record'), whatever the action.
 *   - `retry_after X` / `pause_campaign`: waiting at endedAt + X (pause: endedAt) on the same
 *     number; but when that number now has numberAttempts ≥ perNumber, on the next number
 *     (same nextAt), or final `exhausted` (finalReason 'per_number') when none is left.
 *   - `next_number` → the next number at endedAt, or `exhausted` ('no_next_number').
 *   - `stop_number` → the number is abandoned (numberAttempts raised to perNumber so it is never
 *     chosen again), the next number at endedAt, or `exhausted` ('no_next_number').
 *   "Next number" = the first number AFTER the current one (record order, no wrap-around) whose
 *   numberAttempts < perNumber.
 *   `pause_campaign` sets `pauseCampaign: true` even when the record itself closed.
 * - Technical results (TECHNICAL_RESULTS: `error`, `insufficient_funds`, `trunk_rejected` — our
 *   side's fault, never the subscriber's): consecutiveErrors + 1 = n, whichever of them came.
 *   While n ≤ technicalErrors.free the dial is not counted: decision `retry_after`, nextAt =
 *   endedAt + technicalErrorDelay(n), same number, repeats untouched. Number `free + 1` is the
 *   FIRST counted one, and every further consecutive one too: each closes an attempt as
 *   `retry_after technicalErrorDelay(n)` (then the per-record/per-number checks above), so a
 *   technical result never abandons a number (`stop_number`). Their rules in the table are not
 *   used. Any other result except `cancelled` resets consecutiveErrors to 0.
 * - `interrupted` with result `answered` (we cut the call): the rule keyed `interrupted` is used
 *   instead of `answered`'s, as for any other result (repeats, then its action, counted).
 * - `cancelled` (we aborted the dial): back to `waiting` at endedAt, decision `retry_after`;
 *   nothing is counted or reset (only lastResult changes).
 * - `dials` is NOT touched here (the engine counts originations); lastResult = result.
 * - Never mutates the input; throws DIALERD_ERR_ILLEGAL_TRANSITION if the record is not `dialing`.
 */
import { DialerdError } from '../lib/errors.ts';
import { isFinal, isTechnical } from './types.ts';
import type {
  Action,
  AttemptLimits,
  Decision,
  DialRecord,
  FinalState,
  Result,
  Rule,
  RuleKey,
  TechnicalErrorPolicy,
} from './types.ts';

export interface RetryInput {
  /** State 'dialing', as claimed; numberIndex = the number just dialed. */
  record: DialRecord;
  /** Already mapped by domain/results. */
  result: Result;
  /** An `answered` dial we cut ourselves: the `interrupted` rule applies instead of `answered`'s. */
  interrupted?: boolean;
  /** Epoch ms the dial ended; pauses between attempts count from here. */
  endedAt: number;
  /** spec.attempts */
  attempts: AttemptLimits;
  /** spec.rules (complete table). */
  rules: Record<RuleKey, Rule>;
}

export interface RetryOutcome {
  /** The new record (a new object; the input is never mutated). */
  record: DialRecord;
  /** 'repeat', or the kind of the action that closed (or, for errors/cancel, would close) the attempt. */
  decision: Decision;
  /** = record.nextAt */
  nextAt: number | null;
  /** = record.state when it is final, else null. */
  final: FinalState | null;
  /** The rule asked to pause the campaign (reason 'rule'). */
  pauseCampaign: boolean;
  /** Attempt number (1-based, record-wide) the dial belonged to. */
  attempt: number;
  /** This dial closed a counted attempt. */
  countedAttempt: boolean;
}

/** The attempt number (1-based, record-wide) the record's next dial belongs to. */
export function currentAttempt(record: DialRecord): number {
  return record.attempts + 1;
}

/**
 * Backoff for the n-th consecutive technical error, in seconds:
 * firstDelaySeconds × factor^(n−1), capped at maxDelaySeconds (n < 1 is treated as 1).
 */
export function technicalErrorDelay(consecutive: number, p: TechnicalErrorPolicy): number {
  const n = Math.max(1, Math.floor(consecutive));
  return Math.min(p.firstDelaySeconds * Math.pow(p.factor, n - 1), p.maxDelaySeconds);
}

/** Decide what follows a dial. See the module comment for the full contract. */
export function decide(input: RetryInput): RetryOutcome {
  const { record: before, result, endedAt, attempts: lim, rules } = input;
  if (before.state !== 'dialing') {
    throw new DialerdError('DIALERD_ERR_ILLEGAL_TRANSITION', `settle record ${before.id} in state ${before.state}`);
  }
  const attempt = currentAttempt(before);
  const r: DialRecord = {
    ...before,
    numbers: [...before.numbers],
    vars: { ...before.vars },
    numberAttempts: before.numbers.map((_, i) => before.numberAttempts[i] ?? 0),
    lastResult: result,
  };
  const notCounted = (decision: Decision, nextAt: number): RetryOutcome =>
    outcome(waitAt(r, nextAt), decision, false, attempt, false);

  if (result === 'cancelled') return notCounted('retry_after', endedAt);

  if (isTechnical(result)) {
    r.consecutiveErrors = before.consecutiveErrors + 1;
    const seconds = technicalErrorDelay(r.consecutiveErrors, lim.technicalErrors);
    if (r.consecutiveErrors <= lim.technicalErrors.free) return notCounted('retry_after', endedAt + seconds * 1000);
    return closeAttempt(r, { kind: 'retry_after', seconds }, endedAt, lim, attempt);
  }

  r.consecutiveErrors = 0;
  const rule = rules[input.interrupted === true && result === 'answered' ? 'interrupted' : result];
  if (rule.repeat !== null && r.repeats < rule.repeat.times) {
    r.repeats += 1;
    return notCounted('repeat', endedAt + rule.repeat.everySeconds * 1000);
  }
  return closeAttempt(r, rule.then, endedAt, lim, attempt);
}

/** Count the attempt and apply its closing action and the limits. `r` is our own copy. */
function closeAttempt(r: DialRecord, action: Action, endedAt: number, lim: AttemptLimits, attempt: number): RetryOutcome {
  const i = r.numberIndex;
  r.attempts += 1;
  r.numberAttempts[i] = (r.numberAttempts[i] ?? 0) + 1;
  r.repeats = 0;
  const pause = action.kind === 'pause_campaign';
  const out = (rec: DialRecord) => outcome(rec, action.kind, pause, attempt, true);

  if (action.kind === 'done') return out(finalize(r, 'done', 'done'));
  if (action.kind === 'stop_record') return out(finalize(r, 'exhausted', 'stop_record'));
  if (r.attempts >= lim.perRecord) return out(finalize(r, 'exhausted', 'per_record'));

  switch (action.kind) {
    case 'retry_after':
    case 'pause_campaign': {
      const at = action.kind === 'retry_after' ? endedAt + action.seconds * 1000 : endedAt;
      if ((r.numberAttempts[i] ?? 0) < lim.perNumber) return out(waitAt(r, at));
      return out(moveToNextNumber(r, lim.perNumber, at, 'per_number'));
    }
    case 'next_number':
      return out(moveToNextNumber(r, lim.perNumber, endedAt, 'no_next_number'));
    case 'stop_number':
      r.numberAttempts[i] = Math.max(r.numberAttempts[i] ?? 0, lim.perNumber);
      return out(moveToNextNumber(r, lim.perNumber, endedAt, 'no_next_number'));
  }
}

function moveToNextNumber(r: DialRecord, perNumber: number, at: number, reasonIfNone: string): DialRecord {
  const next = r.numberAttempts.findIndex((n, j) => j > r.numberIndex && n < perNumber);
  if (next < 0) return finalize(r, 'exhausted', reasonIfNone);
  r.numberIndex = next;
  return waitAt(r, at);
}

function waitAt(r: DialRecord, at: number): DialRecord {
  r.state = 'waiting';
  r.nextAt = at;
  return r;
}

function finalize(r: DialRecord, state: FinalState, reason: string): DialRecord {
  r.state = state;
  r.nextAt = null;
  r.finalReason = reason;
  return r;
}

function outcome(record: DialRecord, decision: Decision, pauseCampaign: boolean, attempt: number, countedAttempt: boolean): RetryOutcome {
  const final = isFinal(record.state) ? record.state : null;
  return { record, decision, nextAt: record.nextAt, final, pauseCampaign, attempt, countedAttempt };
}
