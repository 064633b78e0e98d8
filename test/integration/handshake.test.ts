// The handshake over a real socket (protocol doc §2): timeout negotiation, the optional readOnly
// byte mirrored, resuming a session on a new connection, and the two refusals (bad password:
// an "expired" ConnectResponse then close; client zxid ahead of the server: close, no bytes).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateMode, ErrorCode } from '../../src/protocol/index.ts';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { RawClient, req } from '../support/raw-client.ts';

void describe('handshake', { timeout: 20_000 }, () => {
  let server: InProcessServer;
  const clients: RawClient[] = [];
  const track = (client: RawClient): RawClient => (clients.push(client), client);

  before(async () => {
    server = await startInProcessServer();
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await server.close();
  });

  void it('creates a new session with the timeout clamped to [2, 20] ticks', async () => {
    const tick = server.tickTimeMs;
    const cases: Array<[number, number]> = [
      [1, 2 * tick],
      [5 * tick, 5 * tick],
      [1_000_000, 20 * tick],
    ];
    for (const [requested, expected] of cases) {
      const client = track(await RawClient.connect(server.port, { timeoutMs: requested }));
      const response = client.connectResponse;
      assert.ok(response !== undefined);
      assert.equal(response.protocolVersion, 0);
      assert.equal(response.timeOutMs, expected, `requested ${requested} ms`);
      assert.notEqual(response.sessionId, 0n);
      assert.equal(response.passwd.length, 16);
    }
    const ids = new Set(clients.map((c) => c.sessionId));
    assert.equal(ids.size, clients.length, 'every new session has its own id');
  });

  void it('mirrors the readOnly byte: present when sent, absent when not', async () => {
    const withByte = track(await RawClient.connect(server.port, { readOnly: false }));
    assert.equal(withByte.connectResponse?.readOnly, false);
    const withTrue = track(await RawClient.connect(server.port, { readOnly: true }));
    assert.equal(withTrue.connectResponse?.readOnly, false, 'a read-write server says false');
    const without = track(await RawClient.connect(server.port));
    assert.equal(without.connectResponse?.readOnly, undefined);
    // Frame sizes: 4+4+8+(4+16) = 36 bytes of payload, plus one when the byte is mirrored.
    assert.equal(without.bytesReceived, 4 + 36);
    assert.equal(withByte.bytesReceived, 4 + 37);
  });

  void it('accepts an empty passwd buffer and a null passwd for a new session', async () => {
    const empty = track(await RawClient.connect(server.port, { passwd: Buffer.alloc(0) }));
    assert.ok((empty.connectResponse?.timeOutMs ?? 0) > 0);
    const none = track(await RawClient.connect(server.port, { passwd: null }));
    assert.ok((none.connectResponse?.timeOutMs ?? 0) > 0);
  });

  void it('resume on a new connection: ephemerals stay, the old one closes', async () => {
    const first = track(await RawClient.connect(server.port, { readOnly: false }));
    const ephemeral = { flags: CreateMode.ephemeral };
    const created = await first.send(1, req.create('/resume-eph', 'x', ephemeral));
    assert.equal(created.header.err, ErrorCode.ok);
    const second = track(
      await RawClient.connect(server.port, {
        sessionId: first.sessionId,
        passwd: first.passwd,
        lastZxidSeen: created.header.zxid,
        readOnly: false,
      }),
    );
    assert.equal(second.sessionId, first.sessionId);
    assert.ok(second.passwd.equals(first.passwd));
    assert.ok((second.connectResponse?.timeOutMs ?? 0) > 0);
    assert.equal(await first.waitClosed(2000), true, 'the previous connection is closed');
    const exists = await second.send(2, req.exists('/resume-eph'));
    assert.equal(exists.header.err, ErrorCode.ok);
    assert.ok(exists.body?.type === 'stat');
    assert.equal(exists.body.stat.ephemeralOwner, first.sessionId);
    const resumed = await second.send(3, req.getData('/resume-eph'));
    assert.equal(resumed.header.err, ErrorCode.ok, 'the resumed connection can use the session');
  });

  void it('a wrong password gets timeOut 0, session 0, 16 zero bytes, then a close', async () => {
    const owner = track(await RawClient.connect(server.port));
    const wrong = Buffer.from(owner.passwd);
    wrong[0] = (wrong[0] ?? 0) ^ 0xff;
    const intruder = track(await RawClient.open(server.port));
    const response = await intruder.handshakeWith({
      sessionId: owner.sessionId,
      passwd: wrong,
      readOnly: false,
    });
    assert.equal(response.timeOutMs, 0);
    assert.equal(response.sessionId, 0n);
    assert.deepEqual(response.passwd, Buffer.alloc(16));
    assert.equal(await intruder.waitClosed(2000), true);
    const ping = await owner.send(-2, req.ping());
    assert.equal(ping.header.err, ErrorCode.ok, 'the real owner is not disturbed');
    assert.equal(owner.closed, false);
  });

  void it('answers an unknown session id like an expired one', async () => {
    const client = track(await RawClient.open(server.port));
    const response = await client.handshakeWith({ sessionId: 0x1234n, passwd: Buffer.alloc(16) });
    assert.equal(response.timeOutMs, 0);
    assert.equal(response.sessionId, 0n);
    assert.equal(await client.waitClosed(2000), true);
  });

  void it('closes without any response when lastZxidSeen is ahead of the server', async () => {
    const client = track(await RawClient.open(server.port));
    const handshake = client.handshakeWith({ lastZxidSeen: 1n << 40n }).catch((e: Error) => e);
    assert.equal(await client.waitClosed(2000), true);
    assert.ok((await handshake) instanceof Error);
    assert.equal(client.bytesReceived, 0, 'no ConnectResponse was sent');
  });

  void it('requests pipelined behind the ConnectRequest wait for the session', async () => {
    const client = track(await RawClient.open(server.port));
    client.socket.cork(); // one TCP write: the requests arrive with the ConnectRequest
    const handshake = client.handshakeWith({ readOnly: false });
    const create = client.send(1, req.create('/held', 'h'));
    const read = client.send(2, req.getData('/held'));
    client.socket.uncork();
    assert.ok((await handshake).timeOutMs > 0);
    assert.equal((await create).header.err, ErrorCode.ok);
    const data = await read;
    assert.equal(data.header.err, ErrorCode.ok);
    assert.ok(data.body?.type === 'getData');
    assert.equal(data.body.data?.toString(), 'h');
  });
});
