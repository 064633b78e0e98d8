// The standalone request pipeline: prepare -> commit (batched) -> apply -> reply, composed as
// plain function calls. Writes are prepared on arrival (so they see each other's pending
// changes) and committed in batches; each connection's replies leave in request order, and a
// read waits behind that connection's earlier writes, as Apache's CommitProcessor makes it.
import type { Clock } from '../../core/clock.ts';
import { ErrorCode, Perms } from '../../protocol/constants.ts';
import type { Logger } from '../../core/logger.ts';
import type { Request } from '../../protocol/requests.ts';
import { emptyResponse, NotificationFrame, type Response } from '../../protocol/responses.ts';
import { hasPermission, isWorldReadable } from '../acl/acl.ts';
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
  | {
      readonly kind: 'callback';
      readonly onApplied: () => void;
      /** The txn could not be made durable and was not applied. */
      readonly onFailed: () => void;
    };

/** After a failed commit, writes are refused outright for this long before trying again. */
export const writesRefusedAfterFailureMs = 1000;

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
  /** Bumped by a failed commit: batches of an older generation fail instead of applying. */
  private generation = 0;
  private writesRefusedUntilMs = Number.NEGATIVE_INFINITY;
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
    const generation = this.generation;
    this.ports.committer.commit(
      batch.map((b) => b.txn),
      (error) => {
        this.commitsInFlight--;
        if (error !== undefined || generation !== this.generation) {
          this.failBatch(batch, generation, error);
          return;
        }
        for (const { txn, origin } of batch) this.applyCommitted(txn, origin);
      },
    );
  }

  /** True while writes are refused after a failed commit (disk full, I/O error). */
  get writesRefused(): boolean {
    return this.ports.clock.monotonicMs() < this.writesRefusedUntilMs;
  }

  /**
   * A batch that could not be made durable. Everything prepared since the last applied txn
   * was prepared on top of it, so all of it fails: pending changes are dropped, zxids are
   * handed out again from the last applied one, and writes are refused for a while. Reads
   * go on. Nothing failed was applied, so the tree never holds an unlogged change.
   */
  private failBatch(
    batch: { txn: Txn; origin: TxnOrigin }[],
    generation: number,
    error: Error | undefined,
  ): void {
    const failed = [...batch];
    if (generation === this.generation) {
      this.generation++;
      failed.push(...this.batch);
      this.batch = [];
      this.state.pending.clear();
      this.state.lastProposedZxid = this.state.lastAppliedZxid;
      this.writesRefusedUntilMs = this.ports.clock.monotonicMs() + writesRefusedAfterFailureMs;
      this.ports.logger.error(
        { err: error?.message, txns: failed.length, lastZxid: this.state.lastAppliedZxid },
        'COMMIT FAILED: writes are refused until the txn log can be written again',
      );
    }
    for (const { origin } of failed) {
      if (origin.kind === 'callback') {
        origin.onFailed();
        continue;
      }
      const entry = origin.entry;
      entry.result = {
        err: ErrorCode.systemError,
        zxid: this.state.lastAppliedZxid,
        response: emptyResponse,
      };
      if (entry.closeAfter) this.reopenSession(origin.link.sessionId);
      this.drain(origin.link);
    }
  }

  /** A closeSession that failed to commit: the session lives on and expires normally. */
  reopenSession(sessionId: bigint | undefined): void {
    const session = sessionId === undefined ? undefined : this.state.sessions.get(sessionId);
    if (session === undefined) return;
    session.closing = false;
    this.state.sessions.touch(session, this.ports.clock.monotonicMs());
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
    }
  }

  private deliver(notifications: readonly WatchNotification[], zxid: bigint): void {
    for (const notification of notifications) {
      // The notification carries the txn's zxid, as 3.9 servers send it.
      const frame = new NotificationFrame(
        { type: notification.type, state: 3, path: notification.path },
        zxid,
      );
      // Events need READ on the node as it was when the watch fired (3.8.4+ / 3.9.2+).
      const readableByAll = isWorldReadable(notification.acl);
      for (const watcher of notification.watchers) {
        const link = this.links.get(watcher);
        if (link === undefined || link.closed) continue;
        if (!readableByAll && !hasPermission(notification.acl, Perms.read, link.conn.authIds)) {
          continue;
        }
        link.conn.sendEvent(frame);
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
    if (isWriteRequest(request) && this.writesRefused) {
      this.rejectInOrder(link, xid, opcode, ErrorCode.systemError);
      return;
    }
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
    for (const event of result.events ?? []) link.conn.sendEvent(new NotificationFrame(event, -1n));
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

  /**
   * Answers with an error in reply order (right away unless earlier writes are pending), e.g.
   * SESSIONEXPIRED on a closing session; with `closeAfter` the socket closes after it.
   */
  rejectInOrder(
    link: ConnectionLink,
    xid: number,
    opcode: number,
    err: number,
    closeAfter = false,
  ): void {
    const receivedAtMs = this.ports.clock.monotonicMs();
    const entry: WriteEntry = {
      kind: 'write',
      xid,
      opcode,
      receivedAtMs,
      closeAfter,
      result: { err, zxid: this.state.lastAppliedZxid, response: emptyResponse },
    };
    this.enqueue(link, entry);
    this.drain(link);
  }

  get idle(): boolean {
    return this.batch.length === 0 && this.commitsInFlight === 0;
  }
}
