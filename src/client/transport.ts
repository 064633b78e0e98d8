// The byte-stream port the client driver talks through. One Transport is one connection
// attempt to one host: the driver reports `onConnect` once, `onData` per chunk and `onClose`
// once at the end (after an error, a remote close or `destroy`). Tests and other runtimes
// inject their own factory; node-transport.ts implements it over node:net.
import type { HostAddress } from './host-provider.ts';

export interface TransportHandlers {
  onConnect(): void;
  /** Bytes received; `chunk` is valid only during the call (the transport may reuse it). */
  onData(chunk: Buffer): void;
  onClose(): void;
}

export interface Transport {
  /** Queues bytes for sending; the transport keeps their order. */
  write(bytes: Buffer): void;
  /** Closes at once, dropping unsent bytes. Idempotent. */
  destroy(): void;
}

export type TransportFactory = (host: HostAddress, handlers: TransportHandlers) => Transport;
