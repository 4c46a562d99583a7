import * as http from 'http';
import type { AddressInfo } from 'net';

/**
 * HTTP servers on loopback answering `/health` with 200 (anything else 404), for the drill, the
 * benchmark and tests: each can be stopped, and started again on the same port.
 */
export class LoopbackBackends {
  public static async start(count: number): Promise<LoopbackBackends> {
    const backends = new LoopbackBackends();
    for (let i = 0; i < count; i++) backends.ports.push(await backends.listen(i, 0));
    return backends;
  }

  public readonly ports: number[] = [];
  private readonly servers: Array<http.Server | undefined> = [];
  private readonly silent = new Set<number>();

  /** Makes one server silent: it accepts connections and never answers (a hung process, a dark zone). */
  public silence(i: number): void {
    this.silent.add(i);
  }

  /** Stops one server: connections are refused from now on. */
  public async stop(i: number): Promise<void> {
    const server = this.servers[i];
    this.servers[i] = undefined;
    if (!server) return;
    this.silent.delete(i);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  public async stopAll(): Promise<void> {
    await Promise.all(this.ports.map((_, i) => this.stop(i)));
  }

  /** Starts every stopped server again, on its port. */
  public async startAll(): Promise<void> {
    for (const [i, port] of this.ports.entries()) if (!this.servers[i]) await this.listen(i, port);
  }

  private async listen(i: number, port: number): Promise<number> {
    const server = http.createServer((req, res) => {
      if (this.silent.has(i)) return;
      res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'text/plain' });
      res.end('ok');
    });
    server.keepAliveTimeout = 1;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.servers[i] = server;
    return (server.address() as AddressInfo).port;
  }
}
