// Shared test harness for the server cores: request builders, a `Core` that drives
// ServerState + prepareWrite + applyTxn + processRead by hand, and a `Pipeline` that runs the
// RequestProcessor with fake connections, a synchronous committer and a hand-driven `defer`.
// No sockets, no timers: time comes from a ManualClock.
import { ManualClock } from '../../../src/core/clock.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import type { ConnectResponse } from '../../../src/protocol/connect.ts';
import { OpCode, requestOpCode } from '../../../src/protocol/index.ts';
import { digestId } from '../../../src/server/acl/acl.ts';
import type { Acl, Id, Stat, WatcherEvent } from '../../../src/protocol/records.ts';
import type {
  CheckRequest,
  CreateOpCode,
  CreateRequest,
  DeleteRequest,
  MultiWriteOp,
  Request,
  SetAclRequest,
  SetDataRequest,
} from '../../../src/protocol/requests.ts';
import type { NotificationFrame, ReplyHeader, Response } from '../../../src/protocol/responses.ts';
import type { ClientConnection, TxnCommitter } from '../../../src/server/pipeline/ports.ts';
import {
  RequestProcessor,
  type ConnectionLink,
} from '../../../src/server/pipeline/request-processor.ts';
import { ServerState, type ServerOptions } from '../../../src/server/pipeline/server-state.ts';
import { applyTxn, type ApplyResult } from '../../../src/server/txn/apply.ts';
import {
  prepareCloseSession,
  prepareWrite,
  type WriteRequest,
} from '../../../src/server/txn/prepare.ts';
import { processRead, type ReadRequest, type ReadResult } from '../../../src/server/txn/read.ts';
import type { Txn } from '../../../src/server/txn/txn.ts';
import type { WatcherId } from '../../../src/server/watch/watch-manager.ts';

export const open: readonly Acl[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
export const worldAcl = (perms: number): Acl[] => [
  { perms, id: { scheme: 'world', id: 'anyone' } },
];
export const digestAcl = (userPassword: string, perms = 31): Acl => ({
  perms,
  id: { scheme: 'digest', id: digestId(userPassword) },
});
/** The ids of a plain connection from localhost. */
export const ipOnly: Id[] = [{ scheme: 'ip', id: '127.0.0.1' }];
export const asUser = (userPassword: string): Id[] => [
  ...ipOnly,
  { scheme: 'digest', id: digestId(userPassword) },
];

export interface CreateOptions {
  readonly data?: string | null;
  readonly acl?: readonly Acl[] | null;
  readonly flags?: number;
  readonly ttl?: bigint;
  readonly opcode?: CreateOpCode;
}

export function create(path: string, options: CreateOptions = {}): CreateRequest {
  const data = options.data === undefined ? 'd' : options.data;
  return {
    type: 'create',
    opcode: options.opcode ?? OpCode.create2,
    path,
    data: data === null ? null : Buffer.from(data),
    acl: options.acl === undefined ? open : options.acl,
    flags: options.flags ?? 0,
    ttl: options.ttl ?? -1n,
  };
}
export const del = (path: string, version = -1): DeleteRequest => ({
  type: 'delete',
  path,
  version,
});
export const setData = (path: string, data = 'x', version = -1): SetDataRequest => ({
  type: 'setData',
  path,
  data: Buffer.from(data),
  version,
});
export const setAcl = (path: string, acl: readonly Acl[] | null, version = -1): SetAclRequest => ({
  type: 'setACL',
  path,
  acl,
  version,
});
export const check = (path: string, version = -1): CheckRequest => ({
  type: 'check',
  path,
  version,
});
export const multi = (...ops: MultiWriteOp[]): WriteRequest => ({ type: 'multi', ops });

export function options(overrides: Partial<ServerOptions> = {}): ServerOptions {
  return {
    serverId: 1,
    tickTimeMs: 2000,
    minSessionTimeoutMs: 4000,
    maxSessionTimeoutMs: 40000,
    extendedTypesEnabled: true,
    superDigest: undefined,
    containerCheckIntervalMs: 60000,
    containerMaxPerMinute: 10000,
    containerMaxNeverUsedIntervalMs: 0,
    ...overrides,
  };
}

export interface As {
  readonly sessionId?: bigint;
  readonly authIds?: readonly Id[];
  readonly watcher?: WatcherId;
}

export type Written = ApplyResult & { readonly zxid: bigint; readonly txn: Txn };

/** The pure cores wired by hand: prepare (with pending changes), then apply, then release. */
export class Core {
  readonly clock = new ManualClock();
  readonly options: ServerOptions;
  readonly state: ServerState;

  constructor(overrides: Partial<ServerOptions> = {}) {
    this.options = options(overrides);
    this.state = new ServerState(this.options, this.clock);
  }

  get tree(): ServerState['tree'] {
    return this.state.tree;
  }

  private nextTxn(sessionId: bigint, body: (zxid: bigint) => Txn['body']): Txn {
    const zxid = this.state.lastProposedZxid + 1n;
    this.state.lastProposedZxid = zxid;
    return { zxid, sessionId, cxid: 1, time: BigInt(this.clock.nowMs()), body: body(zxid) };
  }

  /** Prepares a write against committed state + pending changes; nothing is applied. */
  prepare(request: WriteRequest, as: As = {}): Txn {
    const sessionId = as.sessionId ?? 0n;
    const ctx = {
      pending: this.state.pending,
      sessionId,
      authIds: as.authIds ?? ipOnly,
      extendedTypesEnabled: this.options.extendedTypesEnabled,
    };
    return this.nextTxn(sessionId, (zxid) => prepareWrite(request, zxid, ctx));
  }

  prepareClose(sessionId: bigint): Txn {
    const ctx = {
      pending: this.state.pending,
      sessionId,
      authIds: [],
      extendedTypesEnabled: this.options.extendedTypesEnabled,
    };
    const owned = this.tree.ephemerals(sessionId);
    return this.nextTxn(sessionId, (zxid) => prepareCloseSession(owned, zxid, ctx));
  }

  /** Applies a prepared txn, as the commit path does. */
  apply(txn: Txn): Written {
    const result = applyTxn(
      {
        tree: this.state.tree,
        sessions: this.state.sessions,
        watches: this.state.watches,
        nowMs: this.clock.monotonicMs(),
      },
      txn,
    );
    this.state.pending.release(txn.zxid);
    this.state.lastAppliedZxid = txn.zxid;
    return { ...result, zxid: txn.zxid, txn };
  }

  write(request: WriteRequest, as: As = {}): Written {
    return this.apply(this.prepare(request, as));
  }

  /** Writes and asserts success; returns the result. */
  ok(request: WriteRequest, as: As = {}): Written {
    const result = this.write(request, as);
    if (result.err !== 0) throw new Error(`write failed with ${result.err}: ${request.type}`);
    return result;
  }

  err(request: WriteRequest, as: As = {}): number {
    return this.write(request, as).err;
  }

  closeSession(sessionId: bigint): Written {
    return this.apply(this.prepareClose(sessionId));
  }

  read(request: ReadRequest, as: As = {}): ReadResult {
    return processRead(
      {
        tree: this.state.tree,
        watches: this.state.watches,
        watcher: as.watcher ?? 1,
        sessionId: as.sessionId ?? 0n,
        authIds: as.authIds ?? ipOnly,
      },
      request,
    );
  }

  stat(path: string): Stat {
    const node = this.tree.get(path);
    if (node === undefined) throw new Error(`no node ${path}`);
    return this.tree.stat(node);
  }
}

/** [type, path] pairs a watcher receives from one applied txn. */
export function eventsFor(result: ApplyResult, watcher: WatcherId): [number, string][] {
  return result.notifications
    .filter((n) => n.watchers.has(watcher))
    .map((n): [number, string] => [n.type, n.path]);
}

export class FakeConnection implements ClientConnection {
  readonly id: WatcherId;
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 40000;
  readonly authIds: Id[];
  readonly replies: { header: ReplyHeader; response: Response }[] = [];
  readonly events: { event: WatcherEvent; zxid: bigint }[] = [];
  readonly connectResponses: ConnectResponse[] = [];
  /** Everything sent, in order, as short strings: "reply:<xid>:<err>" / "event:<type>:<path>". */
  readonly log: string[] = [];
  closedReason: string | undefined;

  constructor(id: WatcherId, authIds: readonly Id[] = ipOnly) {
    this.id = id;
    this.authIds = [...authIds];
  }
  sendConnectResponse(response: ConnectResponse): void {
    this.connectResponses.push(response);
    this.log.push(`connect:${response.timeOutMs}`);
  }
  sendReply(header: ReplyHeader, response: Response): void {
    this.replies.push({ header, response });
    this.log.push(`reply:${header.xid}:${header.err}`);
  }
  sendEvent({ event, zxid }: NotificationFrame): void {
    this.events.push({ event, zxid });
    this.log.push(`event:${event.type}:${event.path}`);
  }
  close(reason: string): void {
    this.closedReason ??= reason;
  }
  eventList(): [number, string][] {
    return this.events.map(({ event }): [number, string] => [event.type, event.path]);
  }
  reply(xid: number): { header: ReplyHeader; response: Response } {
    const found = this.replies.find((r) => r.header.xid === xid);
    if (found === undefined) throw new Error(`no reply for xid ${xid}`);
    return found;
  }
}

/** The RequestProcessor with a synchronous committer and a `defer` the test drives. */
export class Pipeline {
  readonly clock = new ManualClock();
  readonly options: ServerOptions;
  readonly state: ServerState;
  readonly processor: RequestProcessor;
  readonly committed: Txn[][] = [];
  /** When set, commits fail (a disk error) instead of succeeding. */
  failCommits = false;
  private readonly deferred: (() => void)[] = [];
  private nextConnId = 1;
  private nextXid = 1;

  constructor(overrides: Partial<ServerOptions> = {}) {
    this.options = options(overrides);
    this.state = new ServerState(this.options, this.clock);
    const committer: TxnCommitter = {
      commit: (txns, done) => {
        if (this.failCommits) {
          done(new Error('disk full'));
          return;
        }
        this.committed.push([...txns]);
        done(undefined);
      },
    };
    this.processor = new RequestProcessor(this.state, this.options, {
      clock: this.clock,
      committer,
      logger: silentLogger,
      defer: (fn) => this.deferred.push(fn),
    });
  }

  /** A connection bound to `sessionId` (the session itself need not be in the table). */
  connect(authIds: readonly Id[] = ipOnly, sessionId?: bigint): Client {
    const conn = new FakeConnection(this.nextConnId++, authIds);
    const link = this.processor.attach(conn);
    this.processor.bind(link, sessionId ?? BigInt(conn.id) * 0x1000n);
    return { conn, link };
  }

  /** Submits a request; returns its xid. Writes are prepared now, applied on `run()`. */
  submit(client: Client, request: Request): number {
    const xid = this.nextXid++;
    this.processor.submit(client.link, xid, requestOpCode(request), request);
    return xid;
  }

  /** Runs the deferred batch flushes until nothing is left. */
  run(): void {
    for (let fn = this.deferred.shift(); fn !== undefined; fn = this.deferred.shift()) fn();
  }

  /** Submit + run; returns the reply. */
  call(client: Client, request: Request): { header: ReplyHeader; response: Response } {
    const xid = this.submit(client, request);
    this.run();
    return client.conn.reply(xid);
  }
}

export interface Client {
  readonly conn: FakeConnection;
  readonly link: ConnectionLink;
}
