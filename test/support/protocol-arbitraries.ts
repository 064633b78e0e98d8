// fast-check arbitraries for every wire record in src/protocol. Each arbitrary generates
// values the codec can round-trip exactly: ints are int32, longs are int64 bigints, strings
// are well-formed Unicode (no lone surrogates, which UTF-8 cannot carry), and fields that the
// decoder reads with `readString` (null read back as "") are never null.
import fc from 'fast-check';
import {
  OpCode,
  type Acl,
  type ClientInfo,
  type ConnectRequest,
  type ConnectResponse,
  type CreateOpCode,
  type CreateRequest,
  type Id,
  type MultiReadOp,
  type MultiResult,
  type MultiWriteOp,
  type Request,
  type Response,
  type Stat,
  type WatcherEvent,
} from '../../src/protocol/index.ts';

// Kept small on purpose: from about 15 ops on, decoding a multi can hit the readMultiOps bug
// pinned in test/unit/protocol/known-bugs.test.ts (its guard compares the number of ops
// already read with the bytes still left, so long multis of short ops are rejected).
export const multiOpsLengthMax = 8;

/** fc.record with plain prototypes: decoded records are plain objects, and deepStrictEqual
 * compares prototypes (fast-check 4 builds null-prototype records by default). */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true });
}

/** fc.assert parameters: a fixed seed (replayable), and the failure's message in the report. */
export function runParameters(seed: number, numRuns: number): fc.Parameters<unknown> {
  return { seed, numRuns, includeErrorInReport: true };
}

export const int32Arb: fc.Arbitrary<number> = fc.integer({ min: -0x80000000, max: 0x7fffffff });
export const int64Arb: fc.Arbitrary<bigint> = fc.bigInt({
  min: -(1n << 63n),
  max: (1n << 63n) - 1n,
});

/** Any Unicode scalar value: every code point except the surrogate range, which UTF-8 cannot
 * encode. (fast-check's own `unit: 'binary'` does this too but costs ~1 s to construct.) */
const codePointArb: fc.Arbitrary<string> = fc
  .integer({ min: 0, max: 0x10ffff - 0x800 })
  .map((value) => String.fromCodePoint(value < 0xd800 ? value : value + 0x800));

/** Any well-formed string: graphemes (multi-code-point clusters) or arbitrary code points. */
export const stringArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: codePointArb, maxLength: 12 }),
  fc.constantFrom('/', '/zookeeper', '/a/b-0000000001', ''),
);
export const nullableStringArb: fc.Arbitrary<string | null> = fc.option(stringArb, { nil: null });

export const bufferArb: fc.Arbitrary<Buffer> = fc
  .uint8Array({ maxLength: 48 })
  .map((bytes) => Buffer.from(bytes));
export const nullableBufferArb: fc.Arbitrary<Buffer | null> = fc.option(bufferArb, { nil: null });

export const idArb: fc.Arbitrary<Id> = record({ scheme: stringArb, id: stringArb });
export const aclArb: fc.Arbitrary<Acl> = record({ perms: int32Arb, id: idArb });
export const aclListArb: fc.Arbitrary<Acl[]> = fc.array(aclArb, { maxLength: 4 });
export const nullableAclListArb: fc.Arbitrary<Acl[] | null> = fc.option(aclListArb, { nil: null });
const stringsArb: fc.Arbitrary<string[]> = fc.array(stringArb, { maxLength: 5 });

export const statArb: fc.Arbitrary<Stat> = record({
  czxid: int64Arb,
  mzxid: int64Arb,
  ctime: int64Arb,
  mtime: int64Arb,
  version: int32Arb,
  cversion: int32Arb,
  aversion: int32Arb,
  ephemeralOwner: int64Arb,
  dataLength: int32Arb,
  numChildren: int32Arb,
  pzxid: int64Arb,
});

export const watcherEventArb: fc.Arbitrary<WatcherEvent> = record({
  type: int32Arb,
  state: int32Arb,
  path: stringArb,
});

const createOpCodes: readonly CreateOpCode[] = [
  OpCode.create,
  OpCode.create2,
  OpCode.createContainer,
  OpCode.createTTL,
];

export const createRequestArb: fc.Arbitrary<CreateRequest> = fc
  .constantFrom(...createOpCodes)
  .chain((opcode) =>
    record({
      type: fc.constant('create' as const),
      opcode: fc.constant(opcode),
      path: stringArb,
      data: nullableBufferArb,
      acl: nullableAclListArb,
      flags: int32Arb,
      // The decoder fills in -1n when the opcode carries no ttl field.
      ttl: opcode === OpCode.createTTL ? int64Arb : fc.constant(-1n),
    }),
  );

const versionedArb = <T extends 'delete' | 'check'>(type: T) =>
  record({ type: fc.constant(type), path: stringArb, version: int32Arb });

const setDataArb = record({
  type: fc.constant('setData' as const),
  path: stringArb,
  data: nullableBufferArb,
  version: int32Arb,
});

export const multiWriteOpArb: fc.Arbitrary<MultiWriteOp> = fc.oneof(
  createRequestArb,
  versionedArb('delete'),
  versionedArb('check'),
  setDataArb,
);

export const multiReadOpArb: fc.Arbitrary<MultiReadOp> = record({
  type: fc.constantFrom('getData' as const, 'getChildren' as const),
  path: stringArb,
  watch: fc.boolean(),
});

const setWatchesArb = fc.constantFrom(OpCode.setWatches, OpCode.setWatches2).chain((opcode) => {
  // setWatches (101) has no persistent lists on the wire; they decode as [].
  const persistentArb = opcode === OpCode.setWatches2 ? stringsArb : fc.constant([]);
  return record({
    type: fc.constant('setWatches' as const),
    opcode: fc.constant(opcode),
    relativeZxid: int64Arb,
    dataWatches: stringsArb,
    existWatches: stringsArb,
    childWatches: stringsArb,
    persistentWatches: persistentArb,
    persistentRecursiveWatches: persistentArb,
  });
});

/** One arbitrary per Request variant, keyed by a readable name. */
export const requestArbs: Readonly<Record<string, fc.Arbitrary<Request>>> = {
  create: createRequestArb,
  delete: versionedArb('delete'),
  check: versionedArb('check'),
  setData: setDataArb,
  deleteContainer: record({ type: fc.constant('deleteContainer' as const), path: stringArb }),
  read: record({
    type: fc.constantFrom(
      'exists' as const,
      'getData' as const,
      'getChildren' as const,
      'getChildren2' as const,
    ),
    path: stringArb,
    watch: fc.boolean(),
  }),
  path: record({
    type: fc.constantFrom('getACL' as const, 'sync' as const, 'getAllChildrenNumber' as const),
    path: stringArb,
  }),
  setACL: record({
    type: fc.constant('setACL' as const),
    path: stringArb,
    acl: nullableAclListArb,
    version: int32Arb,
  }),
  getEphemerals: record({ type: fc.constant('getEphemerals' as const), prefixPath: stringArb }),
  addWatch: record({ type: fc.constant('addWatch' as const), path: stringArb, mode: int32Arb }),
  watches: record({
    type: fc.constantFrom('checkWatches' as const, 'removeWatches' as const),
    path: stringArb,
    watcherType: int32Arb,
  }),
  auth: record({
    type: fc.constant('auth' as const),
    authType: int32Arb,
    scheme: stringArb,
    auth: nullableBufferArb,
  }),
  sasl: record({ type: fc.constant('sasl' as const), token: nullableBufferArb }),
  setWatches: setWatchesArb,
  reconfig: record({
    type: fc.constant('reconfig' as const),
    joiningServers: nullableStringArb,
    leavingServers: nullableStringArb,
    newMembers: nullableStringArb,
    curConfigId: int64Arb,
  }),
  empty: record({
    type: fc.constantFrom('ping' as const, 'whoAmI' as const, 'closeSession' as const),
  }),
  multi: record({
    type: fc.constant('multi' as const),
    ops: fc.array(multiWriteOpArb, { maxLength: multiOpsLengthMax }),
  }),
  multiRead: record({
    type: fc.constant('multiRead' as const),
    ops: fc.array(multiReadOpArb, { maxLength: multiOpsLengthMax }),
  }),
};

export const requestArb: fc.Arbitrary<Request> = fc.oneof(...Object.values(requestArbs));

export const multiResultArb: fc.Arbitrary<MultiResult> = fc.oneof(
  record({ type: fc.constant('create' as const), path: stringArb }),
  record({ type: fc.constant('create2' as const), path: stringArb, stat: statArb }),
  record({ type: fc.constantFrom('delete' as const, 'check' as const) }),
  record({ type: fc.constant('setData' as const), stat: statArb }),
  record({ type: fc.constant('getData' as const), data: nullableBufferArb, stat: statArb }),
  record({ type: fc.constant('getChildren' as const), children: stringsArb }),
  record({ type: fc.constant('error' as const), err: int32Arb }),
);

const clientInfoArb: fc.Arbitrary<ClientInfo> = record({ authScheme: stringArb, user: stringArb });

/** A response together with the opcodes whose replies decode to that response variant. */
export interface ResponseCase {
  readonly response: Response;
  readonly opcodes: readonly number[];
}

const responseCase = (response: fc.Arbitrary<Response>, opcodes: readonly number[]) =>
  response.map((value): ResponseCase => ({ response: value, opcodes }));

/** One arbitrary per Response variant, with the opcodes `decodeResponse` maps to it. */
export const responseCaseArbs: Readonly<Record<Response['type'], fc.Arbitrary<ResponseCase>>> = {
  empty: responseCase(fc.constant({ type: 'empty' }), [
    OpCode.delete,
    OpCode.check,
    OpCode.deleteContainer,
    OpCode.checkWatches,
    OpCode.removeWatches,
    OpCode.ping,
    OpCode.closeSession,
    OpCode.auth,
    OpCode.setWatches,
    OpCode.setWatches2,
  ]),
  path: responseCase(record({ type: fc.constant('path' as const), path: stringArb }), [
    OpCode.create,
    OpCode.sync,
  ]),
  create2: responseCase(
    record({ type: fc.constant('create2' as const), path: stringArb, stat: statArb }),
    [OpCode.create2, OpCode.createContainer, OpCode.createTTL],
  ),
  stat: responseCase(record({ type: fc.constant('stat' as const), stat: statArb }), [
    OpCode.exists,
    OpCode.setData,
    OpCode.setACL,
  ]),
  getData: responseCase(
    record({ type: fc.constant('getData' as const), data: nullableBufferArb, stat: statArb }),
    [OpCode.getData, OpCode.reconfig],
  ),
  // decodeResponse reads a null ACL vector back as [], so only non-null lists round-trip.
  getACL: responseCase(
    record({ type: fc.constant('getACL' as const), acl: aclListArb, stat: statArb }),
    [OpCode.getACL],
  ),
  getChildren: responseCase(
    record({ type: fc.constant('getChildren' as const), children: stringsArb }),
    [OpCode.getChildren],
  ),
  getChildren2: responseCase(
    record({ type: fc.constant('getChildren2' as const), children: stringsArb, stat: statArb }),
    [OpCode.getChildren2],
  ),
  strings: responseCase(record({ type: fc.constant('strings' as const), items: stringsArb }), [
    OpCode.getEphemerals,
  ]),
  number: responseCase(record({ type: fc.constant('number' as const), value: int32Arb }), [
    OpCode.getAllChildrenNumber,
    OpCode.addWatch,
  ]),
  whoAmI: responseCase(
    record({
      type: fc.constant('whoAmI' as const),
      clients: fc.array(clientInfoArb, { maxLength: 4 }),
    }),
    [OpCode.whoAmI],
  ),
  sasl: responseCase(record({ type: fc.constant('sasl' as const), token: nullableBufferArb }), [
    OpCode.sasl,
  ]),
  multi: responseCase(
    record({
      type: fc.constant('multi' as const),
      results: fc.array(multiResultArb, { maxLength: multiOpsLengthMax }),
    }),
    [OpCode.multi, OpCode.multiRead],
  ),
};

/** A response and one opcode (picked from its case) that decodes it. */
export const responseWithOpCodeArb: fc.Arbitrary<{ response: Response; opcode: number }> = fc
  .oneof(...Object.values(responseCaseArbs))
  .chain(({ response, opcodes }) =>
    fc.constantFrom(...opcodes).map((opcode) => ({ response, opcode })),
  );

const readOnlyArb: fc.Arbitrary<boolean | undefined> = fc.option(fc.boolean(), { nil: undefined });

export const connectRequestArb: fc.Arbitrary<ConnectRequest> = record({
  protocolVersion: int32Arb,
  lastZxidSeen: int64Arb,
  timeOutMs: int32Arb,
  sessionId: int64Arb,
  passwd: nullableBufferArb,
  readOnly: readOnlyArb,
});

// readConnectResponse reads a null passwd back as an empty buffer, so passwd is never null.
export const connectResponseArb: fc.Arbitrary<ConnectResponse> = record({
  protocolVersion: int32Arb,
  timeOutMs: int32Arb,
  sessionId: int64Arb,
  passwd: bufferArb,
  readOnly: readOnlyArb,
});

/** Every opcode the protocol defines, plus a few it does not (decoders must cope). */
export const allOpCodes: readonly number[] = [
  ...Object.values(OpCode),
  ...[23, 99, 108, -2, 0x7fffffff],
];
