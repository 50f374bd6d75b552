/**
 * A Store decorator that times every operation of the port (store latency for /metrics). The
 * daemon wraps its store once, so the engine, the API and the campaign files are all measured
 * without a timer at any call site. Behaviour is the inner store's, unchanged: same results,
 * same rejections, same `kind`, `onStatus` and `takeover`.
 */
import type { Store } from './port.ts';

/** Every asynchronous operation of the Store port (the `op` label). */
export type StoreOp = {
  [K in keyof Store]-?: NonNullable<Store[K]> extends (...a: never[]) => Promise<unknown> ? K : never;
}[keyof Store];

/** How one operation went: `error` when it rejected (e.g. DIALERD_ERR_STORE_DOWN, quickly). */
export type StoreOutcome = 'ok' | 'error';

/** Receives one observation per finished operation: wall-clock seconds from call to settle. */
export type StoreObserver = (op: StoreOp, outcome: StoreOutcome, seconds: number) => void;

/** `inner` with every operation timed into `observe`; `now` is a millisecond clock (wall time, never the daemon's virtual one). */
export function timedStore(inner: Store, observe: StoreObserver, now: () => number = () => performance.now()): Store {
  const timed =
    <A extends unknown[], R>(op: StoreOp, fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      const start = now();
      let outcome: StoreOutcome = 'error';
      try {
        const r = await fn.apply(inner, a);
        outcome = 'ok';
        return r;
      } finally {
        observe(op, outcome, (now() - start) / 1000);
      }
    };
  return {
    kind: inner.kind,
    getCampaign: timed('getCampaign', inner.getCampaign),
    putCampaign: timed('putCampaign', inner.putCampaign),
    listCampaigns: timed('listCampaigns', inner.listCampaigns),
    addRecords: timed('addRecords', inner.addRecords),
    getRecord: timed('getRecord', inner.getRecord),
    claimDue: timed('claimDue', inner.claimDue),
    nextDueAt: timed('nextDueAt', inner.nextDueAt),
    release: timed('release', inner.release),
    finalizeAll: timed('finalizeAll', inner.finalizeAll),
    removeRecord: timed('removeRecord', inner.removeRecord),
    recoverDialing: timed('recoverDialing', inner.recoverDialing),
    putLiveDial: timed('putLiveDial', inner.putLiveDial),
    liveDials: timed('liveDials', inner.liveDials),
    settle: timed('settle', inner.settle),
    holdDial: timed('holdDial', inner.holdDial),
    counts: timed('counts', inner.counts),
    usage: timed('usage', inner.usage),
    rates: timed('rates', inner.rates),
    scanRecords: timed('scanRecords', inner.scanRecords),
    history: timed('history', inner.history),
    clear: timed('clear', inner.clear),
    close: timed('close', inner.close),
    ...(inner.onStatus ? { onStatus: inner.onStatus.bind(inner) } : {}),
    // Waiting for the prefix (a standby) is not a store operation: not timed.
    ...(inner.takeover ? { takeover: inner.takeover.bind(inner) } : {}),
  };
}
