// The outbound side of a connection: frames are encoded one by one into a scratch writer
// (so an oversized or unencodable request fails alone) and appended, length-prefixed, to one
// batch buffer that the driver writes with a single socket write per tick.
import {
  JuteWriter,
  OpCode,
  Xid,
  encodeRequest,
  writeConnectRequest,
  type ConnectRequest,
  type Request,
} from '../protocol/index.ts';

export type EncodeResult = { ok: true } | { ok: false; reason: string };

const encoded: EncodeResult = Object.freeze({ ok: true });

export class FrameWriter {
  private readonly maxFrameBytes: number;
  private readonly scratch = new JuteWriter(1024);
  private batch = new JuteWriter(4096);
  private xid = 0;

  constructor(maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes waiting to be taken. */
  get length(): number {
    return this.batch.length;
  }

  /** The next normal xid: 1, 2, ... wrapping to 1 after 2^31 - 1. */
  nextXid(): number {
    this.xid = this.xid >= 0x7fffffff ? 1 : this.xid + 1;
    return this.xid;
  }

  /** Appends `RequestHeader{xid, opcode}` + body, unless it cannot be encoded or is too big. */
  request(xid: number, opcode: number, request: Request): EncodeResult {
    const scratch = this.scratch;
    scratch.reset();
    try {
      scratch.writeInt(xid).writeInt(opcode);
      encodeRequest(scratch, request);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return { ok: false, reason: error.message };
    }
    if (scratch.length > this.maxFrameBytes) {
      return {
        ok: false,
        reason: `request of ${scratch.length} bytes exceeds maxFrameBytes ${this.maxFrameBytes}`,
      };
    }
    this.batch.writeBuffer(scratch.view());
    return encoded;
  }

  connectRequest(request: ConnectRequest): void {
    const at = this.batch.beginFrame();
    writeConnectRequest(this.batch, request);
    this.batch.endFrame(at);
  }

  ping(): void {
    const at = this.batch.beginFrame();
    this.batch.writeInt(Xid.ping).writeInt(OpCode.ping);
    this.batch.endFrame(at);
  }

  auth(scheme: string, data: Buffer): void {
    const at = this.batch.beginFrame();
    this.batch.writeInt(Xid.auth).writeInt(OpCode.auth);
    encodeRequest(this.batch, { type: 'auth', authType: 0, scheme, auth: data });
    this.batch.endFrame(at);
  }

  /** The batch so far (a copy), then empty. */
  take(): Buffer | undefined {
    if (this.batch.length === 0) return undefined;
    const bytes = Buffer.from(this.batch.view());
    this.batch.reset();
    return bytes;
  }

  /** Drops the batch (its connection is gone). */
  discard(): void {
    this.batch.reset();
  }
}
