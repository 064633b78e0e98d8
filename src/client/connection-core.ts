// The client's connection state machine, pure (no I/O, no timers, no clock): inputs are
// start/connected/bytes/closed/tick plus request/addAuth/close, each with the time of the
// input; outputs are effects (core-types.ts) and a batch of outbound frames. It owns the
// session (id, password, negotiated timeout, lastZxidSeen), the FIFO of requests awaiting
// replies, the backlog, stored auths and the watch registry. Contract: requests in flight on a
// lost connection fail with ConnectionLossError and are never resent; a reconnect sends, in
// order, ConnectRequest, then (after its answer) auth packets, SetWatches, the backlog.
import {
  ErrorCode,
  FrameSplitter,
  JuteReader,
  OpCode,
  ProtocolError,
  Xid,
  readConnectResponse,
  type Request,
} from '../protocol/index.ts';
import { assert } from '../core/assert.ts';
import { sessionPasswordBytes } from '../core/limits.ts';
import { Chroot } from './chroot.ts';
import type { ConnectionCoreOptions, CoreEffect, RequestMeta } from './core-types.ts';
import {
  AuthFailedError,
  ClientClosedError,
  ConnectionLossError,
  SessionExpiredError,
  ThrottledOpError,
  type ZooKeeperError,
} from './errors.ts';
import type { HostProvider } from './host-provider.ts';
import { Pending } from './pending.ts';
import { authsMax, RequestQueue } from './request-queue.ts';
import { routeNotification, settleReply, type EffectSink } from './reply-router.ts';
import { setWatchesBatches } from './set-watches.ts';
import { SessionTimers, type Phase } from './session-timers.ts';
import type { SessionState } from './types.ts';
import { WatchRegistry } from './watch-registry.ts';

type FinalState = 'expired' | 'authFailed' | 'closed';

/** What the client knows of its session; a reconnect sends it back in the ConnectRequest. */
export interface SessionInfo {
  id: bigint;
  password: Buffer;
  /** The negotiated timeout once connected, the requested one before. */
  timeoutMs: number;
  /** The highest zxid seen in a reply. */
  lastZxidSeen: bigint;
}

export class ConnectionCore<T> implements EffectSink<T> {
  readonly watches = new WatchRegistry();
  readonly chroot: Chroot;
  private readonly options: ConnectionCoreOptions;
  private readonly hosts: HostProvider;
  private stateValue: SessionState = 'connecting';
  private phase: Phase = 'new';
  private transportId = 0;
  private readonly info: SessionInfo;
  private nowMs = 0;
  private readonly timers: SessionTimers;
  private closing: { waiters: T[]; deadlineMs: number } | undefined;
  private readonly queue: RequestQueue<T>;
  private splitter: FrameSplitter;
  private effects: CoreEffect<T>[] = [];
  private readonly onFrameBound = (frame: Buffer): void => this.onFrame(frame);

  constructor(options: ConnectionCoreOptions, hosts: HostProvider, chroot = new Chroot(undefined)) {
    assert(options.sessionTimeoutMs > 0, 'session timeout is positive');
    assert(options.maxOutstanding >= 1, 'maxOutstanding is at least 1');
    assert(options.maxWaiting >= 0, 'maxWaiting is not negative');
    this.options = options;
    this.hosts = hosts;
    this.chroot = chroot;
    this.info = {
      id: 0n,
      password: Buffer.alloc(sessionPasswordBytes),
      timeoutMs: options.sessionTimeoutMs,
      lastZxidSeen: 0n,
    };
    this.timers = new SessionTimers(this.info, hosts.size);
    this.splitter = new FrameSplitter({ maxFrameBytes: options.maxReplyBytes });
    this.queue = new RequestQueue<T>(options, this);
  }

  get state(): SessionState {
    return this.stateValue;
  }
  /** The session: id (0n before the first), password, timeout, highest zxid seen. */
  get session(): Readonly<SessionInfo> {
    return this.info;
  }
  /** Requests sent and not yet answered. */
  get outstanding(): number {
    return this.queue.outstanding;
  }
  /** Requests accepted and not yet sent. */
  get waiting(): number {
    return this.queue.waiting;
  }
  /** Bytes produced and not yet taken. */
  get outboundBytes(): number {
    return this.queue.frames.length;
  }

  emit(effect: CoreEffect<T>): void {
    this.effects.push(effect);
  }

  /** The effects produced since the last call, oldest first. */
  drain(): CoreEffect<T>[] {
    const effects = this.effects;
    if (effects.length > 0) this.effects = [];
    return effects;
  }

  /** The frames produced since the last call, concatenated; undefined when none. */
  takeOutbound(): Buffer | undefined {
    return this.queue.frames.take();
  }

  // ---- inputs -------------------------------------------------------------------------------

  start(nowMs: number): void {
    if (this.phase !== 'new') return;
    this.nowMs = nowMs;
    this.timers.disconnectedAtMs = nowMs;
    this.openNext(nowMs);
    this.schedule();
  }

  connected(transportId: number, nowMs: number): void {
    if (transportId !== this.transportId || this.phase !== 'opening') return;
    this.nowMs = nowMs;
    this.phase = 'handshaking';
    this.splitter = new FrameSplitter({ maxFrameBytes: this.options.maxReplyBytes });
    this.queue.frames.connectRequest({
      protocolVersion: 0,
      lastZxidSeen: this.info.lastZxidSeen,
      timeOutMs: this.options.sessionTimeoutMs,
      sessionId: this.info.id,
      passwd: this.info.password,
      readOnly: this.options.canBeReadOnly,
    });
    this.queue.lastSendMs = nowMs;
    this.timers.lastRecvMs = nowMs;
  }

  bytes(transportId: number, chunk: Buffer, nowMs: number): void {
    if (transportId !== this.transportId) return;
    if (this.phase !== 'handshaking' && this.phase !== 'open') return;
    this.nowMs = nowMs;
    this.timers.lastRecvMs = nowMs;
    try {
      this.splitter.push(chunk, this.onFrameBound);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.lose(nowMs);
    }
    if (this.phase === 'open') this.queue.pump(nowMs);
    this.schedule();
  }

  closed(transportId: number, nowMs: number): void {
    if (transportId !== this.transportId) return;
    this.nowMs = nowMs;
    this.lose(nowMs);
    this.schedule();
  }

  tick(nowMs: number): void {
    this.nowMs = nowMs;
    this.timers.fired();
    switch (this.phase) {
      case 'opening':
      case 'handshaking':
        if (nowMs >= this.timers.attemptStartMs + this.timers.connectTimeoutMs()) this.lose(nowMs);
        break;
      case 'open':
        if (nowMs - this.timers.lastRecvMs >= this.timers.readTimeoutMs()) this.lose(nowMs);
        else if (nowMs - this.queue.lastSendMs >= this.timers.pingIntervalMs())
          this.queue.ping(nowMs);
        break;
      case 'idle':
        if (nowMs >= this.timers.reconnectAtMs) this.openNext(nowMs);
        break;
      case 'new':
      case 'done':
        break;
    }
    if (this.phase !== 'open') this.expireWaiting(nowMs);
    if (this.closing !== undefined && nowMs >= this.closing.deadlineMs) this.finish('closed');
    this.schedule();
  }

  /** Submits a request; it is sent now, or waits for a connection / a free slot. */
  request(request: Request, meta: RequestMeta<T>, nowMs: number): void {
    this.nowMs = nowMs;
    const refusal = this.refusal(meta.path);
    if (refusal !== undefined) {
      this.emit({ kind: 'fail', token: meta.token, error: refusal });
      return;
    }
    const open = this.phase === 'open';
    this.queue.submit(new Pending(request, meta, nowMs), open, nowMs);
    if (!open) this.schedule();
  }

  /** Stores an auth (re-sent after every reconnect) and sends it when connected. */
  addAuth(scheme: string, data: Buffer, token: T, nowMs: number): void {
    this.nowMs = nowMs;
    const refusal = this.refusal(undefined);
    if (refusal !== undefined) {
      this.emit({ kind: 'fail', token, error: refusal });
      return;
    }
    if (!this.queue.addAuth(scheme, data, token, this.phase === 'open', nowMs)) {
      const error = new ThrottledOpError(undefined, `more than ${authsMax} auths`);
      this.emit({ kind: 'fail', token, error });
    }
  }

  /** Closes the session (closeSession when connected) and settles `token` once closed. */
  close(token: T, nowMs: number): void {
    this.nowMs = nowMs;
    if (this.phase === 'done') {
      this.emit({ kind: 'reply', token, response: { type: 'empty' } });
      return;
    }
    if (this.closing !== undefined) {
      this.closing.waiters.push(token);
      return;
    }
    this.closing = { waiters: [token], deadlineMs: nowMs + this.timers.readTimeoutMs() };
    if (this.phase !== 'open') {
      this.finish('closed');
      return;
    }
    this.queue.submit(new Pending<T>({ type: 'closeSession' }, {}, nowMs), true, nowMs);
    this.schedule();
  }

  // ---- timers -------------------------------------------------------------------------------

  /** Arms the driver's timer when the next deadline moved earlier than the armed one. */
  private schedule(): void {
    const oldest = this.queue.oldestWaiting();
    const deadline = this.timers.deadline(this.phase, {
      lastSendMs: this.queue.lastSendMs,
      ...(oldest !== undefined && { oldestQueuedAtMs: oldest.queuedAtMs }),
      ...(this.closing !== undefined && { closeDeadlineMs: this.closing.deadlineMs }),
    });
    const at = this.timers.rearm(deadline);
    if (at !== undefined) this.emit({ kind: 'armTimer', atMs: at });
  }

  private expireWaiting(nowMs: number): void {
    const message = `no connection to the ensemble within ${this.info.timeoutMs} ms`;
    this.queue.expireWaiting(
      (pending) => this.timers.waitDeadline(pending.queuedAtMs),
      nowMs,
      (path) => new ConnectionLossError(path, message),
    );
  }

  // ---- connection life ----------------------------------------------------------------------

  private openNext(nowMs: number): void {
    this.transportId++;
    this.phase = 'opening';
    this.timers.attemptStartMs = nowMs;
    this.emit({ kind: 'open', transportId: this.transportId, host: this.hosts.next() });
  }

  private closeTransport(): void {
    const live = this.phase === 'opening' || this.phase === 'handshaking' || this.phase === 'open';
    if (live) this.emit({ kind: 'close', transportId: this.transportId });
    this.queue.frames.discard();
    if (this.phase !== 'done') this.phase = 'idle';
  }

  /** The connection (or attempt) is gone: fail what was in flight, then reconnect. */
  private lose(nowMs: number): void {
    const phase = this.phase;
    if (phase !== 'opening' && phase !== 'handshaking' && phase !== 'open') return;
    this.closeTransport();
    this.queue.failInFlight((path) => new ConnectionLossError(path));
    if (this.closing !== undefined) {
      this.finish('closed');
      return;
    }
    if (phase === 'open') {
      this.timers.disconnectedAtMs = nowMs;
      this.setState('disconnected');
      this.tellPersistentWatches('disconnected');
    }
    const delayMs = this.hosts.failed();
    this.timers.reconnectAtMs = nowMs + delayMs;
    if (delayMs === 0) this.openNext(nowMs);
  }

  /** The session ended for good: fail everything, tell every watch, stop reconnecting. */
  private finish(state: FinalState): void {
    if (this.phase === 'done') return;
    this.closeTransport();
    this.phase = 'done';
    this.setState(state);
    const listeners = this.watches.stateListeners(true);
    if (listeners.size > 0)
      this.emit({ kind: 'watch', listeners, event: { type: 'state', state } });
    this.queue.failAll((path) => this.finalError(path));
    for (const token of this.closing?.waiters ?? []) {
      this.emit({ kind: 'reply', token, response: { type: 'empty' } });
    }
    this.closing = undefined;
  }

  private finalError(path: string | undefined): ZooKeeperError {
    switch (this.stateValue) {
      case 'expired':
        return new SessionExpiredError(path);
      case 'authFailed':
        return new AuthFailedError(path);
      default:
        return new ClientClosedError(path);
    }
  }

  private refusal(path: string | undefined): ZooKeeperError | undefined {
    if (this.phase === 'done') return this.finalError(path);
    if (this.closing !== undefined) return new ClientClosedError(path);
    return undefined;
  }

  private setState(state: SessionState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.emit({ kind: 'state', state });
  }

  private tellPersistentWatches(state: SessionState): void {
    const listeners = this.watches.stateListeners(false);
    if (listeners.size > 0)
      this.emit({ kind: 'watch', listeners, event: { type: 'state', state } });
  }

  // ---- inbound ------------------------------------------------------------------------------

  private onFrame(frame: Buffer): void {
    if (this.phase === 'handshaking') this.onConnectResponse(frame);
    else if (this.phase === 'open') this.onReply(frame);
  }

  private onConnectResponse(frame: Buffer): void {
    const reader = new JuteReader(frame, { maxLengthBytes: this.options.maxReplyBytes });
    const response = readConnectResponse(reader);
    if (response.timeOutMs <= 0) {
      this.finish('expired');
      return;
    }
    this.info.id = response.sessionId;
    this.info.password = response.passwd;
    this.info.timeoutMs = response.timeOutMs;
    this.phase = 'open';
    this.hosts.connected();
    const state = response.readOnly === true ? 'connectedReadOnly' : 'connected';
    this.setState(state);
    this.tellPersistentWatches(state);
    this.queue.sendAuths(this.nowMs);
    const batches = setWatchesBatches(this.watches.paths(), {
      chroot: this.chroot,
      relativeZxid: this.info.lastZxidSeen,
    });
    for (const request of batches) this.queue.sendInternal(request, Xid.setWatches, this.nowMs);
    this.queue.pump(this.nowMs);
  }

  private onReply(frame: Buffer): void {
    const reader = new JuteReader(frame, { maxLengthBytes: this.options.maxReplyBytes });
    const xid = reader.readInt();
    const zxid = reader.readLong();
    const err = reader.readInt();
    if (xid === Xid.notification) {
      routeNotification(reader, { watches: this.watches, chroot: this.chroot, sink: this });
      return;
    }
    if (xid === Xid.ping) return;
    if (xid === Xid.auth) return this.onAuthReply(err);
    const pending = this.queue.takeReply(xid);
    if (zxid > this.info.lastZxidSeen) this.info.lastZxidSeen = zxid;
    if (pending.token !== undefined) {
      settleReply(pending, pending.token, err, reader, { watches: this.watches, sink: this });
    } else if (pending.opcode === OpCode.closeSession) {
      this.finish('closed');
    }
  }

  private onAuthReply(err: number): void {
    if (err === ErrorCode.ok) this.queue.authSucceeded();
    else this.finish('authFailed');
  }
}
