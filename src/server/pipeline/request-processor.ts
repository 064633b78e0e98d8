// The standalone request pipeline: prepare -> commit (batched) -> apply -> reply, composed as
// plain function calls. Writes are prepared on arrival (so they see each other's pending
// changes) and committed in batches; each connection's replies leave in request order, and a
// read waits behind that connection's earlier writes, as Apache's CommitProcessor makes it.
import type { Clock } from '../../core/clock.ts';
import { Perms } from '../../protocol/constants.ts';
import type { Logger } from '../../core/logger.ts';
import type { Request } from '../../protocol/requests.ts';
import { emptyResponse, type Response } from '../../protocol/responses.ts';
import { hasPermission } from '../acl/acl.ts';
import { applyTxn, type WatchNotification } from '../txn/apply.ts';
import { prepareCloseSession, prepareWrite, type WriteRequest } from '../txn/prepare.ts';
import { processRead, type ReadRequest } from '../txn/read.ts';
import type { Txn, TxnBody } from '../txn/txn.ts';
import type { WatcherId } from '../watch/watch-manager.ts';
import type { ClientConnection, TxnCommitter } from './ports.ts';
import type { ServerOptions, ServerState } from './server-state.ts';
import { ServerStats } from './server-stats.ts';

/** What to do once a txn is applied. */
export type TxnOrigin =
  | { readonly kind: 'request'; readonly link: ConnectionLink; readonly entry: WriteEntry }
  | { readonly kind: 'callback'; readonly onApplied: () => void }
  | { readonly kind: 'internal' };

export interface WriteEntry {
  readonly kind: 'write';
  readonly xid: number;
  readonly opcode: number;
  readonly receivedAtMs: number;
  result?: { err: number; zxid: bigint; response: Response };
  /** closeSession: the socket closes once this reply is out. */
  readonly closeAfter: boolean;
}

interface ReadEntry {
  readonly kind: 'read';
  readonly xid: number;
  readonly opcode: number;
  readonly receivedAtMs: number;
  readonly request: ReadRequest;
}

type Entry = WriteEntry | ReadEntry;

/** A connection as the processor tracks it. */
export interface ConnectionLink {
  readonly conn: ClientConnection;
  sessionId: bigint | undefined;
  readonly queue: Entry[];
  closed: boolean;
  lastOpcode: number;
  lastZxid: bigint;
  lastCxid: number;
}

export interface ProcessorPorts {
  readonly clock: Clock;
  readonly committer: TxnCommitter;
  readonly logger: Logger;
  /** Runs `fn` after the current turn of the event loop: the batching window. */
  readonly defer: (fn: () => void) => void;
}

export function isWriteRequest(request: Request): request is WriteRequest {
  switch (request.type) {
    case 'create':
    case 'delete':
    case 'setData':
    case 'setACL':
    case 'multi':
    case 'check':
    case 'deleteContainer':
      return true;
    default:
      return false;
  }
}

export class RequestProcessor {
  readonly stats: ServerStats;
  readonly state: ServerState;
  readonly options: ServerOptions;
  private readonly ports: ProcessorPorts;
  private batch: { txn: Txn; origin: TxnOrigin }[] = [];
  private flushScheduled = false;
  private commitsInFlight = 0;
  private queuedCount = 0;
  readonly links = new Map<WatcherId, ConnectionLink>();
  /** The connection each session is attached to (the last one that connected with it). */
  readonly linkBySession = new Map<bigint, ConnectionLink>();

  constructor(state: ServerState, options: ServerOptions, ports: ProcessorPorts) {
    this.state = state;
    this.options = options;
    this.ports = ports;
    this.stats = new ServerStats();
  }

  /** Requests received and not yet answered: Apache's "Outstanding". */
  get outstanding(): number {
    return this.queuedCount;
  }

  attach(conn: ClientConnection): ConnectionLink {
    const link: ConnectionLink = {
      conn,
      sessionId: undefined,
      queue: [],
      closed: false,
      lastOpcode: -1,
      lastZxid: 0n,
      lastCxid: 0,
    };
    this.links.set(conn.id, link);
    return link;
  }

  /** The socket is gone: its watches go with it; the session lives on until it expires. */
  detach(link: ConnectionLink): void {
    link.closed = true;
    this.queuedCount -= link.queue.length;
    link.queue.length = 0;
    this.links.delete(link.conn.id);
    this.state.watches.removeWatcher(link.conn.id);
    if (link.sessionId !== undefined && this.linkBySession.get(link.sessionId) === link) {
      this.linkBySession.delete(link.sessionId);
    }
  }

  bind(link: ConnectionLink, sessionId: bigint): void {
    link.sessionId = sessionId;
    this.linkBySession.set(sessionId, link);
  }

  /** Prepares a txn body with the next zxid and queues it for the next commit batch. */
  propose(
    sessionId: bigint,
    cxid: number,
    body: (zxid: bigint) => TxnBody,
    origin: TxnOrigin,
  ): Txn {
    const zxid = this.state.lastProposedZxid + 1n;
    const txn: Txn = {
      zxid,
      sessionId,
      cxid,
      time: BigInt(this.ports.clock.nowMs()),
      body: body(zxid),
    };
    this.state.lastProposedZxid = zxid;
    this.batch.push({ txn, origin });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.ports.defer(() => this.flush());
    }
    return txn;
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    this.commitsInFlight++;
    this.ports.committer.commit(
      batch.map((b) => b.txn),
      (error) => {
        this.commitsInFlight--;
        if (error !== undefined) {
          this.failBatch(batch, error);
          return;
        }
        for (const { txn, origin } of batch) this.applyCommitted(txn, origin);
      },
    );
  }

  /** A batch that could not be made durable: its writes fail and their connections close. */
  private failBatch(batch: { txn: Txn; origin: TxnOrigin }[], error: Error): void {
    this.ports.logger.error({ err: error.message, txns: batch.length }, 'commit failed');
    for (const { origin } of batch) {
      if (origin.kind === 'request') origin.link.conn.close('commit failed');
    }
  }

  private applyCommitted(txn: Txn, origin: TxnOrigin): void {
    const result = applyTxn(
      {
        tree: this.state.tree,
        sessions: this.state.sessions,
        watches: this.state.watches,
        nowMs: this.ports.clock.monotonicMs(),
      },
      txn,
    );
    this.state.pending.release(txn.zxid);
    this.state.lastAppliedZxid = txn.zxid;
    this.deliver(result.notifications, txn.zxid);
    if (txn.body.type === 'closeSession' && origin.kind !== 'request') {
      // Expired: the session's connection (if any) closes; a client's own close is replied to.
      this.linkBySession.get(txn.sessionId)?.conn.close('session expired');
    }
    switch (origin.kind) {
      case 'request':
        origin.entry.result = { err: result.err, zxid: txn.zxid, response: result.response };
        this.drain(origin.link);
        return;
      case 'callback':
        origin.onApplied();
        return;
      case 'internal':
        return;
    }
  }

  private deliver(notifications: readonly WatchNotification[], zxid: bigint): void {
    for (const notification of notifications) {
      const event = { type: notification.type, state: 3, path: notification.path };
      for (const watcher of notification.watchers) {
        const link = this.links.get(watcher);
        if (link === undefined || link.closed) continue;
        // Events need READ on the node as it was when the watch fired (3.8.4+ / 3.9.2+).
        if (!hasPermission(notification.acl, Perms.read, link.conn.authIds)) continue;
        // The notification carries the txn's zxid, as 3.9 servers send it.
        link.conn.sendEvent(event, zxid);
        this.stats.packetsSent++;
      }
    }
  }

  /** Queues a request in the connection's reply order; writes are prepared right away. */
  submit(
    link: ConnectionLink,
    xid: number,
    opcode: number,
    request: Request,
    closeAfter = false,
  ): void {
    const receivedAtMs = this.ports.clock.monotonicMs();
    link.lastOpcode = opcode;
    link.lastCxid = xid;
    const sessionId = link.sessionId ?? 0n;
    if (isWriteRequest(request) || closeAfter) {
      const entry: WriteEntry = { kind: 'write', xid, opcode, receivedAtMs, closeAfter };
      this.enqueue(link, entry);
      const ctx = {
        pending: this.state.pending,
        sessionId,
        authIds: link.conn.authIds,
        extendedTypesEnabled: this.options.extendedTypesEnabled,
      };
      const body = closeAfter
        ? (zxid: bigint) => this.closeSessionBody(sessionId, zxid)
        : (zxid: bigint) => prepareWrite(request as WriteRequest, zxid, ctx);
      this.propose(sessionId, xid, body, { kind: 'request', link, entry });
      return;
    }
    const entry: ReadEntry = { kind: 'read', xid, opcode, receivedAtMs, request };
    if (link.queue.length === 0) {
      this.answerRead(link, entry);
    } else {
      this.enqueue(link, entry);
    }
  }

  private enqueue(link: ConnectionLink, entry: Entry): void {
    link.queue.push(entry);
    this.queuedCount++;
  }

  private dequeue(link: ConnectionLink): void {
    link.queue.shift();
    this.queuedCount--;
  }

  /** closeSession: every ephemeral of the session goes, including pending ones. */
  closeSessionBody(sessionId: bigint, zxid: bigint): TxnBody {
    const ctx = {
      pending: this.state.pending,
      sessionId,
      authIds: [],
      extendedTypesEnabled: this.options.extendedTypesEnabled,
    };
    return prepareCloseSession(this.state.tree.ephemerals(sessionId), zxid, ctx);
  }

  private answerRead(link: ConnectionLink, entry: ReadEntry): void {
    const result = processRead(
      {
        tree: this.state.tree,
        watches: this.state.watches,
        watcher: link.conn.id,
        sessionId: link.sessionId ?? 0n,
        authIds: link.conn.authIds,
      },
      entry.request,
    );
    for (const event of result.events ?? []) link.conn.sendEvent(event, -1n);
    this.reply(link, entry, result.err, this.state.lastAppliedZxid, result.response, false);
  }

  private reply(
    link: ConnectionLink,
    entry: Entry,
    err: number,
    zxid: bigint,
    response: Response,
    closeAfter: boolean,
  ): void {
    if (link.closed) return;
    link.lastZxid = zxid;
    link.conn.sendReply({ xid: entry.xid, zxid, err }, err === 0 ? response : emptyResponse);
    this.stats.recordReply(this.ports.clock.monotonicMs() - entry.receivedAtMs);
    if (closeAfter) link.conn.close('session closed');
  }

  /** Sends every reply at the head of the queue that is ready, in order. */
  private drain(link: ConnectionLink): void {
    while (!link.closed) {
      const head = link.queue[0];
      if (head === undefined) return;
      if (head.kind === 'write') {
        if (head.result === undefined) return;
        this.dequeue(link);
        const { err, zxid, response } = head.result;
        this.reply(link, head, err, zxid, response, head.closeAfter);
      } else {
        this.dequeue(link);
        this.answerRead(link, head);
      }
    }
  }

  /** Replies with an error right away, in order (e.g. SESSIONEXPIRED on a closing session). */
  rejectInOrder(link: ConnectionLink, xid: number, opcode: number, err: number): void {
    const receivedAtMs = this.ports.clock.monotonicMs();
    const entry: WriteEntry = {
      kind: 'write',
      xid,
      opcode,
      receivedAtMs,
      closeAfter: false,
      result: { err, zxid: this.state.lastAppliedZxid, response: emptyResponse },
    };
    this.enqueue(link, entry);
    this.drain(link);
  }

  get idle(): boolean {
    return this.batch.length === 0 && this.commitsInFlight === 0;
  }
}
