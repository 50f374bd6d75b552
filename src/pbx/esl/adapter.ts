/**
 * FreeSWITCH behind the PbxAdapter port (see ../port.ts for the guarantees kept here).
 * Layers: connection.ts (link) → protocol.ts (commands, events) → mapping.ts (raw facts).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../domain/types.ts';
import { DialerdError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { emptyEndFacts, type DialRequest, type EndFacts, type PbxAdapter, type PbxEvent, type PbxListener, type RecalledEnd } from '../port.ts';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../../lib/backoff.ts';
import { EslConnection, EslLinkError } from './connection.ts';
import { DialBook, type Dial } from './dials.ts';
import { amdOf, answeredAtOf, factsFromHangup, factsFromJobError } from './mapping.ts';
import { memoryVar, parseMicroEpoch, parseStoredEnd } from './memory.ts';
import { channelUuidOf, originateCommand } from './originate.ts';
import { errCause, parseChannelUuids, readReply, SUBSCRIPTION, type EslEvent, type Reply } from './protocol.ts';

export interface EslAdapterConfig {
  name: string;
  host: string;
  port: number;
  password: string;
}

export interface EslAdapterDeps {
  clock: Clock;
  logger: Logger;
  reconnect?: BackoffPolicy;
  /** Default 60 000 (three missed FreeSWITCH heartbeats). */
  heartbeatTimeoutMs?: number;
  /** Default 10 000. */
  commandTimeoutMs?: number;
  /** How long a BACKGROUND_JOB `-ERR` waits for its channel's hangup event before ending the dial alone. Default 1 500. */
  jobErrorGraceMs?: number;
}

/** Memories read (or forgotten) per pipelined round of api commands. */
const MEMORY_BATCH = 100;

const CHANNEL_EVENTS = new Set(['CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_ANSWER', 'CHANNEL_HANGUP_COMPLETE', 'CUSTOM']);

export function createEslAdapter(cfg: EslAdapterConfig, deps: EslAdapterDeps): PbxAdapter {
  const log = deps.logger;
  const listeners = new Set<PbxListener>();
  const dials = new DialBook();
  /** Channels known not to be ours (no dialerd_dial variable). */
  const foreign = new Set<string>();
  const graceMs = deps.jobErrorGraceMs ?? 1500;
  /** FreeSWITCH sent SHUTDOWN on this connection: what it refuses from now on is its going away. */
  let shuttingDown = false;

  const emit = (e: PbxEvent): void => {
    for (const l of [...listeners]) {
      try {
        l(e);
      } catch (err) {
        log.error({ pbx: cfg.name, err }, 'esl: listener threw');
      }
    }
  };

  /** `at`: a remembered end's instant, set back from FreeSWITCH's clock; never before the dial's last event. */
  const finish = (d: Dial, facts: EndFacts, at = deps.clock.now()): void => {
    dials.remove(d, true);
    emit({ type: 'ended', dialId: d.id, at: Math.max(at, d.lastAt), facts });
  };

  const emitAnswered = (d: Dial): void => {
    if (d.answered) return;
    d.answered = true;
    emit({ type: 'answered', dialId: d.id, at: (d.lastAt = deps.clock.now()) });
  };

  const emitAmd = (d: Dial, ev: EslEvent): void => {
    const amd = amdOf(ev);
    if (!amd || d.amdSent) return;
    emitAnswered(d);
    d.amdSent = true;
    emit({ type: 'amd', dialId: d.id, at: (d.lastAt = deps.clock.now()), status: amd.status, cause: amd.cause });
  };

  /** A remembered AMD verdict the link missed: answered (at its remembered instant) → amd, before the end (port order). */
  const recalledAmd = (d: Dial, end: RecalledEnd): void => {
    if (!end.amd || d.amdSent || end.facts.answeredAt === null) return;
    if (!d.answered) {
      d.answered = true;
      emit({ type: 'answered', dialId: d.id, at: (d.lastAt = Math.max(d.lastAt, end.facts.answeredAt)) });
    }
    d.amdSent = true;
    emit({ type: 'amd', dialId: d.id, at: (d.lastAt = Math.max(d.lastAt, end.at)), status: end.amd.status, cause: end.amd.cause });
  };

  /** Ours by channel uuid, or by the dialerd_dial variable (a dial a previous run of the daemon made). */
  const dialOf = (ev: EslEvent): Dial | undefined => {
    const uuid = ev['Unique-ID'] ?? '';
    const known = dials.byChannel(uuid);
    if (known) return known;
    const id = ev['variable_dialerd_dial'];
    if (!id || !uuid || dials.hasEnded(id) || !CHANNEL_EVENTS.has(ev['Event-Name'] ?? '')) return undefined;
    return dials.get(id) ?? dials.add(id, null, uuid);
  };

  const onJob = (ev: EslEvent): void => {
    const d = dials.byJobId(ev['Job-UUID'] ?? '');
    const body = (ev['_body'] ?? '').trim();
    if (!d || !body.startsWith('-') || d.errTimer) return;
    // The hangup event may still be on its way (either order is legal): give it a moment.
    d.errTimer = setTimeout(() => {
      const facts = factsFromJobError(errCause(body), body, d.progressed || d.answered);
      finish(d, shuttingDown && facts.originateFailed ? { ...facts, pbxDown: true } : facts);
    }, graceMs);
  };

  const onEvent = (ev: EslEvent): void => {
    const name = ev['Event-Name'];
    if (name === 'BACKGROUND_JOB') return onJob(ev);
    if (name === 'SHUTDOWN') {
      shuttingDown = true;
      return conn.goingAway('FreeSWITCH is shutting down');
    }
    const d = dialOf(ev);
    if (!d) return;
    switch (name) {
      case 'CHANNEL_PROGRESS':
      case 'CHANNEL_PROGRESS_MEDIA':
        d.progressed = true;
        if (!d.answered) emit({ type: 'progress', dialId: d.id, at: (d.lastAt = deps.clock.now()) });
        return;
      case 'CHANNEL_ANSWER':
        return emitAnswered(d);
      case 'CUSTOM':
        return emitAmd(d, ev);
      case 'CHANNEL_HANGUP_COMPLETE':
        if (d.answered || answeredAtOf(ev) !== null) emitAmd(d, ev);
        return finish(d, factsFromHangup(ev, d.killed, deps.clock.now(), d.progressed));
    }
  };

  const conn = new EslConnection(
    {
      name: cfg.name,
      host: cfg.host,
      port: cfg.port,
      password: cfg.password,
      subscription: SUBSCRIPTION,
      reconnect: deps.reconnect ?? DEFAULT_BACKOFF,
      heartbeatTimeoutMs: deps.heartbeatTimeoutMs ?? 60_000,
      commandTimeoutMs: deps.commandTimeoutMs ?? 10_000,
      logger: log,
    },
    {
      status: (status, reason) => emit({ type: 'status', status, reason, at: deps.clock.now() }),
      event: onEvent,
      up: () => {
        shuttingDown = false;
        void reconcile();
      },
    },
  );

  const requireUp = (): void => {
    if (conn.status !== 'up') throw new DialerdError('DIALERD_ERR_PBX_DOWN', cfg.name);
  };

  /** One api command; the reply may be a -ERR (callers decide what that means). */
  const api = async (command: string): Promise<Reply> => {
    requireUp();
    return readReply(await conn.send(`api ${command}`));
  };

  const channelUuids = async (): Promise<string[]> => {
    const r = await api('show channels as json');
    if (!r.ok) throw new DialerdError('DIALERD_ERR_PBX_COMMAND', `show channels: ${r.text}`);
    return parseChannelUuids(r.text);
  };

  /**
   * Whether FreeSWITCH has this channel now. `show channels` cannot tell for our own dials: it
   * reads the core database, written ~200 ms behind the channel events (a new channel is not
   * listed yet, an ended one still is); uuid_exists reads the session table.
   */
  const channelExists = async (uuid: string): Promise<boolean> => (await api(`uuid_exists ${uuid}`)).text === 'true';

  /**
   * The ends FreeSWITCH remembers for these dials (memory.ts), mapped like the hangup event they
   * stand for. One pipelined round per batch: the getvars, then `strmicroepoch`, whose reply sets
   * FreeSWITCH's instants back from our clock's now.
   */
  const recall = async (ids: readonly string[], soft: (id: string) => boolean): Promise<Map<string, RecalledEnd>> => {
    const out = new Map<string, RecalledEnd>();
    const wanted = [...new Set(ids)];
    for (let i = 0; i < wanted.length; i += MEMORY_BATCH) {
      const batch = wanted.slice(i, i + MEMORY_BATCH);
      const reads = batch.map((id) => api(`global_getvar ${memoryVar(channelUuidOf(id))}`));
      const clock = api('strmicroepoch').then((r) => ({ fsNowUs: parseMicroEpoch(r.text), now: deps.clock.now() }));
      const [replies, { fsNowUs, now }] = await Promise.all([Promise.all(reads), clock]);
      if (fsNowUs === null) throw new DialerdError('DIALERD_ERR_PBX_COMMAND', 'strmicroepoch: not a number');
      for (const [j, id] of batch.entries()) {
        const stored = replies[j]!.ok ? parseStoredEnd(replies[j]!.text) : null;
        if (!stored) continue;
        const at = now - Math.max(0, Math.floor((fsNowUs - stored.endUs) / 1000));
        out.set(id, { at, facts: factsFromHangup(stored.event, soft(id), at), amd: amdOf(stored.event) });
      }
    }
    return out;
  };

  /**
   * After a reconnect: a dial whose channel is gone ended while we could not hear it; settled
   * with the end FreeSWITCH remembers, `outcomeLost` only when it remembers none.
   */
  const reconcile = async (): Promise<void> => {
    // Only dials from before the reconnect: one originated meanwhile may not have its channel yet.
    const before = dials.values().filter((d) => !d.errTimer);
    if (before.length === 0) return;
    let gone: Dial[];
    let remembered: Map<string, RecalledEnd>;
    try {
      const exists = await Promise.all(before.map((d) => channelExists(d.uuid)));
      gone = before.filter((_, i) => !exists[i]);
      remembered = gone.length > 0 ? await recall(gone.map((d) => d.id), (id) => dials.get(id)?.killed ?? false) : new Map();
    } catch (err) {
      log.warn({ pbx: cfg.name, err }, 'esl: reconciliation deferred');
      return;
    }
    for (const d of gone) {
      if (dials.get(d.id) !== d) continue;
      const end = remembered.get(d.id);
      if (end) {
        recalledAmd(d, end);
        finish(d, end.facts, end.at);
        continue;
      }
      log.warn({ pbx: cfg.name, dialId: d.id }, 'esl: channel gone while the link was down and FreeSWITCH remembers no end; its outcome is lost');
      finish(d, { ...emptyEndFacts(), outcomeLost: true, causeText: 'outcome lost: channel gone while the ESL link was down', soft: d.killed });
    }
  };

  return {
    name: cfg.name,
    async start() {
      conn.start();
    },
    async stop() {
      conn.stop();
      dials.clearTimers();
    },
    status: () => conn.status,
    async originate(req: DialRequest) {
      // Never originate a dial twice: in flight → resolves, its events follow; ended → refused.
      if (dials.get(req.dialId)) return;
      requireUp();
      if (dials.hasEnded(req.dialId)) throw new DialerdError('DIALERD_ERR_ORIGINATE_REFUSED', `dial ${req.dialId} already ended`);
      const d = dials.add(req.dialId, randomUUID());
      let reply;
      try {
        reply = readReply(await conn.send(`bgapi ${originateCommand(req)}`, { 'Job-UUID': d.jobId! }));
      } catch (err) {
        if (err instanceof EslLinkError && err.written) return; // may exist: reconciliation decides
        dials.remove(d, false);
        throw err;
      }
      if (!reply.ok) {
        dials.remove(d, false);
        throw new DialerdError('DIALERD_ERR_ORIGINATE_REFUSED', reply.text);
      }
    },
    async hangup(dialId: string) {
      const d = dials.get(dialId);
      if (!d) return;
      requireUp();
      // Set before the command: the hangup event may beat the reply.
      const before = d.killed;
      d.killed = true;
      let r;
      try {
        // Marks the channel first (the same pipeline): its end, and FreeSWITCH's memory of it, say we asked.
        [, r] = await Promise.all([api(`uuid_setvar ${d.uuid} dialerd_hangup true`), api(`uuid_kill ${d.uuid}`)]);
      } catch (err) {
        if (!(err instanceof EslLinkError && err.written)) d.killed = before;
        throw err;
      }
      // -ERR No such channel: it is ending anyway; its hangup event (or reconciliation) settles it.
      if (!r.ok) log.debug({ pbx: cfg.name, dialId, reply: r.text }, 'esl: uuid_kill refused');
    },
    /**
     * Our dials FreeSWITCH has now: the dials we track whose channel exists, `expected` dials whose
     * channel exists (uuid_exists: not yet in `show channels` ~200 ms after their originate), plus
     * listed channels carrying `dialerd_dial` (asked once per unknown channel with uuid_getvar);
     * those not tracked yet are adopted so their events flow.
     */
    async liveDials(expected: readonly string[] = []) {
      const unknown = [...new Set(expected)].filter((id) => !dials.get(id) && !dials.hasEnded(id));
      const found = await Promise.all(unknown.map((id) => channelExists(channelUuidOf(id))));
      for (const [i, id] of unknown.entries()) if (found[i] && !dials.get(id)) dials.add(id, null);
      const mine = dials.values();
      const exists = await Promise.all(mine.map((d) => channelExists(d.uuid)));
      const out = mine.filter((_, i) => exists[i]).map((d) => d.id);
      for (const uuid of await channelUuids()) {
        if (dials.byChannel(uuid) || foreign.has(uuid)) continue;
        const r = await api(`uuid_getvar ${uuid} dialerd_dial`);
        const id = r.text;
        if (!r.ok || id === '' || id === '_undef_' || dials.hasEnded(id)) {
          if (foreign.size > 10_000) foreign.clear();
          foreign.add(uuid);
          continue;
        }
        out.push((dials.get(id) ?? dials.add(id, null, uuid)).id);
      }
      return out;
    },
    /** Ends of dials this adapter does not hold live; see memory.ts. */
    async recallEnds(dialIds: readonly string[]) {
      requireUp();
      return recall(dialIds.filter((id) => !dials.get(id)), () => false);
    },
    async forgetEnds(dialIds: readonly string[]) {
      requireUp();
      const ids = [...new Set(dialIds)];
      for (let i = 0; i < ids.length; i += MEMORY_BATCH) {
        await Promise.all(ids.slice(i, i + MEMORY_BATCH).map((id) => api(`global_setvar ${memoryVar(channelUuidOf(id))}=`)));
      }
    },
    on(listener: PbxListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
