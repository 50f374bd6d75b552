/** store/timed.ts: every operation timed once with its outcome; answers, rejections, kind and onStatus unchanged. */
import { describe, expect, it } from 'vitest';
import { DialerdError } from '../../src/lib/errors.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import type { Store } from '../../src/store/port.ts';
import { timedStore, type StoreOp, type StoreOutcome } from '../../src/store/timed.ts';

function rig(inner: Store) {
  let ms = 1000;
  const seen: [StoreOp, StoreOutcome, number][] = [];
  const store = timedStore(inner, (op, outcome, s) => void seen.push([op, outcome, s]), () => ms);
  return { store, seen, advance: (d: number) => void (ms += d) };
}

describe('timedStore', () => {
  it('keeps every member of the store it wraps, optional ones (onStatus, takeover) included', async () => {
    const mem = createMemoryStore();
    let tookOver = 0;
    const inner: Store = { ...mem, onStatus: () => () => undefined, takeover: async () => void tookOver++ };
    const { store } = rig(inner);
    expect(Object.keys(store).sort()).toEqual(Object.keys(inner).sort());
    await store.takeover!();
    expect(tookOver).toBe(1);
  });

  it('passes answers through and observes each call once, in seconds', async () => {
    const mem = createMemoryStore();
    const { store, seen } = rig(mem);
    expect(store.kind).toBe('memory');
    expect(await store.getCampaign('nope')).toBeNull();
    expect(await store.counts('c')).toEqual(await mem.counts('c'));
    expect(seen).toEqual([
      ['getCampaign', 'ok', 0],
      ['counts', 'ok', 0],
    ]);
  });

  it('times from call to answer on its clock, and a rejection as `error` with the same error', async () => {
    const down = new DialerdError('DIALERD_ERR_STORE_DOWN', 'test');
    let advance: (d: number) => void = () => undefined;
    const inner = {
      ...createMemoryStore(),
      liveDials: async () => (advance(250), []),
      usage: async () => {
        advance(5);
        throw down;
      },
    } satisfies Store;
    const r = rig(inner);
    advance = r.advance;
    expect(await r.store.liveDials()).toEqual([]);
    await expect(r.store.usage('trunk', 't')).rejects.toBe(down);
    expect(r.seen).toEqual([
      ['liveDials', 'ok', 0.25],
      ['usage', 'error', 0.005],
    ]);
  });

  it('forwards onStatus (the engine pauses on a store outage through it) and leaves it out when the inner store has none', () => {
    const listeners: ((up: boolean, reason: string | null) => void)[] = [];
    const inner: Store = { ...createMemoryStore(), onStatus: (cb) => (listeners.push(cb), () => undefined) };
    const got: boolean[] = [];
    rig(inner).store.onStatus!((up) => void got.push(up));
    listeners[0]!(false, 'test');
    expect(got).toEqual([false]);
    expect(rig(createMemoryStore()).store.onStatus).toBeUndefined();
  });
});
