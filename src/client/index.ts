/**
 * `meerkat/client`: a typed, promise-based ZooKeeper client for Node.js.
 *
 * ```ts
 * import { createClient, NoNodeError } from 'meerkat/client';
 * await using client = createClient('127.0.0.1:2181/app', { sessionTimeoutMs: 10_000 });
 * await client.connect();
 * await client.create('/config', 'v1', { mode: 'persistent' });
 * const { data, stat } = await client.getData('/config', { watch: (e) => console.log(e) });
 * for await (const event of client.watch('/config', { mode: 'persistentRecursive' })) {
 *   if (event.type === 'nodeDataChanged') break; // leaving the loop removes the watch
 * }
 * ```
 *
 * Sessions survive disconnects: the client reconnects (round-robin over the shuffled hosts,
 * with capped, jittered backoff), resumes the session, re-sends its auths and re-registers
 * its watches (SetWatches), so events that happened while it was away are delivered. Requests
 * in flight on a lost connection reject with {@link ConnectionLossError} and are never resent;
 * requests made while disconnected wait (at most one session timeout) for the next
 * connection. An expired session is reported once (state `expired`); every later call rejects
 * with {@link SessionExpiredError}.
 *
 * At most `maxOutstanding` (default 1000) requests are in flight; further calls wait in a
 * backlog of at most `maxWaiting` (default 100 000) and reject with {@link ThrottledOpError}
 * beyond it.
 *
 * @packageDocumentation
 */
export { createClient, ZooKeeperClient } from './client.ts';
export type { ClientOptions, VersionOption, WatchOption } from './client.ts';
export type { StateListener } from './session-driver.ts';
export { Transaction, TransactionError } from './transaction.ts';
export type { OpResult, ReadOp, ReadResult } from './transaction.ts';
export { WatchStream, WatchOverflowError } from './watch-stream.ts';
export type { DataInput } from './ops.ts';
export type { Transport, TransportFactory, TransportHandlers } from './transport.ts';
export { nodeTransport } from './node-transport.ts';
export { parseConnectString, defaultClientPort } from './host-provider.ts';
export type { BackoffOptions, ConnectString, HostAddress } from './host-provider.ts';
export { isTerminalState } from './types.ts';
export type {
  Acl,
  AclResult,
  ChildrenResult,
  ClientInfo,
  CreateModeName,
  CreateOptions,
  CreateResult,
  DataResult,
  Id,
  NodeEvent,
  NodeEventType,
  PersistentWatchMode,
  SessionState,
  Stat,
  StateEvent,
  WatcherKind,
  WatchEvent,
  WatchListener,
} from './types.ts';
export { openAclUnsafe, creatorAllAcl, readAclUnsafe, Perms } from '../protocol/index.ts';
export * from './errors.ts';
