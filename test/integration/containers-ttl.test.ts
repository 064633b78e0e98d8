// Containers and TTL nodes (protocol doc §9) with the reaper running every 100 ms: a container
// that had a child and became empty is deleted, a never-used one stays; a TTL node (createTTL,
// opcode 21) is deleted once childless and unmodified for its TTL, and setData refreshes it.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { CreateMode, ErrorCode, OpCode } from '../../src/protocol/index.ts';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { RawClient, req } from '../support/raw-client.ts';

const checkIntervalMs = 100;
const container = { flags: CreateMode.container, opcode: OpCode.createContainer } as const;
const ttl = (ms: number) =>
  ({ flags: CreateMode.persistentWithTtl, opcode: OpCode.createTTL, ttl: BigInt(ms) }) as const;

void describe('containers and TTL nodes', { timeout: 20_000 }, () => {
  let server: InProcessServer;
  let client: RawClient;
  let xid = 1;
  const send = (request: Parameters<RawClient['send']>[1]) => client.send(xid++, request);
  const exists = async (path: string): Promise<boolean> => {
    const reply = await send(req.exists(path));
    assert.ok(reply.header.err === ErrorCode.ok || reply.header.err === ErrorCode.noNode);
    return reply.header.err === ErrorCode.ok;
  };
  /** Polls until `path` is gone; returns the ms it took, or undefined after `limitMs`. */
  const waitGone = async (path: string, limitMs: number): Promise<number | undefined> => {
    const started = Date.now();
    for (let i = 0; i < 200 && Date.now() - started < limitMs; i++) {
      if (!(await exists(path))) return Date.now() - started;
      await sleep(25);
    }
    return undefined;
  };

  before(async () => {
    server = await startInProcessServer({
      containerCheckIntervalMs: checkIntervalMs,
      extendedTypesEnabled: true,
    });
    client = await RawClient.connect(server.port);
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  void it('deletes a container once used and emptied; keeps a never-used one', async () => {
    const used = await send(req.create('/c-used', '', container));
    assert.equal(used.header.err, ErrorCode.ok);
    assert.ok(used.body?.type === 'create2', 'createContainer answers like create2');
    assert.equal((await send(req.create('/c-never', '', container))).header.err, ErrorCode.ok);
    assert.equal((await send(req.create('/c-used/child'))).header.err, ErrorCode.ok);
    await sleep(3 * checkIntervalMs);
    assert.equal(await exists('/c-used'), true, 'a container with a child stays');
    assert.equal((await send(req.delete('/c-used/child'))).header.err, ErrorCode.ok);
    const tookMs = await waitGone('/c-used', 2000);
    assert.ok(tookMs !== undefined, 'the emptied container is reaped');
    await sleep(3 * checkIntervalMs);
    assert.equal(await exists('/c-never'), true, 'a never-used container stays');
  });

  void it('deletes a TTL node after its TTL (ttl 200 ms)', async () => {
    const started = Date.now();
    const created = await send(req.create('/ttl-short', 't', ttl(200)));
    assert.equal(created.header.err, ErrorCode.ok);
    assert.ok(created.body?.type === 'create2');
    assert.equal(created.body.stat.ephemeralOwner, 0n, 'clients see owner 0 for TTL nodes');
    const tookMs = await waitGone('/ttl-short', 2000);
    assert.ok(tookMs !== undefined, 'the TTL node is reaped');
    const aliveMs = Date.now() - started;
    assert.ok(aliveMs >= 150, `reaped too early: after ${aliveMs} ms`);
  });

  void it('setData refreshes a TTL node', async () => {
    const lifeMs = 400;
    assert.equal((await send(req.create('/ttl-fresh', '0', ttl(lifeMs)))).header.err, 0);
    // 10 updates 100 ms apart span 1 s, 2.5 TTLs: without refreshing it would be gone.
    for (let i = 1; i <= 10; i++) {
      await sleep(100);
      const reply = await send(req.setData('/ttl-fresh', String(i)));
      assert.equal(reply.header.err, ErrorCode.ok, `setData ${i} found the node`);
    }
    assert.equal(await exists('/ttl-fresh'), true);
    const tookMs = await waitGone('/ttl-fresh', 2000);
    assert.ok(tookMs !== undefined, 'reaped once the updates stop');
    assert.ok(tookMs >= lifeMs - 100, `reaped ${tookMs} ms after the last update`);
  });

  void it('keeps a TTL node while it has children', async () => {
    assert.equal((await send(req.create('/ttl-parent', '', ttl(100)))).header.err, 0);
    assert.equal((await send(req.create('/ttl-parent/kid'))).header.err, ErrorCode.ok);
    await sleep(100 + 4 * checkIntervalMs);
    assert.equal(await exists('/ttl-parent'), true);
    assert.equal((await send(req.delete('/ttl-parent/kid'))).header.err, ErrorCode.ok);
    assert.ok((await waitGone('/ttl-parent', 2000)) !== undefined);
  });

  void it('rejects invalid TTLs, and TTL nodes when extended types are off', async () => {
    for (const bad of [0, -5]) {
      const reply = await send(req.create(`/ttl-bad${bad}`, '', ttl(bad)));
      assert.equal(reply.header.err, ErrorCode.badArguments, `ttl ${bad}`);
    }
    const plain = await startInProcessServer({ extendedTypesEnabled: false });
    const other = await RawClient.connect(plain.port);
    try {
      const reply = await other.send(1, req.create('/ttl-off', '', ttl(1000)));
      assert.equal(reply.header.err, ErrorCode.unimplemented);
      assert.equal((await other.send(2, req.exists('/ttl-off'))).header.err, ErrorCode.noNode);
    } finally {
      other.destroy();
      await plain.close();
    }
  });
});
