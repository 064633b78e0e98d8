// Splits a TCP byte stream into frames (int32 length + payload). Partial frames are kept
// across chunks; a length outside [0, maxFrameBytes] is a protocol error before any copy.
import { ProtocolError } from './jute/reader.ts';

export class FrameSplitter {
  private pending: Buffer | null = null;

  private readonly maxFrameBytes: number;

  constructor(limit: { maxFrameBytes: number }) {
    this.maxFrameBytes = limit.maxFrameBytes;
  }

  /** Bytes buffered but not yet part of a complete frame. */
  get bufferedBytes(): number {
    return this.pending?.length ?? 0;
  }

  /** The first four bytes seen on the stream, if at least four arrived (for 4lw detection). */
  peekLength(chunk: Buffer): number | undefined {
    const data = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    return data.length >= 4 ? data.readInt32BE(0) : undefined;
  }

  /** Feeds a chunk and calls `onFrame` with each complete payload (a view into the data). */
  push(chunk: Buffer, onFrame: (payload: Buffer) => void): void {
    let data = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = null;
    let offset = 0;
    while (data.length - offset >= 4) {
      const length = data.readInt32BE(offset);
      if (length < 0 || length > this.maxFrameBytes) {
        throw new ProtocolError(`Len error ${length}`);
      }
      if (data.length - offset - 4 < length) break;
      onFrame(data.subarray(offset + 4, offset + 4 + length));
      offset += 4 + length;
    }
    if (offset < data.length) {
      data = data.subarray(offset);
      this.pending = Buffer.from(data);
    }
  }
}
