// The reader is the first thing hostile bytes touch. These tests pin down that every bad
// length prefix (truncated, below -1, above jute.maxbuffer, a vector count larger than the
// bytes left) becomes a ProtocolError before anything is allocated, never a RangeError from
// Buffer or a huge array.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  JuteReader,
  JuteWriter,
  OpCode,
  ProtocolError,
  decodeRequest,
  encodeRequest,
  readAcl,
  readConnectRequest,
  type Request,
} from '../../../src/protocol/index.ts';

function int32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
}

function reader(...parts: Buffer[]): JuteReader {
  return new JuteReader(Buffer.concat(parts));
}

function encoded(request: Request): Buffer {
  const writer = new JuteWriter();
  encodeRequest(writer, request);
  return Buffer.from(writer.view());
}

const create: Request = {
  type: 'create',
  opcode: OpCode.createTTL,
  path: '/app/lock-',
  data: Buffer.from('payload'),
  acl: [{ perms: 31, id: { scheme: 'digest', id: 'user:hash' } }],
  flags: 5,
  ttl: 1000n,
};

void test('every strict prefix of a CreateTTL request is rejected as truncated', () => {
  const bytes = encoded(create);
  assert.deepEqual(decodeRequest(OpCode.createTTL, new JuteReader(bytes)), create);
  for (let length = 0; length < bytes.length; length++) {
    assert.throws(
      () => decodeRequest(OpCode.createTTL, new JuteReader(bytes.subarray(0, length))),
      ProtocolError,
      `prefix of ${length} bytes`,
    );
  }
});

void test('every strict prefix of a ConnectRequest before the passwd ends is rejected', () => {
  const bytes = Buffer.concat([Buffer.alloc(24), int32(16), Buffer.alloc(16)]);
  assert.equal(readConnectRequest(new JuteReader(bytes)).readOnly, undefined);
  for (let length = 0; length < bytes.length; length++) {
    const prefix = new JuteReader(bytes.subarray(0, length));
    assert.throws(() => readConnectRequest(prefix), ProtocolError);
  }
});

void test('primitive reads stop at `end`, not at the end of the underlying buffer', () => {
  const bytes = Buffer.alloc(16, 0x11);
  const bounded = new JuteReader(bytes, { offset: 2, end: 9 });
  assert.equal(bounded.remaining, 7);
  assert.equal(bounded.readInt(), 0x11111111);
  assert.throws(() => bounded.readInt(), /truncated int/);
  assert.throws(() => bounded.readLong(), ProtocolError);
  assert.equal(bounded.readBool(), true);
  assert.equal(bounded.position, 7);
});

void test('length -1 is null; lengths below -1 are rejected for buffers, strings, vectors', () => {
  assert.equal(reader(int32(-1)).readBuffer(), null);
  assert.equal(reader(int32(-1)).readUString(), null);
  assert.equal(reader(int32(-1)).readString(), '');
  assert.equal(reader(int32(-1)).readVector(readAcl), null);
  for (const length of [-2, -100, -0x80000000]) {
    const body = Buffer.alloc(64);
    assert.throws(() => reader(int32(length), body).readBuffer(), /negative buffer length/);
    assert.throws(() => reader(int32(length), body).readUString(), /negative ustring length/);
    assert.throws(() => reader(int32(length), body).readString(), ProtocolError);
    assert.throws(() => reader(int32(length), body).readVector(readAcl), /negative vector count/);
  }
});

void test('lengths above maxLengthBytes are rejected even when the bytes are present', () => {
  const body = Buffer.alloc(32, 0x61);
  const limited = (length: number) =>
    new JuteReader(Buffer.concat([int32(length), body]), { maxLengthBytes: 16 });
  assert.equal(limited(16).readBuffer()?.length, 16);
  assert.equal(limited(16).readUString(), 'a'.repeat(16));
  assert.throws(() => limited(17).readBuffer(), /buffer length 17 exceeds 16/);
  assert.throws(() => limited(17).readUString(), /ustring length 17 exceeds 16/);
  // The default limit is jute.maxbuffer, 0xfffff; it is checked before "bytes present".
  assert.throws(() => reader(int32(0x100000), body).readBuffer(), /exceeds 1048575/);
  assert.throws(() => reader(int32(0x7fffffff), body).readUString(), /exceeds/);
});

void test('a length within limits but past the end of the data is truncation', () => {
  assert.throws(() => reader(int32(33), Buffer.alloc(32)).readBuffer(), /truncated buffer/);
  assert.throws(() => reader(int32(5), Buffer.from('abcd')).readUString(), /truncated ustring/);
  assert.equal(reader(int32(0)).readBuffer()?.length, 0);
  assert.equal(reader(int32(0)).readUString(), '');
});

void test('a vector count larger than the remaining bytes fails before reading elements', () => {
  let elementsRead = 0;
  const countingAcl = (r: JuteReader) => {
    elementsRead++;
    return readAcl(r);
  };
  const before = process.memoryUsage().arrayBuffers;
  for (const count of [9, 1000, 0x7fffffff]) {
    assert.throws(
      () => reader(int32(count), Buffer.alloc(8)).readVector(countingAcl),
      new RegExp(`vector count ${count} exceeds remaining 8 bytes`),
    );
  }
  assert.equal(elementsRead, 0);
  assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20, 'no large allocation');
  // A count equal to the bytes left passes the guard; the elements then run out of bytes.
  assert.throws(() => reader(int32(8), Buffer.alloc(8)).readVector(countingAcl), ProtocolError);
});

void test('a hostile vector count inside a request is a ProtocolError, quickly', () => {
  const setAcl = Buffer.concat([int32(1), Buffer.from('/'), int32(0x7fffffff), Buffer.alloc(12)]);
  const started = performance.now();
  assert.throws(() => decodeRequest(OpCode.setACL, new JuteReader(setAcl)), /vector count/);
  const watches = Buffer.concat([Buffer.alloc(8), int32(0x7ffffff0), Buffer.alloc(4)]);
  assert.throws(() => decodeRequest(OpCode.setWatches, new JuteReader(watches)), /vector count/);
  // Generous: an attempt to allocate 2^31 elements would take seconds or crash.
  assert.ok(performance.now() - started < 1000);
});

void test('multi: unknown op, read op in a write multi, missing terminator', () => {
  const header = (type: number, done: boolean) =>
    Buffer.concat([int32(type), Buffer.from([done ? 1 : 0]), int32(-1)]);
  const getData = Buffer.concat([int32(2), Buffer.from('/a'), Buffer.from([0])]);
  assert.throws(
    () => decodeRequest(OpCode.multi, reader(header(OpCode.getData, false), getData)),
    /invalid op 4 in multi/,
  );
  assert.throws(
    () => decodeRequest(OpCode.multiRead, reader(header(OpCode.delete, false), getData)),
    /invalid op 2 in multiRead/,
  );
  assert.deepEqual(
    decodeRequest(
      OpCode.multiRead,
      reader(header(OpCode.getData, false), getData, header(-1, true)),
    ),
    { type: 'multiRead', ops: [{ type: 'getData', path: '/a', watch: false }] },
  );
  assert.throws(
    () => decodeRequest(OpCode.multiRead, reader(header(OpCode.getData, false), getData)),
    /truncated int/,
  );
});

void test('unknown opcodes decode to undefined; expectEnd reports trailing bytes', () => {
  assert.equal(decodeRequest(999, reader(Buffer.alloc(4))), undefined);
  assert.equal(decodeRequest(OpCode.createSession, reader()), undefined);
  const trailing = reader(int32(7), Buffer.alloc(3));
  assert.equal(trailing.readInt(), 7);
  assert.throws(() => trailing.expectEnd('test record'), /3 unexpected trailing bytes/);
  reader().expectEnd('empty record');
});

void test('readBuffer copies: the result does not alias the (reused) frame', () => {
  const frame = Buffer.concat([int32(3), Buffer.from('abc')]);
  const value = new JuteReader(frame).readBuffer();
  frame.fill(0);
  assert.equal(value?.toString(), 'abc');
});
