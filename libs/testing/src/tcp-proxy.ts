import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between services and a server (Postgres, say) that a test can
 * cut: `cut()` drops every open connection and stops listening, so new
 * connections are refused (ECONNREFUSED) until `restore()` listens again on
 * the same port. Bytes pass through untouched.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    readonly target: { host: string; port: number },
    readonly host = '127.0.0.1',
  ) {}

  static async start(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
    const p = new TcpProxy(target);
    p.port = port;
    await p.listen();
    return p;
  }

  /** True while connections are accepted. */
  get up(): boolean {
    return this.server !== null;
  }

  /** Drops all connections and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** Accepts connections again on the same port. */
  async restore(): Promise<void> {
    if (!this.server) await this.listen();
  }

  /** Unreachable for `ms`, then back. */
  async outage(ms: number): Promise<void> {
    await this.cut();
    await new Promise((r) => setTimeout(r, ms));
    await this.restore();
  }

  async stop(): Promise<void> {
    await this.cut();
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => undefined);
      s.once('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
