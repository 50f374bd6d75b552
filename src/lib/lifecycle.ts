/**
 * A component's lifecycle status (ioredis' `setStatus`): one string union instead of loose
 * flags, changed in one place, each change checked against the component's transition table
 * and logged `old -> new`.
 */
import type { Logger } from './logger.ts';

/** For each status, the statuses it may move to. */
export type Transitions<S extends string> = { readonly [K in S]: readonly S[] };

export class Lifecycle<S extends string> {
  private current: S;

  constructor(
    private readonly name: string,
    initial: S,
    private readonly table: Transitions<S>,
    private readonly logger: Logger,
  ) {
    this.current = initial;
  }

  get status(): S {
    return this.current;
  }

  is(...any: S[]): boolean {
    return any.includes(this.current);
  }

  /**
   * Move to `next` when the table allows it from the current status, and log it. False (and
   * nothing changes) otherwise: a check-and-set, so two callers never both win a transition.
   */
  to(next: S): boolean {
    const from = this.current;
    if (!this.table[from].includes(next)) return false;
    this.current = next;
    this.logger.info({ lifecycle: this.name, from, to: next }, `${this.name}: ${from} -> ${next}`);
    return true;
  }
}
