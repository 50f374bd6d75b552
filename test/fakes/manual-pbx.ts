/**
 * A PbxAdapter whose every step is driven by the test: originates wait until the test accepts
 * or refuses them, and the test decides when (and in which order) answers, ends, duplicate
 * ends and link changes happen. Used to prove the engine's caps under any event order.
 */
import { DialerdError } from '../../src/lib/errors.ts';
import { emptyEndFacts, type DialRequest, type EndFacts, type PbxAdapter, type PbxEvent, type PbxLinkStatus, type PbxListener, type RecalledEnd } from '../../src/pbx/port.ts';

export interface PendingDial {
  req: DialRequest;
  accepted: boolean;
  ended: boolean;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class ManualPbx implements PbxAdapter {
  readonly name: string;
  private link: PbxLinkStatus = 'down';
  private readonly listeners = new Set<PbxListener>();
  readonly dials = new Map<string, PendingDial>();
  readonly originated: DialRequest[] = [];
  /** The PBX's memory of ends (port: recallEnds), kept until forgotten. */
  readonly remembered = new Map<string, RecalledEnd>();

  constructor(name = 'manual', private readonly now: () => number = () => 0) {
    this.name = name;
  }

  /** Like the sim: the link is local, so start() brings it straight up. */
  async start(): Promise<void> {
    this.setLink('up');
  }
  async stop(): Promise<void> {
    this.setLink('down');
  }
  status(): PbxLinkStatus {
    return this.link;
  }
  on(l: PbxListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  async liveDials(): Promise<string[]> {
    if (this.link !== 'up') throw new DialerdError('DIALERD_ERR_PBX_DOWN', this.name);
    return [...this.dials.values()].filter((d) => !d.ended).map((d) => d.req.dialId);
  }
  async recallEnds(dialIds: readonly string[]): Promise<Map<string, RecalledEnd>> {
    if (this.link !== 'up') throw new DialerdError('DIALERD_ERR_PBX_DOWN', this.name);
    return new Map(dialIds.flatMap((id) => (this.remembered.has(id) ? [[id, this.remembered.get(id)!] as const] : [])));
  }
  async forgetEnds(dialIds: readonly string[]): Promise<void> {
    if (this.link !== 'up') throw new DialerdError('DIALERD_ERR_PBX_DOWN', this.name);
    for (const id of dialIds) this.remembered.delete(id);
  }
  /** The port (src/pbx/port.ts): a live dialId resolves and sends nothing, an ended one is refused. */
  originate(req: DialRequest): Promise<void> {
    const known = this.dials.get(req.dialId);
    if (known && !known.ended) return Promise.resolve();
    if (this.link !== 'up') return Promise.reject(new DialerdError('DIALERD_ERR_PBX_DOWN', this.name));
    if (known) return Promise.reject(new DialerdError('DIALERD_ERR_ORIGINATE_REFUSED', `dial ${req.dialId} already ended`));
    this.originated.push(req);
    return new Promise((resolve, reject) => {
      this.dials.set(req.dialId, { req, accepted: false, ended: false, resolve, reject });
    });
  }
  /** The port: unknown or ended dialIds are ignored; a live one is refused while the link is down. */
  async hangup(dialId: string): Promise<void> {
    const d = this.dials.get(dialId);
    if (!d || d.ended) return;
    if (this.link !== 'up') throw new DialerdError('DIALERD_ERR_PBX_DOWN', this.name);
    this.end(dialId, { q850: 16, soft: true });
  }

  /** Channels the PBX has (or may have) right now. */
  liveCount(): number {
    return [...this.dials.values()].filter((d) => !d.ended).length;
  }
  liveNumbers(): string[] {
    return [...this.dials.values()].filter((d) => !d.ended).map((d) => d.req.number);
  }
  accept(dialId: string): void {
    const d = this.dials.get(dialId)!;
    d.accepted = true;
    d.resolve();
  }
  /** The PBX certainly did not create the call: no event follows. */
  refuse(dialId: string): void {
    const d = this.dials.get(dialId)!;
    d.ended = true;
    d.reject(new DialerdError('DIALERD_ERR_ORIGINATE_REFUSED', 'test'));
  }
  private readonly answeredAt = new Map<string, number>();
  answer(dialId: string): void {
    this.answeredAt.set(dialId, this.now());
    this.emit({ type: 'answered', dialId, at: this.now() });
  }
  end(dialId: string, f: Partial<EndFacts> = {}): void {
    const facts = this.endQuietly(dialId, f);
    this.emit({ type: 'ended', dialId, at: this.now(), facts });
  }
  /** The dial ends at the PBX and no event reaches the adapter (nobody listened): only the PBX's memory of ends has it. */
  endQuietly(dialId: string, f: Partial<EndFacts> = {}, amd: RecalledEnd['amd'] = null): EndFacts {
    const d = this.dials.get(dialId);
    if (d) d.ended = true;
    const facts = { ...emptyEndFacts(), ...f };
    this.remembered.set(dialId, { at: this.now(), facts: { ...facts, answeredAt: facts.answeredAt ?? this.answeredAt.get(dialId) ?? null }, amd });
    return facts;
  }
  setLink(s: PbxLinkStatus): void {
    if (s === this.link) return;
    this.link = s;
    this.emit({ type: 'status', status: s, reason: s === 'up' ? null : 'test', at: this.now() });
  }
  emit(e: PbxEvent): void {
    for (const l of this.listeners) l(e);
  }
}
