/**
 * Request bounds of the control API, shared by the server and the CLI that batches for it.
 * Records per request: MAX_CONTACTS_PER_REQUEST in routes-campaigns.ts.
 */

/** Largest request body (bytes); beyond it the API answers 413 DIALERD_ERR_PAYLOAD_TOO_LARGE. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * Split `items` into consecutive batches of at most `maxItems` whose JSON stays under
 * `maxBytes` (an item too big on its own goes alone, and the server refuses it).
 * Yields `[index of the first item, batch]`.
 */
export function* jsonBatches<T>(items: readonly T[], maxItems: number, maxBytes = MAX_BODY_BYTES): Generator<[number, T[]]> {
  let start = 0;
  let batch: T[] = [];
  let bytes = 2; // []
  for (let i = 0; i < items.length; i++) {
    const size = Buffer.byteLength(JSON.stringify(items[i])) + 1; // and its comma
    if (batch.length > 0 && (batch.length === maxItems || bytes + size > maxBytes)) {
      yield [start, batch];
      start = i;
      batch = [];
      bytes = 2;
    }
    batch.push(items[i]!);
    bytes += size;
  }
  if (batch.length > 0) yield [start, batch];
}
