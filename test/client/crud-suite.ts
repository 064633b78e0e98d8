// Client operations against a live server (run once per target): CRUD with Stat, sequential
// and ephemeral nodes, TTL and container nodes, ACLs with digest auth, transactions (one that
// fails), multiRead, chroot, getEphemerals, whoAmI and sync.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  BadArgumentsError,
  BadVersionError,
  InvalidAclError,
  NoAuthError,
  NoChildrenForEphemeralsError,
  NoNodeError,
  NodeExistsError,
  NotEmptyError,
  Perms,
  TransactionError,
  creatorAllAcl,
  openAclUnsafe,
} from '../../src/client/index.ts';
import { type ClientPool, uniquePath } from './harness.ts';

export function crudTests(pool: ClientPool): void {
  void it('creates, reads, updates and deletes with Stat and versions', async () => {
    const client = await pool.connect();
    const path = uniquePath('crud');
    assert.equal(await client.create(path, 'v0'), path);
    const read = await client.getData(path);
    assert.deepEqual(read.data, Buffer.from('v0'));
    assert.equal(read.stat.version, 0);
    assert.equal(read.stat.dataLength, 2);
    assert.equal(read.stat.czxid, read.stat.mzxid);
    const written = await client.setData(path, 'v1', { version: 0 });
    assert.equal(written.version, 1);
    assert.ok(written.mzxid > read.stat.mzxid);
    await assert.rejects(client.setData(path, 'v2', { version: 0 }), BadVersionError);
    assert.deepEqual(await client.exists(path), written);
    await assert.rejects(client.create(path), NodeExistsError);
    const child = await client.createWithStat(`${path}/child`, null);
    assert.equal(child.path, `${path}/child`);
    assert.equal(child.stat.dataLength, 0);
    assert.equal((await client.getData(child.path)).data, null, 'null data stays null');
    await client.create(`${path}/other`, Buffer.from([1, 2]));
    assert.deepEqual((await client.getChildren(path)).sort(), ['child', 'other']);
    const listing = await client.getChildren(path, { stat: true });
    assert.equal(listing.stat.numChildren, 2);
    assert.equal(await client.getAllChildrenNumber(path), 2);
    await assert.rejects(client.delete(path), NotEmptyError);
    await assert.rejects(client.delete(child.path, { version: 5 }), BadVersionError);
    await client.delete(child.path, { version: 0 });
    await client.delete(`${path}/other`);
    await client.delete(path);
    assert.equal(await client.exists(path), null);
    const missing = await client.getData(path).catch((e: unknown) => e);
    assert.ok(missing instanceof NoNodeError);
    assert.equal(missing.path, path);
    await assert.rejects(client.create('no-slash'), BadArgumentsError);
  });

  void it('creates sequential and ephemeral nodes owned by the session', async () => {
    const owner = await pool.connect();
    const observer = await pool.connect();
    const parent = uniquePath('seq');
    await owner.create(parent);
    const first = await owner.create(`${parent}/n-`, 'a', { mode: 'persistentSequential' });
    const second = await owner.create(`${parent}/n-`, 'b', { mode: 'ephemeralSequential' });
    assert.equal(first, `${parent}/n-0000000000`);
    assert.equal(second, `${parent}/n-0000000001`);
    const ephemeral = await owner.create(`${parent}/e`, 'e', { mode: 'ephemeral' });
    const stat = await observer.exists(ephemeral);
    assert.equal(stat?.ephemeralOwner, owner.sessionId);
    await assert.rejects(owner.create(`${ephemeral}/kid`), NoChildrenForEphemeralsError);
    assert.deepEqual((await owner.getEphemerals(parent)).sort(), [second, ephemeral].sort());
    assert.deepEqual(await observer.getEphemerals(parent), []);
    await owner.close();
    assert.equal(await observer.exists(ephemeral), null, 'ephemerals go with the session');
    assert.deepEqual(await observer.getChildren(parent), ['n-0000000000']);
  });

  void it('creates TTL and container nodes', async () => {
    const client = await pool.connect();
    const path = uniquePath('ttl');
    await client.create(path, 't', { mode: 'persistentWithTtl', ttlMs: 60_000 });
    assert.equal((await client.exists(path))?.ephemeralOwner, 0n);
    await assert.rejects(
      client.create(`${path}-x`, 't', { mode: 'persistentWithTtl' }),
      BadArgumentsError,
    );
    const container = uniquePath('container');
    const created = await client.createWithStat(container, null, { mode: 'container' });
    assert.equal(created.path, container);
    assert.equal(created.stat.ephemeralOwner, 0n);
  });

  void it('enforces ACLs with digest auth and reports whoAmI', async () => {
    const alice = await pool.connect();
    const guest = await pool.connect();
    const path = uniquePath('acl');
    await assert.rejects(guest.create(path, 'x', { acl: creatorAllAcl }), InvalidAclError);
    await alice.addAuth('digest', 'alice:secret');
    await alice.create(path, 'private', { acl: creatorAllAcl });
    const { acl, stat } = await alice.getACL(path);
    assert.equal(acl.length, 1);
    assert.equal(acl[0]?.id.scheme, 'digest');
    assert.match(acl[0]?.id.id ?? '', /^alice:/);
    assert.equal(stat.aversion, 0);
    await assert.rejects(guest.getData(path), NoAuthError);
    await guest.addAuth('digest', 'alice:secret');
    assert.deepEqual((await guest.getData(path)).data, Buffer.from('private'));
    const who = await alice.whoAmI();
    assert.ok(who.some((c) => c.authScheme === 'digest' && c.user === 'alice'));
    assert.ok(who.some((c) => c.authScheme === 'ip'));
    const readOnly = [{ perms: Perms.read, id: { scheme: 'world', id: 'anyone' } }];
    assert.equal((await alice.setACL(path, readOnly, { version: 0 })).aversion, 1);
    await assert.rejects(alice.setData(path, 'no'), NoAuthError);
    await assert.rejects(alice.setACL(path, openAclUnsafe), NoAuthError);
  });

  void it('commits transactions atomically and reports every result of a failed one', async () => {
    const client = await pool.connect();
    const base = uniquePath('txn');
    const results = await client
      .transaction()
      .create(base, 'root')
      .create(`${base}/a`, 'a')
      .setData(base, 'root2', { version: 0 })
      .check(`${base}/a`, 0)
      .commit();
    assert.deepEqual(
      results.map((r) => r.type),
      ['create', 'create', 'setData', 'check'],
    );
    assert.deepEqual(results[0], { type: 'create', path: base });
    assert.equal(results[2]?.type === 'setData' && results[2].stat.version, 1);
    const failed = await client
      .transaction()
      .create(`${base}/b`)
      .check(base, 0)
      .delete(`${base}/a`)
      .commit()
      .catch((e: unknown) => e);
    assert.ok(failed instanceof TransactionError);
    assert.equal(failed.failedIndex, 1);
    assert.ok(failed.failure instanceof BadVersionError);
    assert.deepEqual(
      failed.results.map((r) => (r.type === 'error' ? r.code : r.type)),
      [0, -103, -2],
    );
    assert.equal(await client.exists(`${base}/b`), null, 'nothing of a failed one is applied');
    assert.notEqual(await client.exists(`${base}/a`), null);
    assert.deepEqual(await client.transaction().commit(), []);
  });

  void it('runs several reads in one multiRead', async () => {
    const client = await pool.connect();
    const path = uniquePath('mr');
    await client.create(path, 'data');
    await client.create(`${path}/kid`);
    const results = await client.multiRead([
      { type: 'getData', path },
      { type: 'getChildren', path },
      { type: 'getData', path: `${path}/missing` },
    ]);
    assert.equal(results[0]?.type === 'getData' && results[0].data?.toString(), 'data');
    assert.deepEqual(results[1], { type: 'getChildren', children: ['kid'] });
    assert.ok(results[2]?.type === 'error' && results[2].error instanceof NoNodeError);
  });

  void it('applies the chroot to paths sent and strips it from paths received', async () => {
    const root = await pool.connect();
    const chroot = uniquePath('chroot');
    await root.create(chroot);
    const client = await pool.connect({ chroot });
    assert.equal(await client.create('/a', 'x'), '/a');
    assert.notEqual(await root.exists(`${chroot}/a`), null);
    const sequential = await client.create('/s-', null, { mode: 'ephemeralSequential' });
    assert.match(sequential, /^\/s-\d{10}$/);
    assert.deepEqual(await client.getEphemerals(), [sequential]);
    assert.deepEqual((await client.getChildren('/')).sort(), ['a', sequential.slice(1)].sort());
    const events: string[] = [];
    await client.getData('/a', {
      watch: (e) => events.push(`${e.type}:${'path' in e ? e.path : ''}`),
    });
    const txn = await client.transaction().create('/t').setData('/a', 'y').commit();
    assert.deepEqual(txn[0], { type: 'create', path: '/t' });
    await client.sync('/');
    assert.deepEqual(events, ['nodeDataChanged:/a']);
  });

  void it('syncs and reads back a write made by another client', async () => {
    const writer = await pool.connect();
    const reader = await pool.connect();
    const path = uniquePath('sync');
    await writer.create(path, 'fresh');
    await reader.sync(path);
    assert.deepEqual((await reader.getData(path)).data, Buffer.from('fresh'));
  });
}
