// Transport over node:net: TCP with Nagle off (requests are already batched per tick, so
// small writes must not wait for ACKs), errors folded into a single onClose.
import net from 'node:net';
import type { HostAddress } from './host-provider.ts';
import type { Transport, TransportHandlers } from './transport.ts';

class NodeTransport implements Transport {
  private readonly socket: net.Socket;

  constructor(host: HostAddress, handlers: TransportHandlers) {
    const socket = net.connect({ host: host.host, port: host.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.once('connect', () => handlers.onConnect());
    socket.on('data', (chunk: Buffer) => handlers.onData(chunk));
    // 'close' always follows 'error'; the error itself carries nothing the core can use.
    socket.on('error', () => undefined);
    socket.once('close', () => handlers.onClose());
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** The default TransportFactory: a TCP connection per attempt. */
export function nodeTransport(host: HostAddress, handlers: TransportHandlers): Transport {
  return new NodeTransport(host, handlers);
}
