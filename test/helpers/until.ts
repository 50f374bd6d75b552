/**
 * The one wait helper of the test suite: resolves with the first truthy value of `probe`, rejects
 * after `timeoutMs` naming `what` (and the probe's last error). Without `wake` it polls real state
 * (a store, a file, a socket) every `everyMs`; with `wake` it re-checks only when the source says
 * something happened (engine or PBX events): no polling, no fixed sleeps.
 */
export interface UntilOptions {
  timeoutMs?: number;
  everyMs?: number;
  /** Subscribe `check` to the events that may change the answer; returns the unsubscribe. */
  wake?: (check: () => void) => () => void;
}

type Probe<T> = () => Promise<T | null | undefined | false> | T | null | undefined | false;

export function until<T>(probe: Probe<T>, what: string, opts: number | UntilOptions = {}): Promise<T> {
  const o = typeof opts === 'number' ? { timeoutMs: opts } : opts;
  const timeoutMs = o.timeoutMs ?? 15_000;
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let last: unknown = null;
    let poll: NodeJS.Timeout | null = null;
    const finish = (err: Error | null, v?: T): void => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      if (poll) clearTimeout(poll);
      off();
      if (err) reject(err);
      else resolve(v as T);
    };
    const check = (): void => {
      if (done) return;
      Promise.resolve()
        .then(probe)
        .then(
          (v) => {
            if (v !== null && v !== undefined && v !== false) finish(null, v);
          },
          (err: unknown) => void (last = err),
        )
        .finally(() => {
          if (!done && !o.wake) poll = setTimeout(check, o.everyMs ?? 50);
        });
    };
    const deadline = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`)), timeoutMs);
    const off = o.wake ? o.wake(check) : () => undefined;
    check();
  });
}
