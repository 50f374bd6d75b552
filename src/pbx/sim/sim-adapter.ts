/**
 * The simulated PBX: a PbxAdapter that plays scripted or randomly drawn outcomes on a
 * Scheduler (the real clock for `run` and the demo, a virtual one for `simulate`), emitting
 * the same raw facts a real PBX reports. Used by the demo, `simulate`, tests and benchmarks.
 */
import type { Scheduler, Timer } from '../../lib/clock.ts';
import { DialerdError } from '../../lib/errors.ts';
import { emptyEndFacts, type DialRequest, type PbxAdapter, type PbxEvent, type PbxLinkStatus, type PbxListener, type RecalledEnd } from '../port.ts';
import { DEFAULT_OUTCOMES, type OutcomeForm, type Outcomes } from './outcomes.ts';
import { mulberry32 } from '../../lib/prng.ts';
import { playback, type Playback } from './script.ts';

export interface SimOptions {
  name: string;
  scheduler: Scheduler;
  outcomes?: Outcomes;
  seed?: number;
  /** Delay before the PBX accepts an originate (ms). */
  originateLatencyMs?: number;
}

const ENDED_MEMORY = 10_000;
/** A forgotten end: the dialId is still known (never originated again), its facts are not. */
const FORGOTTEN: RecalledEnd = { at: -1, facts: emptyEndFacts(), amd: null };

interface LiveSim {
  req: DialRequest;
  startedAt: number;
  answeredAt: number | null;
  amd: RecalledEnd['amd'];
  timers: Timer[];
  p: Playback;
}

export class SimPbx implements PbxAdapter {
  readonly name: string;
  private link: PbxLinkStatus = 'down';
  private readonly listeners = new Set<PbxListener>();
  private readonly live = new Map<string, LiveSim>();
  private readonly used = new Map<string, number>();
  /** Recently ended dials and how they ended: "a dial is never originated twice" holds after its
   * end too, and the port's memory of ends (recallEnds) reads them. Bounded, oldest dropped. */
  private readonly ended = new Map<string, RecalledEnd>();
  private readonly rnd: () => number;
  private readonly outcomes: Outcomes;
  /** Every originate ever accepted, for tests ("never dialed twice"). */
  readonly originated: DialRequest[] = [];

  constructor(private readonly opts: SimOptions) {
    this.name = opts.name;
    this.outcomes = opts.outcomes ?? DEFAULT_OUTCOMES;
    this.rnd = mulberry32(opts.seed ?? 1);
  }

  async start(): Promise<void> {
    this.setLink('up', null);
  }

  async stop(): Promise<void> {
    this.setLink('down', 'stopped');
  }

  status(): PbxLinkStatus {
    return this.link;
  }

  /** Tests: take the link down or up (live calls go on, as on a real PBX). */
  setLink(status: PbxLinkStatus, reason: string | null): void {
    if (status === this.link) return;
    this.link = status;
    this.emit({ type: 'status', status, reason, at: this.opts.scheduler.now() });
  }

  on(listener: PbxListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async liveDials(): Promise<string[]> {
    if (this.link !== 'up') throw new DialerdError('DIALERD_ERR_PBX_DOWN', this.name);
    return [...this.live.keys()];
  }

  async recallEnds(dialIds: readonly string[]): Promise<Map<string, RecalledEnd>> {
    if (this.link !== 'up') throw new DialerdError('DIALERD_ERR_PBX_DOWN', this.name);
    const out = new Map<string, RecalledEnd>();
    for (const id of dialIds) {
      const e = this.ended.get(id);
      if (e && e !== FORGOTTEN) out.set(id, e);
    }
    return out;
  }

  /** Forgets the facts only: the dialId stays known, so it is still never originated again. */
  async forgetEnds(dialIds: readonly string[]): Promise<void> {
    if (this.link !== 'up') throw new DialerdError('DIALERD_ERR_PBX_DOWN', this.name);
    for (const id of dialIds) if (this.ended.has(id)) this.ended.set(id, FORGOTTEN);
  }

  async originate(req: DialRequest): Promise<void> {
    // The port: a live dialId resolves without a second call; its events go on.
    if (this.live.has(req.dialId)) return;
    if (this.link !== 'up') throw new DialerdError('DIALERD_ERR_PBX_DOWN', this.name);
    if (this.ended.has(req.dialId)) throw new DialerdError('DIALERD_ERR_ORIGINATE_REFUSED', `dial ${req.dialId} already ended`);
    const p = playback(this.nextForm(req.number), this.rnd, req.amd.enabled);
    if (p.refuse) throw new DialerdError('DIALERD_ERR_ORIGINATE_REFUSED', `simulated refusal for ${req.number}`);
    if (this.opts.originateLatencyMs) await new Promise<void>((r) => this.opts.scheduler.at(this.opts.scheduler.now() + this.opts.originateLatencyMs!, r));
    this.originated.push(req);
    this.play(req, p);
  }

  async hangup(dialId: string): Promise<void> {
    const d = this.live.get(dialId);
    if (!d) return;
    if (this.link !== 'up') throw new DialerdError('DIALERD_ERR_PBX_DOWN', this.name);
    const now = this.opts.scheduler.now();
    this.end(dialId, { q850: 16, sip: d.answeredAt === null ? 487 : null, soft: true }, now);
  }

  /** Tests: the far end hangs up now (works while the link is down, as on a real PBX). */
  farEndHangup(dialId: string): void {
    this.end(dialId, { q850: 16, sip: null }, this.opts.scheduler.now());
  }

  private nextForm(number: string): OutcomeForm {
    const list = this.outcomes.numbers.get(number);
    if (list && list.length > 0) {
      const i = this.used.get(number) ?? 0;
      this.used.set(number, i + 1);
      return list[Math.min(i, list.length - 1)]!;
    }
    const mix = this.outcomes.defaultMix;
    const total = mix.reduce((s, m) => s + m.weight, 0);
    let x = this.rnd() * total;
    for (const m of mix) if ((x -= m.weight) < 0) return m.form;
    return mix[mix.length - 1]!.form;
  }

  private play(req: DialRequest, p: Playback): void {
    const s = this.opts.scheduler;
    const t0 = s.now();
    const d: LiveSim = { req, startedAt: t0, answeredAt: null, amd: null, timers: [], p };
    this.live.set(req.dialId, d);
    const later = (sec: number, fn: () => void): void => void d.timers.push(s.at(t0 + Math.round(sec * 1000), fn));
    const timeout = req.ringTimeoutSeconds;
    later(Math.min(0.1, p.ringSeconds, timeout), () => this.emit({ type: 'progress', dialId: req.dialId, at: s.now() }));
    if (p.ringsOut || p.ringSeconds >= timeout) {
      // Rings out: Asterisk reports a ring timeout only as ChannelDestroyed 19/480.
      later(timeout, () => this.end(req.dialId, { q850: 19, sip: 480, ringTimeoutHit: true }, s.now()));
      return;
    }
    if (!p.answered) {
      later(p.ringSeconds, () => this.end(req.dialId, { q850: p.q850, sip: p.sip }, s.now()));
      return;
    }
    later(p.ringSeconds, () => {
      d.answeredAt = s.now();
      this.emit({ type: 'answered', dialId: req.dialId, at: d.answeredAt });
    });
    if (p.amd) {
      const amd = p.amd;
      later(p.ringSeconds + amd.afterSeconds, () => {
        d.amd = { status: amd.status, cause: amd.cause };
        this.emit({ type: 'amd', dialId: req.dialId, at: s.now(), status: amd.status, cause: amd.cause });
      });
    }
    // A remote BYE without a Reason header: Asterisk reports cause 0.
    later(p.ringSeconds + p.talkSeconds, () => this.end(req.dialId, { q850: 0, sip: null }, s.now()));
  }

  private end(dialId: string, f: { q850: number | null; sip: number | null; soft?: boolean; ringTimeoutHit?: boolean }, at: number): void {
    const d = this.live.get(dialId);
    if (!d) return;
    this.live.delete(dialId);
    const facts = { ...emptyEndFacts(), q850: f.q850, sip: f.sip, soft: f.soft ?? false, ringTimeoutHit: f.ringTimeoutHit ?? false };
    this.ended.set(dialId, { at, facts: { ...facts, answeredAt: d.answeredAt }, amd: d.amd });
    if (this.ended.size > ENDED_MEMORY) this.ended.delete(this.ended.keys().next().value as string);
    for (const t of d.timers) t.cancel();
    this.emit({ type: 'ended', dialId, at, facts });
  }

  private emit(e: PbxEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A listener's bug must not stop the PBX's event flow.
      }
    }
  }
}
