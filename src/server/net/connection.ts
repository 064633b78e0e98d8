// One client socket: framing, the handshake, request decoding and batched reply writes.
// Replies produced in one turn of the event loop leave in one socket write. Bad input closes
// only this connection; a request body that cannot be decoded gets MARSHALLINGERROR.
import type { Socket } from 'node:net';
import type { Logger } from '../../core/logger.ts';
import { ErrorCode, OpCode, Xid } from '../../protocol/constants.ts';
import {
  readConnectRequest,
  writeConnectResponse,
  type ConnectResponse,
} from '../../protocol/connect.ts';
import { FrameSplitter } from '../../protocol/framing.ts';
import { JuteReader, ProtocolError } from '../../protocol/jute/reader.ts';
import { JuteWriter } from '../../protocol/jute/writer.ts';
import type { Id } from '../../protocol/records.ts';
import { decodeRequest, type AuthRequest } from '../../protocol/requests.ts';
import {
  encodeResponse,
  writeReplyHeader,
  type NotificationFrame,
  type ReplyHeader,
  type Response,
} from '../../protocol/responses.ts';
import { authenticate } from '../pipeline/auth.ts';
import type { ClientConnection } from '../pipeline/ports.ts';
import type { ConnectionLink, RequestProcessor } from '../pipeline/request-processor.ts';
import type { SessionService } from '../pipeline/session-service.ts';

export interface ConnectionContext {
  readonly processor: RequestProcessor;
  readonly sessions: SessionService;
  readonly logger: Logger;
  readonly maxFrameBytes: number;
  readonly superDigest: string | undefined;
  /** Answers a four-letter word; undefined when the bytes are not one. */
  readonly fourLetterWord: (code: number) => string | undefined;
  readonly onClose: (connection: Connection) => void;
  /** Called after each chunk: may pause reading while the server is over its limit. */
  readonly throttle: (connection: Connection) => void;
}

/** `closing`: a reply that ends the connection is queued; nothing after it is read. */
type Phase = 'new' | 'connecting' | 'established' | 'closing' | 'closed';

let nextConnectionId = 1;

export class Connection implements ClientConnection {
  readonly id = nextConnectionId++;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly authIds: Id[];
  readonly link: ConnectionLink;
  readonly establishedAtMs = Date.now();
  packetsReceived = 0;
  packetsSent = 0;
  private phase: Phase = 'new';
  private readonly splitter: FrameSplitter;
  private readonly held: Buffer[] = [];
  /** The first bytes of a new connection, until four have come (a four-letter word?). */
  private preamble: Buffer | null = Buffer.alloc(0);
  private out: JuteWriter | null = null;
  private readonly socket: Socket;
  private readonly ctx: ConnectionContext;

  constructor(socket: Socket, ctx: ConnectionContext) {
    this.socket = socket;
    this.ctx = ctx;
    const address = socket.remoteAddress ?? '';
    this.remoteAddress = address.startsWith('::ffff:') ? address.slice(7) : address;
    this.remotePort = socket.remotePort ?? 0;
    this.authIds = [{ scheme: 'ip', id: this.remoteAddress }];
    this.splitter = new FrameSplitter({ maxFrameBytes: ctx.maxFrameBytes });
    this.link = ctx.processor.attach(this);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.ctx.logger.debug({ err: error.message }, 'socket error'));
    socket.on('close', () => this.onSocketClosed());
    socket.on('drain', () => socket.resume());
  }

  get sessionId(): bigint | undefined {
    return this.link.sessionId;
  }

  get queuedRequests(): number {
    return this.link.queue.length;
  }

  private onData(chunk: Buffer): void {
    if (this.phase === 'closed' || this.phase === 'closing') return;
    let data = chunk;
    if (this.preamble !== null) {
      data = this.preamble.length === 0 ? chunk : Buffer.concat([this.preamble, chunk]);
      if (data.length < 4) {
        this.preamble = Buffer.from(data);
        return;
      }
      this.preamble = null;
      const text = this.ctx.fourLetterWord(data.readInt32BE(0));
      if (text !== undefined) {
        this.phase = 'closed';
        this.socket.end(text);
        return;
      }
    }
    try {
      this.splitter.push(data, (frame) => this.onFrame(frame));
    } catch (error) {
      this.fail(error);
    }
    this.ctx.throttle(this);
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    if (this.phase !== 'closed') this.socket.resume();
  }

  private fail(error: unknown): void {
    if (!(error instanceof ProtocolError)) throw error;
    this.ctx.logger.warn(
      { client: `${this.remoteAddress}:${this.remotePort}`, err: error.message },
      'closing connection: malformed input',
    );
    this.close(error.message);
  }

  private onFrame(frame: Buffer): void {
    if (this.phase === 'closed' || this.phase === 'closing') return;
    this.packetsReceived++;
    this.ctx.processor.stats.packetsReceived++;
    if (this.phase === 'new') {
      const request = readConnectRequest(
        new JuteReader(frame, { maxLengthBytes: this.ctx.maxFrameBytes }),
      );
      this.phase = 'connecting';
      this.ctx.sessions.connect(this.link, request);
      return;
    }
    if (this.phase === 'connecting') {
      // Java clients send auth and setWatches right behind the ConnectRequest.
      this.held.push(Buffer.from(frame));
      return;
    }
    this.onRequest(frame);
  }

  private onRequest(frame: Buffer): void {
    const reader = new JuteReader(frame, { maxLengthBytes: this.ctx.maxFrameBytes });
    const xid = reader.readInt();
    const opcode = reader.readInt();
    const processor = this.ctx.processor;
    this.ctx.sessions.touch(this.link);
    let request;
    try {
      request = decodeRequest(opcode, reader);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.ctx.logger.warn({ xid, opcode, err: error.message }, 'undecodable request body');
      processor.rejectInOrder(this.link, xid, opcode, ErrorCode.marshallingError);
      return;
    }
    if (
      request === undefined ||
      opcode === OpCode.check ||
      request.type === 'sasl' ||
      request.type === 'reconfig'
    ) {
      const unsupported = request === undefined || opcode === OpCode.check;
      if (unsupported) {
        // Earlier replies go out first, then UNIMPLEMENTED, then the close.
        this.ctx.logger.warn({ xid, opcode }, 'unknown opcode: closing connection');
        this.phase = 'closing';
      }
      processor.rejectInOrder(this.link, xid, opcode, ErrorCode.unimplemented, unsupported);
      return;
    }
    if (request.type === 'auth') return this.onAuth(request);
    const session =
      this.link.sessionId === undefined
        ? undefined
        : processor.state.sessions.get(this.link.sessionId);
    if (session === undefined || session.closing) {
      processor.rejectInOrder(this.link, xid, opcode, ErrorCode.sessionExpired);
      return;
    }
    if (request.type === 'closeSession') return this.ctx.sessions.close(this.link, xid, opcode);
    processor.submit(this.link, xid, opcode, request);
  }

  private onAuth(request: AuthRequest): void {
    const err = authenticate(request, this.authIds, {
      remoteAddress: this.remoteAddress,
      superDigest: this.ctx.superDigest,
    });
    this.sendReply({ xid: Xid.auth, zxid: 0n, err }, { type: 'empty' });
    if (err !== ErrorCode.ok) {
      this.ctx.logger.warn({ scheme: request.scheme }, 'authentication failed: closing connection');
      this.close('auth failed');
    }
  }

  private writer(): JuteWriter {
    if (this.out === null) {
      this.out = new JuteWriter(512);
      queueMicrotask(() => this.flush());
    }
    return this.out;
  }

  private flush(): void {
    const out = this.out;
    this.out = null;
    if (out === null || this.socket.destroyed) return;
    if (!this.socket.write(out.view())) this.socket.pause();
  }

  sendConnectResponse(response: ConnectResponse): void {
    if (this.phase === 'closed') return;
    const writer = this.writer();
    const at = writer.beginFrame();
    writeConnectResponse(writer, response);
    writer.endFrame(at);
    this.packetsSent++;
    if (response.timeOutMs <= 0) return;
    this.phase = 'established';
    try {
      for (const frame of this.held.splice(0)) {
        if (this.phase !== 'established') break;
        this.onRequest(frame);
      }
    } catch (error) {
      this.fail(error);
    }
  }

  sendReply(header: ReplyHeader, response: Response): void {
    if (this.phase === 'closed') return;
    const writer = this.writer();
    const at = writer.beginFrame();
    writeReplyHeader(writer, header);
    encodeResponse(writer, response);
    writer.endFrame(at);
    this.packetsSent++;
  }

  sendEvent(notification: NotificationFrame): void {
    if (this.phase === 'closed') return;
    this.packetsSent++;
    if (this.out !== null) {
      this.out.writeRaw(notification.bytes);
      return;
    }
    // Nothing else queued for this socket in this turn: the shared frame goes out as it is
    // (a fan-out to many sessions then costs one write each and no copy).
    if (this.socket.destroyed) return;
    if (!this.socket.write(notification.bytes)) this.socket.pause();
  }

  close(reason: string): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.ctx.logger.debug(
      { client: `${this.remoteAddress}:${this.remotePort}`, reason },
      'closing connection',
    );
    this.flush();
    this.socket.end();
    this.ctx.processor.detach(this.link);
  }

  private onSocketClosed(): void {
    this.phase = 'closed';
    this.ctx.processor.detach(this.link);
    this.ctx.onClose(this);
  }
}
