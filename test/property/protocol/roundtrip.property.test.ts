// Round-trip properties: for every Request and Response variant, decode(encode(x)) deep-equals
// x and consumes exactly the bytes written. Requests also go through a frame and the
// FrameSplitter, split at a random offset, the way a server receives them. Seeds are fixed so a
// failure replays exactly; fast-check prints the seed and shrunk counterexample on failure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  FrameSplitter,
  JuteReader,
  JuteWriter,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  readConnectRequest,
  readConnectResponse,
  readWatcherEvent,
  requestOpCode,
  writeConnectRequest,
  writeConnectResponse,
  writeWatcherEvent,
  type Request,
  type Response,
} from '../../../src/protocol/index.ts';
import {
  connectRequestArb,
  connectResponseArb,
  requestArb,
  requestArbs,
  responseCaseArbs,
  responseWithOpCodeArb,
  watcherEventArb,
  runParameters,
} from '../../support/protocol-arbitraries.ts';

const seedBase = 0x6d65_6572; // "meer"

function encoded(write: (writer: JuteWriter) => void): Buffer {
  const writer = new JuteWriter(16);
  write(writer);
  return Buffer.from(writer.view());
}

/** Reads the whole buffer with `read` and fails if any byte is left over. */
function decodedExactly<T>(bytes: Buffer, read: (reader: JuteReader) => T): T {
  const reader = new JuteReader(bytes);
  const value = read(reader);
  reader.expectEnd('round-tripped record');
  return value;
}

function requestRoundTrips(request: Request): void {
  const bytes = encoded((w) => encodeRequest(w, request));
  const decoded = decodedExactly(bytes, (r) => decodeRequest(requestOpCode(request), r));
  assert.deepEqual(decoded, request);
}

Object.entries(requestArbs).forEach(([name, arb], index) => {
  void test(`request round trip: ${name}`, () => {
    fc.assert(fc.property(arb, requestRoundTrips), runParameters(seedBase + index, 200));
  });
});

void test('request round trip through a frame split at a random offset', () => {
  const framedArb = fc.array(requestArb, { minLength: 1, maxLength: 4 }).chain((requests) => {
    const writer = new JuteWriter();
    for (const request of requests) {
      const at = writer.beginFrame();
      writer.writeInt(requestOpCode(request));
      encodeRequest(writer, request);
      writer.endFrame(at);
    }
    const stream = Buffer.from(writer.view());
    return fc.tuple(fc.constant(requests), fc.constant(stream), fc.nat({ max: stream.length }));
  });
  fc.assert(
    fc.property(framedArb, ([requests, stream, at]) => {
      const decoded: (Request | undefined)[] = [];
      const splitter = new FrameSplitter({ maxFrameBytes: 0xfffff });
      const onFrame = (payload: Buffer) => {
        const opcode = payload.readInt32BE(0);
        decoded.push(decodedExactly(payload.subarray(4), (r) => decodeRequest(opcode, r)));
      };
      splitter.push(stream.subarray(0, at), onFrame);
      splitter.push(stream.subarray(at), onFrame);
      assert.deepEqual(decoded, requests);
      assert.equal(splitter.bufferedBytes, 0);
    }),
    runParameters(seedBase + 100, 300),
  );
});

function responseRoundTrips(response: Response, opcode: number): void {
  const bytes = encoded((w) => encodeResponse(w, response));
  assert.deepEqual(
    decodedExactly(bytes, (r) => decodeResponse(opcode, r)),
    response,
  );
}

Object.entries(responseCaseArbs).forEach(([name, arb], index) => {
  void test(`response round trip: ${name}, for every opcode that replies with it`, () => {
    fc.assert(
      fc.property(arb, ({ response, opcodes }) => {
        for (const opcode of opcodes) responseRoundTrips(response, opcode);
      }),
      runParameters(seedBase + 200 + index, 150),
    );
  });
});

void test('response round trip: any variant with one matching opcode', () => {
  fc.assert(
    fc.property(responseWithOpCodeArb, (value) => responseRoundTrips(value.response, value.opcode)),
    runParameters(seedBase + 300, 400),
  );
});

void test('ConnectRequest round trip, with and without the readOnly byte', () => {
  fc.assert(
    fc.property(connectRequestArb, (request) => {
      const bytes = encoded((w) => writeConnectRequest(w, request));
      const fixedBytes = 4 + 8 + 4 + 8 + 4 + (request.passwd?.length ?? 0);
      assert.equal(bytes.length, fixedBytes + (request.readOnly === undefined ? 0 : 1));
      assert.deepEqual(decodedExactly(bytes, readConnectRequest), request);
    }),
    runParameters(seedBase + 400, 300),
  );
});

void test('ConnectResponse round trip, with and without the readOnly byte', () => {
  fc.assert(
    fc.property(connectResponseArb, (response) => {
      const bytes = encoded((w) => writeConnectResponse(w, response));
      const fixedBytes = 4 + 4 + 8 + 4 + response.passwd.length;
      assert.equal(bytes.length, fixedBytes + (response.readOnly === undefined ? 0 : 1));
      assert.deepEqual(decodedExactly(bytes, readConnectResponse), response);
    }),
    runParameters(seedBase + 401, 300),
  );
});

void test('WatcherEvent round trip', () => {
  fc.assert(
    fc.property(watcherEventArb, (event) => {
      const bytes = encoded((w) => writeWatcherEvent(w, event));
      assert.deepEqual(decodedExactly(bytes, readWatcherEvent), event);
    }),
    runParameters(seedBase + 402, 200),
  );
});

void test('a reused writer (reset) produces the same bytes as a fresh one', () => {
  const writer = new JuteWriter(4);
  fc.assert(
    fc.property(requestArb, (request) => {
      writer.reset();
      encodeRequest(writer, request);
      assert.deepEqual(
        Buffer.from(writer.view()),
        encoded((w) => encodeRequest(w, request)),
      );
    }),
    runParameters(seedBase + 403, 200),
  );
});

void test('a ustring written in two parts (encoded head, string tail) is the whole ustring', () => {
  // Heads either side of the short-copy cutoff; tails with ASCII, 2-, 3- and 4-byte UTF-8.
  const textArb = fc.string({ unit: 'binary', maxLength: 48 });
  const writer = new JuteWriter(4);
  fc.assert(
    fc.property(textArb, textArb, fc.nat({ max: 3 }), (head, tail, offset) => {
      writer.reset();
      for (let i = 0; i < offset; i++) writer.writeBool(true); // any alignment
      writer.writeUStringParts(Buffer.from(head, 'utf8'), tail);
      const reader = new JuteReader(Buffer.from(writer.view()).subarray(offset));
      assert.equal(reader.readUString(), Buffer.from(head + tail, 'utf8').toString('utf8'));
      reader.expectEnd('ustring in two parts');
    }),
    runParameters(seedBase + 404, 500),
  );
});
