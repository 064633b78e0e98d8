// Transport over node:net: TCP with Nagle off (requests are already batched per tick, so
// small writes must not wait for ACKs), errors folded into a single onClose. Bytes are read
// with `onread` into one buffer shared by every connection of the process: a read is handed
// to the core and consumed synchronously (the frame splitter and the decoders copy what they
// keep), so this skips the Readable stream's per-read chunk, 'data' event and nextTick.
import net from 'node:net';
import type { HostAddress } from './host-provider.ts';
import type { Transport, TransportHandlers } from './transport.ts';

const readBuffer = Buffer.allocUnsafe(64 * 1024);

class NodeTransport implements Transport {
  private readonly socket: net.Socket;

  constructor(host: HostAddress, handlers: TransportHandlers) {
    const socket = net.connect({
      host: host.host,
      port: host.port,
      onread: {
        buffer: readBuffer,
        callback: (bytes: number) => {
          handlers.onData(readBuffer.subarray(0, bytes));
          return true;
        },
      },
    });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.once('connect', () => handlers.onConnect());
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
