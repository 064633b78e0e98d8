// Splits a TCP byte stream into frames (int32 length + payload). Partial frames are kept as a
// list of chunks and joined once, when the frame is complete, so a frame that arrives in many
// small pieces costs linear time. A length outside [0, maxFrameBytes] is a protocol error
// before anything is copied.
import { ProtocolError } from './jute/reader.ts';

export class FrameSplitter {
  private readonly maxFrameBytes: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the frame being collected, once its 4 length bytes are in. */
  private frameLength: number | undefined;

  constructor(limit: { maxFrameBytes: number }) {
    this.maxFrameBytes = limit.maxFrameBytes;
  }

  /** Bytes buffered but not yet part of a complete frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  private checkLength(length: number): void {
    if (length < 0 || length > this.maxFrameBytes) throw new ProtocolError(`Len error ${length}`);
  }

  /** The pending frame's length once its 4 length bytes have arrived (read only once). */
  private pendingLength(): number | undefined {
    if (this.frameLength !== undefined || this.buffered < 4) return this.frameLength;
    const first = this.chunks[0] as Buffer;
    const head = first.length >= 4 ? first : Buffer.concat(this.chunks, this.buffered);
    const length = head.readInt32BE(0);
    this.checkLength(length);
    this.frameLength = length;
    return length;
  }

  /**
   * Feeds a chunk and calls `onFrame` with each complete payload (a view into the data, valid
   * during the call). Nothing of `chunk` is kept by reference, so the caller may reuse it.
   */
  push(chunk: Buffer, onFrame: (payload: Buffer) => void): void {
    let data = chunk;
    if (this.buffered > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      const length = this.pendingLength();
      if (length === undefined || this.buffered < 4 + length) {
        // Keep a copy: the caller may reuse `chunk` once this returns.
        this.chunks[this.chunks.length - 1] = Buffer.from(chunk);
        return;
      }
      data = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [];
      this.buffered = 0;
      this.frameLength = undefined;
    }
    let offset = 0;
    while (data.length - offset >= 4) {
      const length = data.readInt32BE(offset);
      this.checkLength(length);
      if (data.length - offset - 4 < length) break;
      onFrame(data.subarray(offset + 4, offset + 4 + length));
      offset += 4 + length;
    }
    if (offset < data.length) {
      // Copy the tail: the caller may reuse `chunk`, and a small view would pin a big buffer.
      this.chunks = [Buffer.from(data.subarray(offset))];
      this.buffered = data.length - offset;
    }
  }
}
