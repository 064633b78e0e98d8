// Drives the pure ConnectionCore by hand, the way the session driver does, with a manual clock:
// `advance(ms)` fires the armed timer at its exact time, `sent()` decodes the frames the core
// produced, and `connectResponse`/`reply`/`notify` feed server frames. Settled tokens, state
// changes and watch deliveries are recorded for assertions.
import assert from 'node:assert/strict';
import {
  JuteReader,
  JuteWriter,
  decodeRequest,
  encodeResponse,
  readConnectRequest,
  writeConnectResponse,
  writeReplyHeader,
  writeWatcherEvent,
  type ConnectRequest,
  type Request,
  type Response,
} from '../../../src/protocol/index.ts';
import { Chroot } from '../../../src/client/chroot.ts';
import { ConnectionCore } from '../../../src/client/connection-core.ts';
import type { ConnectionCoreOptions, CoreEffect } from '../../../src/client/core-types.ts';
import type { ZooKeeperError } from '../../../src/client/errors.ts';
import { HostProvider, type HostAddress } from '../../../src/client/host-provider.ts';
import type { SessionState, WatchEvent, WatchListener } from '../../../src/client/types.ts';

export interface Token {
  readonly id: number;
}

export interface SentFrame {
  readonly xid: number;
  readonly opcode: number;
  readonly request: Request | undefined;
}

export type Outcome = { response: Response | null } | { error: ZooKeeperError };

export const passwd = Buffer.alloc(16, 7);

export class CoreHarness {
  readonly core: ConnectionCore<Token>;
  nowMs = 0;
  armedAtMs: number | undefined;
  readonly opens: { transportId: number; host: HostAddress }[] = [];
  readonly closes: number[] = [];
  readonly states: SessionState[] = [];
  readonly outcomes = new Map<number, Outcome>();
  readonly deliveries: { listener: WatchListener; event: WatchEvent }[] = [];
  /** The ConnectRequest decoded by the last `sent()` that saw one. */
  connectRequest: ConnectRequest | undefined;
  private nextToken = 1;

  constructor(
    options: Partial<ConnectionCoreOptions> = {},
    config: { hosts?: number; chroot?: string } = {},
  ) {
    const hosts = Array.from({ length: config.hosts ?? 1 }, (_, i) => ({
      host: `h${i}`,
      port: 2181,
    }));
    const provider = new HostProvider(hosts, () => 0.5, { baseMs: 100, maxMs: 1000 });
    this.core = new ConnectionCore<Token>(
      {
        sessionTimeoutMs: 3000,
        maxOutstanding: 1000,
        maxWaiting: 1000,
        maxFrameBytes: 0xfffff,
        maxReplyBytes: 0xfffff,
        canBeReadOnly: false,
        ...options,
      },
      provider,
      new Chroot(config.chroot),
    );
  }

  /** Applies drained effects like a driver would. */
  apply(): void {
    for (const effect of this.core.drain()) this.record(effect);
  }

  private record(effect: CoreEffect<Token>): void {
    switch (effect.kind) {
      case 'open':
        this.opens.push({ transportId: effect.transportId, host: effect.host });
        return;
      case 'close':
        this.closes.push(effect.transportId);
        return;
      case 'armTimer':
        this.armedAtMs = effect.atMs;
        return;
      case 'reply':
        this.outcomes.set(effect.token.id, { response: effect.response });
        return;
      case 'fail':
        this.outcomes.set(effect.token.id, { error: effect.error });
        return;
      case 'state':
        this.states.push(effect.state);
        return;
      case 'watch':
        for (const listener of effect.listeners) {
          this.deliveries.push({ listener, event: effect.event });
          listener(effect.event);
        }
        return;
    }
  }

  get transportId(): number {
    const last = this.opens.at(-1);
    assert.ok(last !== undefined, 'a transport was opened');
    return last.transportId;
  }

  start(): this {
    this.core.start(this.nowMs);
    this.apply();
    return this;
  }

  /** Moves time forward, firing the armed timer whenever it comes due. */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (let i = 0; i < 10_000; i++) {
      const at = this.armedAtMs;
      if (at === undefined || at > target) break;
      this.nowMs = Math.max(this.nowMs, at);
      this.armedAtMs = undefined;
      this.core.tick(this.nowMs);
      this.apply();
    }
    this.nowMs = target;
  }

  transportUp(): void {
    this.core.connected(this.transportId, this.nowMs);
    this.apply();
  }

  transportDown(): void {
    this.core.closed(this.transportId, this.nowMs);
    this.apply();
  }

  request(
    request: Request,
    path?: string,
    watch?: Parameters<ConnectionCore<Token>['request']>[1]['watch'],
  ): number {
    const id = this.nextToken++;
    this.core.request(request, { token: { id }, path, watch }, this.nowMs);
    this.apply();
    return id;
  }

  addAuth(scheme: string, data: string): number {
    const id = this.nextToken++;
    this.core.addAuth(scheme, Buffer.from(data), { id }, this.nowMs);
    this.apply();
    return id;
  }

  close(): number {
    const id = this.nextToken++;
    this.core.close({ id }, this.nowMs);
    this.apply();
    return id;
  }

  /** Decodes the frames produced since the last call (a ConnectRequest goes to
   * `connectRequest`, the rest are returned). */
  sent(): SentFrame[] {
    const bytes = this.core.takeOutbound();
    const frames: SentFrame[] = [];
    if (bytes === undefined) return frames;
    let offset = 0;
    while (offset < bytes.length) {
      const length = bytes.readInt32BE(offset);
      const frame = bytes.subarray(offset + 4, offset + 4 + length);
      offset += 4 + length;
      const reader = new JuteReader(frame);
      // A ConnectRequest starts with protocolVersion 0; a request header never has xid 0.
      if (frame.readInt32BE(0) === 0) {
        this.connectRequest = readConnectRequest(reader);
        continue;
      }
      const xid = reader.readInt();
      const opcode = reader.readInt();
      frames.push({ xid, opcode, request: decodeRequest(opcode, reader) });
    }
    return frames;
  }

  private frame(write: (writer: JuteWriter) => void): Buffer {
    const writer = new JuteWriter();
    const at = writer.beginFrame();
    write(writer);
    writer.endFrame(at);
    return Buffer.from(writer.view());
  }

  private feed(write: (writer: JuteWriter) => void): void {
    this.feedBytes(this.frame(write));
  }

  feedBytes(bytes: Buffer): void {
    this.core.bytes(this.transportId, bytes, this.nowMs);
    this.apply();
  }

  replyBytes(
    xid: number,
    options: { zxid?: bigint; err?: number; response?: Response } = {},
  ): Buffer {
    return this.frame((w) => {
      writeReplyHeader(w, { xid, zxid: options.zxid ?? 0n, err: options.err ?? 0 });
      if (options.response !== undefined) encodeResponse(w, options.response);
    });
  }

  notifyBytes(type: number, path: string): Buffer {
    return this.frame((w) => {
      writeReplyHeader(w, { xid: -1, zxid: -1n, err: 0 });
      writeWatcherEvent(w, { type, state: 3, path });
    });
  }

  connectResponse(
    options: { timeOutMs?: number; sessionId?: bigint; readOnly?: boolean } = {},
  ): void {
    this.feed((w) =>
      writeConnectResponse(w, {
        protocolVersion: 0,
        timeOutMs: options.timeOutMs ?? 3000,
        sessionId: options.sessionId ?? 0x1234n,
        passwd,
        readOnly: options.readOnly ?? false,
      }),
    );
  }

  reply(xid: number, options: { zxid?: bigint; err?: number; response?: Response } = {}): void {
    this.feedBytes(this.replyBytes(xid, options));
  }

  notify(type: number, path: string): void {
    this.feedBytes(this.notifyBytes(type, path));
  }

  /** Start, transport up, handshake answered, outbound drained. */
  connect(options: { timeOutMs?: number; sessionId?: bigint } = {}): this {
    this.start();
    this.transportUp();
    this.sent();
    this.connectResponse(options);
    this.sent();
    return this;
  }

  outcome(id: number): Outcome | undefined {
    return this.outcomes.get(id);
  }

  error(id: number): ZooKeeperError {
    const outcome = this.outcomes.get(id);
    assert.ok(outcome !== undefined && 'error' in outcome, `request ${id} failed`);
    return outcome.error;
  }

  response(id: number): Response | null {
    const outcome = this.outcomes.get(id);
    assert.ok(outcome !== undefined && 'response' in outcome, `request ${id} succeeded`);
    return outcome.response;
  }
}

export const stat = {
  czxid: 1n,
  mzxid: 1n,
  ctime: 0n,
  mtime: 0n,
  version: 0,
  cversion: 0,
  aversion: 0,
  ephemeralOwner: 0n,
  dataLength: 0,
  numChildren: 0,
  pzxid: 1n,
};
