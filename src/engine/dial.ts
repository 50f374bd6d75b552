/**
 * One live dial: what the engine knows between originate and settle, and how its raw facts
 * become a history row. The only place that turns PBX events into RawFacts.
 */
import type { TrunkConfig } from '../config/daemon-types.ts';
import type { CampaignSpec, DialRecord, FinalState, HistoryRow, RawFacts } from '../domain/types.ts';
import { decide, type RetryOutcome } from '../domain/retry.ts';
import { mapResult } from '../domain/results.ts';
import type { MappedResult } from '../domain/types.ts';
import type { EndFacts, PbxAdapter } from '../pbx/port.ts';
import type { LiveDial } from '../store/port.ts';
import type { Slot } from './caps.ts';

export interface LiveDialState {
  id: string;
  /** The spec the call started with: in-flight calls finish under the rules they started with. */
  spec: CampaignSpec;
  /** The record as claimed (state `dialing`, dials already incremented). */
  record: DialRecord;
  number: string;
  attempt: number;
  slot: Slot;
  pbx: PbxAdapter;
  trunk: TrunkConfig;
  startedAt: number;
  answeredAt: number | null;
  amdStatus: string | null;
  amdCause: string | null;
  /** The PBX accepted our hang-up (the end may also arrive first, with `EndFacts.soft`). */
  hungUp: boolean;
  /** Settle has begun: later end events are ignored (but see `verdict`). */
  settling: boolean;
  /**
   * The settle under way is reconciliation's verdict (`lost`), not the PBX's end: a real end
   * arriving before the verdict is written replaces it (`realEnd`).
   */
  verdict?: boolean;
  realEnd?: { at: number; facts: EndFacts };
}

/** A dial's state as it starts (or, after a restart, as it is adopted): nothing heard from the PBX yet. */
export function dialState(
  init: Pick<LiveDialState, 'id' | 'spec' | 'record' | 'number' | 'attempt' | 'slot' | 'pbx' | 'trunk' | 'startedAt' | 'answeredAt'>,
): LiveDialState {
  return { ...init, amdStatus: null, amdCause: null, hungUp: false, settling: false };
}

export function rawFacts(d: LiveDialState, endedAt: number, f: EndFacts): RawFacts {
  const answeredAt = d.answeredAt ?? f.answeredAt;
  const answered = answeredAt !== null && !f.originateFailed;
  const ringEnd = answered ? answeredAt : endedAt;
  return {
    answered,
    ringSeconds: Math.max(0, (ringEnd - d.startedAt) / 1000),
    talkSeconds: answered ? Math.max(0, (endedAt - answeredAt) / 1000) : 0,
    q850: f.q850,
    sip: f.sip,
    causeName: f.causeName,
    amdStatus: d.amdStatus,
    amdCause: d.amdCause,
    ringTimeoutHit: f.ringTimeoutHit,
    cancelledByUs: d.hungUp || f.soft,
    originateFailed: f.originateFailed,
    outcomeLost: f.outcomeLost,
    pbxDown: f.pbxDown === true,
    progress: f.progress,
    farEndResponded: f.farEndResponded,
  };
}

/** The identifying part of a dial, persisted while it is live (restart reconciliation). */
export function liveDial(d: LiveDialState, answeredAt: number | null = d.answeredAt): LiveDial {
  return {
    dialId: d.id,
    campaign: d.spec.id,
    record: d.record.id,
    number: d.number,
    numberIndex: d.record.numberIndex,
    attempt: d.attempt,
    dial: d.record.dials,
    trunk: d.trunk.name,
    pbx: d.pbx.name,
    callerId: d.spec.callerId,
    startedAt: d.startedAt,
    answeredAt,
  };
}

export function historyRow(d: LiveDialState, endedAt: number, facts: RawFacts, mapped: MappedResult, out: RetryOutcome): HistoryRow {
  const answeredAt = facts.answered ? d.startedAt + Math.round(facts.ringSeconds * 1000) : null;
  return {
    ...liveDial(d, answeredAt),
    endedAt,
    ringSeconds: round1(facts.ringSeconds),
    talkSeconds: round1(facts.talkSeconds),
    result: mapped.result,
    interrupted: mapped.interrupted === true,
    q850: facts.q850,
    sip: facts.sip,
    causeName: facts.causeName,
    amdStatus: facts.amdStatus,
    amdCause: facts.amdCause,
    action: out.decision,
    nextAt: out.nextAt,
    final: out.final,
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** A dial's outcome: what it ended as, and what follows (its record, its history row). */
export interface Outcome {
  spec: CampaignSpec;
  endedAt: number;
  facts: RawFacts;
  mapped: MappedResult;
  out: RetryOutcome;
  record: DialRecord;
  final: FinalState | null;
  row: HistoryRow;
}

/** The outcome of `d` ending as `end`; a record not final in a completed campaign is cancelled. */
export function dialOutcome(d: LiveDialState, end: { at: number; facts: EndFacts }, campaignCompleted: boolean): Outcome {
  const spec = d.spec;
  const endedAt = end.at;
  const facts = rawFacts(d, endedAt, end.facts);
  const mapped = mapResult(facts, { shortCallSeconds: spec.attempts.shortCallSeconds, overrides: spec.causes });
  const out = decide({ record: d.record, result: mapped.result, interrupted: mapped.interrupted, endedAt, attempts: spec.attempts, rules: spec.rules });
  let record = out.record;
  let final = out.final;
  if (campaignCompleted && final === null) {
    record = { ...record, state: 'cancelled', nextAt: null, finalReason: 'campaign completed' };
    final = 'cancelled';
  }
  const row = historyRow(d, endedAt, facts, mapped, { ...out, record, final, nextAt: record.nextAt });
  return { spec, endedAt, facts, mapped, out, record, final, row };
}
