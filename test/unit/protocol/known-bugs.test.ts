// Regression tests for defects the fuzzing found in src/protocol (all fixed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FrameSplitter,
  JuteReader,
  JuteWriter,
  OpCode,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type MultiReadOp,
  type MultiWriteOp,
  type Request,
} from '../../../src/protocol/index.ts';

function roundTrip(request: Request): Request | undefined {
  const writer = new JuteWriter();
  encodeRequest(writer, request);
  const opcode = request.type === 'multi' ? OpCode.multi : OpCode.multiRead;
  return decodeRequest(opcode, new JuteReader(writer.view()));
}

// requests.ts readMultiOps: `if (ops.length >= reader.remaining) throw ...` compares the ops
// already decoded with the bytes still *ahead*. Near the end of any multi only the last op and
// the 9-byte terminator are left, so a multi of n ops with a short last op is rejected as soon
// as n - 1 >= (bytes of the last op + 9). 20 deletes of "/a" (19 bytes each) fail.
void test('a multi of 20 deletes decodes', () => {
  const ops: MultiWriteOp[] = Array.from({ length: 20 }, () => ({
    type: 'delete',
    path: '/a',
    version: -1,
  }));
  assert.deepEqual(roundTrip({ type: 'multi', ops }), { type: 'multi', ops });
});

void test('a multiRead of 100 getData ops decodes', () => {
  const ops: MultiReadOp[] = Array.from({ length: 100 }, (_, i) => ({
    type: 'getData',
    path: `/jobs/${i}`,
    watch: false,
  }));
  assert.deepEqual(roundTrip({ type: 'multiRead', ops }), { type: 'multiRead', ops });
});

void test('19 deletes still decode (the bug starts at 20 for this op size)', () => {
  const ops: MultiWriteOp[] = Array.from({ length: 19 }, () => ({
    type: 'delete',
    path: '/a',
    version: -1,
  }));
  assert.deepEqual(roundTrip({ type: 'multi', ops }), { type: 'multi', ops });
});

void test('a multi response of 100 results decodes (responses have no such guard)', () => {
  const response = {
    type: 'multi' as const,
    results: Array.from({ length: 100 }, () => ({ type: 'delete' as const })),
  };
  const writer = new JuteWriter();
  encodeResponse(writer, response);
  assert.deepEqual(decodeResponse(OpCode.multi, new JuteReader(writer.view())), response);
});

// framing.ts push() used to re-copy the pending bytes on every push: O(k * n) for a frame in
// k chunks (a 256 KiB frame in 1-byte chunks blocked the event loop ~15 s). Linear now; the
// generous timeout only catches a return to quadratic behaviour (~100x slower).
void test('a 256 KiB frame in 1-byte chunks is split in linear time', { timeout: 5000 }, () => {
  const size = 256 * 1024;
  const stream = Buffer.alloc(size + 4);
  stream.writeInt32BE(size);
  const splitter = new FrameSplitter({ maxFrameBytes: 0xfffff });
  let frames = 0;
  for (let at = 0; at < stream.length; at++) {
    splitter.push(stream.subarray(at, at + 1), () => frames++);
  }
  assert.equal(frames, 1);
});
