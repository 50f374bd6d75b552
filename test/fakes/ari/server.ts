/**
 * A fake Asterisk ARI on real sockets: REST over node:http and the events WebSocket (`ws`), in
 * the wire format of Asterisk 22 (channel ids of our choosing, `channelvars`, 404/409 bodies
 * `{"message": …}`). Channels play a script chosen by dialled endpoint and live on while no
 * WebSocket is connected; like Asterisk, events nobody is connected for are lost, not queued.
 *
 * Like Asterisk 22: an originate with `app` enters that Stasis app on answer and only that app
 * hears the channel; one with `context` runs the dialplan instead, and only sockets opened with
 * `subscribeAll=true` hear it. Of the dialplan, [dialerd-originate] (AMD reported as the
 * ChannelUserevent `dialerd_amd`, then on to DIALERD_ON_*) and the hangup handler [dialerd-end]
 * (dialplan/asterisk/dialerd-originate.conf) are played, on this process's clock, and so is
 * [dialerd-memory] (an originate of Local/s@dialerd-memory: AstDB copies back into globals,
 * deleted; its channel is gone when the POST is answered). `restart()` wipes the globals, not
 * AstDB, as an Asterisk restart does. Global
 * variables: `GET /asterisk/variable` reads plain names only (a function such as DB() reads as
 * empty, as in Asterisk), EPOCH in whole seconds; `POST` without a value deletes. `GET
 * /asterisk/ping` tells the time to the millisecond.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** What the far end does. `hold` rings until someone hangs up. */
export type AriScript =
  | { answerAfterMs: number; talkMs: number; amd?: { status: string; cause: string; afterMs: number } }
  | { reject: { cause: number; sip: number }; ringMs: number }
  | { refuse: string }
  | { hold: true };

interface Channel {
  id: string;
  /** The Stasis app of an `app` originate; '' for a dialplan originate. */
  app: string;
  state: string;
  vars: Record<string, string>;
  timers: NodeJS.Timeout[];
  /** The carrier's last SIP response (what HANGUPCAUSE(chan,tech) shows). */
  lastSip: number | null;
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
  /** Where answered dialplan originates went on (`context,extension,priority`), by channel id. */
  readonly reached = new Map<string, string>();
  /** Asterisk's global variables (the hangup handler's memory of ends among them). */
  readonly globals = new Map<string, string>();
  /** AstDB's family dialerd_end (the hangup handler's copy, which survives a restart). */
  readonly db = new Map<string, string>();
  private shuttingDown = false;
  private readonly channels = new Map<string, Channel>();
  private readonly sockets = new Map<WebSocket, { app: string; all: boolean }>();
  /** Per app: the event types its filter allows (absent: all). */
  private readonly filters = new Map<string, Set<string>>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly server: http.Server;

  private constructor(private readonly o: FakeAriOptions) {
    this.server = http.createServer((req, res) => this.rest(req, res));
    this.server.on('upgrade', (req, sock, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!this.authorized(req)) return void sock.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      if (url.pathname !== '/ari/events') return void sock.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      if (this.shuttingDown) return void sock.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
      this.wss.handleUpgrade(req, sock, head, (ws) => {
        this.sockets.set(ws, { app: url.searchParams.get('app') ?? '', all: url.searchParams.get('subscribeAll') === 'true' });
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

  /**
   * `core stop now`: from now on new channels are refused (500 "Allocation failed", as
   * ast_channel_alloc refuses during a shutdown) and the events WebSocket too; `closeAfterMs`
   * later the open WebSockets close. `restart()` brings it back.
   */
  beginShutdown(closeAfterMs: number): void {
    this.shuttingDown = true;
    setTimeout(() => {
      for (const ws of this.sockets.keys()) ws.terminate();
    }, closeAfterMs);
  }

  /** An Asterisk restart as far as the memory of ends goes: globals are gone, AstDB stays. */
  restart(): void {
    this.shuttingDown = false;
    this.globals.clear();
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
      if (parts[0] === 'asterisk' && parts[1] === 'variable') return this.variable(req.method ?? '', url.searchParams, send);
      // AST_ISO8601_FORMAT (%FT%T.%q%z), this process's clock
      if (key === 'GET asterisk/:id' && parts[1] === 'ping') return send(200, { asterisk_id: 'fake', ping: 'pong', timestamp: new Date().toISOString().replace('Z', '+0000') });
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
        case 'PUT applications/:id/eventFilter': {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { allowed?: { type: string }[] };
          const allowed = (body.allowed ?? []).map((a) => a.type);
          if (allowed.length) this.filters.set(parts[1]!, new Set(allowed));
          else this.filters.delete(parts[1]!);
          return send(200, { name: parts[1], events_allowed: body.allowed ?? [], events_disallowed: [] });
        }
        default:
          return send(404, { message: 'Resource not found' });
      }
    });
  }

  private originate(id: string, q: URLSearchParams, vars: Record<string, string>, send: (s: number, b?: unknown) => void): void {
    if (this.shuttingDown) return send(500, { message: 'Allocation failed' });
    if (q.get('endpoint') === 'Local/s@dialerd-memory' && q.get('context') === 'dialerd-memory') return this.memory(vars, send);
    const script = this.o.script(q.get('endpoint') ?? '');
    if ('refuse' in script) return send(400, { message: script.refuse });
    if (!q.get('app') && !q.get('extension')) return send(400, { message: 'Application or extension must be specified' });
    const ch: Channel = { id, app: q.get('app') ?? '', state: 'Down', vars, timers: [], lastSip: null };
    this.channels.set(id, ch);
    this.created.push(id);
    send(200, this.json(ch));
    const later = (ms: number, fn: () => void): void => void ch.timers.push(setTimeout(fn, ms));
    const ring = (): void => {
      ch.state = 'Ringing';
      ch.lastSip = 180;
      this.emit(ch, { type: 'ChannelStateChange', channel: this.json(ch) });
      this.emit(ch, { type: 'Dial', peer: this.json(ch), dialstatus: 'RINGING' });
    };
    later(1, ring);
    if ('hold' in script) return;
    if ('reject' in script) return later(script.ringMs, () => this.destroy(ch, script.reject.cause, script.reject.sip, false));
    later(script.answerAfterMs, () => {
      ch.state = 'Up';
      ch.lastSip = 200;
      this.emit(ch, { type: 'ChannelStateChange', channel: this.json(ch) });
      if (ch.app) this.emit(ch, { type: 'StasisStart', channel: this.json(ch), args: [q.get('appArgs') ?? ''] });
      else this.dialplan(ch, q.get('context') ?? 'default', q.get('extension') ?? '', q.get('priority') ?? '1', script.amd);
    });
    later(script.answerAfterMs + script.talkMs, () => this.destroy(ch, 16, null, false));
  }

  /** The answered channel runs the dialplan: only dialerd's own entry context is played. */
  private dialplan(ch: Channel, context: string, exten: string, priority: string, amd: { status: string; cause: string; afterMs: number } | undefined): void {
    if (context !== 'dialerd-originate') return void this.reached.set(ch.id, `${context},${exten},${priority}`);
    ch.vars.DIALERD_ANSWER_MS = String(Date.now());
    const onAnswer = (): void => void this.reached.set(ch.id, `${ch.vars.DIALERD_ON_CONTEXT},${ch.vars.DIALERD_ON_EXTEN},${ch.vars.DIALERD_ON_PRIORITY}`);
    if (ch.vars.DIALERD_AMD !== '1') return onAnswer();
    const verdict = amd ?? { status: 'HUMAN', cause: 'HUMAN-800-800', afterMs: 5 };
    ch.timers.push(
      setTimeout(() => {
        // AMD() leaves its verdict on the channel: the hangup handler stores it with the end.
        ch.vars.AMDSTATUS = verdict.status;
        ch.vars.AMDCAUSE = verdict.cause;
        this.emit(ch, { type: 'ChannelUserevent', eventname: 'dialerd_amd', channel: this.json(ch), userevent: { eventname: 'dialerd_amd', status: verdict.status, cause: verdict.cause } });
        onAnswer();
      }, verdict.afterMs),
    );
  }

  /** GET/POST /asterisk/variable: plain global variables and EPOCH, as ast_str_retrieve_variable does. */
  private variable(method: string, q: URLSearchParams, send: (s: number, b?: unknown) => void): void {
    const name = q.get('variable') ?? '';
    if (!name) return send(400, { message: 'Variable name is required' });
    if (method === 'GET') return send(200, { value: name === 'EPOCH' ? String(Math.floor(Date.now() / 1000)) : (this.globals.get(name) ?? '') });
    if (method !== 'POST') return send(405, { message: 'Method not allowed' });
    if (name.endsWith(')')) return send(204); // a function write: none of ours
    const value = q.get('value');
    if (value === null) this.globals.delete(name);
    else this.globals.set(name, value);
    return send(204);
  }

  /** [dialerd-memory]: runs and hangs up before the originate's answer (nothing is dialled, no event is ours). */
  private memory(vars: Record<string, string>, send: (s: number, b?: unknown) => void): void {
    const list = (v: string | undefined): string[] => (v ? v.split('&') : []);
    for (const id of list(vars.DIALERD_RESTORE)) {
      const v = this.db.get(id);
      if (v !== undefined) this.globals.set(`DIALERD_END_${id}`, v);
    }
    for (const id of list(vars.DIALERD_FORGET)) this.db.delete(id);
    send(200, { id: 'memory', name: 'Local/s@dialerd-memory-00000000;1', state: 'Down', channelvars: { DIALERD_APP: '', DIALERD_DIAL: '' } });
  }

  /** The channel ends: a hangup request (soft when ours), then ChannelDestroyed; the hangup handler runs. */
  private destroy(ch: Channel, cause: number, sip: number | null, soft: boolean): void {
    for (const t of ch.timers) clearTimeout(t);
    this.channels.delete(ch.id);
    if (sip !== null) ch.lastSip = sip;
    if (ch.vars['CHANNEL(hangup_handler_push)'] === 'dialerd-end,s,1') {
      const v = ch.vars;
      const end = `2|${cause}|${ch.lastSip ?? ''}|${ch.state}|${v.DIALERD_ANSWER_MS ?? ''}|${Date.now()}|${v.AMDSTATUS ?? ''}|${v.AMDCAUSE ?? ''}`;
      this.globals.set(`DIALERD_END_${v.DIALERD_DIAL ?? ''}`, end);
      this.db.set(v.DIALERD_DIAL ?? '', end);
    }
    const tech = sip === null ? {} : { tech_cause: sip };
    this.emit(ch, { type: 'ChannelHangupRequest', channel: this.json(ch), cause, ...(soft ? { soft: true } : {}), ...tech });
    this.emit(ch, { type: 'ChannelDestroyed', channel: this.json(ch), cause, cause_txt: soft ? 'Normal Clearing' : `cause ${cause}`, ...tech });
  }

  private json(ch: Channel): unknown {
    return { id: ch.id, name: `PJSIP/carrier-${ch.id.slice(-8)}`, state: ch.state, channelvars: { DIALERD_APP: ch.vars.DIALERD_APP ?? '', DIALERD_DIAL: ch.vars.DIALERD_DIAL ?? '' } };
  }

  private emit(ch: Channel, e: Record<string, unknown>): void {
    for (const [ws, sub] of this.sockets) {
      if (!(sub.all || (ch.app !== '' && sub.app === ch.app))) continue;
      const allowed = this.filters.get(sub.app);
      if (allowed && !allowed.has(String(e.type))) continue;
      ws.send(JSON.stringify({ ...e, application: sub.app, timestamp: new Date().toISOString() }));
    }
  }
}
