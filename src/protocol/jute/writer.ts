// Growable writer for the jute binary archive. Frames are written with a 4-byte length
// placeholder first so a whole reply is built in one buffer without a second copy.

export class JuteWriter {
  private buffer: Buffer;
  /** Over `buffer`: V8's DataView bigint access is ~7x faster than Buffer's. */
  private dataView: DataView;
  private offset = 0;

  constructor(initialBytes = 256) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
    this.dataView = viewOf(this.buffer);
  }

  get length(): number {
    return this.offset;
  }

  private ensure(bytes: number): void {
    const needed = this.offset + bytes;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
    this.dataView = viewOf(grown);
  }

  writeInt(value: number): this {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw new RangeError(`int out of range: ${value}`);
    }
    this.ensure(4);
    this.dataView.setInt32(this.offset, value);
    this.offset += 4;
    return this;
  }

  writeLong(value: bigint): this {
    if (value < -0x8000000000000000n || value > 0x7fffffffffffffffn) {
      throw new RangeError(`long out of range: ${value}`);
    }
    this.ensure(8);
    this.dataView.setBigInt64(this.offset, value);
    this.offset += 8;
    return this;
  }

  writeBool(value: boolean): this {
    this.ensure(1);
    this.buffer[this.offset++] = value ? 1 : 0;
    return this;
  }

  writeBuffer(value: Uint8Array | null): this {
    if (value === null) return this.writeInt(-1);
    this.writeInt(value.length);
    this.ensure(value.length);
    this.buffer.set(value, this.offset);
    this.offset += value.length;
    return this;
  }

  /** Appends bytes as they are (no length prefix): an already encoded frame. */
  writeRaw(value: Uint8Array): this {
    this.ensure(value.length);
    this.buffer.set(value, this.offset);
    this.offset += value.length;
    return this;
  }

  writeUString(value: string | null): this {
    if (value === null) return this.writeInt(-1);
    const bytes = Buffer.byteLength(value, 'utf8');
    this.writeInt(bytes);
    this.ensure(bytes);
    this.buffer.write(value, this.offset, bytes, 'utf8');
    this.offset += bytes;
    return this;
  }

  /**
   * A ustring given in two parts: `head`, already UTF-8, then `tail`. Snapshots write each
   * path as its parent's encoded prefix plus the child's name, so no full path string is built
   * and encoded per node (~0.3 µs less each). ASCII is copied in a loop: for names that short
   * the loop beats a native encode call.
   */
  writeUStringParts(head: Uint8Array, tail: string): this {
    this.ensure(4 + head.length + tail.length * 3);
    const buffer = this.buffer;
    const start = this.offset + 4;
    let at = start;
    // Short heads: a loop costs less than set()'s call overhead.
    if (head.length <= 32) for (const byte of head) buffer[at++] = byte;
    else {
      buffer.set(head, start);
      at += head.length;
    }
    let i = 0;
    for (; i < tail.length; i++) {
      const code = tail.charCodeAt(i);
      if (code >= 0x80) break;
      buffer[at++] = code;
    }
    if (i < tail.length) at += buffer.write(tail.slice(i), at, 'utf8');
    this.dataView.setInt32(this.offset, at - start);
    this.offset = at;
    return this;
  }

  writeVector<T>(items: readonly T[] | null, writeElement: (writer: this, item: T) => void): this {
    if (items === null) return this.writeInt(-1);
    this.writeInt(items.length);
    for (const item of items) writeElement(this, item);
    return this;
  }

  /** Reserves a 4-byte length prefix; `endFrame` fills it in. */
  beginFrame(): number {
    const at = this.offset;
    this.ensure(4);
    this.offset += 4;
    return at;
  }

  endFrame(at: number): this {
    this.buffer.writeInt32BE(this.offset - at - 4, at);
    return this;
  }

  /** The bytes written so far (a view; copy it if the writer is reused). */
  view(): Buffer {
    return this.buffer.subarray(0, this.offset);
  }

  reset(): void {
    this.offset = 0;
  }
}

function viewOf(buffer: Buffer): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
