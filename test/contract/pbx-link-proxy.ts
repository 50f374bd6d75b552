/**
 * A TCP proxy on 127.0.0.1 between an adapter and its PBX, so a test can cut the control link
 * for real (sockets reset, connects refused) while the PBX and its calls go on: `down()` closes
 * every proxied connection and stops listening, `up()` listens again on the same port.
 */
import net from 'node:net';

export class LinkProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private portNo = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(target: { host: string; port: number }): Promise<LinkProxy> {
    const p = new LinkProxy(target);
    await p.up();
    return p;
  }

  get port(): number {
    return this.portNo;
  }

  get isUp(): boolean {
    return this.server !== null;
  }

  /** Listen (again, on the same port once it is known). */
  async up(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.portNo, '127.0.0.1', () => resolve());
    });
    this.portNo = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Reset every proxied connection and refuse new ones until `up()`. */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  async close(): Promise<void> {
    await this.down();
  }

  private pipe(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
