/**
 * The history cursor (`next`, `cursor=`): opaque to clients, base64url of the JSON
 * `[startedAt, dialId]` of the last row served. Decoding checks the shape, so a forged or
 * damaged cursor is a usage error, never a store query with odd values. (The record list's
 * cursor, routes-records.ts, is read with the same `cursorJson` and error.)
 */
import { DialerdError } from '../lib/errors.ts';
import type { HistoryPosition } from '../store/port.ts';

export function encodeCursor(p: HistoryPosition): string {
  return Buffer.from(JSON.stringify([p.startedAt, p.dialId])).toString('base64url');
}

/** Throws DIALERD_ERR_USAGE for anything `encodeCursor` did not make. */
export function decodeCursor(s: string): HistoryPosition {
  const v = cursorJson(s);
  if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === 'string' && v[1] !== '') {
    return { startedAt: v[0] as number, dialId: v[1] };
  }
  throw notACursor();
}

/** The JSON value inside a base64url cursor, or undefined when it holds none. */
export function cursorJson(s: string): unknown {
  try {
    return /^[A-Za-z0-9_-]+$/.test(s) ? JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) : undefined;
  } catch {
    return undefined;
  }
}

export function notACursor(): DialerdError {
  return new DialerdError('DIALERD_ERR_USAGE', 'cursor: not a cursor this API gave out (pass "next" from the previous page unchanged)');
}
