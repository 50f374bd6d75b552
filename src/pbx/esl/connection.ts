/**
 * One inbound mod_event_socket link: TCP, framing, auth, subscription, reply correlation,
 * reconnect forever with backoff, HEARTBEAT watchdog and the link status.
 *
 * Why not the `esl` package's FreeSwitchClient: it emits `connect` even when `auth` was refused,
 * its retry delay is fixed (200 ms, growing only on ECONNREFUSED) and cannot be stopped or tuned,
 * it subscribes to CHANNEL_EXECUTE_COMPLETE by itself, its parser is not exported (cannot be fuzzed)
 * and waits forever on a bogus Content-Length, and its `bgapi()` holds the caller until the
 * BACKGROUND_JOB arrives, i.e. until the call is answered or fails.
 */
import net from 'node:net';
import type { PbxLinkStatus } from '../port.ts';
import { DialerdError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { backoffDelay, type BackoffPolicy } from '../../lib/backoff.ts';
import { EslFramingError, FrameParser, type EslFrame } from './framing.ts';
import { parseEvent, readReply, type EslEvent } from './protocol.ts';

export interface EslConnectionOptions {
  name: string;
  host: string;
  port: number;
  password: string;
  /** Argument of `event json …`. */
  subscription: string;
  reconnect: BackoffPolicy;
  /** Link is declared down when no HEARTBEAT arrived for this long (FreeSWITCH sends one every 20 s). */
  heartbeatTimeoutMs: number;
  /** A command without a reply for this long loses correlation: the link is dropped. */
  commandTimeoutMs: number;
  logger: Logger;
}

export interface EslConnectionHandlers {
  status(status: PbxLinkStatus, reason: string | null): void;
  event(ev: EslEvent): void;
  /** Authenticated and subscribed (after every reconnect). */
  up(): void;
}

/** A command could not be completed because the link went away. `written`: it may have reached FreeSWITCH. */
export class EslLinkError extends DialerdError {
  readonly written: boolean;
  constructor(name: string, written: boolean, detail: string) {
    super('DIALERD_ERR_PBX_DOWN', `${name} (${detail})`);
    this.written = written;
  }
}

interface Pending {
  resolve(f: EslFrame): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class EslConnection {
  private socket: net.Socket | null = null;
  private readonly parser = new FrameParser();
  private pending: Pending[] = [];
  private state: PbxLinkStatus = 'down';
  private running = false;
  private attempt = 0;
  private authRefused = false;
  private handshaking = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;

  constructor(
    private readonly o: EslConnectionOptions,
    private readonly on: EslConnectionHandlers,
  ) {}

  get status(): PbxLinkStatus {
    return this.state;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.setStatus('connecting', null);
    this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.drop('stopped');
    this.setStatus('down', 'stopped');
  }

  /**
   * The peer announced it is going away: `down` now (commands refused), the socket kept so the
   * events still on their way (its calls' hangups) are read; it closes when the peer closes it.
   */
  goingAway(reason: string): void {
    if (this.state === 'up') this.setStatus('down', reason);
  }

  /** Send one command; resolves with its command/reply or api/response frame (even a -ERR one). */
  send(command: string, headers: Record<string, string> = {}): Promise<EslFrame> {
    const s = this.socket;
    if (!s || !s.writable || (this.state !== 'up' && !this.handshaking)) {
      return Promise.reject(new EslLinkError(this.o.name, false, 'not connected'));
    }
    let text = `${command}\n`;
    for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\n`;
    return new Promise<EslFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.drop(`no reply to ${command.split(' ')[0]} in ${this.o.commandTimeoutMs} ms`);
      }, this.o.commandTimeoutMs);
      this.pending.push({ resolve, reject, timer });
      s.write(`${text}\n`);
    });
  }

  private connect(): void {
    if (!this.running) return;
    this.parser.reset();
    const s = net.connect({ host: this.o.host, port: this.o.port });
    this.socket = s;
    s.setNoDelay(true);
    s.on('data', (chunk: Buffer) => this.onData(s, chunk));
    s.on('error', (err) => this.o.logger.debug({ pbx: this.o.name, err }, 'esl: socket error'));
    s.on('close', () => this.onClose(s));
  }

  private onData(s: net.Socket, chunk: Buffer): void {
    if (s !== this.socket) return;
    let frames: EslFrame[];
    try {
      frames = this.parser.push(chunk);
    } catch (e) {
      if (!(e instanceof EslFramingError)) throw e;
      this.drop(`stream lost: ${e.message}`);
      return;
    }
    for (const f of frames) {
      if (s !== this.socket) return;
      this.onFrame(f);
    }
  }

  private onFrame(f: EslFrame): void {
    const type = f.headers['Content-Type'];
    switch (type) {
      case 'auth/request':
        void this.handshake();
        return;
      case 'command/reply':
      case 'api/response': {
        const p = this.pending.shift();
        if (!p) {
          this.o.logger.warn({ pbx: this.o.name, type }, 'esl: reply without a command, ignored');
          return;
        }
        clearTimeout(p.timer);
        p.resolve(f);
        return;
      }
      case 'text/event-json':
      case 'text/event-plain': {
        const ev = parseEvent(f);
        if (!ev) {
          this.o.logger.warn({ pbx: this.o.name }, 'esl: unreadable event, ignored');
          return;
        }
        if (ev['Event-Name'] === 'HEARTBEAT') this.armWatchdog();
        this.on.event(ev);
        return;
      }
      case 'text/disconnect-notice':
        this.o.logger.info({ pbx: this.o.name }, 'esl: disconnect notice');
        return;
      case 'text/rude-rejection':
        this.o.logger.error({ pbx: this.o.name, body: f.body.trim() }, 'esl: rejected by FreeSWITCH ACL');
        return;
      default:
        this.o.logger.warn({ pbx: this.o.name, type: type ?? null }, 'esl: unknown frame, ignored');
    }
  }

  private async handshake(): Promise<void> {
    const s = this.socket;
    this.handshaking = true;
    try {
      const auth = readReply(await this.send(`auth ${this.o.password}`));
      if (!auth.ok) {
        this.authRefused = true;
        this.setStatus('auth_failed', `FreeSWITCH refused the ESL password (${auth.text})`);
        this.drop('auth refused');
        return;
      }
      const sub = readReply(await this.send(`event json ${this.o.subscription}`));
      if (!sub.ok) throw new Error(`subscription refused: ${sub.text}`);
    } catch (e) {
      if (s === this.socket) this.drop(`handshake failed: ${(e as Error).message}`);
      return;
    } finally {
      this.handshaking = false;
    }
    if (s !== this.socket) return;
    this.attempt = 0;
    this.authRefused = false;
    this.armWatchdog();
    this.setStatus('up', null);
    this.on.up();
  }

  private armWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      this.drop(`no HEARTBEAT for ${this.o.heartbeatTimeoutMs} ms`);
    }, this.o.heartbeatTimeoutMs);
  }

  /** Close the current socket now and schedule the reconnect; `reason` goes into the status line. */
  private drop(reason: string): void {
    const s = this.socket;
    if (!s) return;
    s.destroy();
    this.onClose(s, reason);
  }

  private onClose(s: net.Socket, reason = 'connection lost'): void {
    if (s !== this.socket) return;
    this.socket = null;
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(new EslLinkError(this.o.name, true, 'link lost before the reply'));
    }
    if (!this.running) return;
    if (this.state !== 'auth_failed') this.setStatus('down', reason);
    const delay = this.authRefused ? this.o.reconnect.maxMs : backoffDelay(this.attempt, this.o.reconnect);
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  /** The one place the status changes, and its one log line. */
  private setStatus(next: PbxLinkStatus, reason: string | null): void {
    if (next === this.state) return;
    this.o.logger.info({ pbx: this.o.name, from: this.state, to: next, reason }, `PBX link ${this.state} -> ${next}`);
    this.state = next;
    this.on.status(next, reason);
  }
}
