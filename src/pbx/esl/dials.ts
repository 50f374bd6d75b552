/** The adapter's book of live dials: by dialId, by channel uuid, and the recently ended (to drop late events). */
import { channelUuidOf } from './originate.ts';

export interface Dial {
  id: string;
  uuid: string;
  /** Job-UUID of our bgapi; null for a dial adopted from the switch (after a daemon restart). */
  jobId: string | null;
  answered: boolean;
  /** A CHANNEL_PROGRESS(_MEDIA) came for it. */
  progressed: boolean;
  amdSent: boolean;
  killed: boolean;
  /** Instant of the last event sent for it (0: none): an end set back from FreeSWITCH's clock never goes before it. */
  lastAt: number;
  errTimer: NodeJS.Timeout | null;
}

const ENDED_MEMORY = 10_000;

export class DialBook {
  private readonly byId = new Map<string, Dial>();
  private readonly byUuid = new Map<string, Dial>();
  private readonly byJob = new Map<string, Dial>();
  private readonly ended = new Set<string>();

  get size(): number {
    return this.byId.size;
  }

  values(): Dial[] {
    return [...this.byId.values()];
  }

  get(dialId: string): Dial | undefined {
    return this.byId.get(dialId);
  }

  byChannel(uuid: string): Dial | undefined {
    return this.byUuid.get(uuid);
  }

  byJobId(jobId: string): Dial | undefined {
    return this.byJob.get(jobId);
  }

  hasEnded(dialId: string): boolean {
    return this.ended.has(dialId);
  }

  add(dialId: string, jobId: string | null, uuid = channelUuidOf(dialId)): Dial {
    const d: Dial = { id: dialId, uuid, jobId, answered: false, progressed: false, amdSent: false, killed: false, lastAt: 0, errTimer: null };
    this.byId.set(d.id, d);
    this.byUuid.set(d.uuid, d);
    if (jobId) this.byJob.set(jobId, d);
    return d;
  }

  /** Forget a dial; `ended` remembers it so a straggling event cannot bring it back. */
  remove(d: Dial, ended: boolean): void {
    if (d.errTimer) clearTimeout(d.errTimer);
    d.errTimer = null;
    this.byId.delete(d.id);
    this.byUuid.delete(d.uuid);
    if (d.jobId) this.byJob.delete(d.jobId);
    if (!ended) return;
    this.ended.add(d.id);
    if (this.ended.size > ENDED_MEMORY) this.ended.delete(this.ended.values().next().value as string);
  }

  clearTimers(): void {
    for (const d of this.byId.values()) if (d.errTimer) clearTimeout(d.errTimer);
  }
}
