/**
 * The events WebSocket and its supervisor: connect, keep it alive with pings, reconnect forever
 * with backoff + jitter, and own the link status (changed in exactly one place).
 * Asterisk registers our Stasis application while this socket is open, which is why originates
 * are only allowed when the status is `up`. `subscribeAll`: our calls run in the dialplan, not in
 * the app, and only a subscription to everything has no gap between a channel's creation and
 * its first events (an explicit channel subscription can only follow the originate); the adapter
 * narrows the types with the app's event filter and keeps the channels marked as ours.
 */
import WebSocket from 'ws';
import type { Logger } from '../../lib/logger.ts';
import type { PbxLinkStatus } from '../port.ts';
import { backoffDelay, type BackoffPolicy } from '../../lib/backoff.ts';
import { parseAriEvent, type AriEvent } from './ari-types.ts';

export interface ConnectionOptions {
  /** ARI root, `http://host:port/ari`. */
  baseUrl: string;
  username: string;
  password: string;
  app: string;
  policy: BackoffPolicy;
  logger: Logger;
  /** WebSocket ping period; a ping not answered by the next one drops the link (default 5000). */
  pingMs?: number;
  random?: () => number;
  /** Runs after the socket opens and before the status turns `up` (reconciliation). */
  onOpen: () => Promise<void>;
  onEvent: (e: AriEvent) => void;
  onStatus: (status: PbxLinkStatus, reason: string | null) => void;
}

export interface AriConnection {
  start(): void;
  stop(): Promise<void>;
  status(): PbxLinkStatus;
}

export function createAriConnection(o: ConnectionOptions): AriConnection {
  let status: PbxLinkStatus = 'down';
  let ws: WebSocket | null = null;
  let stopped = true;
  let attempt = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let pingTimer: NodeJS.Timeout | null = null;
  const pingMs = o.pingMs ?? 5000;
  const random = o.random ?? Math.random;
  const wsUrl = `${o.baseUrl.replace(/^http/, 'ws')}/events?app=${encodeURIComponent(o.app)}&subscribeAll=true`;
  const auth = 'Basic ' + Buffer.from(`${o.username}:${o.password}`).toString('base64');

  function setStatus(next: PbxLinkStatus, reason: string | null): void {
    if (next === status) return;
    o.logger.info({ from: status, to: next, reason }, `PBX link ${status} -> ${next}`);
    status = next;
    o.onStatus(next, reason);
  }

  function scheduleRetry(): void {
    if (stopped || retryTimer) return;
    const delay = backoffDelay(attempt++, o.policy, random);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  }

  function clearPing(): void {
    if (pingTimer) clearInterval(pingTimer);
    pingTimer = null;
  }

  function connect(): void {
    if (stopped) return;
    const sock = new WebSocket(wsUrl, { headers: { Authorization: auth }, handshakeTimeout: 5000, perMessageDeflate: false });
    ws = sock;
    let alive = true;
    let failure: string | null = null;
    let refused = false;
    sock.on('unexpected-response', (_req, res) => {
      failure = `HTTP ${res.statusCode}`;
      refused = res.statusCode === 401 || res.statusCode === 403;
      if (refused) setStatus('auth_failed', 'ARI refused our credentials');
      res.resume();
      sock.terminate();
    });
    sock.on('open', () => {
      attempt = 0;
      pingTimer = setInterval(() => {
        if (!alive) {
          failure = 'WebSocket ping unanswered';
          sock.terminate();
          return;
        }
        alive = false;
        sock.ping();
      }, pingMs);
      o.onOpen()
        .catch((err: unknown) => o.logger.warn({ err }, 'ARI reconciliation after connect failed'))
        .finally(() => {
          if (ws === sock && sock.readyState === WebSocket.OPEN) setStatus('up', null);
        });
    });
    sock.on('pong', () => {
      alive = true;
    });
    sock.on('message', (data) => {
      const e = parseAriEvent(data.toString());
      if (e) o.onEvent(e);
      else o.logger.warn('ARI sent an unparseable event frame; ignored');
    });
    sock.on('error', (err) => {
      failure = failure ?? err.message;
    });
    sock.on('close', (code) => {
      clearPing();
      if (ws !== sock) return;
      ws = null;
      if (stopped) return;
      if (!refused) setStatus('down', failure ?? `WebSocket closed (${code})`);
      scheduleRetry();
    });
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      setStatus('connecting', null);
      connect();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      clearPing();
      const sock = ws;
      ws = null;
      if (sock && sock.readyState !== WebSocket.CLOSED) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            sock.terminate();
            resolve();
          }, 1000);
          sock.once('close', () => {
            clearTimeout(t);
            resolve();
          });
          sock.close();
        });
      }
      setStatus('down', 'stopped');
    },
    status: () => status,
  };
}
