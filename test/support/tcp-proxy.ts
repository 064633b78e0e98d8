// A TCP proxy for disconnect tests: listens on a free loopback port and forwards every
// connection to a target. `cut()` destroys every open connection (both sides) at once;
// `pause()` models a partition: forwarding stops in both directions (bytes wait in the kernel
// buffers, as during a real partition) and new connections are accepted but held without a
// server side; `resume()` lets paused connections flow again and drops the held ones (their
// clients have given up on them), so new connections go through again.
import net from 'node:net';
import { LOOPBACK } from './free-port.ts';

interface Pair {
  readonly client: net.Socket;
  readonly server: net.Socket;
}

export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** `host:port` of the proxy, for connect strings. */
  readonly address: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  cut(): void;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

const pairsMax = 1000;

class Proxy implements TcpProxy {
  readonly host = LOOPBACK;
  port = 0;
  accepted = 0;
  private readonly target: { host: string; port: number };
  private readonly listener: net.Server;
  private readonly pairs = new Set<Pair>();
  private readonly held = new Set<net.Socket>();
  private paused = false;

  constructor(target: { host: string; port: number }) {
    this.target = target;
    this.listener = net.createServer((client) => this.accept(client));
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen({ host: LOOPBACK, port: 0 }, () => resolve());
    });
    const address = this.listener.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    this.port = address.port;
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    client.setNoDelay(true);
    if (this.pairs.size + this.held.size >= pairsMax) {
      client.destroy();
      return;
    }
    if (!this.paused) {
      this.connectUpstream(client);
      return;
    }
    this.held.add(client);
    client.pause();
    client.on('error', () => client.destroy());
    client.on('close', () => this.held.delete(client));
  }

  private connectUpstream(client: net.Socket): void {
    const server = net.connect({ host: this.target.host, port: this.target.port });
    const pair: Pair = { client, server };
    this.pairs.add(pair);
    server.setNoDelay(true);
    client.on('data', (chunk: Buffer) => server.write(chunk));
    server.on('data', (chunk: Buffer) => client.write(chunk));
    for (const socket of [client, server]) {
      socket.on('error', () => this.destroyPair(pair));
      socket.on('close', () => this.destroyPair(pair));
    }
  }

  private destroyPair(pair: Pair): void {
    this.pairs.delete(pair);
    pair.client.destroy();
    pair.server.destroy();
  }

  cut(): void {
    for (const pair of [...this.pairs]) this.destroyPair(pair);
    for (const client of [...this.held]) client.destroy();
    this.held.clear();
  }

  pause(): void {
    this.paused = true;
    for (const pair of this.pairs) {
      pair.client.pause();
      pair.server.pause();
    }
  }

  resume(): void {
    this.paused = false;
    for (const client of [...this.held]) client.destroy();
    this.held.clear();
    for (const pair of this.pairs) {
      pair.client.resume();
      pair.server.resume();
    }
  }

  close(): Promise<void> {
    this.paused = false;
    this.cut();
    return new Promise((resolve) => this.listener.close(() => resolve()));
  }
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const proxy = new Proxy(target);
  await proxy.listen();
  return proxy;
}
