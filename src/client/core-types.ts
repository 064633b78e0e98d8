// The vocabulary of the pure connection core: its options, what a caller attaches to a request,
// and the effects it asks its driver to carry out.
//
// Ordering contract for drivers: after every input, apply the drained effects in order, then
// write `takeOutbound()` (the concatenated frames produced so far, for the transport the core
// last reported as connected) — at once or batched once per tick, but before the next `open`
// effect is acted on. The core drops unflushed bytes itself when it closes a transport, so a
// driver never writes a stale batch to a new connection.
import type { Response } from '../protocol/index.ts';
import type { ZooKeeperError } from './errors.ts';
import type { HostAddress } from './host-provider.ts';
import type { SessionState, WatcherKind, WatchEvent, WatchListener } from './types.ts';
import type { WatchTable } from './watch-registry.ts';

/** A watch change that takes effect when the request it rides on succeeds. */
export type WatchAction =
  | {
      readonly op: 'add';
      /** `dataOrExist`: exists(watch) — a data watch if the node exists, else an exist watch. */
      readonly table: WatchTable | 'dataOrExist';
      readonly path: string;
      readonly listener: WatchListener;
    }
  | { readonly op: 'remove'; readonly kind: WatcherKind; readonly path: string };

/** What the caller attaches to a request: its settle token, its client path (for errors) and
 * the watch change to apply on success. */
export interface RequestMeta<T> {
  readonly token: T;
  readonly path: string | undefined;
  readonly watch: WatchAction | undefined;
}

/**
 * Effects, applied by the driver in order.
 * - `open`: connect a new transport to `host`; report `connected(transportId)` or
 *   `closed(transportId)`.
 * - `close`: destroy that transport (no `closed` input is needed afterwards).
 * - `armTimer`: call `tick(now)` at `atMs` (replaces any earlier armed timer).
 * - `reply` / `fail`: settle a request. `response` is null only for exists on a missing node.
 * - `state`: the session state changed.
 * - `watch`: call each listener with the event.
 */
export type CoreEffect<T> =
  | { readonly kind: 'open'; readonly transportId: number; readonly host: HostAddress }
  | { readonly kind: 'close'; readonly transportId: number }
  | { readonly kind: 'armTimer'; readonly atMs: number }
  | { readonly kind: 'reply'; readonly token: T; readonly response: Response | null }
  | { readonly kind: 'fail'; readonly token: T; readonly error: ZooKeeperError }
  | { readonly kind: 'state'; readonly state: SessionState }
  | {
      readonly kind: 'watch';
      readonly listeners: Iterable<WatchListener>;
      readonly event: WatchEvent;
    };

export interface ConnectionCoreOptions {
  /** Requested session timeout; the server's negotiated value replaces it. */
  readonly sessionTimeoutMs: number;
  /** Requests sent and not yet answered, at most. Beyond it requests wait in the backlog. */
  readonly maxOutstanding: number;
  /** Requests waiting in the backlog, at most. Beyond it calls reject with ThrottledOpError. */
  readonly maxWaiting: number;
  /** Largest request frame the client sends (jute.maxbuffer of the server). */
  readonly maxFrameBytes: number;
  /** Largest reply frame (and buffer/string inside one) the client accepts. */
  readonly maxReplyBytes: number;
  /** Accept a read-only server (sent in the ConnectRequest). */
  readonly canBeReadOnly: boolean;
}

export const coreDefaults = {
  maxOutstanding: 1000,
  maxWaiting: 100_000,
  maxFrameBytes: 0xfffff,
  maxReplyBytes: 4 * 1024 * 1024,
  canBeReadOnly: false,
} as const;

/** Java's MAX_SEND_PING_INTERVAL: ping at least this often even with long sessions. */
export const pingIntervalMsMax = 10_000;
