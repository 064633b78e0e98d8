// Sessions and their ephemerals survive a server restart (from the snapshot and from the log)
// and can be resumed with id + password; a session nobody resumes expires after its timeout
// counted from the restart, and its ephemerals go with it.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { CreateMode, ErrorCode } from '../../src/protocol/constants.ts';
import type { RunningServer } from '../../src/server/server.ts';
import { TempDirs } from '../support/durability-fs.ts';
import { startAt } from '../support/durability-server.ts';
import { RawClient, req } from '../support/raw-client.ts';

const temp = new TempDirs();
after(() => temp.removeAll());

const sessionTimeoutMs = 800;

async function ownerOf(client: RawClient, xid: number, path: string): Promise<bigint | undefined> {
  const reply = await client.send(xid, req.exists(path));
  if (reply.header.err === ErrorCode.noNode) return undefined;
  assert.equal(reply.header.err, 0);
  assert.ok(reply.body?.type === 'stat');
  return reply.body.stat.ephemeralOwner;
}

void describe('sessions across a restart', () => {
  void it('ephemerals survive until their session times out; sessions resume', async () => {
    const dataDir = await temp.create();
    let server: RunningServer = await startAt(dataDir);
    const clients: RawClient[] = [];
    try {
      const fromSnapshot = await RawClient.connect(server.port, { timeoutMs: sessionTimeoutMs });
      clients.push(fromSnapshot);
      const flags = CreateMode.ephemeral;
      assert.equal((await fromSnapshot.send(1, req.create('/e1', 'x', { flags }))).header.err, 0);
      assert.ok((await server.store.snapshot()) !== undefined);
      const fromLog = await RawClient.connect(server.port, { timeoutMs: sessionTimeoutMs });
      clients.push(fromLog);
      assert.equal((await fromLog.send(1, req.create('/e2', 'y', { flags }))).header.err, 0);
      assert.equal((await fromLog.send(2, req.create('/p', 'z'))).header.err, 0);

      await server.close();
      const restartedAt = performance.now();
      server = await startAt(dataDir);
      const reader = await RawClient.connect(server.port, { timeoutMs: 2000 });
      clients.push(reader);
      assert.equal(await ownerOf(reader, 1, '/e1'), fromSnapshot.sessionId);
      assert.equal(await ownerOf(reader, 2, '/e2'), fromLog.sessionId);

      // The snapshot's session resumes with its id and password.
      const resumed = await RawClient.connect(server.port, {
        sessionId: fromSnapshot.sessionId,
        passwd: fromSnapshot.passwd,
        timeoutMs: sessionTimeoutMs,
      });
      clients.push(resumed);
      assert.equal(resumed.sessionId, fromSnapshot.sessionId, 'session still valid');
      assert.equal((await resumed.send(1, req.getData('/e1'))).header.err, 0);
      resumed.destroy();

      // Nobody keeps either session alive now: both expire, taking their ephemerals along.
      let xid = 10;
      const deadline = performance.now() + 5000;
      while (performance.now() < deadline) {
        const e1 = await ownerOf(reader, xid++, '/e1');
        const e2 = await ownerOf(reader, xid++, '/e2');
        if (e1 === undefined && e2 === undefined) break;
        await delay(50);
      }
      const elapsed = performance.now() - restartedAt;
      assert.equal(await ownerOf(reader, xid++, '/e1'), undefined, '/e1 expired');
      assert.equal(await ownerOf(reader, xid++, '/e2'), undefined, '/e2 expired');
      assert.ok(elapsed >= sessionTimeoutMs, `expired ${Math.round(elapsed)} ms after restart`);
      assert.equal(await ownerOf(reader, xid++, '/p'), 0n, 'persistent nodes stay');
      const stale = await RawClient.connect(server.port, {
        sessionId: fromLog.sessionId,
        passwd: fromLog.passwd,
      }).catch(() => undefined);
      assert.equal(stale?.sessionId ?? 0n, 0n, 'an expired session cannot be resumed');
      stale?.destroy();
    } finally {
      for (const client of clients) client.destroy();
      await server.close();
    }
  });
});
