/** Collects an adapter's events per dial and folds them into RawFacts, as the engine would. */
import type { RawFacts } from '../../../src/domain/types.ts';
import type { EndFacts, PbxAdapter, PbxEvent, PbxLinkStatus } from '../../../src/pbx/port.ts';
import { until } from '../../helpers/until.ts';

export class Collector {
  readonly events = new Map<string, PbxEvent[]>();
  readonly statuses: PbxLinkStatus[] = [];
  readonly started = new Map<string, number>();

  constructor(adapter: PbxAdapter) {
    adapter.on((e) => {
      if (e.type === 'status') this.statuses.push(e.status);
      else this.of(e.dialId).push(e);
    });
  }

  of(dialId: string): PbxEvent[] {
    let l = this.events.get(dialId);
    if (!l) this.events.set(dialId, (l = []));
    return l;
  }

  ended(dialId: string): (PbxEvent & { type: 'ended' }) | undefined {
    return this.of(dialId).find((e): e is PbxEvent & { type: 'ended' } => e.type === 'ended');
  }

  endedCount(dialId: string): number {
    return this.of(dialId).filter((e) => e.type === 'ended').length;
  }

  async waitEnded(dialId: string, timeoutMs = 30_000): Promise<EndFacts> {
    await until(() => this.ended(dialId) !== undefined, `ended of ${dialId}`, timeoutMs);
    return this.ended(dialId)!.facts;
  }

  /** The engine's fold (src/engine/dial.ts rawFacts), on this dial's events. */
  raw(dialId: string, cancelledByUs = false): RawFacts {
    const ev = this.of(dialId);
    const end = this.ended(dialId);
    if (!end) throw new Error(`${dialId} has not ended`);
    const startedAt = this.started.get(dialId) ?? end.at;
    const answeredEv = ev.find((e) => e.type === 'answered');
    const amd = ev.find((e): e is PbxEvent & { type: 'amd' } => e.type === 'amd');
    const answeredAt = answeredEv?.at ?? end.facts.answeredAt;
    const answered = answeredAt !== null && !end.facts.originateFailed;
    return {
      answered,
      ringSeconds: ((answered ? answeredAt : end.at) - startedAt) / 1000,
      talkSeconds: answered ? (end.at - answeredAt) / 1000 : 0,
      q850: end.facts.q850,
      sip: end.facts.sip,
      causeName: end.facts.causeName,
      amdStatus: amd?.status ?? null,
      amdCause: amd?.cause ?? null,
      ringTimeoutHit: end.facts.ringTimeoutHit,
      cancelledByUs,
      originateFailed: end.facts.originateFailed,
      progress: end.facts.progress,
      farEndResponded: end.facts.farEndResponded,
    };
  }

  /** Event types in order, e.g. ['progress', 'answered', 'amd', 'ended']. */
  sequence(dialId: string): string[] {
    return this.of(dialId).map((e) => e.type);
  }
}
