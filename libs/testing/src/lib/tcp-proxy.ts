import { createServer, Server, Socket, connect } from 'node:net';

export interface TcpProxyOptions {
  /** The proxy's own address towards the target (a loopback address of its own: 127.0.0.3…). */
  localAddress?: string;
  /** Written to the target before the client's bytes (a load balancer's PROXY header). */
  preamble?: (client: Socket) => Buffer;
}

/**
 * A TCP proxy a test can cut and restore: lets one service's broker connection
 * fail (and come back) while everything else keeps its own; or plays a TCP load
 * balancer in passthrough mode (`options`).
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
    private readonly options: TcpProxyOptions = {},
  ) {}

  async start(port = 0): Promise<number> {
    this.server = createServer((client) => {
      const { localAddress, preamble } = this.options;
      const upstream = connect({ port: this.targetPort, host: this.targetHost, ...(localAddress ? { localAddress } : {}) });
      if (preamble) upstream.write(preamble(client));
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  /** Cuts every connection and refuses new ones. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  /** Accepts connections again on the same port. */
  async restore(): Promise<void> {
    await this.start(this.port);
  }
}
