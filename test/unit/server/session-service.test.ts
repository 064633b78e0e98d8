// The session handshake and expiry (§2.3, §9) through SessionService + RequestProcessor with
// fake connections: timeout negotiation, createSession as a txn, resume by id + password,
// the "invalid session" reply, and expiry deleting ephemerals and closing the connection.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../src/core/clock.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import type { ConnectRequest } from '../../../src/protocol/connect.ts';
import { CreateMode, EventType, OpCode } from '../../../src/protocol/constants.ts';
import { defaultServerConfig } from '../../../src/server/config.ts';
import { SessionService } from '../../../src/server/pipeline/session-service.ts';
import { startServer } from '../../../src/server/server.ts';
import { sessionPassword } from '../../../src/server/session/session-table.ts';
import { create, FakeConnection, Pipeline } from './harness.ts';

function connectRequest(overrides: Partial<ConnectRequest> = {}): ConnectRequest {
  return {
    protocolVersion: 0,
    lastZxidSeen: 0n,
    timeOutMs: 10000,
    sessionId: 0n,
    passwd: Buffer.alloc(16),
    readOnly: false,
    ...overrides,
  };
}

function setup() {
  const p = new Pipeline();
  const service = new SessionService(p.processor, { clock: p.clock, logger: silentLogger });
  let nextId = 100;
  const open = () => {
    const conn = new FakeConnection(nextId++);
    return { conn, link: p.processor.attach(conn) };
  };
  const connect = (overrides: Partial<ConnectRequest> = {}) => {
    const client = open();
    service.connect(client.link, connectRequest(overrides));
    p.run();
    return client;
  };
  return { p, service, connect };
}

void describe('new sessions', () => {
  void it('go through a createSession txn; the reply carries id, password and timeout', () => {
    const { p, connect } = setup();
    const client = connect({ timeOutMs: 10000 });
    const response = client.conn.connectResponses[0];
    assert.ok(response !== undefined);
    assert.equal(response.timeOutMs, 10000);
    assert.equal(BigInt.asUintN(64, response.sessionId) >> 56n, 1n, 'server id 1 in top byte');
    assert.deepEqual(response.passwd, sessionPassword(response.sessionId));
    assert.equal(response.readOnly, false, 'the readOnly byte is mirrored');
    assert.equal(p.state.lastAppliedZxid, 1n, 'createSession consumed a zxid');
    assert.equal(client.link.sessionId, response.sessionId);
    assert.equal(p.state.sessions.get(response.sessionId)?.timeoutMs, 10000);
    const second = connect();
    assert.equal(second.conn.connectResponses[0]?.sessionId, response.sessionId + 1n);
  });

  void it('negotiate the timeout into [min, max] (4000..40000 here)', () => {
    const { connect, service } = setup();
    assert.equal(connect({ timeOutMs: 1 }).conn.connectResponses[0]?.timeOutMs, 4000);
    assert.equal(connect({ timeOutMs: 999999 }).conn.connectResponses[0]?.timeOutMs, 40000);
    assert.equal(service.negotiateTimeoutMs(30000), 30000);
  });

  void it('an old client without the readOnly byte gets none back', () => {
    const { connect } = setup();
    const response = connect({ readOnly: undefined }).conn.connectResponses[0];
    assert.equal(response?.readOnly, undefined);
  });

  void it('a client that has seen a newer zxid is closed without a reply', () => {
    const { connect } = setup();
    const client = connect({ lastZxidSeen: 5n });
    assert.equal(client.conn.connectResponses.length, 0);
    assert.ok(client.conn.closedReason !== undefined);
  });
});

void describe('resuming a session', () => {
  void it('with the right password re-attaches it and closes the old connection', () => {
    const { p, connect } = setup();
    const first = connect();
    const { sessionId, passwd } = first.conn.connectResponses[0] ?? assert.fail('no session');
    const second = connect({ sessionId, passwd, timeOutMs: 20000, lastZxidSeen: 1n });
    const response = second.conn.connectResponses[0];
    assert.equal(response?.sessionId, sessionId);
    assert.deepEqual(response?.passwd, passwd);
    assert.equal(response?.timeOutMs, 20000);
    assert.ok(first.conn.closedReason !== undefined, 'the session moved away from it');
    assert.equal(p.processor.linkBySession.get(sessionId), second.link);
    assert.equal(p.state.lastAppliedZxid, 1n, 'resuming is not a txn');
  });

  void it('with a wrong password or an unknown id gets timeout 0, id 0, zero password', () => {
    const { connect } = setup();
    const { sessionId } = connect().conn.connectResponses[0] ?? assert.fail('no session');
    for (const bad of [
      { sessionId, passwd: Buffer.alloc(16, 1) },
      { sessionId, passwd: null },
      { sessionId: sessionId + 77n, passwd: sessionPassword(sessionId + 77n) },
    ]) {
      const client = connect(bad);
      assert.deepEqual(client.conn.connectResponses, [
        {
          protocolVersion: 0,
          timeOutMs: 0,
          sessionId: 0n,
          passwd: Buffer.alloc(16),
          readOnly: false,
        },
      ]);
      assert.ok(client.conn.closedReason !== undefined);
    }
  });
});

void describe('expiry', () => {
  void it('expires untouched sessions on the tick: ephemerals go, watchers hear, conn closes', () => {
    const { p, service, connect } = setup();
    const owner = connect({ timeOutMs: 4000 });
    const sessionId = owner.link.sessionId ?? assert.fail('no session');
    p.call(owner, create('/e', { flags: CreateMode.ephemeral }));
    const watcher = connect({ timeOutMs: 40000 });
    p.call(watcher, { type: 'exists', path: '/e', watch: true });
    p.clock.advance(5999);
    service.expire();
    p.run();
    assert.ok(p.state.sessions.get(sessionId) !== undefined, 'not yet: bucket is at 6000');
    p.clock.advance(1);
    service.expire();
    assert.equal(p.state.sessions.get(sessionId)?.closing, true, 'closing before the commit');
    p.run();
    assert.equal(p.state.sessions.get(sessionId), undefined);
    assert.equal(p.state.tree.get('/e'), undefined);
    assert.deepEqual(watcher.conn.eventList(), [[EventType.nodeDeleted, '/e']]);
    assert.ok(owner.conn.closedReason !== undefined);
    assert.equal(watcher.conn.closedReason, undefined);
    const again = connect({ sessionId, passwd: sessionPassword(sessionId), lastZxidSeen: 1n });
    assert.equal(again.conn.connectResponses[0]?.timeOutMs, 0, 'an expired session is gone');
  });

  void it('any packet touches the session and pushes its expiry back', () => {
    const { p, service, connect } = setup();
    const client = connect({ timeOutMs: 4000 });
    const sessionId = client.link.sessionId ?? assert.fail('no session');
    p.clock.advance(3000);
    service.touch(client.link);
    p.clock.advance(3000);
    service.expire();
    p.run();
    assert.ok(p.state.sessions.get(sessionId) !== undefined);
    assert.equal(p.state.sessions.get(sessionId)?.expiresAtMs, 8000);
  });

  void it('closeSession from the client is replied to, then the socket closes', () => {
    const { p, service, connect } = setup();
    const client = connect();
    const sessionId = client.link.sessionId ?? assert.fail('no session');
    p.call(client, create('/e', { flags: CreateMode.ephemeral }));
    service.close(client.link, 42, OpCode.closeSession);
    p.run();
    assert.equal(client.conn.reply(42).header.err, 0);
    assert.equal(client.conn.log.at(-1), 'reply:42:0');
    assert.equal(client.conn.closedReason, 'session closed');
    assert.equal(p.state.sessions.get(sessionId), undefined);
    assert.equal(p.state.tree.get('/e'), undefined);
  });
});

// ZooKeeperServer.createSessionTrackerServerId is 1 for a standalone server (the `conf`
// serverId=0 is a different field), so standalone session ids look like 0x01xxxxxxxxxx0000.
void describe('standalone session ids', () => {
  void it('carry server id 1 in the top byte, as Apache standalone does', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'meerkat-sid-'));
    try {
      const config = {
        ...defaultServerConfig,
        clientPort: 0,
        clientPortAddress: '127.0.0.1',
        dataDir,
        dataLogDir: dataDir,
      };
      const server = await startServer({ config, logger: silentLogger, clock: new ManualClock() });
      try {
        const id = server.processor.state.sessions.allocateId();
        assert.equal(BigInt.asUintN(64, id) >> 56n, 1n);
      } finally {
        await server.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
