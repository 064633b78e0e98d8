// Golden bytes written out by hand from the jute rules (big-endian ints and longs, length -1
// for a null buffer/string/vector, booleans as one byte) and from zookeeper.jute field order.
// Each case checks both directions: our writer produces exactly these bytes, and our reader
// turns exactly these bytes back into the record. The hex is not derived from the writer, so
// a change in either direction shows up as a diff against the wire format.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  JuteReader,
  JuteWriter,
  NotificationFrame,
  OpCode,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  readConnectRequest,
  readConnectResponse,
  readReplyHeader,
  readStat,
  readWatcherEvent,
  writeConnectRequest,
  writeConnectResponse,
  writeReplyHeader,
  writeStat,
  writeWatcherEvent,
  type ConnectRequest,
  type ConnectResponse,
  type Request,
  type Response,
  type SetWatchesRequest,
  type Stat,
} from '../../../src/protocol/index.ts';

/** Joins hex fragments (whitespace and `|` separators are ignored) into bytes. */
function hex(...parts: string[]): Buffer {
  const digits = parts.join('').replace(/[\s|]/g, '');
  assert.match(digits, /^([0-9a-f]{2})*$/, 'golden hex must be whole bytes');
  return Buffer.from(digits, 'hex');
}

function written(write: (writer: JuteWriter) => void): Buffer {
  const writer = new JuteWriter(8); // tiny on purpose: exercises growth
  write(writer);
  return Buffer.from(writer.view());
}

/** Checks write(value) === bytes and read(bytes) deep-equals value with nothing left over. */
function assertGolden<T>(options: {
  value: T;
  bytes: Buffer;
  write: (writer: JuteWriter, value: T) => void;
  read: (reader: JuteReader) => T;
}): void {
  const bytes = written((w) => options.write(w, options.value));
  assert.equal(bytes.toString('hex'), options.bytes.toString('hex'));
  const reader = new JuteReader(options.bytes);
  assert.deepEqual(options.read(reader), options.value);
  reader.expectEnd('golden record');
}

const passwd = hex('000102030405060708090a0b0c0d0e0f');
const connectRequestBytes = hex(
  '00000000', // protocolVersion 0
  '00000001 00000002', // lastZxidSeen 0x100000002
  '00007530', // timeOut 30000
  '01234567 89abcdef', // sessionId
  '00000010',
  '000102030405060708090a0b0c0d0e0f', // passwd, 16 bytes
);
const connectRequest: ConnectRequest = {
  protocolVersion: 0,
  lastZxidSeen: 0x1_0000_0002n,
  timeOutMs: 30000,
  sessionId: 0x0123_4567_89ab_cdefn,
  passwd,
  readOnly: undefined,
};

void test('ConnectRequest without the trailing readOnly byte (3.3-era clients)', () => {
  assertGolden({
    value: connectRequest,
    bytes: connectRequestBytes,
    write: writeConnectRequest,
    read: readConnectRequest,
  });
});

void test('ConnectRequest with readOnly true / false, and a null passwd', () => {
  for (const [readOnly, byte] of [
    [true, '01'],
    [false, '00'],
  ] as const) {
    assertGolden({
      value: { ...connectRequest, readOnly },
      bytes: hex(connectRequestBytes.toString('hex'), byte),
      write: writeConnectRequest,
      read: readConnectRequest,
    });
  }
  assertGolden({
    value: { ...connectRequest, passwd: null, readOnly: true },
    bytes: hex('00000000 0000000100000002 00007530 0123456789abcdef', 'ffffffff', '01'),
    write: writeConnectRequest,
    read: readConnectRequest,
  });
  // Java's readBoolean treats any non-zero byte as true.
  const reader = new JuteReader(hex(connectRequestBytes.toString('hex'), '7f'));
  assert.equal(readConnectRequest(reader).readOnly, true);
});

void test('ConnectResponse with and without readOnly', () => {
  const response: ConnectResponse = {
    protocolVersion: 0,
    timeOutMs: 4000,
    sessionId: 0x0100_0000_0000_00a1n,
    passwd,
    readOnly: undefined,
  };
  const bytes = hex('00000000 00000fa0 01000000000000a1 00000010', passwd.toString('hex'));
  assertGolden({ value: response, bytes, write: writeConnectResponse, read: readConnectResponse });
  assertGolden({
    value: { ...response, readOnly: false },
    bytes: hex(bytes.toString('hex'), '00'),
    write: writeConnectResponse,
    read: readConnectResponse,
  });
});

function requestGolden(opcode: number, value: Request, bytes: Buffer): void {
  assertGolden<Request | undefined>({
    value,
    bytes,
    write: (writer, request) => encodeRequest(writer, request ?? assert.fail('no request')),
    read: (reader) => decodeRequest(opcode, reader),
  });
}

void test('CreateRequest: path, data, one world:anyone ACL, ephemeral flag', () => {
  const bytes = hex(
    '00000002 2f61', // path "/a"
    '00000002 6869', // data "hi"
    '00000001', // one ACL
    '0000001f',
    '00000005 776f726c64',
    '00000006 616e796f6e65', // 31, world, anyone
    '00000001', // flags: ephemeral
  );
  requestGolden(
    OpCode.create,
    {
      type: 'create',
      opcode: OpCode.create,
      path: '/a',
      data: Buffer.from('hi'),
      acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
      flags: 1,
      ttl: -1n,
    },
    bytes,
  );
});

void test('create2 with null data and null ACL; createTTL appends the ttl long', () => {
  requestGolden(
    OpCode.create2,
    {
      type: 'create',
      opcode: OpCode.create2,
      path: '/é🦊',
      data: null,
      acl: null,
      flags: 0,
      ttl: -1n,
    },
    hex('00000007 2fc3a9f09fa68a', 'ffffffff', 'ffffffff', '00000000'),
  );
  requestGolden(
    OpCode.createTTL,
    {
      type: 'create',
      opcode: OpCode.createTTL,
      path: '/t',
      data: Buffer.alloc(0),
      acl: [],
      flags: 5,
      ttl: 60000n,
    },
    hex('00000002 2f74', '00000000', '00000000', '00000005', '000000000000ea60'),
  );
});

void test('multi with create, setData and delete, then the done terminator', () => {
  const bytes = hex(
    '00000001 00 ffffffff', // header {create, done=false, err=-1}
    '00000002 2f61 ffffffff 00000000 00000000', // "/a", null data, no ACLs, flags 0
    '00000005 00 ffffffff', // header {setData}
    '00000002 2f61 00000001 78 ffffffff', // "/a", "x", version -1
    '00000002 00 ffffffff', // header {delete}
    '00000002 2f62 00000003', // "/b", version 3
    'ffffffff 01 ffffffff', // {-1, done=true, -1}
  );
  requestGolden(
    OpCode.multi,
    {
      type: 'multi',
      ops: [
        {
          type: 'create',
          opcode: OpCode.create,
          path: '/a',
          data: null,
          acl: [],
          flags: 0,
          ttl: -1n,
        },
        { type: 'setData', path: '/a', data: Buffer.from('x'), version: -1 },
        { type: 'delete', path: '/b', version: 3 },
      ],
    },
    bytes,
  );
});

void test('setWatches (101) has three lists, setWatches2 (105) five', () => {
  // relativeZxid 100, dataWatches ["/a"], existWatches [], childWatches []
  const common = '0000000000000064 00000001 00000002 2f61 00000000 00000000';
  const setWatches: SetWatchesRequest = {
    type: 'setWatches',
    opcode: OpCode.setWatches,
    relativeZxid: 100n,
    dataWatches: ['/a'],
    existWatches: [],
    childWatches: [],
    persistentWatches: [],
    persistentRecursiveWatches: [],
  };
  requestGolden(OpCode.setWatches, setWatches, hex(common));
  // A null vector (-1) reads back as an empty list.
  const withNull = hex(common.slice(0, -8), 'ffffffff');
  assert.deepEqual(decodeRequest(OpCode.setWatches, new JuteReader(withNull)), setWatches);
  requestGolden(
    OpCode.setWatches2,
    {
      ...setWatches,
      opcode: OpCode.setWatches2,
      persistentRecursiveWatches: ['/r'],
    },
    hex(common, '00000000', '00000001 00000002 2f72'),
  );
});

const stat: Stat = {
  czxid: 0x1_0000_0003n,
  mzxid: 0x2_0000_0007n,
  ctime: 1700000000000n,
  mtime: 1700000000123n,
  version: 2,
  cversion: 0,
  aversion: -1,
  ephemeralOwner: 0x7200_0001_a2b3_c4d5n,
  dataLength: 5,
  numChildren: 1,
  pzxid: 0x1_0000_0004n,
};
const statHex = [
  '0000000100000003', // czxid
  '0000000200000007', // mzxid
  '0000018bcfe56800', // ctime
  '0000018bcfe5687b', // mtime
  '00000002 00000000 ffffffff', // version, cversion, aversion
  '72000001a2b3c4d5', // ephemeralOwner
  '00000005 00000001', // dataLength, numChildren
  '0000000100000004', // pzxid
].join('');

void test('ReplyHeader + Stat (an exists reply)', () => {
  const bytes = hex('00000005 0000000200000007 00000000', statHex);
  assert.equal(bytes.length, 16 + 68);
  assert.equal(
    written((w) => {
      writeReplyHeader(w, { xid: 5, zxid: 0x2_0000_0007n, err: 0 });
      writeStat(w, stat);
    }).toString('hex'),
    bytes.toString('hex'),
  );
  const reader = new JuteReader(bytes);
  assert.deepEqual(readReplyHeader(reader), { xid: 5, zxid: 0x2_0000_0007n, err: 0 });
  assert.deepEqual(decodeResponse(OpCode.exists, reader), { type: 'stat', stat });
  reader.expectEnd('exists reply');
  assert.deepEqual(readStat(new JuteReader(hex(statHex))), stat);
});

void test('notification: ReplyHeader{-1, -1, 0} + WatcherEvent', () => {
  const bytes = hex('ffffffff ffffffffffffffff 00000000', '00000003 00000003 00000004 2f666f6f');
  const event = { type: 3, state: 3, path: '/foo' };
  assert.equal(
    written((w) => {
      writeReplyHeader(w, { xid: -1, zxid: -1n, err: 0 });
      writeWatcherEvent(w, event);
    }).toString('hex'),
    bytes.toString('hex'),
  );
  const reader = new JuteReader(bytes);
  assert.deepEqual(readReplyHeader(reader), { xid: -1, zxid: -1n, err: 0 });
  assert.deepEqual(readWatcherEvent(reader), event);
  reader.expectEnd('notification');
});

void test('NotificationFrame: the framed notification, encoded once and shared', () => {
  const frame = new NotificationFrame({ type: 3, state: 3, path: '/foo' }, 0x1_0000_0002n);
  const bytes = hex(
    '00000020',
    'ffffffff 0000000100000002 00000000',
    '00000003 00000003 00000004 2f666f6f',
  );
  assert.equal(frame.bytes.toString('hex'), bytes.toString('hex'));
  assert.equal(frame.bytes, frame.bytes, 'a second watcher gets the same buffer');
});

function responseGolden(opcode: number, value: Response, bytes: Buffer): void {
  assertGolden({ value, bytes, write: encodeResponse, read: (r) => decodeResponse(opcode, r) });
}

void test('responses: multi results, getData with null data, addWatch ErrorResponse', () => {
  responseGolden(
    OpCode.multi,
    {
      type: 'multi',
      results: [{ type: 'create', path: '/a' }, { type: 'error', err: -101 }, { type: 'check' }],
    },
    hex(
      '00000001 00 00000000',
      '00000002 2f61', // create result "/a"
      'ffffffff 00 ffffff9b',
      'ffffff9b', // ErrorResult(-101): header err + body err
      '0000000d 00 00000000', // check: no body
      'ffffffff 01 ffffffff',
    ),
  );
  responseGolden(OpCode.getData, { type: 'getData', data: null, stat }, hex('ffffffff', statHex));
  responseGolden(OpCode.addWatch, { type: 'number', value: 0 }, hex('00000000'));
  responseGolden(
    OpCode.getChildren,
    {
      type: 'getChildren',
      children: ['a', 'bc'],
    },
    hex('00000002 00000001 61 00000002 6263'),
  );
  responseGolden(
    OpCode.whoAmI,
    {
      type: 'whoAmI',
      clients: [{ authScheme: 'ip', user: '127.0.0.1' }],
    },
    hex('00000001 00000002 6970 00000009', Buffer.from('127.0.0.1').toString('hex')),
  );
  responseGolden(OpCode.delete, { type: 'empty' }, hex(''));
});
