// Fuzz properties for everything that parses bytes from the network. Inputs are random bytes
// and mutations of valid encodings (bit flips, truncations, inserted/removed bytes and int32
// fields overwritten with hostile lengths such as -2, 0x7fffffff or jute.maxbuffer + 1). Every
// decoder must either return or throw ProtocolError: a RangeError from a Buffer read, a
// TypeError or an out-of-memory would be a bug in the reader. Every call must also finish
// within a small time budget, which catches quadratic loops and giant allocations.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import fc from 'fast-check';
import {
  FrameSplitter,
  JuteReader,
  JuteWriter,
  ProtocolError,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  readConnectRequest,
  readConnectResponse,
  readReplyHeader,
  requestOpCode,
  writeConnectRequest,
  writeConnectResponse,
} from '../../../src/protocol/index.ts';
import {
  allOpCodes,
  connectRequestArb,
  connectResponseArb,
  int32Arb,
  requestArb,
  responseWithOpCodeArb,
  runParameters,
} from '../../support/protocol-arbitraries.ts';

const seedBase = 0x6675_7a7a; // "fuzz"
/** Per decode call. Real decodes of these small inputs take microseconds; GC pauses fit. */
const budgetMs = 25;

type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'int'; readonly at: number; readonly value: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'remove'; readonly at: number; readonly count: number };

/** Values that make a length or count field interesting: null, negative, huge, off-by-one. */
const hostileIntArb = fc.oneof(
  fc.constantFrom(-1, -2, 0, 1, 0x7fffffff, -0x80000000, 0xfffff, 0x100000, 0xffff),
  fc.integer({ min: -3, max: 300 }),
  int32Arb,
);

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('int' as const), at: fc.nat(), value: hostileIntArb }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('remove' as const),
    at: fc.nat(),
    count: fc.integer({ min: 1, max: 8 }),
  }),
);
const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 4 });

function mutate(original: Buffer, mutations: readonly Mutation[]): Buffer {
  let bytes = Buffer.from(original);
  for (const mutation of mutations) {
    const at = mutation.at % (bytes.length + 1);
    switch (mutation.kind) {
      case 'flip':
        if (bytes.length > 0) {
          const index = mutation.at % bytes.length;
          bytes.writeUInt8(bytes.readUInt8(index) ^ (1 << mutation.bit), index);
        }
        break;
      case 'truncate':
        bytes = bytes.subarray(0, at);
        break;
      case 'int':
        if (bytes.length >= 4) bytes.writeInt32BE(mutation.value, mutation.at % (bytes.length - 3));
        break;
      case 'insert':
        bytes = Buffer.concat([bytes.subarray(0, at), mutation.bytes, bytes.subarray(at)]);
        break;
      case 'remove':
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + mutation.count)]);
        break;
    }
  }
  return bytes;
}

/** Random input that is likelier than plain noise to get past the first length field. */
const noiseArb: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
  fc
    .array(
      fc.oneof(
        hostileIntArb.map((value) => ({ value })),
        fc.uint8Array({ maxLength: 6 }),
      ),
      {
        maxLength: 24,
      },
    )
    .map((parts) =>
      Buffer.concat(
        parts.map((part) => {
          if (part instanceof Uint8Array) return part;
          const bytes = Buffer.alloc(4);
          bytes.writeInt32BE(part.value);
          return bytes;
        }),
      ),
    ),
);

function encoded(write: (writer: JuteWriter) => void): Buffer {
  const writer = new JuteWriter();
  write(writer);
  return Buffer.from(writer.view());
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `non-Error ${typeof error}`;
}

/** Runs `decode`: 'ok', or the message of the ProtocolError it threw. Any other error fails. */
function outcomeOf(what: string, decode: () => unknown): string {
  try {
    decode();
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof ProtocolError, `${what} threw ${describeError(error)}`);
    return error.message;
  }
}

/** Checks outcomes and the time budget, and tracks the slowest call so a test can report it. */
class Budget {
  slowestMs = 0;
  calls = 0;

  /** `decode` must be repeatable (build its own reader): a call over budget is retried, since
   * a pathological input is slow every time but a descheduled process (a parallel build, CI
   * noise) only once. The fastest attempt counts. */
  check(what: string, decode: () => unknown): string {
    let outcome = 'ok';
    let elapsedMs = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 3 && elapsedMs >= budgetMs; attempt++) {
      const started = performance.now();
      outcome = outcomeOf(what, decode);
      elapsedMs = Math.min(elapsedMs, performance.now() - started);
    }
    this.calls++;
    this.slowestMs = Math.max(this.slowestMs, elapsedMs);
    assert.ok(elapsedMs < budgetMs, `${what} took ${elapsedMs.toFixed(1)} ms`);
    return outcome;
  }

  report(t: TestContext): void {
    t.diagnostic(`${this.calls} timed calls, slowest ${this.slowestMs.toFixed(2)} ms`);
  }
}

/** Feeds `bytes` to every byte-level decoder the server and client use. */
function decodeEverywhere(budget: Budget, bytes: Buffer): void {
  for (const maxLengthBytes of [0xfffff, 16]) {
    const reader = () => new JuteReader(bytes, { maxLengthBytes });
    for (const opcode of allOpCodes) {
      budget.check(`decodeRequest(${opcode})`, () => decodeRequest(opcode, reader()));
      budget.check(`decodeResponse(${opcode})`, () => decodeResponse(opcode, reader()));
    }
    budget.check('readConnectRequest', () => readConnectRequest(reader()));
    budget.check('readConnectResponse', () => readConnectResponse(reader()));
    budget.check('readReplyHeader', () => readReplyHeader(reader()));
  }
}

void test('fuzz: random bytes reach every decoder and throw only ProtocolError', (t) => {
  const budget = new Budget();
  fc.assert(
    fc.property(noiseArb, (bytes) => decodeEverywhere(budget, bytes)),
    runParameters(seedBase, 300),
  );
  budget.report(t);
});

void test('fuzz: mutated requests, decoded as every opcode', (t) => {
  const budget = new Budget();
  fc.assert(
    fc.property(requestArb, mutationsArb, (request, mutations) => {
      const bytes = mutate(
        encoded((w) => encodeRequest(w, request)),
        mutations,
      );
      decodeEverywhere(budget, bytes);
    }),
    runParameters(seedBase + 1, 400),
  );
  budget.report(t);
});

void test('fuzz: a reader bounded by offset/end inside padding decodes like a bare buffer', (t) => {
  const budget = new Budget();
  const paddingArb = fc.uint8Array({ maxLength: 16 }).map((bytes) => Buffer.from(bytes));
  const inputArb = fc.tuple(requestArb, mutationsArb, paddingArb, paddingArb);
  fc.assert(
    fc.property(inputArb, ([request, mutations, head, tail]) => {
      const opcode = requestOpCode(request);
      const bytes = mutate(
        encoded((w) => encodeRequest(w, request)),
        mutations,
      );
      const padded = Buffer.concat([head, bytes, tail]);
      const end = head.length + bytes.length;
      let bare = { value: undefined as unknown, position: 0 };
      let bounded = { value: undefined as unknown, position: 0 };
      const bareOutcome = budget.check('bare', () => {
        const reader = new JuteReader(bytes);
        bare = { value: decodeRequest(opcode, reader), position: reader.position };
      });
      const boundedOutcome = budget.check('bounded', () => {
        const reader = new JuteReader(padded, { offset: head.length, end });
        bounded = { value: decodeRequest(opcode, reader), position: reader.position - head.length };
      });
      assert.equal(boundedOutcome, bareOutcome);
      assert.deepEqual(bounded, bare);
    }),
    runParameters(seedBase + 2, 300),
  );
  budget.report(t);
});

void test('fuzz: mutated responses, decoded as every opcode', (t) => {
  const budget = new Budget();
  fc.assert(
    fc.property(responseWithOpCodeArb, mutationsArb, ({ response }, mutations) => {
      const bytes = mutate(
        encoded((w) => encodeResponse(w, response)),
        mutations,
      );
      for (const opcode of allOpCodes) {
        const decode = () => decodeResponse(opcode, new JuteReader(bytes));
        budget.check(`decodeResponse(${opcode})`, decode);
      }
    }),
    runParameters(seedBase + 3, 300),
  );
  budget.report(t);
});

void test('fuzz: mutated ConnectRequest / ConnectResponse', (t) => {
  const budget = new Budget();
  fc.assert(
    fc.property(connectRequestArb, connectResponseArb, mutationsArb, (request, response, edits) => {
      const requestBytes = mutate(
        encoded((w) => writeConnectRequest(w, request)),
        edits,
      );
      budget.check('readConnectRequest', () => readConnectRequest(new JuteReader(requestBytes)));
      const responseBytes = mutate(
        encoded((w) => writeConnectResponse(w, response)),
        edits,
      );
      budget.check('readConnectResponse', () => readConnectResponse(new JuteReader(responseBytes)));
    }),
    runParameters(seedBase + 4, 400),
  );
  budget.report(t);
});

/** A client's byte stream: a framed ConnectRequest, then framed {xid, opcode} + request. */
const sessionStreamArb = fc
  .tuple(connectRequestArb, fc.array(fc.tuple(int32Arb, requestArb), { maxLength: 4 }))
  .map(([connect, requests]) =>
    encoded((writer) => {
      let at = writer.beginFrame();
      writeConnectRequest(writer, connect);
      writer.endFrame(at);
      for (const [xid, request] of requests) {
        at = writer.beginFrame();
        writer.writeInt(xid).writeInt(requestOpCode(request));
        encodeRequest(writer, request);
        writer.endFrame(at);
      }
    }),
  );

void test('fuzz: FrameSplitter + decoders on a mutated, randomly chunked session stream', (t) => {
  const budget = new Budget();
  const cutsArb = fc.array(fc.nat(), { maxLength: 8 });
  // Mostly the real limit (jute.maxbuffer); sometimes one that real frames exceed.
  const maxFrameBytesArb = fc.oneof(
    { arbitrary: fc.constant(0xfffff), weight: 3 },
    { arbitrary: fc.constantFrom(0, 8, 64), weight: 1 },
  );
  fc.assert(
    fc.property(
      sessionStreamArb,
      fc.option(mutationsArb, { nil: undefined }),
      cutsArb,
      maxFrameBytesArb,
      (original, mutations, cuts, maxFrameBytes) => {
        const stream = mutations === undefined ? original : mutate(original, mutations);
        const offsets = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))];
        offsets.sort((a, b) => a - b);
        const bounds = [0, ...offsets, stream.length];
        // Replays the whole connection, so that Budget can retry it with a fresh splitter.
        budget.check('session stream', () => {
          const splitter = new FrameSplitter({ maxFrameBytes });
          let frames = 0;
          const onFrame = (payload: Buffer) => {
            const first = frames++ === 0;
            outcomeOf('frame decode', () => {
              const reader = new JuteReader(payload);
              if (first) return readConnectRequest(reader);
              reader.readInt(); // xid
              return decodeRequest(reader.readInt(), reader);
            });
          };
          for (let i = 1; i < bounds.length; i++) {
            const chunk = stream.subarray(bounds[i - 1], bounds[i]);
            // The server closes the connection on the first ProtocolError; so do we.
            const outcome = outcomeOf('FrameSplitter.push', () => splitter.push(chunk, onFrame));
            if (outcome !== 'ok') break;
          }
        });
      },
    ),
    runParameters(seedBase + 5, 400),
  );
  budget.report(t);
});
