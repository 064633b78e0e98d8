// A minimal protocol-level ZooKeeper client for integration tests: one TCP socket, the jute
// codec from src/protocol, and nothing else. It does exactly what the test says (chosen xids,
// raw bytes, no retries, no pings of its own) so that tests can observe the server's answers.
// Replies are matched in send order: a reply whose xid is not the oldest pending one of the
// same kind (special xid < 0 or normal xid >= 0) is recorded in `outOfOrder` and rejects.
import net from 'node:net';
import {
  FrameSplitter,
  OpCode,
  openAclUnsafe,
  JuteReader,
  JuteWriter,
  decodeResponse,
  encodeRequest,
  readConnectResponse,
  readReplyHeader,
  readWatcherEvent,
  requestOpCode,
  writeConnectRequest,
  type Acl,
  type ConnectResponse,
  type CreateOpCode,
  type ReplyHeader,
  type Request,
  type Response,
  type WatcherEvent,
} from '../../src/protocol/index.ts';

export interface RawReply {
  readonly header: ReplyHeader;
  /** The decoded body when err = 0, else undefined. */
  readonly body: Response | undefined;
}

export interface HandshakeOptions {
  readonly sessionId?: bigint;
  readonly passwd?: Buffer | null;
  readonly timeoutMs?: number;
  readonly lastZxidSeen?: bigint;
  /** The optional trailing readOnly byte; omitted when undefined. */
  readonly readOnly?: boolean;
}

type Settle<T> = { readonly resolve: (value: T) => void; readonly reject: (e: Error) => void };
type Pending = Settle<RawReply> & { readonly xid: number; readonly opcode: number };
type Waiter = { readonly done: () => boolean; readonly wake: () => void };

const defaultWaitMs = 3000;
const maxFrameBytes = 16 * 1024 * 1024;

export class RawClient {
  readonly socket: net.Socket;
  readonly notifications: WatcherEvent[] = [];
  readonly outOfOrder: string[] = [];
  /** The xid of every reply and notification (-1), in arrival order. */
  readonly arrivals: number[] = [];
  bytesReceived = 0;
  /** How long send() and handshakeWith() wait before rejecting. */
  replyTimeoutMs = 5000;
  closed = false;
  connectResponse: ConnectResponse | undefined;
  private readonly splitter = new FrameSplitter({ maxFrameBytes });
  private readonly pending: Pending[] = [];
  private readonly waiters = new Set<Waiter>();
  private handshake: Settle<ConnectResponse> | undefined;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined); // resets show up as 'close'
    socket.on('close', () => this.onClose());
  }

  /** Opens a TCP connection; no handshake yet. */
  static open(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host, port, noDelay: true });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Opens a connection and performs the handshake (a new session unless told otherwise). */
  static async connect(port: number, options: HandshakeOptions = {}): Promise<RawClient> {
    const client = await RawClient.open(port);
    await client.handshakeWith(options);
    return client;
  }

  get sessionId(): bigint {
    return this.connectResponse?.sessionId ?? 0n;
  }

  get passwd(): Buffer {
    return this.connectResponse?.passwd ?? Buffer.alloc(16);
  }

  /** Sends a ConnectRequest; resolves with the ConnectResponse, rejects if the socket closes. */
  handshakeWith(options: HandshakeOptions = {}): Promise<ConnectResponse> {
    const writer = new JuteWriter();
    const at = writer.beginFrame();
    writeConnectRequest(writer, {
      protocolVersion: 0,
      lastZxidSeen: options.lastZxidSeen ?? 0n,
      timeOutMs: options.timeoutMs ?? 30_000,
      sessionId: options.sessionId ?? 0n,
      passwd: options.passwd === undefined ? Buffer.alloc(16) : options.passwd,
      readOnly: options.readOnly,
    });
    writer.endFrame(at);
    return this.withTimeout('the ConnectResponse', (settle) => {
      if (this.closed) return settle.reject(new Error('connection closed before handshake'));
      this.handshake = settle;
      this.writeRaw(writer.view());
    });
  }

  /** Encodes `request` with header {xid, opcode}; resolves with the matching reply. */
  send(xid: number, request: Request, opcode = requestOpCode(request)): Promise<RawReply> {
    const writer = new JuteWriter();
    const at = writer.beginFrame();
    writer.writeInt(xid).writeInt(opcode);
    encodeRequest(writer, request);
    writer.endFrame(at);
    return this.expect(xid, opcode, writer.view());
  }

  /** Sends header {xid, opcode} followed by `body` bytes as one frame. */
  sendBody(xid: number, opcode: number, body: Uint8Array): Promise<RawReply> {
    const frame = Buffer.alloc(12 + body.length);
    frame.writeInt32BE(8 + body.length, 0);
    frame.writeInt32BE(xid, 4);
    frame.writeInt32BE(opcode, 8);
    frame.set(body, 12);
    return this.expect(xid, opcode, frame);
  }

  private expect(xid: number, opcode: number, bytes: Uint8Array): Promise<RawReply> {
    return this.withTimeout(`the reply to xid ${xid}`, (settle) => {
      if (this.closed) return settle.reject(new Error(`connection closed (xid ${xid})`));
      this.pending.push({ xid, opcode, ...settle });
      this.writeRaw(bytes);
    });
  }

  /** A promise that rejects after `replyTimeoutMs`, so that no test waits forever. */
  private withTimeout<T>(what: string, start: (settle: Settle<T>) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out after ${this.replyTimeoutMs} ms waiting for ${what}`));
      }, this.replyTimeoutMs);
      start({
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
    });
  }

  /** Writes bytes as they are (no framing); errors surface as a close. */
  writeRaw(bytes: Uint8Array): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** Resolves true once the socket is closed, false if it is still open after `timeoutMs`. */
  waitClosed(timeoutMs = defaultWaitMs): Promise<boolean> {
    return this.waitFor(() => this.closed, timeoutMs);
  }

  /** Resolves with the first notification matching `match`, or undefined after `timeoutMs`. */
  async waitNotification(
    match: (event: WatcherEvent) => boolean,
    timeoutMs = defaultWaitMs,
  ): Promise<WatcherEvent | undefined> {
    await this.waitFor(() => this.notifications.some(match), timeoutMs);
    return this.notifications.find(match);
  }

  private waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        done,
        wake: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(done());
        },
      };
      const timer = setTimeout(waiter.wake, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private wakeWaiters(): void {
    for (const waiter of [...this.waiters]) if (waiter.done()) waiter.wake();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.bytesReceived += chunk.length;
    try {
      this.splitter.push(chunk, (frame) => this.onFrame(frame));
    } catch (error) {
      this.outOfOrder.push(`undecodable input: ${String(error)}`);
      this.socket.destroy();
    }
    this.wakeWaiters();
  }

  private onFrame(frame: Buffer): void {
    const reader = new JuteReader(frame, { maxLengthBytes: maxFrameBytes });
    if (this.handshake !== undefined) {
      const { resolve } = this.handshake;
      this.handshake = undefined;
      this.connectResponse = readConnectResponse(reader);
      resolve(this.connectResponse);
      return;
    }
    const header = readReplyHeader(reader);
    this.arrivals.push(header.xid);
    if (header.xid === -1) {
      this.notifications.push(readWatcherEvent(reader));
      return;
    }
    const index = this.pending.findIndex((p) => p.xid < 0 === header.xid < 0);
    const entry = this.pending[index];
    if (entry === undefined || entry.xid !== header.xid) {
      this.outOfOrder.push(`reply xid ${header.xid}, expected ${entry?.xid ?? 'none'}`);
      if (entry === undefined) return;
    }
    this.pending.splice(index, 1);
    if (entry.xid !== header.xid) {
      entry.reject(new Error(`reply xid ${header.xid} does not match request xid ${entry.xid}`));
      return;
    }
    const body = header.err === 0 ? decodeResponse(entry.opcode, reader) : undefined;
    entry.resolve({ header, body });
  }

  private onClose(): void {
    this.closed = true;
    this.handshake?.reject(new Error('connection closed before the ConnectResponse'));
    this.handshake = undefined;
    for (const entry of this.pending.splice(0)) {
      entry.reject(new Error(`connection closed before the reply to xid ${entry.xid}`));
    }
    this.wakeWaiters();
  }
}

/** The reply, or 'closed' when the connection closed before it arrived. */
export function replyOrClosed(reply: Promise<RawReply>): Promise<RawReply | 'closed'> {
  return reply.catch((error: unknown) => {
    if (error instanceof Error && error.message.startsWith('connection closed')) return 'closed';
    throw error;
  });
}

/** A request body (no header) as bytes, for truncation and bit-flip tests. */
export function encodeBody(request: Request): Buffer {
  const writer = new JuteWriter();
  encodeRequest(writer, request);
  return Buffer.from(writer.view());
}

/** Request records with the defaults tests usually want. */
export const req = {
  create(
    path: string,
    data = '',
    options: { flags?: number; acl?: readonly Acl[]; opcode?: CreateOpCode; ttl?: bigint } = {},
  ): Request {
    const opcode = options.opcode ?? OpCode.create;
    const ttl = options.ttl ?? -1n;
    const flags = options.flags ?? 0;
    const acl = options.acl ?? openAclUnsafe;
    return { type: 'create', opcode, path, data: Buffer.from(data), acl, flags, ttl };
  },
  delete: (path: string, version = -1): Request => ({ type: 'delete', path, version }),
  setData: (path: string, data: string, version = -1): Request => ({
    type: 'setData',
    path,
    data: Buffer.from(data),
    version,
  }),
  getData: (path: string, watch = false): Request => ({ type: 'getData', path, watch }),
  exists: (path: string, watch = false): Request => ({ type: 'exists', path, watch }),
  getChildren: (path: string, watch = false): Request => ({ type: 'getChildren', path, watch }),
  getACL: (path: string): Request => ({ type: 'getACL', path }),
  auth: (scheme: string, auth: string): Request => ({
    type: 'auth',
    authType: 0,
    scheme,
    auth: Buffer.from(auth),
  }),
  ping: (): Request => ({ type: 'ping' }),
  whoAmI: (): Request => ({ type: 'whoAmI' }),
  closeSession: (): Request => ({ type: 'closeSession' }),
};
