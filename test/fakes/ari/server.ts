/**
 * A fake Asterisk ARI on real sockets: REST over node:http and the events WebSocket (`ws`), in
 * the wire format of Asterisk 22 (channel ids of our choosing, `channelvars`, 404/409 bodies
 * `{"message": …}`). Channels play a script chosen by dialled endpoint and live on while no
 * WebSocket is connected; like Asterisk, events nobody is connected for are lost, not queued.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** What the far end does. `hold` rings until someone hangs up. */
export type AriScript =
  | { answerAfterMs: number; talkMs: number }
  | { reject: { cause: number; sip: number }; ringMs: number }
  | { refuse: string }
  | { hold: true };

interface Channel {
  id: string;
  app: string;
  state: string;
  vars: Record<string, string>;
  timers: NodeJS.Timeout[];
}

export interface FakeAriOptions {
  username: string;
  password: string;
  script: (endpoint: string) => AriScript;
}

export class FakeAriServer {
  /** Tests: the status DELETE /channels/:id answers instead of hanging up (null: hang up). */
  hangupRefusal: number | null = null;
  /** Every channel id the fake created, in order (refused originates are not there). */
  readonly created: string[] = [];
  private readonly channels = new Map<string, Channel>();
  private readonly sockets = new Map<WebSocket, string>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly server: http.Server;

  private constructor(private readonly o: FakeAriOptions) {
    this.server = http.createServer((req, res) => this.rest(req, res));
    this.server.on('upgrade', (req, sock, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!this.authorized(req)) return void sock.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      if (url.pathname !== '/ari/events') return void sock.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      this.wss.handleUpgrade(req, sock, head, (ws) => {
        this.sockets.set(ws, url.searchParams.get('app') ?? '');
        ws.on('close', () => this.sockets.delete(ws));
      });
    });
  }

  static async start(o: FakeAriOptions): Promise<FakeAriServer> {
    const f = new FakeAriServer(o);
    await new Promise<void>((r) => f.server.listen(0, '127.0.0.1', r));
    return f;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The far end hangs up (works while no adapter is connected). False: no such channel. */
  farEndHangup(id: string): boolean {
    const ch = this.channels.get(id);
    if (!ch) return false;
    this.destroy(ch, 16, null, false);
    return true;
  }

  async close(): Promise<void> {
    for (const ch of this.channels.values()) for (const t of ch.timers) clearTimeout(t);
    for (const ws of this.sockets.keys()) ws.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private authorized(req: http.IncomingMessage): boolean {
    return req.headers.authorization === 'Basic ' + Buffer.from(`${this.o.username}:${this.o.password}`).toString('base64');
  }

  private rest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body?: unknown): void => {
        if (body === undefined) return void res.writeHead(status).end();
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (!this.authorized(req)) return send(401, { message: 'Authentication required' });
      const url = new URL(req.url ?? '/', 'http://x');
      const parts = url.pathname.split('/').slice(2).map(decodeURIComponent); // after /ari
      const ch = parts[0] === 'channels' && parts[1] ? this.channels.get(parts[1]) : undefined;
      const key = `${req.method} ${parts[0]}${parts.length > 1 ? '/:id' : ''}${parts[2] ? `/${parts[2]}` : ''}`;
      switch (key) {
        case 'GET channels':
          return send(200, [...this.channels.values()].map((c) => this.json(c)));
        case 'GET channels/:id':
          return ch ? send(200, this.json(ch)) : send(404, { message: 'Channel not found' });
        case 'DELETE channels/:id':
          if (!ch) return send(404, { message: 'Channel not found' });
          if (this.hangupRefusal !== null) return send(this.hangupRefusal, { message: 'Internal Server Error' });
          // Asterisk's events may beat the response: they go first here.
          this.destroy(ch, 16, null, true);
          return send(204);
        case 'POST channels/:id': {
          if (ch) return send(409, { message: 'Channel with given unique ID already exists' });
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { variables?: Record<string, string> };
          return this.originate(parts[1]!, url.searchParams, body.variables ?? {}, send);
        }
        case 'POST channels/:id/continue':
          if (!ch) return send(404, { message: 'Channel not found' });
          this.emit(ch, { type: 'StasisEnd', channel: this.json(ch) });
          return send(204);
        case 'POST applications/:id/subscription':
          return send(200, { name: parts[1], channel_ids: [] });
        default:
          return send(404, { message: 'Resource not found' });
      }
    });
  }

  private originate(id: string, q: URLSearchParams, vars: Record<string, string>, send: (s: number, b?: unknown) => void): void {
    const script = this.o.script(q.get('endpoint') ?? '');
    if ('refuse' in script) return send(400, { message: script.refuse });
    const ch: Channel = { id, app: q.get('app') ?? '', state: 'Down', vars, timers: [] };
    this.channels.set(id, ch);
    this.created.push(id);
    send(200, this.json(ch));
    const later = (ms: number, fn: () => void): void => void ch.timers.push(setTimeout(fn, ms));
    const ring = (): void => {
      ch.state = 'Ringing';
      this.emit(ch, { type: 'ChannelStateChange', channel: this.json(ch) });
      this.emit(ch, { type: 'Dial', peer: this.json(ch), dialstatus: 'RINGING' });
    };
    later(1, ring);
    if ('hold' in script) return;
    if ('reject' in script) return later(script.ringMs, () => this.destroy(ch, script.reject.cause, script.reject.sip, false));
    later(script.answerAfterMs, () => {
      ch.state = 'Up';
      this.emit(ch, { type: 'ChannelStateChange', channel: this.json(ch) });
      this.emit(ch, { type: 'StasisStart', channel: this.json(ch), args: [q.get('appArgs') ?? ''] });
    });
    later(script.answerAfterMs + script.talkMs, () => this.destroy(ch, 16, null, false));
  }

  /** The channel ends: a hangup request (soft when ours), then ChannelDestroyed. */
  private destroy(ch: Channel, cause: number, sip: number | null, soft: boolean): void {
    for (const t of ch.timers) clearTimeout(t);
    this.channels.delete(ch.id);
    const tech = sip === null ? {} : { tech_cause: sip };
    this.emit(ch, { type: 'ChannelHangupRequest', channel: this.json(ch), cause, ...(soft ? { soft: true } : {}), ...tech });
    this.emit(ch, { type: 'ChannelDestroyed', channel: this.json(ch), cause, cause_txt: soft ? 'Normal Clearing' : `cause ${cause}`, ...tech });
  }

  private json(ch: Channel): unknown {
    return { id: ch.id, name: `PJSIP/carrier-${ch.id.slice(-8)}`, state: ch.state, channelvars: { DIALERD_APP: ch.vars.DIALERD_APP ?? '', DIALERD_DIAL: ch.vars.DIALERD_DIAL ?? '' } };
  }

  private emit(ch: Channel, e: Record<string, unknown>): void {
    const text = JSON.stringify({ ...e, application: ch.app, timestamp: new Date().toISOString() });
    for (const [ws, app] of this.sockets) if (app === ch.app) ws.send(text);
  }
}
