// FrameSplitter turns arbitrary TCP chunking back into the frames that were sent. The
// split-at-every-offset tests feed one stream of several frames cut at every possible position
// (and at every pair of positions), and the frames that come out must always be the same.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameSplitter, ProtocolError } from '../../../src/protocol/index.ts';

function frame(payload: Buffer): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(payload.length);
  return Buffer.concat([prefix, payload]);
}

const payloads: readonly Buffer[] = [
  Buffer.from('first frame'),
  Buffer.alloc(0), // a zero-length frame is legal
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00]), // payload bytes that look like a bad length
  Buffer.from('x'),
  Buffer.alloc(40, 0xab),
];
const stream = Buffer.concat(payloads.map(frame));
const maxFrameBytes = 64;

/** Feeds `chunks` in order and returns copies of every frame seen. */
function split(
  chunks: readonly Buffer[],
  splitter = new FrameSplitter({ maxFrameBytes }),
): Buffer[] {
  const frames: Buffer[] = [];
  // Payloads are views into the chunk; copy them before the chunk can be reused.
  for (const chunk of chunks) splitter.push(chunk, (payload) => frames.push(Buffer.from(payload)));
  return frames;
}

function cut(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const bounds = [0, ...offsets, bytes.length];
  return bounds.slice(1).map((end, i) => bytes.subarray(bounds[i], end));
}

void test('the whole stream in one chunk yields every frame in order', () => {
  assert.deepEqual(split([stream]), payloads);
});

void test('splitting the stream at every single offset yields the same frames', () => {
  for (let at = 0; at <= stream.length; at++) {
    const splitter = new FrameSplitter({ maxFrameBytes });
    assert.deepEqual(split(cut(stream, [at]), splitter), payloads, `split at ${at}`);
    assert.equal(splitter.bufferedBytes, 0);
  }
});

void test('splitting the stream at every pair of offsets yields the same frames', () => {
  for (let first = 0; first <= stream.length; first++) {
    for (let second = first; second <= stream.length; second++) {
      const frames = split(cut(stream, [first, second]));
      assert.deepEqual(frames, payloads, `split at ${first},${second}`);
    }
  }
});

void test('one byte at a time yields the same frames and buffers the partial tail', () => {
  const bytes = Buffer.concat([stream, Buffer.from([0, 0, 0, 9, 1, 2])]);
  const splitter = new FrameSplitter({ maxFrameBytes });
  const chunks = [...bytes].map((byte) => Buffer.from([byte]));
  assert.deepEqual(split(chunks, splitter), payloads);
  assert.equal(splitter.bufferedBytes, 6);
  const tail = Buffer.from([1, 2, 3, 3, 3, 3, 3, 3, 3]);
  assert.deepEqual(split([Buffer.alloc(7, 3)], splitter), [tail]);
  assert.equal(splitter.bufferedBytes, 0);
});

void test('a caller may reuse its chunk buffer after push (one read buffer for every read)', () => {
  for (let first = 0; first <= stream.length; first++) {
    for (let second = first; second <= stream.length; second++) {
      const readBuffer = Buffer.alloc(stream.length);
      const splitter = new FrameSplitter({ maxFrameBytes });
      const frames: Buffer[] = [];
      for (const chunk of cut(stream, [first, second])) {
        chunk.copy(readBuffer);
        splitter.push(readBuffer.subarray(0, chunk.length), (payload) =>
          frames.push(Buffer.from(payload)),
        );
        readBuffer.fill(0xee);
      }
      assert.deepEqual(frames, payloads, `split at ${first},${second}`);
    }
  }
});

void test('payloads from a single chunk are views into that chunk (no copy)', () => {
  const seen: Buffer[] = [];
  new FrameSplitter({ maxFrameBytes }).push(stream, (payload) => seen.push(payload));
  assert.deepEqual(seen, payloads);
  assert.ok(seen.every((payload) => payload.buffer === stream.buffer));
});

void test('a frame of exactly maxFrameBytes is accepted, one more byte is not', () => {
  const splitter = new FrameSplitter({ maxFrameBytes: 8 });
  assert.deepEqual(split([frame(Buffer.alloc(8, 1))], splitter), [Buffer.alloc(8, 1)]);
  assert.throws(() => split([frame(Buffer.alloc(9))], splitter), /Len error 9/);
});

void test('oversized and negative lengths throw ProtocolError once the length arrives', () => {
  for (const length of [65, 0x100000, 0x7fffffff, -1, -2, -0x80000000]) {
    const header = Buffer.alloc(4);
    header.writeInt32BE(length);
    // Only the four length bytes have arrived; the check must not wait for the payload.
    assert.throws(() => split([header]), ProtocolError, `length ${length}`);
    // Split inside the length prefix, after a good frame.
    const bytes = Buffer.concat([frame(Buffer.from('ok')), header]);
    const frames: Buffer[] = [];
    const splitter = new FrameSplitter({ maxFrameBytes });
    splitter.push(bytes.subarray(0, 8), (payload) => frames.push(Buffer.from(payload)));
    assert.throws(
      () => splitter.push(bytes.subarray(8), (payload) => frames.push(Buffer.from(payload))),
      (error: unknown) => error instanceof ProtocolError && /Len error/.test(error.message),
    );
    assert.deepEqual(frames, [Buffer.from('ok')]);
  }
});
