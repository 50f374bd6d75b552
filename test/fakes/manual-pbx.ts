/**
 * A PbxAdapter whose every step is driven by the test: originates wait until the test accepts
 * or refuses them, and the test decides when (and in which order) answers, ends, duplicate
 * ends and link changes happen. Used to prove the engine's caps under any event order.
 */
import { DialerdError } from '../../src/lib/errors.ts';
import { emptyEndFacts, type DialRequest, type EndFacts, type PbxAdapter, type PbxEvent, type PbxLinkStatus, type PbxListener } from '../../src/pbx/port.ts';

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
  answer(dialId: string): void {
    this.emit({ type: 'answered', dialId, at: this.now() });
  }
  end(dialId: string, f: Partial<EndFacts> = {}): void {
    const d = this.dials.get(dialId);
    if (d) d.ended = true;
    this.emit({ type: 'ended', dialId, at: this.now(), facts: { ...emptyEndFacts(), ...f } });
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
