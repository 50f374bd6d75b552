/**
 * A fake FreeSWITCH mod_event_socket on 127.0.0.1: real framing, auth, `event json|plain`,
 * `api`, `bgapi` with Job-UUID, and calls driven by a script per number. Events are built
 * from real captures (./events.ts). Faults: drop, stall, split writes, garbage, no heartbeats.
 */
import net from 'node:net';
import { events, serialize, type Ev } from './events.ts';
import { CallBook, type NumberScript } from './calls.ts';

export type { NumberScript } from './calls.ts';

export interface FakeEslOptions {
  password?: string;
  /** Default 20 000, like FreeSWITCH. */
  heartbeatMs?: number;
  script?: (number: string) => NumberScript;
  /** BACKGROUND_JOB before or after the hangup event of a failed call; default random. */
  jobOrder?: 'job-first' | 'hangup-first' | 'random';
  random?: () => number;
  /**
   * `show channels` reads FreeSWITCH's core database, written behind the channel events: a new
   * channel shows up, and an ended one goes away, this much later (~200 ms both on 1.10.12).
   * Default 0.
   */
  channelListLag?: { newMs: number; endedMs: number };
}

interface Client {
  socket: net.Socket;
  authed: boolean;
  format: 'json' | 'plain' | null;
  inbuf: string;
}

export class FakeEslServer {
  readonly commands: string[] = [];
  readonly calls: CallBook;
  private readonly server: net.Server;
  private readonly clients = new Set<Client>();
  private stalled = false;
  private held: Array<[Client, Buffer]> = [];
  private split: 'none' | 'bytes' | 'random' = 'none';
  private heartbeats = true;
  private hbTimer: NodeJS.Timeout | null = null;
  private seq = 1000;
  private readonly random: () => number;

  private constructor(private readonly o: FakeEslOptions) {
    this.random = o.random ?? Math.random;
    this.calls = new CallBook({
      script: o.script ?? (() => ({ answerAfterMs: 5, talkMs: 5 })),
      jobOrder: o.jobOrder ?? 'random',
      random: this.random,
      publish: (build) => this.broadcast(build(Date.now(), this.seq++)),
      channelListLag: o.channelListLag ?? { newMs: 0, endedMs: 0 },
    });
    this.server = net.createServer((s) => this.accept(s));
  }

  static async start(o: FakeEslOptions = {}): Promise<FakeEslServer> {
    const f = new FakeEslServer(o);
    await new Promise<void>((resolve) => f.server.listen(0, '127.0.0.1', resolve));
    f.hbTimer = setInterval(() => {
      if (f.heartbeats) f.broadcast(events.heartbeat(Date.now(), f.seq++));
    }, o.heartbeatMs ?? 20_000);
    return f;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Authenticated, subscribed clients right now. */
  get subscribers(): number {
    return [...this.clients].filter((c) => c.authed && c.format).length;
  }

  /** Close every client connection abruptly (calls go on, their events are lost meanwhile). */
  dropClients(): void {
    for (const c of this.clients) c.socket.destroy();
  }

  /** Hold every outgoing byte (true) or release what was held (false). */
  setStalled(on: boolean): void {
    this.stalled = on;
    if (!on) for (const [c, b] of this.held.splice(0)) this.write(c, b);
  }

  setSplit(mode: 'none' | 'bytes' | 'random'): void {
    this.split = mode;
  }

  setHeartbeats(on: boolean): void {
    this.heartbeats = on;
  }

  /**
   * FreeSWITCH's shutdown as 1.10.12 does it: the SHUTDOWN event first, then its calls end
   * SYSTEM_SHUTDOWN and every later originate fails `-ERR CHAN_NOT_IMPLEMENTED` (mod_sofia unloaded).
   */
  shutdown(): void {
    this.broadcast({ 'Event-Name': 'SHUTDOWN', 'Core-UUID': 'fake', 'Event-Date-Timestamp': String(Date.now() * 1000), 'Event-Sequence': String(this.seq++) });
    this.calls.shutdown();
  }

  /** Send raw bytes to every client. */
  sendGarbage(bytes: Buffer | string): void {
    for (const c of this.clients) this.write(c, Buffer.from(bytes));
  }

  async close(): Promise<void> {
    if (this.hbTimer) clearInterval(this.hbTimer);
    this.calls.clear();
    for (const c of this.clients) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const c: Client = { socket, authed: false, format: null, inbuf: '' };
    this.clients.add(c);
    socket.setNoDelay(true);
    socket.on('data', (d) => this.onData(c, d));
    socket.on('error', () => undefined);
    socket.on('close', () => this.clients.delete(c));
    this.write(c, Buffer.from('Content-Type: auth/request\n\n'));
  }

  private onData(c: Client, d: Buffer): void {
    c.inbuf += d.toString('utf8');
    for (let end = c.inbuf.indexOf('\n\n'); end >= 0; end = c.inbuf.indexOf('\n\n')) {
      const block = c.inbuf.slice(0, end);
      c.inbuf = c.inbuf.slice(end + 2);
      if (block.trim() === '') continue;
      const [line = '', ...rest] = block.split('\n');
      const headers: Record<string, string> = {};
      for (const h of rest) {
        const at = h.indexOf(': ');
        if (at > 0) headers[h.slice(0, at)] = h.slice(at + 2);
      }
      this.commands.push(line);
      this.command(c, line.trim(), headers);
    }
  }

  private reply(c: Client, text: string, extra = ''): void {
    this.write(c, Buffer.from(`Content-Type: command/reply\nReply-Text: ${text}\n${extra}\n`));
  }

  private apiResponse(c: Client, body: string): void {
    const b = Buffer.from(body);
    this.write(c, Buffer.concat([Buffer.from(`Content-Type: api/response\nContent-Length: ${b.length}\n\n`), b]));
  }

  private bye(c: Client): void {
    const notice = Buffer.from('Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n');
    this.write(c, Buffer.concat([Buffer.from(`Content-Type: text/disconnect-notice\nContent-Length: ${notice.length}\n\n`), notice]));
    c.socket.end();
  }

  private command(c: Client, line: string, headers: Record<string, string>): void {
    const [verb = '', ...args] = line.split(' ');
    if (!c.authed) {
      if (verb !== 'auth') return this.reply(c, '-ERR command not found');
      if (args.join(' ') !== (this.o.password ?? 'ClueCon')) {
        this.reply(c, '-ERR invalid');
        return this.bye(c);
      }
      c.authed = true;
      return this.reply(c, '+OK accepted');
    }
    switch (verb) {
      case 'event': {
        const format = args[0] === 'json' ? 'json' : 'plain';
        c.format = format;
        return this.reply(c, `+OK event listener enabled ${format}`);
      }
      case 'api':
        return this.apiResponse(c, this.api(args.join(' ')));
      case 'bgapi': {
        const job = headers['Job-UUID'] ?? `job-${this.seq++}`;
        this.reply(c, `+OK Job-UUID: ${job}`, `Job-UUID: ${job}\n`);
        return this.calls.bgapi(job, args.join(' '));
      }
      case 'exit':
        this.reply(c, '+OK bye');
        return this.bye(c);
      default:
        return this.reply(c, '-ERR command not found');
    }
  }

  /** Tests: `api` commands (by prefix) answered with a fixed reply, e.g. a `-ERR`. */
  readonly apiReplies = new Map<string, string>();

  private api(cmd: string): string {
    for (const [prefix, reply] of this.apiReplies) if (cmd.startsWith(prefix)) return reply;
    const [name = '', ...args] = cmd.split(' ');
    if (name === 'show' && args[0] === 'channels') return this.calls.showChannelsJson();
    if (name === 'uuid_exists') return this.calls.isLive(args[0] ?? '') ? 'true' : 'false';
    if (name === 'uuid_getvar') return this.calls.getVar(args[0] ?? '', args[1] ?? '') ?? '-ERR No such channel!\n';
    if (name === 'uuid_setvar') return this.calls.setVar(args[0] ?? '', args[1] ?? '', args.slice(2).join(' ')) ? '+OK\n' : '-ERR No such channel!\n';
    if (name === 'uuid_kill') return this.calls.kill(args[0] ?? '', args[1]) ? '+OK\n' : '-ERR No such channel!\n';
    if (name === 'global_getvar' || name === 'global_setvar') return this.calls.globalApi(name, args.join(' ')) || '-ERR no reply\n';
    if (name === 'strmicroepoch') return String(Date.now() * 1000);
    if (name === 'status') return 'UP 0 years, 0 days\nFreeSWITCH (Version 1.10.12) is ready\n';
    return `-ERR ${name} Command not found!\n`;
  }

  private broadcast(ev: Ev): void {
    for (const c of this.clients) if (c.authed && c.format) this.write(c, serialize(ev, c.format));
  }

  private write(c: Client, b: Buffer): void {
    if (this.stalled) {
      this.held.push([c, b]);
      return;
    }
    if (c.socket.destroyed) return;
    if (this.split === 'none') {
      c.socket.write(b);
      return;
    }
    for (let i = 0; i < b.length; ) {
      const n = this.split === 'bytes' ? 1 : 1 + Math.floor(this.random() * 64);
      c.socket.write(b.subarray(i, i + n));
      i += n;
    }
  }
}
