/**
 * Concurrency caps: campaign, trunk and global. A slot is reserved synchronously before
 * originate and released exactly once (a second release is a no-op), so the live count can
 * never exceed a cap under any ordering of events: reserve and release are the only writers,
 * and JavaScript runs each to completion.
 */
export interface Slot {
  readonly campaign: string;
  readonly trunk: string;
  /** Idempotent. Returns true the first time. */
  release(): boolean;
}

export class Caps {
  private readonly byCampaign = new Map<string, number>();
  private readonly byTrunk = new Map<string, number>();
  private total = 0;

  constructor(
    private global: number,
    private readonly limits: { campaign: (id: string) => number; trunk: (name: string) => number },
  ) {}

  setGlobal(n: number): void {
    this.global = n;
  }

  /** The global cap now (`max_concurrency`, reloadable). */
  globalCap(): number {
    return this.global;
  }

  live(): number {
    return this.total;
  }

  liveFor(campaign: string): number {
    return this.byCampaign.get(campaign) ?? 0;
  }

  liveOnTrunk(trunk: string): number {
    return this.byTrunk.get(trunk) ?? 0;
  }

  /** How many more dials this campaign may start right now. */
  free(campaign: string, trunk: string): number {
    return Math.max(
      0,
      Math.min(
        this.limits.campaign(campaign) - this.liveFor(campaign),
        this.limits.trunk(trunk) - this.liveOnTrunk(trunk),
        this.global - this.total,
      ),
    );
  }

  /** Reserve one slot, or null when any cap is full. */
  reserve(campaign: string, trunk: string): Slot | null {
    if (this.free(campaign, trunk) <= 0) return null;
    return this.slot(campaign, trunk);
  }

  /** Count a call that already exists on the PBX (adopted after a restart), cap or not. */
  adopt(campaign: string, trunk: string): Slot {
    return this.slot(campaign, trunk);
  }

  private slot(campaign: string, trunk: string): Slot {
    this.bump(campaign, trunk, +1);
    let released = false;
    return {
      campaign,
      trunk,
      release: () => {
        if (released) return false;
        released = true;
        this.bump(campaign, trunk, -1);
        return true;
      },
    };
  }

  private bump(campaign: string, trunk: string, d: number): void {
    this.byCampaign.set(campaign, this.liveFor(campaign) + d);
    this.byTrunk.set(trunk, this.liveOnTrunk(trunk) + d);
    this.total += d;
  }
}
