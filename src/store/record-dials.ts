/**
 * One record's dials, newest first, from its campaign's history. History is indexed by campaign
 * and time, not by record, so this walks the campaign's history backwards and stops at `max`
 * dials of the record or after `scan` rows: bounded whatever the history's size.
 */
import type { DialRecord, HistoryRow } from '../domain/types.ts';
import { historyRows } from './history-pages.ts';
import type { Store } from './port.ts';

/** Rows of a campaign's history read at most when looking for one record's dials. */
export const RECORD_DIALS_SCAN = 20_000;

export interface RecordDials {
  /** The record's newest dials, newest first (storm-held rows included, marked `held`). */
  rows: HistoryRow[];
  /** The walk reached the campaign's first dial: no older dial of the record exists. */
  complete: boolean;
}

export async function recordDials(store: Pick<Store, 'history'>, rec: DialRecord, max: number, scan = RECORD_DIALS_SCAN): Promise<RecordDials> {
  const rows: HistoryRow[] = [];
  let read = 0;
  if (rec.dials === 0 || max <= 0) return { rows, complete: rec.dials === 0 };
  // One row past `scan` tells whether older rows exist.
  for await (const r of historyRows(store, { campaign: rec.campaign, order: 'desc' }, { max: scan + 1 })) {
    if (++read > scan) return { rows, complete: false };
    if (r.record !== rec.id) continue;
    rows.push(r);
    if (rows.length === max) return { rows, complete: false };
  }
  return { rows, complete: true };
}
