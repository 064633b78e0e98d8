// Hostile and broken input (protocol doc §1, §3): unknown opcodes and a top-level check get
// UNIMPLEMENTED (-6) and a closed connection; bad frame lengths, garbage handshakes, truncated
// bodies and absurd vector counts close the connection or get MARSHALLINGERROR (-5). After each
// case the server must still answer a well-behaved client correctly.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ErrorCode,
  JuteWriter,
  OpCode,
  writeConnectRequest,
  type Request,
} from '../../src/protocol/index.ts';
import { sendFourLetterWord } from '../support/four-letter-word.ts';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { RawClient, encodeBody, replyOrClosed, req, type RawReply } from '../support/raw-client.ts';

const maxBufferBytes = 8192;

function int32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value, 0);
  return bytes;
}

function frame(payload: Buffer): Buffer {
  return Buffer.concat([int32(payload.length), payload]);
}

function connectRequestBytes(): Buffer {
  const writer = new JuteWriter();
  writeConnectRequest(writer, {
    protocolVersion: 0,
    lastZxidSeen: 0n,
    timeOutMs: 4000,
    sessionId: 0n,
    passwd: Buffer.alloc(16),
    readOnly: false,
  });
  return Buffer.from(writer.view());
}

function assertClosedOrMarshalling(result: RawReply | 'closed', what: string): void {
  if (result === 'closed') return;
  assert.equal(result.header.err, ErrorCode.marshallingError, `${what}: err ${result.header.err}`);
}

void describe('bad input', { timeout: 20_000 }, () => {
  let server: InProcessServer;
  let bystander: RawClient;
  const clients: RawClient[] = [];
  const open = async (): Promise<RawClient> => {
    const client = await RawClient.open(server.port);
    clients.push(client);
    return client;
  };
  const connect = async (): Promise<RawClient> => {
    const client = await RawClient.connect(server.port, { readOnly: false });
    clients.push(client);
    return client;
  };
  /** The server still works: a fresh client and a long-lived one both get right answers. */
  const assertServing = async (tag: string): Promise<void> => {
    const client = await connect();
    const path = `/ok-${tag}`;
    assert.equal((await client.send(1, req.create(path, tag))).header.err, ErrorCode.ok);
    const read = await client.send(2, req.getData(path));
    assert.ok(read.body?.type === 'getData' && read.body.data?.toString() === tag);
    assert.equal((await bystander.send(7, req.delete(path))).header.err, ErrorCode.ok);
    client.destroy();
  };

  before(async () => {
    server = await startInProcessServer({ juteMaxBufferBytes: maxBufferBytes });
    bystander = await connect();
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await server.close();
  });

  void it('an unknown opcode (999) gets UNIMPLEMENTED, then the connection closes', async () => {
    const client = await connect();
    const reply = await client.sendBody(5, 999, Buffer.alloc(0));
    assert.equal(reply.header.xid, 5);
    assert.equal(reply.header.err, ErrorCode.unimplemented);
    assert.equal(await client.waitClosed(2000), true);
    assert.equal(bystander.closed, false, 'other connections are unaffected');
    await assertServing('unknown-opcode');
  });

  void it('a top-level check (13) gets UNIMPLEMENTED, then the connection closes', async () => {
    const client = await connect();
    const reply = await client.send(6, { type: 'check', path: '/', version: -1 }, OpCode.check);
    assert.equal(reply.header.err, ErrorCode.unimplemented);
    assert.equal(await client.waitClosed(2000), true);
    await assertServing('check');
  });

  void it('an unknown opcode behind a pipelined write: the write is answered first', async () => {
    const client = await connect();
    client.socket.cork();
    const create = replyOrClosed(client.send(1, req.create('/before-999', 'x')));
    const unknown = replyOrClosed(client.sendBody(2, 999, Buffer.alloc(0)));
    client.socket.uncork();
    const [created, rejected] = await Promise.all([create, unknown]);
    assert.notEqual(created, 'closed', 'the create before the unknown opcode gets its reply');
    assert.ok(rejected !== 'closed', 'the unknown opcode gets its -6 reply');
    assert.equal(rejected.header.err, ErrorCode.unimplemented);
    assert.equal(await client.waitClosed(2000), true);
  });

  void it('requests behind the handshake and an unknown opcode are not run', async () => {
    const client = await open();
    client.socket.cork(); // ConnectRequest, opcode 999 and a create in one TCP write
    const handshake = client.handshakeWith({ readOnly: false });
    const rejected = replyOrClosed(client.sendBody(1, 999, Buffer.alloc(0)));
    const create = replyOrClosed(client.send(2, req.create('/after-999', 'x')));
    client.socket.uncork();
    assert.ok((await handshake).timeOutMs > 0);
    const unknown = await rejected;
    assert.ok(unknown !== 'closed' && unknown.header.err === ErrorCode.unimplemented);
    assert.equal(await create, 'closed');
    const after = await bystander.send(8, req.exists('/after-999'));
    assert.equal(after.header.err, ErrorCode.noNode, 'nothing after the -6 was executed');
  });

  void it('garbage as the first frame closes the connection without a reply', async () => {
    const payloads = [
      Buffer.from('hello, world'),
      Buffer.alloc(0),
      Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]),
      Buffer.alloc(27, 0xff),
    ];
    for (const payload of payloads) {
      const client = await open();
      client.writeRaw(frame(payload));
      assert.equal(await client.waitClosed(2000), true, `payload ${payload.toString('hex')}`);
      assert.equal(client.bytesReceived, 0);
    }
    await assertServing('garbage');
  });

  void it('bad length prefixes close the connection (before and after the handshake)', async () => {
    const lengths = [0x7fffffff, -1, -0x80000000, maxBufferBytes + 1];
    for (const length of lengths) {
      const early = await open();
      early.writeRaw(Buffer.concat([int32(length), Buffer.alloc(16)]));
      assert.equal(await early.waitClosed(2000), true, `length ${length} before handshake`);
      const late = await connect();
      late.writeRaw(Buffer.concat([int32(length), Buffer.alloc(16)]));
      assert.equal(await late.waitClosed(2000), true, `length ${length} after handshake`);
    }
    await assertServing('lengths');
  });

  void it('a whole frame larger than jute.maxbuffer closes the connection', async () => {
    const client = await connect();
    const big = req.setData('/', 'x'.repeat(maxBufferBytes + 100));
    const result = await replyOrClosed(client.send(1, big));
    assert.equal(result, 'closed');
    const first = await open();
    first.writeRaw(frame(Buffer.alloc(maxBufferBytes + 1)));
    assert.equal(await first.waitClosed(2000), true);
    await assertServing('too-big');
  });

  void it('a ConnectRequest cut short closes the connection without a reply', async () => {
    const full = connectRequestBytes(); // 45 bytes: 4 + 8 + 4 + 8 + (4 + 16) + 1
    for (const cut of [1, 4, 11, 20, 27, 28, 36]) {
      const client = await open();
      client.writeRaw(frame(full.subarray(0, cut)));
      assert.equal(await client.waitClosed(2000), true, `cut at ${cut}`);
      assert.equal(client.bytesReceived, 0, `cut at ${cut}`);
    }
    // A frame that promises more bytes than the client ever sends, then a half-close.
    const client = await open();
    client.writeRaw(Buffer.concat([int32(full.length), full.subarray(0, 20)]));
    client.socket.end();
    assert.equal(await client.waitClosed(2000), true);
    await assertServing('short-connect');
  });

  void it('truncated request bodies get MARSHALLINGERROR or a closed connection', async () => {
    const ops = [{ type: 'delete', path: '/t', version: -1 }] as const;
    const multiDelete: Request = { type: 'multi', ops };
    const bodies: Array<[string, number, Buffer]> = [
      ['create', OpCode.create, encodeBody(req.create('/trunc', 'data'))],
      ['setData', OpCode.setData, encodeBody(req.setData('/', 'data'))],
      ['getData', OpCode.getData, encodeBody(req.getData('/'))],
      ['delete', OpCode.delete, encodeBody(req.delete('/trunc'))],
      ['auth', OpCode.auth, encodeBody(req.auth('digest', 'u:p'))],
      ['multi', OpCode.multi, encodeBody(multiDelete)],
    ];
    for (const [name, opcode, body] of bodies) {
      for (const cut of [0, 3, Math.floor(body.length / 2), body.length - 1]) {
        const client = await connect();
        const result = await replyOrClosed(client.sendBody(1, opcode, body.subarray(0, cut)));
        assertClosedOrMarshalling(result, `${name} cut at ${cut}`);
      }
    }
    for (const cut of [0, 2, 4, 7]) {
      const client = await connect(); // a request header cut short
      client.writeRaw(frame(Buffer.alloc(cut, 1)));
      assert.equal(await client.waitClosed(2000), true, `header cut at ${cut}`);
    }
    assert.equal((await bystander.send(1, req.exists('/trunc'))).header.err, ErrorCode.noNode);
    await assertServing('truncated');
  });

  void it('a huge vector count gets MARSHALLINGERROR or a closed connection', async () => {
    const aclCount = new JuteWriter().writeUString('/vec').writeBuffer(null).writeInt(0x7fffffff);
    const setAclCount = new JuteWriter().writeUString('/').writeInt(0x7fffffff);
    const watches = new JuteWriter().writeLong(0n).writeInt(1_000_000_000);
    const whoCount = new JuteWriter().writeInt(0).writeUString('digest').writeInt(0x7ffffff0);
    const cases: Array<[string, number, Buffer]> = [
      ['create acl', OpCode.create, Buffer.from(aclCount.view())],
      ['setACL acl', OpCode.setACL, Buffer.from(setAclCount.view())],
      ['setWatches', OpCode.setWatches, Buffer.from(watches.view())],
      ['auth buffer', OpCode.auth, Buffer.from(whoCount.view())],
    ];
    for (const [name, opcode, body] of cases) {
      const client = await connect();
      assertClosedOrMarshalling(await replyOrClosed(client.sendBody(1, opcode, body)), name);
    }
    assert.equal((await bystander.send(2, req.exists('/vec'))).header.err, ErrorCode.noNode);
    await assertServing('vectors');
  });

  void it('still answers four-letter words and the bystander after all of it', async () => {
    const srvr = await sendFourLetterWord(server.host, server.port, 'srvr', { timeoutMs: 2000 });
    assert.match(srvr, /Mode: standalone/);
    assert.equal((await bystander.send(3, req.getChildren('/'))).header.err, ErrorCode.ok);
    assert.deepEqual(bystander.outOfOrder, []);
  });
});
