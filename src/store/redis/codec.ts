/** JSON in and out of Redis. Records touched by Lua come back through cjson, hence `decodeRecord`. */
import type { DialRecord, HistoryRow } from '../../domain/types.ts';
import { dueScore, isDueState } from '../common.ts';

export function encodeRecord(r: DialRecord): string {
  return JSON.stringify(r);
}

/** cjson writes an empty array as `{}`: give the array fields back their shape. */
export function decodeRecord(raw: string): DialRecord {
  const r = JSON.parse(raw) as DialRecord;
  if (!Array.isArray(r.numbers)) r.numbers = [];
  if (!Array.isArray(r.numberAttempts)) r.numberAttempts = [];
  if (r.vars === null || typeof r.vars !== 'object' || Array.isArray(r.vars)) r.vars = {};
  return r;
}

/** The due-index score argument for Lua: '' when the record does not belong in the index. */
export function dueArg(r: DialRecord): string {
  return isDueState(r.state) ? String(dueScore(r)) : '';
}

/** dialId first, so rows with the same startedAt sort by dialId in the history zset. */
export function encodeHistory(h: HistoryRow): string {
  const { dialId, ...rest } = h;
  return JSON.stringify({ dialId, ...rest });
}

/** Rows written before `interrupted` existed read as not interrupted. */
export function decodeHistory(raw: string): HistoryRow {
  const h = JSON.parse(raw) as HistoryRow;
  h.interrupted ??= false;
  return h;
}
