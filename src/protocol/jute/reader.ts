// Bounds-checked reader for Apache's jute binary archive (big-endian, no tags).
// Every length prefix is checked against the bytes actually present and against
// jute.maxbuffer before anything is allocated, so hostile input cannot balloon memory.

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** The input ended inside a value: with more bytes the same read may succeed. */
export class TruncatedInputError extends ProtocolError {
  override name = 'TruncatedInputError';
}

// V8's DataView bigint access is ~4x faster than Buffer's. One view over the whole
// ArrayBuffer, kept for the next reader: frames of one read, and Node's pooled small buffers,
// share their ArrayBuffer, so most readers need no view of their own (~150 ns each).
let cachedView: DataView = new DataView(new ArrayBuffer(0));
function viewOf(arrayBuffer: ArrayBufferLike): DataView {
  if (cachedView.buffer !== arrayBuffer) cachedView = new DataView(arrayBuffer);
  return cachedView;
}

export class JuteReader {
  private offset: number;
  private readonly end: number;

  readonly buffer: Buffer;
  private readonly maxLengthBytes: number;

  constructor(
    buffer: Buffer,
    options: { offset?: number; end?: number; maxLengthBytes?: number } = {},
  ) {
    this.buffer = buffer;
    this.offset = options.offset ?? 0;
    this.end = options.end ?? buffer.length;
    if (this.offset < 0 || this.end > buffer.length || this.offset > this.end) {
      throw new RangeError(
        `reader window [${this.offset}, ${this.end}) outside ${buffer.length} bytes`,
      );
    }
    this.maxLengthBytes = options.maxLengthBytes ?? 0xfffff;
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(bytes: number, what: string): void {
    if (this.end - this.offset < bytes) {
      throw new TruncatedInputError(
        `truncated ${what}: need ${bytes} bytes, have ${this.remaining}`,
      );
    }
  }

  readInt(): number {
    this.need(4, 'int');
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  readLong(): bigint {
    this.need(8, 'long');
    const value = viewOf(this.buffer.buffer).getBigInt64(this.buffer.byteOffset + this.offset);
    this.offset += 8;
    return value;
  }

  readBool(): boolean {
    this.need(1, 'boolean');
    const value = this.buffer[this.offset] !== 0;
    this.offset += 1;
    return value;
  }

  private readLength(what: string): number {
    const length = this.readInt();
    if (length < -1) throw new ProtocolError(`negative ${what} length ${length}`);
    if (length > this.maxLengthBytes) {
      throw new ProtocolError(`${what} length ${length} exceeds ${this.maxLengthBytes}`);
    }
    if (length > 0) this.need(length, what);
    return length;
  }

  /** A buffer field; null when the length prefix is -1. Returns a copy (the frame is reused). */
  readBuffer(): Buffer | null {
    const length = this.readLength('buffer');
    if (length < 0) return null;
    const value = Buffer.allocUnsafe(length);
    this.buffer.copy(value, 0, this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  readUString(): string | null {
    const length = this.readLength('ustring');
    if (length < 0) return null;
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** A ustring that must not be null (paths, schemes). Null is read as "" like Java's callers. */
  readString(): string {
    return this.readUString() ?? '';
  }

  /** A vector; null when the count is -1. Each element needs at least one byte, so a count
   * larger than the remaining bytes is rejected before the loop. */
  readVector<T>(readElement: (reader: JuteReader) => T): T[] | null {
    const count = this.readInt();
    if (count < -1) throw new ProtocolError(`negative vector count ${count}`);
    if (count < 0) return null;
    if (count > this.remaining) {
      throw new TruncatedInputError(
        `vector count ${count} exceeds remaining ${this.remaining} bytes`,
      );
    }
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(readElement(this));
    return items;
  }

  expectEnd(what: string): void {
    if (this.remaining !== 0) {
      throw new ProtocolError(`${this.remaining} unexpected trailing bytes after ${what}`);
    }
  }
}
