// Session life (protocol doc §9) with tickTime 200 ms, so the shortest session (2 ticks) is
// 400 ms: a silent client expires, its ephemerals go (another client's watch fires
// NodeDeleted) and its reconnect is refused with timeOut 0; a pinging client survives; an
// explicit closeSession (-11) is answered, then the socket closes and the ephemerals are gone.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { CreateMode, ErrorCode, EventType, OpCode, Xid } from '../../src/protocol/index.ts';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { RawClient, req } from '../support/raw-client.ts';

const ephemeral = { flags: CreateMode.ephemeral };

void describe('sessions', { timeout: 20_000 }, () => {
  let server: InProcessServer;
  let watcher: RawClient;
  const clients: RawClient[] = [];
  const connect = async (timeoutMs: number): Promise<RawClient> => {
    const client = await RawClient.connect(server.port, { timeoutMs, readOnly: false });
    clients.push(client);
    return client;
  };

  before(async () => {
    server = await startInProcessServer();
    watcher = await connect(20 * server.tickTimeMs);
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await server.close();
  });

  void it('expires a silent client: ephemerals go, watchers told, reconnect refused', async () => {
    const silent = await connect(2 * server.tickTimeMs);
    assert.equal(silent.connectResponse?.timeOutMs, 400);
    assert.equal((await silent.send(1, req.create('/exp', 'e', ephemeral))).header.err, 0);
    assert.equal((await watcher.send(10, req.create('/exp-parent'))).header.err, 0);
    const child = await silent.send(2, req.create('/exp-parent/kid', 'k', ephemeral));
    assert.equal(child.header.err, ErrorCode.ok);
    const watch = await watcher.send(1, req.exists('/exp', true));
    assert.equal(watch.header.err, ErrorCode.ok);
    const childWatch = await watcher.send(11, req.getChildren('/exp-parent', true));
    assert.ok(childWatch.body?.type === 'getChildren');
    assert.deepEqual(childWatch.body.children, ['kid']);
    const started = Date.now();
    // The silent client sends nothing more; the server must close it after ~400..800 ms.
    assert.equal(await silent.waitClosed(3000), true, 'the expired session is disconnected');
    const elapsedMs = Date.now() - started;
    assert.ok(elapsedMs >= 300, `expired too early: ${elapsedMs} ms`);
    const event = await watcher.waitNotification((e) => e.path === '/exp', 2000);
    assert.deepEqual(event, { type: EventType.nodeDeleted, state: 3, path: '/exp' });
    const gone = await watcher.send(2, req.exists('/exp'));
    assert.equal(gone.header.err, ErrorCode.noNode);
    const parentEvent = await watcher.waitNotification((e) => e.path === '/exp-parent', 2000);
    assert.equal(parentEvent?.type, EventType.nodeChildrenChanged);
    const children = await watcher.send(12, req.getChildren('/exp-parent'));
    assert.ok(children.body?.type === 'getChildren' && children.body.children.length === 0);
    const again = await RawClient.open(server.port);
    clients.push(again);
    const response = await again.handshakeWith({
      sessionId: silent.sessionId,
      passwd: silent.passwd,
      readOnly: false,
    });
    assert.equal(response.timeOutMs, 0, 'an expired session cannot be resumed');
    assert.equal(response.sessionId, 0n);
    assert.equal(await again.waitClosed(2000), true);
  });

  void it('keeps a session alive while the client pings (xid -2, opcode 11)', async () => {
    const pinger = await connect(2 * server.tickTimeMs);
    assert.equal((await pinger.send(1, req.create('/alive', 'a', ephemeral))).header.err, 0);
    // 12 pings 100 ms apart cover 1.2 s, three times the 400 ms timeout.
    for (let i = 0; i < 12; i++) {
      await sleep(100);
      const pong = await pinger.send(Xid.ping, req.ping(), OpCode.ping);
      assert.equal(pong.header.xid, Xid.ping);
      assert.equal(pong.header.err, ErrorCode.ok);
      assert.ok(pong.header.zxid > 0n, 'a ping reply carries the last zxid');
    }
    assert.equal(pinger.closed, false);
    const read = await pinger.send(2, req.getData('/alive'));
    assert.equal(read.header.err, ErrorCode.ok, 'the session is still valid');
    const seen = await watcher.send(3, req.exists('/alive'));
    assert.equal(seen.header.err, ErrorCode.ok, 'its ephemeral still exists');
  });

  void it('closeSession (-11): a reply, then the socket closes, ephemerals go', async () => {
    const closer = await connect(20 * server.tickTimeMs);
    assert.equal((await closer.send(1, req.create('/bye', 'b', ephemeral))).header.err, 0);
    assert.equal((await closer.send(2, req.create('/bye-persistent', 'p'))).header.err, 0);
    const watch = await watcher.send(4, req.getData('/bye', true));
    assert.equal(watch.header.err, ErrorCode.ok);
    const reply = await closer.send(3, req.closeSession());
    assert.equal(reply.header.xid, 3);
    assert.equal(reply.header.err, ErrorCode.ok);
    assert.ok(reply.header.zxid > 0n);
    assert.equal(await closer.waitClosed(2000), true, 'the server closes the socket');
    const event = await watcher.waitNotification((e) => e.path === '/bye', 2000);
    assert.equal(event?.type, EventType.nodeDeleted);
    assert.equal((await watcher.send(5, req.exists('/bye'))).header.err, ErrorCode.noNode);
    assert.equal((await watcher.send(6, req.exists('/bye-persistent'))).header.err, ErrorCode.ok);
    const again = await RawClient.open(server.port);
    clients.push(again);
    const response = await again.handshakeWith({
      sessionId: closer.sessionId,
      passwd: closer.passwd,
      readOnly: false,
    });
    assert.equal(response.timeOutMs, 0, 'a closed session cannot be resumed');
  });

  void it('a session outlives its dropped connection until it is resumed', async () => {
    const first = await connect(10 * server.tickTimeMs);
    assert.equal((await first.send(1, req.create('/dropped', 'd', ephemeral))).header.err, 0);
    first.destroy();
    await first.waitClosed(1000);
    await sleep(300);
    assert.equal((await watcher.send(7, req.exists('/dropped'))).header.err, ErrorCode.ok);
    const resumed = await RawClient.connect(server.port, {
      sessionId: first.sessionId,
      passwd: first.passwd,
    });
    clients.push(resumed);
    assert.equal(resumed.sessionId, first.sessionId);
    assert.equal((await resumed.send(1, req.delete('/dropped'))).header.err, ErrorCode.ok);
  });
});
