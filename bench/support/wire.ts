// A lean pipelined ZooKeeper client for benchmarks: one TCP socket, hand-encoded frames for the
// few requests the benches send (create, getData, setData), replies matched in send order and
// decoded only as far as the reply header. Outgoing frames are coalesced into one write per
// turn of the event loop, so a client with many outstanding requests costs little CPU.
import net from 'node:net';

export const OP_CREATE = 1;
export const OP_GET_DATA = 4;
export const OP_SET_DATA = 5;

/** Called with the reply header and the body bytes (a view, valid during the call). */
export type OnReply = (err: number, zxid: bigint, body: Buffer) => void;

const WORLD = Buffer.from('world');
const ANYONE = Buffer.from('anyone');

function stringBytes(s: string): number {
  return 4 + Buffer.byteLength(s);
}

/** create(path, data, open ACL, persistent) with header {xid, 1}. */
export function createFrame(xid: number, path: string, data: Buffer): Buffer {
  const aclBytes = 4 + 4 + 4 + WORLD.length + 4 + ANYONE.length;
  const body = stringBytes(path) + 4 + data.length + aclBytes + 4;
  const frame = Buffer.allocUnsafe(4 + 8 + body);
  let at = frame.writeInt32BE(8 + body, 0);
  at = frame.writeInt32BE(xid, at);
  at = frame.writeInt32BE(OP_CREATE, at);
  at = frame.writeInt32BE(Buffer.byteLength(path), at);
  at += frame.write(path, at);
  at = frame.writeInt32BE(data.length, at);
  at += data.copy(frame, at);
  at = frame.writeInt32BE(1, at); // one ACL entry
  at = frame.writeInt32BE(31, at); // Perms.ALL
  at = frame.writeInt32BE(WORLD.length, at);
  at += WORLD.copy(frame, at);
  at = frame.writeInt32BE(ANYONE.length, at);
  at += ANYONE.copy(frame, at);
  frame.writeInt32BE(0, at); // flags: persistent
  return frame;
}

/** getData(path, watch = false). */
export function getDataFrame(xid: number, path: string): Buffer {
  const body = stringBytes(path) + 1;
  const frame = Buffer.allocUnsafe(4 + 8 + body);
  let at = frame.writeInt32BE(8 + body, 0);
  at = frame.writeInt32BE(xid, at);
  at = frame.writeInt32BE(OP_GET_DATA, at);
  at = frame.writeInt32BE(Buffer.byteLength(path), at);
  at += frame.write(path, at);
  frame.writeUInt8(0, at);
  return frame;
}

/** setData(path, data, version = -1). */
export function setDataFrame(xid: number, path: string, data: Buffer): Buffer {
  const body = stringBytes(path) + 4 + data.length + 4;
  const frame = Buffer.allocUnsafe(4 + 8 + body);
  let at = frame.writeInt32BE(8 + body, 0);
  at = frame.writeInt32BE(xid, at);
  at = frame.writeInt32BE(OP_SET_DATA, at);
  at = frame.writeInt32BE(Buffer.byteLength(path), at);
  at += frame.write(path, at);
  at = frame.writeInt32BE(data.length, at);
  at += data.copy(frame, at);
  frame.writeInt32BE(-1, at);
  return frame;
}

function connectFrame(sessionTimeoutMs: number): Buffer {
  const body = 4 + 8 + 4 + 8 + 4 + 16 + 1;
  const frame = Buffer.alloc(4 + body);
  let at = frame.writeInt32BE(body, 0);
  at = frame.writeInt32BE(0, at); // protocolVersion
  at = frame.writeBigInt64BE(0n, at); // lastZxidSeen
  at = frame.writeInt32BE(sessionTimeoutMs, at);
  at = frame.writeBigInt64BE(0n, at); // sessionId: new session
  frame.writeInt32BE(16, at); // 16 zero bytes of password, then readOnly = false
  return frame;
}

/** The data of a getData reply body (int32 length + bytes, then the stat). */
export function getDataPayload(body: Buffer): Buffer | null {
  const length = body.readInt32BE(0);
  return length < 0 ? null : body.subarray(4, 4 + length);
}

export class PipelinedConnection {
  readonly socket: net.Socket;
  sessionId = 0n;
  closed = false;
  private pending: OnReply[] = [];
  private pendingHead = 0;
  private outbox: Buffer[] = [];
  private flushScheduled = false;
  private carry: Buffer | undefined;
  private onHandshake: ((sessionId: bigint) => void) | undefined;
  private onClosed: ((error: Error) => void) | undefined;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined); // surfaces as 'close'
    socket.on('close', () => {
      this.closed = true;
      this.onClosed?.(new Error('connection closed'));
    });
  }

  /** Connects and opens a session; rejects on refusal, close or after `timeoutMs`. */
  static connect(
    port: number,
    options: { host?: string; timeoutMs?: number; sessionTimeoutMs?: number } = {},
  ): Promise<PipelinedConnection> {
    const host = options.host ?? '127.0.0.1';
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host, port, noDelay: true });
      const conn = new PipelinedConnection(socket);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no session from ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      conn.onClosed = (error) => {
        clearTimeout(timer);
        reject(error);
      };
      conn.onHandshake = (sessionId) => {
        clearTimeout(timer);
        conn.onClosed = undefined;
        if (sessionId === 0n) {
          socket.destroy();
          reject(new Error('server refused the session'));
        } else {
          resolve(conn);
        }
      };
      socket.once('connect', () => socket.write(connectFrame(options.sessionTimeoutMs ?? 30_000)));
    });
  }

  get outstanding(): number {
    return this.pending.length - this.pendingHead;
  }

  /** Queues a frame (xid must be >= 0); `onReply` is called when its reply arrives. */
  send(frame: Buffer, onReply: OnReply): void {
    this.pending.push(onReply);
    this.outbox.push(frame);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Calls `onClose` once if the connection closes while it is still set. */
  whenClosed(onClose: ((error: Error) => void) | undefined): void {
    this.onClosed = onClose;
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.outbox.length === 0 || this.closed) return;
    const bytes = this.outbox.length === 1 ? this.outbox[0] : Buffer.concat(this.outbox);
    this.outbox = [];
    if (bytes !== undefined) this.socket.write(bytes);
  }

  private onData(chunk: Buffer): void {
    let data = chunk;
    if (this.carry !== undefined) {
      data = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    let at = 0;
    while (data.length - at >= 4) {
      const length = data.readInt32BE(at);
      if (data.length - at - 4 < length) break;
      this.onFrame(data.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
    if (at < data.length) this.carry = Buffer.from(data.subarray(at));
  }

  private onFrame(frame: Buffer): void {
    if (this.onHandshake !== undefined) {
      const done = this.onHandshake;
      this.onHandshake = undefined;
      // protocolVersion(4) timeOut(4) sessionId(8) passwd ...
      this.sessionId = frame.length >= 16 ? frame.readBigInt64BE(8) : 0n;
      done(this.sessionId);
      return;
    }
    const xid = frame.readInt32BE(0);
    if (xid < 0) return; // notifications (-1) and pings (-2): not used by the benches
    const zxid = frame.readBigInt64BE(4);
    const err = frame.readInt32BE(12);
    const onReply = this.pending[this.pendingHead];
    if (onReply === undefined) throw new Error(`unexpected reply xid ${xid}`);
    this.pending[this.pendingHead] = undefined as unknown as OnReply;
    this.pendingHead++;
    if (this.pendingHead > 4096 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
    onReply(err, zxid, frame.subarray(16));
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** One request, awaited; rejects if the connection closes or after `timeoutMs`. */
export function request(
  conn: PipelinedConnection,
  frame: Buffer,
  timeoutMs: number,
): Promise<{ err: number; zxid: bigint; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      conn.whenClosed(undefined);
      reject(new Error(`no reply within ${timeoutMs} ms`));
    }, timeoutMs);
    conn.whenClosed((error) => {
      clearTimeout(timer);
      reject(error);
    });
    conn.send(frame, (err, zxid, body) => {
      clearTimeout(timer);
      conn.whenClosed(undefined);
      resolve({ err, zxid, body: Buffer.from(body) });
    });
  });
}
