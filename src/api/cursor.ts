/**
 * The history cursor (`next`, `cursor=`): opaque to clients, base64url of the JSON
 * `[startedAt, dialId]` of the last row served. Decoding checks the shape, so a forged or
 * damaged cursor is a usage error, never a store query with odd values.
 */
import { DialerdError } from '../lib/errors.ts';
import type { HistoryPosition } from '../store/port.ts';

export function encodeCursor(p: HistoryPosition): string {
  return Buffer.from(JSON.stringify([p.startedAt, p.dialId])).toString('base64url');
}

/** Throws DIALERD_ERR_USAGE for anything `encodeCursor` did not make. */
export function decodeCursor(s: string): HistoryPosition {
  let v: unknown;
  try {
    v = /^[A-Za-z0-9_-]+$/.test(s) ? JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) : undefined;
  } catch {
    v = undefined;
  }
  if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === 'string' && v[1] !== '') {
    return { startedAt: v[0] as number, dialId: v[1] };
  }
  throw new DialerdError('DIALERD_ERR_USAGE', 'cursor: not a cursor this API gave out (pass "next" from the previous page unchanged)');
}
