/**
 * Output formats of `dialerd simulate`: jsonl (the contract), csv, summary.
 *
 * jsonl, in time order: one line per dial (`"held": true` on a dial the storm guard undid), one
 * per record made final (`"final"`), one per record the storm guard put back (`"restored"`: its
 * state again), and one per campaign state change (`"state"`, `"reason"`, `"detail"`).
 */
import { DateTime } from 'luxon';
import { stringify } from 'csv-stringify/sync';
import type { HistoryRow } from '../domain/types.ts';
import { SAFE_CSV } from '../lib/csv-safe.ts';
import { terminalJson, terminalSafe } from '../lib/terminal-safe.ts';
import type { CampaignChange, FinalEvent, HeldEvent } from '../engine/types.ts';
import { indentedList } from './tables.ts';

export type SimLine =
  | { kind: 'dial'; at: number; seq: number; row: HistoryRow }
  | { kind: 'final'; at: number; seq: number; e: FinalEvent }
  | { kind: 'restored'; at: number; seq: number; e: HeldEvent }
  | { kind: 'campaign'; at: number; seq: number; e: CampaignChange };

/** The campaign's state at the end of a run, and why when paused. */
export interface FinalCampaignState {
  state: string;
  pauseReason: string | null;
  pauseDetail: string | null;
}

export function iso(ms: number | null, zone: string): string | null {
  return ms === null ? null : DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true });
}

export function dialJson(r: HistoryRow, zone: string): Record<string, unknown> {
  return {
    at: iso(r.startedAt, zone),
    campaign: r.campaign,
    record: r.record,
    number: r.number,
    number_index: r.numberIndex,
    attempt: r.attempt,
    dial: r.dial,
    result: r.result,
    q850: r.q850,
    sip: r.sip,
    ring_s: r.ringSeconds,
    talk_s: r.talkSeconds,
    action: r.action,
    next_at: iso(r.nextAt, zone),
    ...(r.held === true ? { held: true } : {}),
  };
}

/** Events in time order (dials by their start, finals when they happened; ties keep event order). */
export function ordered(lines: SimLine[]): SimLine[] {
  return [...lines].sort((a, b) => a.at - b.at || a.seq - b.seq);
}

function lineJson(l: SimLine, zone: string): Record<string, unknown> {
  const at = iso(l.at, zone);
  switch (l.kind) {
    case 'dial':
      return dialJson(l.row, zone);
    case 'final':
      return { at, record: l.e.record, final: l.e.state };
    case 'restored':
      return { at, record: l.e.record, restored: l.e.state };
    case 'campaign':
      return { at, campaign: l.e.id, state: l.e.to, reason: l.e.reason, detail: l.e.detail };
  }
}

export function jsonl(lines: SimLine[], zone: string): string[] {
  return ordered(lines).map((l) => terminalJson(JSON.stringify(lineJson(l, zone))));
}

const CSV_COLS = ['at', 'campaign', 'record', 'number', 'number_index', 'attempt', 'dial', 'result', 'q850', 'sip', 'ring_s', 'talk_s', 'action', 'next_at', 'held'];

/** The dials as CSV (formula-safe: lib/csv-safe.ts; LF records as this command always wrote), one text. */
export function csv(lines: SimLine[], zone: string): string {
  const rows = ordered(lines).filter((l): l is Extract<SimLine, { kind: 'dial' }> => l.kind === 'dial');
  return stringify(
    rows.map((l) => ({ ...dialJson(l.row, zone), held: l.row.held === true ? 'true' : 'false' })),
    { ...SAFE_CSV, record_delimiter: 'unix', header: true, columns: CSV_COLS },
  );
}

export function summary(lines: SimLine[], zone: string, end: number, campaign: FinalCampaignState): string[] {
  const results = new Map<string, number>();
  const perRecord = new Map<string, number>();
  /** Each record's final state; a record the storm guard put back (a later event) is not final. */
  const finalOf = new Map<string, string>();
  let held = 0;
  let first: number | null = null;
  for (const l of lines) {
    if (l.kind === 'dial') {
      results.set(l.row.result, (results.get(l.row.result) ?? 0) + 1);
      perRecord.set(l.row.record, (perRecord.get(l.row.record) ?? 0) + 1);
      if (l.row.held === true) held++;
      first = first === null ? l.row.startedAt : Math.min(first, l.row.startedAt);
    } else if (l.kind === 'final') finalOf.set(l.e.record, l.e.state);
    else if (l.kind === 'restored') finalOf.delete(l.e.record);
  }
  const finals = new Map<string, number>();
  for (const st of finalOf.values()) finals.set(st, (finals.get(st) ?? 0) + 1);
  const dist = new Map<number, number>();
  for (const n of perRecord.values()) dist.set(n, (dist.get(n) ?? 0) + 1);
  const total = [...results.values()].reduce((a, b) => a + b, 0);
  const out = [`dials: ${total}${held > 0 ? ` (${held} held by the storm guard: not counted)` : ''}`, 'results:'];
  out.push(...indentedList([...results].sort((a, b) => b[1] - a[1])));
  out.push('final states:');
  out.push(...indentedList([...finals].sort((a, b) => b[1] - a[1])));
  out.push('dials per record:');
  out.push(...indentedList([...dist].sort((a, b) => a[0] - b[0]).map(([k, v]) => [`${k} dials`, `${v} records`])));
  const span = first === null ? 'no dials' : `${iso(first, zone)} .. ${iso(end, zone)} (${DateTime.fromMillis(end).diff(DateTime.fromMillis(first), ['days', 'hours', 'minutes']).toHuman({ maximumFractionDigits: 0 })})`;
  out.push(`virtual span: ${span}`);
  const why = campaign.pauseReason ? ` (${campaign.pauseReason}${campaign.pauseDetail ? `: ${campaign.pauseDetail}` : ''})` : '';
  out.push(terminalSafe(`campaign state: ${campaign.state}${why}`));
  return out;
}
