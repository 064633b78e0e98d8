// Watches against a live server: one-shot callbacks (data, exist, child), persistent and
// persistent-recursive watches as callbacks and as async iterators, and removeWatches.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { NoWatcherError, type WatchEvent } from '../../src/client/index.ts';
import { EventLog, type ClientPool, uniquePath, withTimeout } from './harness.ts';

export function watchTests(pool: ClientPool): void {
  void it('fires one-shot data, exist and child watches exactly once', async () => {
    const client = await pool.connect();
    const other = await pool.connect();
    const path = uniquePath('oneshot');
    await client.create(path, 'v0');
    const data = new EventLog();
    const exist = new EventLog();
    const child = new EventLog();
    await client.getData(path, { watch: data.listener });
    assert.equal(await client.exists(`${path}/kid`, { watch: exist.listener }), null);
    await client.getChildren(path, { watch: child.listener });
    await other.setData(path, 'v1');
    assert.deepEqual(await data.next(), { type: 'nodeDataChanged', path });
    await other.create(`${path}/kid`);
    assert.deepEqual(await exist.next(), { type: 'nodeCreated', path: `${path}/kid` });
    assert.deepEqual(await child.next(), { type: 'nodeChildrenChanged', path });
    await other.setData(path, 'v2');
    await other.create(`${path}/kid2`);
    await client.sync(path);
    await client.getData(path); // a round trip after the writes: their events came first
    assert.equal(data.events.length + exist.events.length + child.events.length, 3);
  });

  void it('tells data and child watches about a delete', async () => {
    const client = await pool.connect();
    const other = await pool.connect();
    const path = uniquePath('deleted');
    await client.create(path);
    const data = new EventLog();
    const child = new EventLog();
    await client.exists(path, { watch: data.listener });
    await client.getChildren(path, { watch: child.listener });
    await other.delete(path);
    assert.deepEqual(await data.next(), { type: 'nodeDeleted', path });
    assert.deepEqual(await child.next(), { type: 'nodeDeleted', path });
  });

  void it('keeps persistent watches and sends recursive ones the descendants', async () => {
    // Two clients: Apache 3.8 keeps one watch mode per (connection, path).
    const client = await pool.connect();
    const deep = await pool.connect();
    const other = await pool.connect();
    const path = uniquePath('persistent');
    const persistent = new EventLog();
    const recursive = new EventLog();
    await client.addWatch(path, 'persistent', persistent.listener);
    await deep.addWatch(path, 'persistentRecursive', recursive.listener);
    await other.create(path);
    await other.create(`${path}/a`);
    await other.setData(`${path}/a`, 'x');
    await other.setData(path, 'y');
    await other.delete(`${path}/a`);
    const p = [];
    for (let i = 0; i < 4; i++) p.push(await persistent.next());
    assert.deepEqual(p, [
      { type: 'nodeCreated', path },
      { type: 'nodeChildrenChanged', path },
      { type: 'nodeDataChanged', path },
      { type: 'nodeChildrenChanged', path },
    ]);
    const r = [];
    for (let i = 0; i < 5; i++) r.push(await recursive.next());
    assert.deepEqual(r, [
      { type: 'nodeCreated', path },
      { type: 'nodeCreated', path: `${path}/a` },
      { type: 'nodeDataChanged', path: `${path}/a` },
      { type: 'nodeDataChanged', path },
      { type: 'nodeDeleted', path: `${path}/a` },
    ]);
    const kind = pool.server.persistentWatcherTypes ? 'persistent' : 'any';
    await client.removeWatches(path, kind);
    assert.deepEqual(await persistent.next(), { type: 'persistentWatchRemoved', path });
    await other.setData(path, 'z');
    assert.deepEqual(await recursive.next(), { type: 'nodeDataChanged', path });
    await client.getData(path);
    assert.equal(persistent.events.length, 5, 'the removed watch got nothing more');
  });

  void it('streams a recursive watch with for-await and removes it on break', async () => {
    const client = await pool.connect();
    const other = await pool.connect();
    const path = uniquePath('stream');
    const stream = client.watch(path, { mode: 'persistentRecursive' });
    await stream.ready;
    const writes = (async () => {
      await other.create(path);
      await other.create(`${path}/x`);
      await other.setData(`${path}/x`, 'v');
    })();
    const seen: WatchEvent[] = [];
    await withTimeout(
      (async () => {
        for await (const event of stream) {
          seen.push(event);
          if (seen.length === 3) break;
        }
      })(),
      5000,
      'three streamed events',
    );
    await writes;
    assert.deepEqual(seen, [
      { type: 'nodeCreated', path },
      { type: 'nodeCreated', path: `${path}/x` },
      { type: 'nodeDataChanged', path: `${path}/x` },
    ]);
    // Leaving the loop removed the server-side watch, so there is nothing left to remove. (On
    // 3.8 the removal takes two round trips: type 5 is refused, then 'any' goes.)
    await client.sync(path);
    await assert.rejects(client.removeWatches(path, 'any'), NoWatcherError);
  });

  void it('delivers an event to every listener on a path; removes one-shot watches', async () => {
    const client = await pool.connect();
    const other = await pool.connect();
    const path = uniquePath('removal');
    await client.create(path);
    const first = new EventLog();
    const second = new EventLog();
    await client.getData(path, { watch: first.listener });
    await client.exists(path, { watch: second.listener });
    await other.setData(path, '1');
    assert.deepEqual(await first.next(), { type: 'nodeDataChanged', path });
    assert.deepEqual(await second.next(), { type: 'nodeDataChanged', path });
    const removed = new EventLog();
    await client.getData(path, { watch: removed.listener });
    await client.removeWatches(path, 'data');
    assert.deepEqual(await removed.next(), { type: 'dataWatchRemoved', path });
    await assert.rejects(client.removeWatches(path, 'data'), NoWatcherError);
  });
}
