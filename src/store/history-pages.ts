/** Walking the Store's cursor-paged history: every matching row, one bounded page at a time. */
import type { HistoryRow } from '../domain/types.ts';
import type { HistoryFilter, HistoryPosition, Store } from './port.ts';

/** Rows per store call when a caller walks the whole history. */
export const HISTORY_WALK_PAGE = 1_000;

/**
 * Every row matching `filter` after `after`, in history order, at most `max`; reads pages of
 * `pageSize` (never more than `max` left), so memory stays bounded whatever the history's size.
 */
export async function* historyRows(
  store: Pick<Store, 'history'>,
  filter: HistoryFilter,
  opts: { after?: HistoryPosition; max?: number; pageSize?: number } = {},
): AsyncGenerator<HistoryRow> {
  let left = opts.max ?? Number.POSITIVE_INFINITY;
  let after = opts.after;
  while (left > 0) {
    const limit = Math.min(opts.pageSize ?? HISTORY_WALK_PAGE, left);
    const page = await store.history({ ...filter, ...(after ? { after } : {}), limit });
    for (const r of page.rows) yield r;
    left -= page.rows.length;
    if (page.next === null) return;
    after = page.next;
  }
}

/** Every matching row in an array: for callers whose result is small by construction (a day of one campaign, tests). */
export async function allHistory(store: Pick<Store, 'history'>, filter: HistoryFilter): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  for await (const r of historyRows(store, filter)) rows.push(r);
  return rows;
}
