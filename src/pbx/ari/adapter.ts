/**
 * The Asterisk adapter: ARI behind the PbxAdapter port (src/pbx/port.ts, whose guarantees hold).
 * Layers: connection.ts (events WebSocket, reconnect, status) → rest.ts / originate.ts (REST)
 * → dial-state.ts (ARI events → raw facts). This file wires them and keeps the dial table.
 *
 * A thin client on `ws` + node:http instead of npm ari-client: see src/pbx/ari/README.md.
 */
import type { Clock } from '../../domain/types.ts';
import { DialerdError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { DialRequest, PbxAdapter, PbxEvent, PbxLinkStatus, PbxListener, RecalledEnd } from '../port.ts';
import type { AriChannel, AriEvent } from './ari-types.ts';
import { eventChannel } from './ari-types.ts';
import { DEFAULT_BACKOFF } from '../../lib/backoff.ts';
import { createAriConnection } from './connection.ts';
import { adoptedDial, applyEvent, goneFacts, newDial, type DialState } from './dial-state.ts';
import { createEndMemory } from './end-memory.ts';
import { originate } from './originate.ts';
import { ariBaseUrl, AriTransportError, createAriRest, errorMessage } from './rest.ts';

export interface AriConfig {
  name: string;
  /** `http://host:8088` or `http://host:8088/ari`. */
  url: string;
  username: string;
  password: string;
  /** Stasis application name; also marks our channels (channel variable DIALERD_APP). */
  app: string;
}

export interface AriDeps {
  clock: Clock;
  logger: Logger;
  reconnect?: { baseMs: number; maxMs: number };
  /** Tuning for tests; production uses the defaults. */
  tuning?: { pingMs?: number; requestTimeoutMs?: number; maxSockets?: number; verifyAfterMs?: number; goneWithinMs?: number };
}

const RECENT_MAX = 10_000;
/** The event types dialerd reads (app event filter: subscribeAll would send every event of the switch). */
const EVENT_TYPES = ['ChannelStateChange', 'Dial', 'ChannelHangupRequest', 'ChannelDestroyed', 'ChannelUserevent'];

export function createAriAdapter(cfg: AriConfig, deps: AriDeps): PbxAdapter {
  const log = deps.logger.child({ pbx: cfg.name });
  const baseUrl = ariBaseUrl(cfg.url);
  const t = deps.tuning ?? {};
  const rest = createAriRest({ baseUrl, username: cfg.username, password: cfg.password, timeoutMs: t.requestTimeoutMs, maxSockets: t.maxSockets });
  const listeners = new Set<PbxListener>();
  const byChannel = new Map<string, DialState>();
  const byDial = new Map<string, DialState>();
  /** Channels that ended lately: a stale channel list must not resurrect them. */
  const recent = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  /** How many times the link went from up to down: a refusal followed by a drop was Asterisk going away. */
  let drops = 0;
  const dropWaiters = new Set<() => void>();

  const emit = (e: PbxEvent): void => {
    for (const l of listeners) {
      try {
        l(e);
      } catch (err) {
        log.error({ err }, 'PBX event listener threw');
      }
    }
  };

  function settle(d: DialState, e: PbxEvent & { type: 'ended' }): void {
    byChannel.delete(d.channelId);
    byDial.delete(d.dialId);
    recent.add(d.channelId);
    if (recent.size > RECENT_MAX) recent.delete(recent.values().next().value as string);
    emit(e);
  }

  const isOurs = (ch: AriChannel): boolean => byChannel.has(ch.id) || ch.channelvars?.DIALERD_APP === cfg.app;

  function adopt(ch: AriChannel): DialState | null {
    if (recent.has(ch.id)) return null;
    const d = adoptedDial(ch.channelvars?.DIALERD_DIAL || ch.id, ch.id, ch.state, deps.clock.now());
    byChannel.set(d.channelId, d);
    byDial.set(d.dialId, d);
    log.info({ dialId: d.dialId, channel: ch.id, state: ch.state }, 'adopted a live channel of ours');
    return d;
  }

  const memory = createEndMemory(rest, () => deps.clock.now(), (dialId) => log.warn({ dialId }, 'Asterisk remembered an end in an unknown format; ignored'));

  /** subscribeAll sends every event of the switch: keep to the types we read (best effort: we filter anyway). */
  async function narrowEvents(): Promise<void> {
    try {
      const r = await rest.call('PUT', `/applications/${encodeURIComponent(cfg.app)}/eventFilter`, { body: { allowed: EVENT_TYPES.map((type) => ({ type })) } });
      if (r.status >= 300) log.warn({ status: r.status, body: r.body }, 'ARI event filter refused');
    } catch (err) {
      log.warn({ err }, 'ARI event filter failed');
    }
  }

  function onEvent(e: AriEvent): void {
    const ch = eventChannel(e);
    if (!ch) return;
    let d = byChannel.get(ch.id);
    if (!d) {
      if (!isOurs(ch) || e.type === 'StasisEnd') return;
      d = adopt(ch) ?? undefined;
      if (!d) return;
    }
    for (const pe of applyEvent(d, e, deps.clock.now()).out) {
      if (pe.type === 'ended') settle(d, pe);
      else emit(pe);
    }
  }

  async function listOurs(): Promise<AriChannel[]> {
    const r = await rest.call('GET', '/channels');
    if (r.status !== 200 || !Array.isArray(r.body)) throw new DialerdError('DIALERD_ERR_PBX_DOWN', `${cfg.name}: GET /channels ${r.status}`);
    // Asterisk can list a channel twice while its snapshot is being replaced: one id, one channel.
    const byId = new Map((r.body as AriChannel[]).filter(isOurs).map((c) => [c.id, c]));
    return [...byId.values()];
  }

  /** Asterisk's memory of these dials' ends; none when it cannot be read (they end lost). */
  async function recallQuietly(dialIds: string[]): Promise<Map<string, RecalledEnd>> {
    if (dialIds.length === 0) return new Map();
    try {
      return await memory.recall(dialIds);
    } catch (err) {
      log.warn({ err, dials: dialIds.length }, 'could not read the memory of ends');
      return new Map();
    }
  }

  /** After every (re)connect: settle dials whose channels are gone (with the end Asterisk remembers), adopt ours we did not know. */
  async function reconcile(): Promise<void> {
    await narrowEvents();
    const live = await listOurs();
    const liveIds = new Set(live.map((c) => c.id));
    const gone = [...byChannel.values()].filter((d) => !d.pending && !liveIds.has(d.channelId));
    const remembered = await recallQuietly(gone.map((d) => d.dialId));
    for (const d of gone) {
      // an event may have settled it while the memory was read
      if (d.ended || byChannel.get(d.channelId) !== d) continue;
      const r = remembered.get(d.dialId);
      log.info({ dialId: d.dialId, remembered: r !== undefined }, 'channel gone while ARI was away; settling the dial');
      if (r) settleRecalled(d, r);
      else settle(d, { type: 'ended', dialId: d.dialId, at: deps.clock.now(), facts: goneFacts(d, 'channel gone (reconciled after reconnect)', false) });
    }
    for (const ch of live) if (!byChannel.has(ch.id)) adopt(ch);
  }

  /** An originate whose answer was lost: if Asterisk never reported the channel, it never existed. */
  function verifyLater(d: DialState): void {
    const timer = setTimeout(async () => {
      timers.delete(timer);
      if (d.ended || d.seen || byChannel.get(d.channelId) !== d) return;
      try {
        const r = await rest.call('GET', `/channels/${encodeURIComponent(d.channelId)}`);
        if (r.status !== 404 || d.seen || d.ended) return;
        // the hangup handler is pushed at channel creation: a channel that existed left its end
        const end = (await recallQuietly([d.dialId])).get(d.dialId);
        if (d.seen || d.ended || byChannel.get(d.channelId) !== d) return;
        if (end) settleRecalled(d, end);
        // Asterisk never answered our request (a timeout, a reset as it went away): the PBX's trouble, no trunk evidence
        else settle(d, { type: 'ended', dialId: d.dialId, at: deps.clock.now(), facts: { ...goneFacts(d, 'originate lost', true), pbxDown: true } });
      } catch {
        /* still unknown; the next reconciliation decides */
      }
    }, t.verifyAfterMs ?? 3000);
    timers.add(timer);
  }

  /** Settle from a remembered end; an AMD verdict the link missed goes first: answered (its remembered instant) → amd (port order). */
  function settleRecalled(d: DialState, r: RecalledEnd): void {
    const end = recalledEnd(d, r);
    if (r.amd && !d.amdDone && (d.answerEmitted || end.facts.answeredAt !== null)) {
      if (!d.answerEmitted) {
        d.answerEmitted = true;
        emit({ type: 'answered', dialId: d.dialId, at: Math.max(d.lastAt, end.facts.answeredAt!) });
      }
      d.amdDone = true;
      emit({ type: 'amd', dialId: d.dialId, at: end.at, status: r.amd.status, cause: r.amd.cause });
    }
    settle(d, end);
  }

  /** A remembered end as this dial's `ended`: never before what we already said of it. */
  function recalledEnd(d: DialState, r: RecalledEnd): PbxEvent & { type: 'ended' } {
    const at = Math.max(r.at, d.lastAt);
    const answeredAt = d.answerEmitted ? null : r.facts.answeredAt === null ? d.answeredAt : Math.min(at, Math.max(d.startedAt, r.facts.answeredAt));
    return { type: 'ended', dialId: d.dialId, at, facts: { ...r.facts, soft: d.hungUpByUs, answeredAt } };
  }

  const conn = createAriConnection({
    baseUrl,
    username: cfg.username,
    password: cfg.password,
    app: cfg.app,
    policy: { ...DEFAULT_BACKOFF, ...deps.reconnect },
    logger: log,
    pingMs: t.pingMs,
    onOpen: reconcile,
    onEvent,
    onStatus: (status: PbxLinkStatus, reason) => {
      if (status !== 'up') {
        drops++;
        for (const w of dropWaiters) w();
      }
      emit({ type: 'status', status, reason, at: deps.clock.now() });
    },
  });

  /** True if the link dropped since `since` (drops then), waiting up to goneWithinMs for it. */
  function droppedSince(since: number): Promise<boolean> {
    if (drops !== since || conn.status() !== 'up') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        dropWaiters.delete(done);
        resolve(drops !== since);
      };
      const timer = setTimeout(done, t.goneWithinMs ?? 2000);
      timers.add(timer);
      dropWaiters.add(done);
    });
  }

  const requireUp = (): void => {
    // the port's contract: any link other than `up` is DIALERD_ERR_PBX_DOWN (the status tells why)
    const st = conn.status();
    if (st !== 'up') throw new DialerdError('DIALERD_ERR_PBX_DOWN', st === 'auth_failed' ? `${cfg.name} (credentials refused)` : cfg.name);
  };

  return {
    name: cfg.name,
    async start() {
      conn.start();
    },
    async stop() {
      for (const w of dropWaiters) w(); // an originate waiting to judge a refusal: a refusal
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await conn.stop();
      rest.close();
    },
    status: () => conn.status(),
    async originate(req: DialRequest) {
      // The port: a live dialId resolves without a second POST (Asterisk has that call).
      if (byDial.has(req.dialId)) return;
      requireUp();
      // Its channel id is free again in Asterisk once it ended: without this a repeat would call again.
      if (recent.has(req.dialId)) throw new DialerdError('DIALERD_ERR_ORIGINATE_REFUSED', `dial ${req.dialId} already ended`);
      let current: DialState | null = null;
      const since = drops;
      const outcome = await originate(req, {
        rest,
        app: cfg.app,
        claim: (channelId) => {
          current = newDial(req, channelId, deps.clock.now());
          byChannel.set(channelId, current);
          byDial.set(req.dialId, current);
        },
        release: (channelId) => {
          byChannel.delete(channelId);
          byDial.delete(req.dialId);
        },
        onUnknownParams: (names) => log.warn({ names }, 'unknown AMD parameters ignored'),
        goingAway: () => droppedSince(since),
      });
      const d = current as DialState | null;
      if (!d) return;
      d.pending = false;
      if (outcome.kind === 'unknown') {
        log.warn({ dialId: req.dialId, reason: outcome.reason }, 'originate outcome unknown; verifying');
        verifyLater(d);
      }
    },
    async hangup(dialId: string) {
      const d = byDial.get(dialId);
      if (!d) return;
      requireUp();
      // Set before the request: the channel's events may beat the response.
      const before = d.hungUpByUs;
      d.hungUpByUs = true;
      let r;
      try {
        r = await rest.call('DELETE', `/channels/${encodeURIComponent(d.channelId)}`, { query: { reason: 'normal' } });
      } catch (err) {
        // Never sent: the dial goes on as if we had not asked (a timeout may have reached Asterisk).
        if (err instanceof AriTransportError && err.notSent) d.hungUpByUs = before;
        throw err;
      }
      if (r.status >= 300 && r.status !== 404) {
        d.hungUpByUs = before;
        throw new DialerdError('DIALERD_ERR_HANGUP_FAILED', `${dialId}: ${errorMessage(r)}`);
      }
    },
    async liveDials() {
      requireUp();
      return (await listOurs()).map((ch) => byChannel.get(ch.id)?.dialId ?? ch.channelvars?.DIALERD_DIAL ?? ch.id);
    },
    async recallEnds(dialIds: readonly string[]) {
      requireUp();
      const live = new Set(byDial.keys());
      // a dial still live here has no end to remember yet
      return memory.recall(dialIds.filter((id) => !live.has(id)));
    },
    async forgetEnds(dialIds: readonly string[]) {
      requireUp();
      await memory.forget(dialIds);
    },
    on(listener: PbxListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
