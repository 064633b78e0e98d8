// The public client: `createClient(connectString, options)` returns a ZooKeeperClient whose
// operations are async methods over the session driver. Paths are client paths: the chroot is
// applied to every path sent and stripped from every path received. Validation errors (bad
// path, version, mode) reject with BadArgumentsError before anything is sent.
import {
  AddWatchMode,
  WatcherType,
  type Acl,
  type Response,
  type Stat,
} from '../protocol/index.ts';
import { Chroot } from './chroot.ts';
import { ConnectionCore } from './connection-core.ts';
import { coreDefaults, type WatchAction } from './core-types.ts';
import {
  AuthFailedError,
  ClientClosedError,
  ConnectionLossError,
  MarshallingError,
  SessionExpiredError,
  type ZooKeeperError,
} from './errors.ts';
import { HostProvider, parseConnectString, type BackoffOptions } from './host-provider.ts';
import { nodeTransport } from './node-transport.ts';
import { buildCreate, checkPath, checkVersion, expectResponse, toData } from './ops.ts';
import type { DataInput } from './ops.ts';
import { SessionDriver, type Settle, type StateListener } from './session-driver.ts';
import {
  Transaction,
  buildMultiRead,
  toReadResults,
  type ReadOp,
  type ReadResult,
} from './transaction.ts';
import type { TransportFactory } from './transport.ts';
import {
  isTerminalState,
  type AclResult,
  type ChildrenResult,
  type ClientInfo,
  type CreateOptions,
  type CreateResult,
  type DataResult,
  type PersistentWatchMode,
  type SessionState,
  type WatcherKind,
  type WatchListener,
} from './types.ts';
import { WatchStream, watchBufferMaxDefault } from './watch-stream.ts';

export interface ClientOptions {
  /** Requested session timeout in ms (the server clamps it). Default 30 000. */
  readonly sessionTimeoutMs?: number;
  /** How long `connect()` waits for the first session before it rejects and closes the
   * client. Default: the session timeout. */
  readonly connectTimeoutMs?: number;
  /** Requests in flight at most; further calls wait in the backlog. Default 1000. */
  readonly maxOutstanding?: number;
  /** Calls waiting in the backlog at most; beyond it calls reject with ThrottledOpError.
   * Default 100 000. */
  readonly maxWaiting?: number;
  /** Largest request frame in bytes (the server's jute.maxbuffer). Default 0xfffff. */
  readonly maxFrameBytes?: number;
  /** Largest reply frame in bytes. Default 4 MiB. */
  readonly maxReplyBytes?: number;
  /** Accept read-only servers (state `connectedReadOnly`). Default false. */
  readonly canBeReadOnly?: boolean;
  /** Reconnect backoff after each full cycle through the hosts. Default 50 ms .. 1 s. */
  readonly backoff?: BackoffOptions;
  /** Random source for the host shuffle and backoff jitter. Default Math.random. */
  readonly random?: () => number;
  /** Connection factory. Default TCP (node:net). */
  readonly transport?: TransportFactory;
  /** Unread events a `watch()` stream buffers before it fails. Default 10 000. */
  readonly watchBufferMax?: number;
  /** Receives exceptions thrown by watch and state listeners. Default: rethrown
   * asynchronously (an uncaught exception, as with EventEmitter listeners). */
  readonly onListenerError?: (error: unknown) => void;
}

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/** Options of reads that can leave a one-shot watch. */
export interface WatchOption {
  /** Called once with the next change of the node (or a final session state). */
  readonly watch?: WatchListener;
}

export interface VersionOption {
  /** Expected version; -1 (default) matches any. */
  readonly version?: number;
}

export class ZooKeeperClient implements AsyncDisposable {
  /** Hosts as given (after parsing), for messages. */
  readonly connectString: string;
  private readonly driver: SessionDriver;
  private readonly chroot: Chroot;
  private readonly options: ClientOptions;
  private connecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(connectString: string, options: ClientOptions = {}) {
    const parsed = parseConnectString(connectString);
    this.connectString = connectString;
    this.options = options;
    this.chroot = new Chroot(parsed.chroot);
    const random = options.random ?? Math.random;
    const hosts = new HostProvider(parsed.hosts, random, options.backoff);
    const core = new ConnectionCore<Settle>(
      {
        sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
        maxOutstanding: options.maxOutstanding ?? coreDefaults.maxOutstanding,
        maxWaiting: options.maxWaiting ?? coreDefaults.maxWaiting,
        maxFrameBytes: options.maxFrameBytes ?? coreDefaults.maxFrameBytes,
        maxReplyBytes: options.maxReplyBytes ?? coreDefaults.maxReplyBytes,
        canBeReadOnly: options.canBeReadOnly ?? coreDefaults.canBeReadOnly,
      },
      hosts,
      this.chroot,
    );
    this.driver = new SessionDriver(core, {
      transport: options.transport ?? nodeTransport,
      nowMs: () => performance.now(),
      onListenerError: options.onListenerError ?? rethrowLater,
    });
  }

  /** The session state (see SessionState). */
  get state(): SessionState {
    return this.driver.core.state;
  }
  /** The session id (0n before the first connection). */
  get sessionId(): bigint {
    return this.driver.core.session.id;
  }
  /** The negotiated session timeout once connected, the requested one before. */
  get sessionTimeoutMs(): number {
    return this.driver.core.session.timeoutMs;
  }

  /** Listens to session state changes. */
  on(event: 'state', listener: StateListener): this {
    if (event === 'state') this.driver.onState(listener);
    return this;
  }
  off(event: 'state', listener: StateListener): this {
    if (event === 'state') this.driver.offState(listener);
    return this;
  }

  /** Starts connecting; resolves once a session is established. Rejects (and closes the
   * client) when none is within `connectTimeoutMs`, or the session ends first. */
  connect(): Promise<void> {
    this.connecting ??= new Promise<void>((resolve, reject) => {
      if (isTerminalState(this.state)) {
        reject(finalStateError(this.state));
        return;
      }
      const waitMs = this.options.connectTimeoutMs ?? this.sessionTimeoutMs;
      const done = (error?: Error): void => {
        clearTimeout(timer);
        this.driver.offState(listener);
        if (error === undefined) resolve();
        else reject(error);
      };
      const listener = (state: SessionState): void => {
        if (state === 'connected' || state === 'connectedReadOnly') done();
        else if (isTerminalState(state)) done(finalStateError(state));
      };
      const timer = setTimeout(() => {
        const message = `no session with ${this.connectString} within ${waitMs} ms`;
        done(new ConnectionLossError(undefined, message));
        void this.close();
      }, waitMs);
      this.driver.onState(listener);
      this.driver.start();
    });
    return this.connecting;
  }

  /** Closes the session (closeSession) and the connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.driver.close().then(() => undefined);
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private send(request: Parameters<SessionDriver['call']>[0], path?: string, watch?: WatchAction) {
    return this.driver.call(request, path, watch);
  }

  private server(path: string): string {
    checkPath(path);
    return this.chroot.toServer(path);
  }

  /** Creates a node; resolves with its actual path (sequential suffix included). */
  async create(path: string, data?: DataInput, options: CreateOptions = {}): Promise<string> {
    const request = buildCreate(path, data, options, { chroot: this.chroot, withStat: false });
    const response = await this.send(request, path);
    if (response?.type === 'create2') return this.chroot.toClient(response.path);
    return this.chroot.toClient(expectResponse(response, 'path', path).path);
  }

  /** Creates a node (create2); resolves with its path and Stat. */
  async createWithStat(
    path: string,
    data?: DataInput,
    options: CreateOptions = {},
  ): Promise<CreateResult> {
    const request = buildCreate(path, data, options, { chroot: this.chroot, withStat: true });
    const response = expectResponse(await this.send(request, path), 'create2', path);
    return { path: this.chroot.toClient(response.path), stat: response.stat };
  }

  async delete(path: string, options: VersionOption = {}): Promise<void> {
    const version = options.version ?? -1;
    checkVersion(version, path);
    await this.send({ type: 'delete', path: this.server(path), version }, path);
  }

  /** The node's Stat, or null when it does not exist. A watch is left either way. */
  async exists(path: string, options: WatchOption = {}): Promise<Stat | null> {
    const request = { type: 'exists', path: this.server(path), watch: !!options.watch } as const;
    const watch = watchAction('dataOrExist', path, options.watch);
    const response = await this.send(request, path, watch);
    return response === null ? null : expectResponse(response, 'stat', path).stat;
  }

  async getData(path: string, options: WatchOption = {}): Promise<DataResult> {
    const request = { type: 'getData', path: this.server(path), watch: !!options.watch } as const;
    const response = await this.send(request, path, watchAction('data', path, options.watch));
    const { data, stat } = expectResponse(response, 'getData', path);
    return { data, stat };
  }

  async setData(path: string, data: DataInput, options: VersionOption = {}): Promise<Stat> {
    const version = options.version ?? -1;
    checkVersion(version, path);
    const serverPath = this.server(path);
    const request = { type: 'setData', path: serverPath, data: toData(data), version } as const;
    return expectResponse(await this.send(request, path), 'stat', path).stat;
  }

  async getACL(path: string): Promise<AclResult> {
    const response = await this.send({ type: 'getACL', path: this.server(path) }, path);
    const { acl, stat } = expectResponse(response, 'getACL', path);
    return { acl, stat };
  }

  async setACL(path: string, acl: readonly Acl[], options: VersionOption = {}): Promise<Stat> {
    const version = options.version ?? -1;
    checkVersion(version, path);
    const request = { type: 'setACL', path: this.server(path), acl, version } as const;
    return expectResponse(await this.send(request, path), 'stat', path).stat;
  }

  /** Child names (unordered). With `stat: true`, also the parent's Stat (getChildren2). */
  getChildren(path: string, options?: WatchOption & { stat?: false }): Promise<string[]>;
  getChildren(path: string, options: WatchOption & { stat: true }): Promise<ChildrenResult>;
  async getChildren(
    path: string,
    options: WatchOption & { stat?: boolean } = {},
  ): Promise<string[] | ChildrenResult> {
    const type = options.stat === true ? 'getChildren2' : 'getChildren';
    const request = { type, path: this.server(path), watch: !!options.watch } as const;
    const response = await this.send(request, path, watchAction('child', path, options.watch));
    if (type === 'getChildren') {
      return expectResponse(response, 'getChildren', path).children as string[];
    }
    const { children, stat } = expectResponse(response, 'getChildren2', path);
    return { children, stat };
  }

  /** Waits until the connected server has caught up with the leader (for fresh reads). */
  async sync(path = '/'): Promise<void> {
    await this.send({ type: 'sync', path: this.server(path) }, path);
  }

  /** Paths of this session's ephemeral nodes, optionally under a string prefix. */
  async getEphemerals(prefix = '/'): Promise<string[]> {
    const serverPrefix = this.chroot.toServer(prefix);
    const response = await this.send({ type: 'getEphemerals', prefixPath: serverPrefix }, prefix);
    const chrootPrefix = this.chroot.prefix;
    return expectResponse(response, 'strings', prefix)
      .items.filter((p) => chrootPrefix === undefined || p.startsWith(`${chrootPrefix}/`))
      .map((p) => this.chroot.toClient(p));
  }

  /** Number of descendants of the node (not counting itself). */
  async getAllChildrenNumber(path: string): Promise<number> {
    const request = { type: 'getAllChildrenNumber', path: this.server(path) } as const;
    return expectResponse(await this.send(request, path), 'number', path).value;
  }

  /** The auth ids of this connection (ip, digest user, ...). */
  async whoAmI(): Promise<ClientInfo[]> {
    const response = await this.send({ type: 'whoAmI' });
    return expectResponse(response, 'whoAmI').clients.map((c) => ({ ...c }));
  }

  /** Adds credentials (e.g. 'digest', 'user:password'); kept and re-sent on reconnects.
   * A rejected auth ends the session with state `authFailed`. */
  async addAuth(scheme: string, credentials: string | Buffer): Promise<void> {
    const data = typeof credentials === 'string' ? Buffer.from(credentials) : credentials;
    await this.driver.addAuth(scheme, data);
  }

  /** Registers a persistent (optionally recursive) watch; it stays until removeWatches. */
  async addWatch(path: string, mode: PersistentWatchMode, listener: WatchListener): Promise<void> {
    const request = {
      type: 'addWatch',
      path: this.server(path),
      mode: AddWatchMode[mode],
    } as const;
    await this.send(request, path, { op: 'add', table: mode, path, listener });
  }

  /** Removes every watch of `kind` this client has on `path` (server and listeners); each
   * removed listener gets a `...WatchRemoved` event. NoWatcherError when there is none. */
  async removeWatches(path: string, kind: WatcherKind): Promise<void> {
    const request = {
      type: 'removeWatches',
      path: this.server(path),
      watcherType: WatcherType[kind],
    } as const;
    await this.send(request, path, { op: 'remove', kind, path });
  }

  /** A persistent watch as an async iterator; leaving the loop removes it. */
  watch(path: string, options: { mode?: PersistentWatchMode } = {}): WatchStream {
    const mode = options.mode ?? 'persistent';
    return new WatchStream({
      bufferMax: this.options.watchBufferMax ?? watchBufferMaxDefault,
      start: (listener) => this.addWatch(path, mode, listener),
      stop: (listener) => this.unwatch(path, mode, listener),
    });
  }

  /**
   * Drops a stream's listener; the last one on (path, mode) also removes the server watch.
   * Servers before 3.9 reject removeWatches types 4/5 (MarshallingError): then, if this client
   * watches nothing else on the path, type 'any' removes it; else the server watch stays
   * (its events find no listener).
   */
  private unwatch(path: string, mode: PersistentWatchMode, listener: WatchListener): void {
    const watches = this.driver.core.watches;
    const remaining = watches.removeListener(mode, path, listener);
    if (remaining !== 0 || isTerminalState(this.state)) return;
    const serverPath = this.chroot.toServer(path);
    const remove = (kind: WatcherKind): Promise<unknown> =>
      this.send({ type: 'removeWatches', path: serverPath, watcherType: WatcherType[kind] }, path);
    remove(mode)
      .catch((error: unknown) => {
        if (!(error instanceof MarshallingError) || watches.hasKind('any', path)) return;
        return remove('any');
      })
      .catch(() => undefined);
  }

  /** A transaction builder: `.create().delete().setData().check().commit()`. */
  transaction(): Transaction {
    return new Transaction({
      chroot: this.chroot,
      send: (request): Promise<Response | null> => this.send(request),
    });
  }

  /** Several reads in one round trip; each op succeeds or fails on its own. */
  async multiRead(ops: readonly ReadOp[]): Promise<ReadResult[]> {
    const request = { type: 'multiRead', ops: buildMultiRead(ops, this.chroot) } as const;
    const response = await this.send(request);
    return toReadResults(expectResponse(response, 'multi').results, ops);
  }
}

function watchAction(
  table: 'data' | 'child' | 'dataOrExist',
  path: string,
  listener: WatchListener | undefined,
): WatchAction | undefined {
  return listener === undefined ? undefined : { op: 'add', table, path, listener };
}

function finalStateError(state: SessionState): ZooKeeperError {
  if (state === 'authFailed') return new AuthFailedError();
  return state === 'expired' ? new SessionExpiredError() : new ClientClosedError();
}

/** Creates a client for 'host:port[,host:port...][/chroot]'; call `connect()` next. */
export function createClient(connectString: string, options: ClientOptions = {}): ZooKeeperClient {
  return new ZooKeeperClient(connectString, options);
}
