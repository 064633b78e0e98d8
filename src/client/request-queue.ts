// The request side of the connection core: a bounded FIFO of requests sent and awaiting their
// replies (maxOutstanding), a bounded backlog of requests not yet sent (maxWaiting; they wait
// for a connection or a free slot), the stored auths with the FIFO of auth replies, and the
// frame writer. Replies are matched to the oldest in-flight request; a different xid is a
// protocol violation. Pure: failures become `fail` effects on the sink.
import { ProtocolError, type Request } from '../protocol/index.ts';
import type { CoreEffect } from './core-types.ts';
import { BadArgumentsError, ThrottledOpError, type ZooKeeperError } from './errors.ts';
import { Fifo } from './fifo.ts';
import { FrameWriter } from './frame-writer.ts';
import { Pending, type AuthRecord } from './pending.ts';
import type { EffectSink } from './reply-router.ts';

export interface QueueLimits {
  readonly maxOutstanding: number;
  readonly maxWaiting: number;
  readonly maxFrameBytes: number;
}

/** Stored auths (re-sent on every reconnect), at most. */
export const authsMax = 64;

export class RequestQueue<T> {
  readonly frames: FrameWriter;
  /** When a frame was last written (drives the ping schedule). */
  lastSendMs = 0;
  private readonly limits: QueueLimits;
  private readonly sink: EffectSink<T>;
  private readonly inFlight = new Fifo<Pending<T>>();
  private readonly backlog = new Fifo<Pending<T>>();
  private readonly authReplies = new Fifo<AuthRecord<T>>();
  private readonly auths: AuthRecord<T>[] = [];

  constructor(limits: QueueLimits, sink: EffectSink<T>) {
    this.limits = limits;
    this.sink = sink;
    this.frames = new FrameWriter(limits.maxFrameBytes);
  }

  get outstanding(): number {
    return this.inFlight.length;
  }
  get waiting(): number {
    return this.backlog.length;
  }
  oldestWaiting(): Pending<T> | undefined {
    return this.backlog.peek();
  }

  private fail(pending: Pending<T>, error: ZooKeeperError): void {
    if (pending.token !== undefined) this.sink.emit({ kind: 'fail', token: pending.token, error });
  }

  /** Sends at once when `open` and nothing waits ahead of it, else queues (or refuses). */
  submit(pending: Pending<T>, open: boolean, nowMs: number): void {
    const free = this.inFlight.length < this.limits.maxOutstanding;
    if (open && free && this.backlog.length === 0) {
      this.send(pending, this.frames.nextXid(), nowMs);
      return;
    }
    if (this.backlog.length >= this.limits.maxWaiting && pending.token !== undefined) {
      const message = `client backlog full (maxWaiting=${this.limits.maxWaiting})`;
      this.fail(pending, new ThrottledOpError(pending.path, message));
      return;
    }
    this.backlog.push(pending);
  }

  /** Writes one request into the outbound batch and awaits its reply. */
  send(pending: Pending<T>, xid: number, nowMs: number): void {
    pending.xid = xid;
    const result = this.frames.request(xid, pending.opcode, pending.request);
    if (!result.ok) {
      this.fail(pending, new BadArgumentsError(pending.path, result.reason));
      return;
    }
    this.inFlight.push(pending);
    this.lastSendMs = nowMs;
  }

  /** A request of the core's own (SetWatches, xid -8) with no caller waiting. */
  sendInternal(request: Request, xid: number, nowMs: number): void {
    this.send(new Pending<T>(request, {}, nowMs), xid, nowMs);
  }

  /** Sends waiting requests while below maxOutstanding (call only when connected). */
  pump(nowMs: number): void {
    const max = this.limits.maxOutstanding;
    while (this.backlog.length > 0 && this.inFlight.length < max) {
      this.send(this.backlog.shift() as Pending<T>, this.frames.nextXid(), nowMs);
    }
  }

  ping(nowMs: number): void {
    this.frames.ping();
    this.lastSendMs = nowMs;
  }

  /** The in-flight request a reply with `xid` answers (always the oldest). */
  takeReply(xid: number): Pending<T> {
    const pending = this.inFlight.peek();
    if (pending === undefined || pending.xid !== xid) {
      throw new ProtocolError(`reply xid ${xid} out of order (expected ${pending?.xid})`);
    }
    this.inFlight.shift();
    return pending;
  }

  /** The connection is gone: in-flight requests fail; the backlog stays for the next one. */
  failInFlight(error: (path: string | undefined) => ZooKeeperError): void {
    for (const pending of this.inFlight.drain()) this.fail(pending, error(pending.path));
    this.authReplies.drain();
  }

  /** The session is over: everything fails, waiting addAuth calls included. */
  failAll(error: (path: string | undefined) => ZooKeeperError): void {
    this.failInFlight(error);
    for (const pending of this.backlog.drain()) this.fail(pending, error(pending.path));
    for (const auth of this.auths) {
      for (const token of auth.waiting)
        this.sink.emit({ kind: 'fail', token, error: error(undefined) });
      auth.waiting = [];
    }
  }

  /** Fails waiting requests whose deadline has passed (oldest first). */
  expireWaiting(
    deadline: (pending: Pending<T>) => number,
    nowMs: number,
    error: (path: string | undefined) => ZooKeeperError,
  ): void {
    for (let head = this.backlog.peek(); head !== undefined; head = this.backlog.peek()) {
      if (deadline(head) > nowMs) return;
      this.backlog.shift();
      this.fail(head, error(head.path));
    }
  }

  /** Stores an auth; sends it now when connected. False when the store is full. */
  addAuth(scheme: string, data: Buffer, token: T, open: boolean, nowMs: number): boolean {
    if (this.auths.length >= authsMax) return false;
    const record: AuthRecord<T> = { scheme, data, waiting: [token] };
    this.auths.push(record);
    if (open) this.sendAuth(record, nowMs);
    return true;
  }

  /** Re-sends every stored auth (after a handshake). */
  sendAuths(nowMs: number): void {
    for (const record of this.auths) this.sendAuth(record, nowMs);
  }

  private sendAuth(record: AuthRecord<T>, nowMs: number): void {
    this.frames.auth(record.scheme, record.data);
    this.authReplies.push(record);
    this.lastSendMs = nowMs;
  }

  /** An auth reply (xid -4) succeeded: settles the addAuth calls waiting for it. */
  authSucceeded(): void {
    const record = this.authReplies.shift();
    if (record === undefined) return;
    const effects: CoreEffect<T>[] = record.waiting.map((token) => ({
      kind: 'reply',
      token,
      response: { type: 'empty' },
    }));
    for (const effect of effects) this.sink.emit(effect);
    record.waiting = [];
  }
}
