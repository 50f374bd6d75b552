/**
 * FreeSWITCH behind the PbxAdapter port (see ../port.ts for the guarantees kept here).
 * Layers: connection.ts (link) → protocol.ts (commands, events) → mapping.ts (raw facts).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../domain/types.ts';
import { DialerdError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { emptyEndFacts, type DialRequest, type EndFacts, type PbxAdapter, type PbxEvent, type PbxListener } from '../port.ts';
import { DEFAULT_RECONNECT, type ReconnectPolicy } from './backoff.ts';
import { EslConnection, EslLinkError } from './connection.ts';
import { amdOf, answeredAtOf, factsFromHangup, factsFromJobError } from './mapping.ts';
import { originateCommand } from './originate.ts';
import { errCause, parseChannelUuids, readReply, SUBSCRIPTION, type EslEvent } from './protocol.ts';

export interface EslAdapterConfig {
  name: string;
  host: string;
  port: number;
  password: string;
}

export interface EslAdapterDeps {
  clock: Clock;
  logger: Logger;
  reconnect?: ReconnectPolicy;
  /** Default 60 000 (three missed FreeSWITCH heartbeats). */
  heartbeatTimeoutMs?: number;
  /** Default 10 000. */
  commandTimeoutMs?: number;
  /** How long a BACKGROUND_JOB `-ERR` waits for its channel's hangup event before ending the dial alone. Default 1 500. */
  jobErrorGraceMs?: number;
}

interface Dial {
  id: string;
  jobId: string;
  answered: boolean;
  amdSent: boolean;
  killed: boolean;
  errTimer: NodeJS.Timeout | null;
}

export function createEslAdapter(cfg: EslAdapterConfig, deps: EslAdapterDeps): PbxAdapter {
  const log = deps.logger;
  const listeners = new Set<PbxListener>();
  const dials = new Map<string, Dial>();
  const jobs = new Map<string, string>();
  const graceMs = deps.jobErrorGraceMs ?? 1500;

  const emit = (e: PbxEvent): void => {
    for (const l of [...listeners]) {
      try {
        l(e);
      } catch (err) {
        log.error({ pbx: cfg.name, err }, 'esl: listener threw');
      }
    }
  };

  const finish = (d: Dial, facts: EndFacts): void => {
    if (d.errTimer) clearTimeout(d.errTimer);
    dials.delete(d.id);
    jobs.delete(d.jobId);
    emit({ type: 'ended', dialId: d.id, at: deps.clock.now(), facts });
  };

  const emitAnswered = (d: Dial): void => {
    if (d.answered) return;
    d.answered = true;
    emit({ type: 'answered', dialId: d.id, at: deps.clock.now() });
  };

  const emitAmd = (d: Dial, ev: EslEvent): void => {
    const amd = amdOf(ev);
    if (!amd || d.amdSent) return;
    emitAnswered(d);
    d.amdSent = true;
    emit({ type: 'amd', dialId: d.id, at: deps.clock.now(), status: amd.status, cause: amd.cause });
  };

  const dialOf = (ev: EslEvent): Dial | undefined => {
    const uuid = ev['Unique-ID'];
    return (uuid ? dials.get(uuid) : undefined) ?? dials.get(ev['variable_dialerd_dial'] ?? '');
  };

  const onJob = (ev: EslEvent): void => {
    const dialId = jobs.get(ev['Job-UUID'] ?? '');
    if (!dialId) return;
    jobs.delete(ev['Job-UUID'] ?? '');
    const d = dials.get(dialId);
    const body = (ev['_body'] ?? '').trim();
    if (!d || !body.startsWith('-')) return;
    // The hangup event may still be on its way (either order is legal): give it a moment.
    d.errTimer = setTimeout(() => finish(d, factsFromJobError(errCause(body), body)), graceMs);
  };

  const onEvent = (ev: EslEvent): void => {
    const name = ev['Event-Name'];
    if (name === 'BACKGROUND_JOB') return onJob(ev);
    const d = dialOf(ev);
    if (!d) return;
    switch (name) {
      case 'CHANNEL_PROGRESS':
      case 'CHANNEL_PROGRESS_MEDIA':
        if (!d.answered) emit({ type: 'progress', dialId: d.id, at: deps.clock.now() });
        return;
      case 'CHANNEL_ANSWER':
        return emitAnswered(d);
      case 'CUSTOM':
        return emitAmd(d, ev);
      case 'CHANNEL_HANGUP_COMPLETE':
        if (d.answered || answeredAtOf(ev) !== null) emitAmd(d, ev);
        return finish(d, factsFromHangup(ev, d.killed));
    }
  };

  /** After a reconnect: a dial whose channel is gone ended while we could not hear it. */
  const reconcile = async (): Promise<void> => {
    if (dials.size === 0) return;
    let live: Set<string>;
    try {
      live = new Set(await liveUuids());
    } catch (err) {
      log.warn({ pbx: cfg.name, err: (err as Error).message }, 'esl: reconciliation deferred');
      return;
    }
    for (const d of [...dials.values()]) {
      if (live.has(d.id) || d.errTimer) continue;
      log.warn({ pbx: cfg.name, dialId: d.id }, 'esl: channel gone while the link was down');
      finish(d, { ...emptyEndFacts(), causeText: 'channel gone while the ESL link was down', soft: d.killed });
    }
  };

  const conn = new EslConnection(
    {
      name: cfg.name,
      host: cfg.host,
      port: cfg.port,
      password: cfg.password,
      subscription: SUBSCRIPTION,
      reconnect: deps.reconnect ?? DEFAULT_RECONNECT,
      heartbeatTimeoutMs: deps.heartbeatTimeoutMs ?? 60_000,
      commandTimeoutMs: deps.commandTimeoutMs ?? 10_000,
      logger: log,
    },
    {
      status: (status, reason) => emit({ type: 'status', status, reason, at: deps.clock.now() }),
      event: onEvent,
      up: () => void reconcile(),
    },
  );

  const requireUp = (): void => {
    if (conn.status !== 'up') throw new DialerdError('DIALERD_ERR_PBX_DOWN', cfg.name);
  };

  async function liveUuids(): Promise<string[]> {
    requireUp();
    const reply = readReply(await conn.send('api show channels as json'));
    if (!reply.ok) throw new DialerdError('DIALERD_ERR_PBX_TIMEOUT', `show channels: ${reply.text}`);
    return parseChannelUuids(reply.text);
  }

  return {
    name: cfg.name,
    async start() {
      conn.start();
    },
    async stop() {
      conn.stop();
      for (const d of dials.values()) if (d.errTimer) clearTimeout(d.errTimer);
    },
    status: () => conn.status,
    async originate(req: DialRequest) {
      requireUp();
      if (dials.has(req.dialId)) return; // already ours: never originate twice
      const d: Dial = { id: req.dialId, jobId: randomUUID(), answered: false, amdSent: false, killed: false, errTimer: null };
      dials.set(d.id, d);
      jobs.set(d.jobId, d.id);
      let reply;
      try {
        reply = readReply(await conn.send(`bgapi ${originateCommand(req)}`, { 'Job-UUID': d.jobId }));
      } catch (err) {
        if (err instanceof EslLinkError && err.written) return; // may exist: reconciliation decides
        dials.delete(d.id);
        jobs.delete(d.jobId);
        throw err;
      }
      if (!reply.ok) {
        dials.delete(d.id);
        jobs.delete(d.jobId);
        throw new DialerdError('DIALERD_ERR_ORIGINATE_REFUSED', reply.text);
      }
    },
    async hangup(dialId: string) {
      const d = dials.get(dialId);
      if (!d) return;
      requireUp();
      d.killed = true;
      const reply = readReply(await conn.send(`api uuid_kill ${dialId}`));
      if (!reply.ok) log.debug({ pbx: cfg.name, dialId, reply: reply.text }, 'esl: uuid_kill refused');
    },
    /** Every channel uuid FreeSWITCH has now (ours carry our dialId as uuid); callers intersect with their dials. */
    liveDials: liveUuids,
    on(listener: PbxListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
