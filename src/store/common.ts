/** Helpers both store implementations share, so they agree on the contract's details. */
import type { DialRecord, HistoryRow, RecordState } from '../domain/types.ts';
import type { HistoryFilter, HistoryPage, HistoryPosition } from './port.ts';

/** States that live in the due index. */
export function isDueState(s: RecordState): boolean {
  return s === 'pending' || s === 'waiting';
}

/**
 * The due-index score of a record: its nextAt. A pending/waiting record without a nextAt is
 * due at once (score 0), so every such record stays reachable.
 */
export function dueScore(r: DialRecord): number {
  return r.nextAt ?? 0;
}

/** Order of the due index and of claimDue: nextAt, then id. */
export function compareDue(aAt: number, aId: string, bAt: number, bId: string): number {
  if (aAt !== bAt) return aAt < bAt ? -1 : 1;
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

/** A deep-enough copy: callers never share mutable state with a store. */
export function cloneRecord(r: DialRecord): DialRecord {
  return { ...r, numbers: [...r.numbers], numberAttempts: [...r.numberAttempts], vars: { ...r.vars } };
}

/** History order everywhere: startedAt, then dialId (rows and positions alike). */
export function compareHistory(a: HistoryPosition, b: HistoryPosition): number {
  if (a.startedAt !== b.startedAt) return a.startedAt - b.startedAt;
  return a.dialId < b.dialId ? -1 : a.dialId > b.dialId ? 1 : 0;
}

/** The page order of a query: compareHistory, or its reverse for `order: 'desc'`. */
export function historyOrder(f: HistoryFilter): (a: HistoryPosition, b: HistoryPosition) => number {
  return f.order === 'desc' ? (a, b) => compareHistory(b, a) : compareHistory;
}

/** Whether a row passes the filter's campaign, result and [from, to) time range. */
export function matchesHistory(r: HistoryRow, f: HistoryFilter): boolean {
  if (f.campaign !== undefined && r.campaign !== f.campaign) return false;
  if (f.result !== undefined && r.result !== f.result) return false;
  if (f.from !== undefined && r.startedAt < f.from) return false;
  if (f.to !== undefined && r.startedAt >= f.to) return false;
  return true;
}

/** A page from candidates in history order (more than `limit` of them when more rows follow). */
export function toPage(sorted: HistoryRow[], limit: number): HistoryPage {
  const rows = sorted.slice(0, limit);
  const last = rows.at(-1);
  return { rows, next: sorted.length > limit && last ? { startedAt: last.startedAt, dialId: last.dialId } : null };
}
