// DataTree: the initial nodes and the Stat rules of Apache's DataTree/DataNode (§6), the
// ephemeralOwner encodings (§6.4) and idempotent replay of creates and deletes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openAclUnsafe, readAclUnsafe } from '../../../src/protocol/records.ts';
import { DataTree, type DataNode } from '../../../src/server/tree/data-tree.ts';
import {
  containerOwner,
  nodeKind,
  ownerForTtl,
  ttlMaxMs,
  ttlOf,
  visibleOwner,
} from '../../../src/server/tree/ephemeral-type.ts';

const t0 = 1_700_000_000_000n;

function mk(
  tree: DataTree,
  path: string,
  zxid: bigint,
  opts: { owner?: bigint; data?: string; time?: bigint } = {},
): DataNode | undefined {
  const parent = tree.get(path.slice(0, Math.max(1, path.lastIndexOf('/'))));
  assert.ok(parent !== undefined, `parent of ${path}`);
  return tree.createNode({
    path,
    data: Buffer.from(opts.data ?? ''),
    acl: openAclUnsafe,
    ephemeralOwner: opts.owner ?? 0n,
    parentCVersion: parent.cversion + 1,
    zxid,
    time: opts.time ?? t0 + zxid,
  });
}

function statOf(tree: DataTree, path: string) {
  const node = tree.get(path);
  assert.ok(node !== undefined, `node ${path} exists`);
  return tree.stat(node);
}

void describe('initial tree', () => {
  void it('holds /, /zookeeper, /zookeeper/quota and /zookeeper/config only', () => {
    const tree = new DataTree();
    assert.equal(tree.nodeCount, 4);
    assert.deepEqual([...tree.paths()].sort(), [
      '/',
      '/zookeeper',
      '/zookeeper/config',
      '/zookeeper/quota',
    ]);
    assert.deepEqual([...(tree.get('/')?.children.keys() ?? [])], ['zookeeper']);
    const system = tree.get('/zookeeper')?.children.keys() ?? [];
    assert.deepEqual([...system].sort(), ['config', 'quota']);
  });

  void it('gives every system node all-zero stats; config is READ-only with aversion -1', () => {
    const tree = new DataTree();
    for (const path of ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']) {
      const stat = statOf(tree, path);
      assert.equal(stat.czxid, 0n, path);
      assert.equal(stat.mzxid, 0n, path);
      assert.equal(stat.pzxid, 0n, path);
      assert.equal(stat.ctime, 0n, path);
      assert.equal(stat.mtime, 0n, path);
      assert.equal(stat.version, 0, path);
      assert.equal(stat.ephemeralOwner, 0n, path);
      assert.equal(stat.dataLength, 0, path);
      assert.equal(stat.aversion, path === '/zookeeper/config' ? -1 : 0, path);
    }
    assert.deepEqual(tree.get('/')?.acl, openAclUnsafe);
    assert.deepEqual(tree.get('/zookeeper')?.acl, openAclUnsafe);
    assert.deepEqual(tree.get('/zookeeper/quota')?.acl, openAclUnsafe);
    assert.deepEqual(tree.get('/zookeeper/config')?.acl, readAclUnsafe);
    assert.equal(statOf(tree, '/').numChildren, 1);
    assert.equal(statOf(tree, '/zookeeper').numChildren, 2);
    // System children are added without a create, so the visible cversion starts negative.
    assert.equal(statOf(tree, '/').cversion, -1);
    assert.equal(statOf(tree, '/zookeeper').cversion, -2);
    assert.equal(statOf(tree, '/zookeeper/quota').cversion, 0);
  });
});

void describe('stat rules', () => {
  void it('create sets czxid=mzxid=pzxid and ctime=mtime; parent gets cversion and pzxid', () => {
    const tree = new DataTree();
    assert.ok(mk(tree, '/a', 5n, { data: 'hello', time: t0 }) !== undefined);
    const a = statOf(tree, '/a');
    assert.deepEqual([a.czxid, a.mzxid, a.pzxid, a.ctime, a.mtime], [5n, 5n, 5n, t0, t0]);
    assert.deepEqual([a.version, a.cversion, a.aversion, a.numChildren], [0, 0, 0, 0]);
    assert.equal(a.dataLength, 5);
    const root = statOf(tree, '/');
    assert.equal(root.pzxid, 5n);
    assert.equal(tree.get('/')?.cversion, 1, 'stored create count');
    assert.equal(root.cversion, 0, '2 * 1 - 2 children (zookeeper, a)');
    assert.equal(root.mzxid, 0n, 'parent mzxid untouched');
    assert.equal(root.mtime, 0n, 'parent mtime untouched');
    assert.equal(root.version, 0, 'parent version untouched');
  });

  void it('visible cversion is 2 * stored - numChildren (creates + deletes)', () => {
    const tree = new DataTree();
    mk(tree, '/p', 1n);
    mk(tree, '/p/a', 2n);
    mk(tree, '/p/b', 3n);
    assert.equal(statOf(tree, '/p').cversion, 2);
    assert.equal(tree.deleteNode('/p/a', 4n), true);
    const p = statOf(tree, '/p');
    assert.equal(p.cversion, 3, 'two creates + one delete');
    assert.equal(p.numChildren, 1);
    assert.equal(tree.get('/p')?.cversion, 2, 'the stored create count is unchanged by delete');
    assert.equal(p.pzxid, 4n, 'delete bumps the parent pzxid');
    tree.deleteNode('/p/b', 5n);
    assert.equal(statOf(tree, '/p').cversion, 4);
    assert.equal(statOf(tree, '/p').pzxid, 5n);
  });

  void it('visible cversion wraps like a Java int', () => {
    const tree = new DataTree();
    mk(tree, '/p', 1n);
    const p = tree.get('/p');
    assert.ok(p !== undefined);
    p.cversion = 0x7fffffff;
    assert.equal(tree.stat(p).cversion, -2);
  });

  void it('delete never lowers the parent pzxid', () => {
    const tree = new DataTree();
    mk(tree, '/p', 1n);
    mk(tree, '/p/a', 2n);
    mk(tree, '/p/b', 9n);
    tree.deleteNode('/p/a', 7n);
    assert.equal(statOf(tree, '/p').pzxid, 9n);
  });

  void it('setData sets version, mzxid, mtime and keeps czxid/ctime', () => {
    const tree = new DataTree();
    mk(tree, '/a', 1n, { time: t0 });
    tree.setData('/a', Buffer.from('abc'), 1, 6n, t0 + 100n);
    const a = statOf(tree, '/a');
    assert.deepEqual([a.czxid, a.mzxid, a.pzxid], [1n, 6n, 1n]);
    assert.deepEqual([a.ctime, a.mtime], [t0, t0 + 100n]);
    assert.equal(a.version, 1);
    assert.equal(a.dataLength, 3);
    tree.setData('/a', null, 2, 7n, t0 + 200n);
    assert.equal(statOf(tree, '/a').dataLength, 0, 'null data has length 0');
  });

  void it('setACL replaces the ACL and aversion but leaves mzxid and mtime', () => {
    const tree = new DataTree();
    mk(tree, '/a', 1n, { time: t0 });
    tree.setAcl('/a', readAclUnsafe, 1);
    const a = statOf(tree, '/a');
    assert.equal(a.aversion, 1);
    assert.equal(a.mzxid, 1n);
    assert.equal(a.mtime, t0);
    assert.equal(a.version, 0);
    assert.deepEqual(tree.get('/a')?.acl, readAclUnsafe);
  });
});

void describe('ephemeralOwner encodings', () => {
  void it('container is Long.MIN_VALUE; TTL is 0xFF in the top byte plus the ttl', () => {
    assert.equal(containerOwner, -(2n ** 63n));
    assert.equal(BigInt.asUintN(64, ownerForTtl(1000n)), 0xff00_0000_0000_03e8n);
    assert.equal(ttlOf(ownerForTtl(1000n)), 1000n);
    assert.equal(ttlOf(ownerForTtl(ttlMaxMs)), 2n ** 40n - 1n);
    assert.equal(nodeKind(0n, true), 'persistent');
    assert.equal(nodeKind(containerOwner, true), 'container');
    assert.equal(nodeKind(ownerForTtl(1n), true), 'ttl');
    assert.equal(nodeKind(0x0100_0186_a0a0_0000n, true), 'ephemeral');
  });

  void it('clients see the session for ephemerals and 0 for container and TTL nodes', () => {
    const tree = new DataTree({ extendedTypesEnabled: true });
    const session = 0x0100_0186_a0a0_0001n;
    mk(tree, '/e', 1n, { owner: session });
    mk(tree, '/c', 2n, { owner: containerOwner });
    mk(tree, '/t', 3n, { owner: ownerForTtl(5000n) });
    assert.equal(statOf(tree, '/e').ephemeralOwner, session);
    assert.equal(statOf(tree, '/c').ephemeralOwner, 0n);
    assert.equal(statOf(tree, '/t').ephemeralOwner, 0n);
    assert.equal(visibleOwner(ownerForTtl(5000n), true), 0n);
    assert.equal(tree.get('/c')?.ephemeralOwner, containerOwner, 'stored owner is kept');
  });

  void it('indexes ephemerals by session, containers and TTL nodes; unindexes on delete', () => {
    const tree = new DataTree({ extendedTypesEnabled: true });
    const s1 = 0x11n;
    mk(tree, '/e1', 1n, { owner: s1 });
    mk(tree, '/e2', 2n, { owner: s1 });
    mk(tree, '/c', 3n, { owner: containerOwner });
    mk(tree, '/t', 4n, { owner: ownerForTtl(10n) });
    mk(tree, '/p', 5n);
    assert.deepEqual([...tree.ephemerals(s1)].sort(), ['/e1', '/e2']);
    assert.deepEqual([...tree.containers], ['/c']);
    assert.deepEqual([...tree.ttlNodes], ['/t']);
    assert.equal(tree.ephemerals(0n).size, 0, "persistent nodes are nobody's ephemerals");
    tree.deleteNode('/e1', 6n);
    tree.deleteNode('/c', 7n);
    tree.deleteNode('/t', 8n);
    assert.deepEqual([...tree.ephemerals(s1)], ['/e2']);
    tree.deleteNode('/e2', 9n);
    assert.equal(tree.ephemerals(s1).size, 0);
    assert.equal(tree.sessionsWithEphemerals().has(s1), false);
    assert.equal(tree.containers.size + tree.ttlNodes.size, 0);
  });
});

void describe('descendantCount and paths', () => {
  void it('counts every descendant but not the node itself', () => {
    const tree = new DataTree();
    mk(tree, '/a', 1n);
    mk(tree, '/a/b', 2n);
    mk(tree, '/a/b/c', 3n);
    mk(tree, '/a/d', 4n);
    assert.equal(tree.descendantCount('/a'), 3);
    assert.equal(tree.descendantCount('/a/b'), 1);
    assert.equal(tree.descendantCount('/a/d'), 0);
    assert.equal(tree.descendantCount('/missing'), 0);
    assert.equal(tree.descendantCount('/'), tree.nodeCount - 1, 'root counts /zookeeper too');
    assert.equal(tree.descendantCount('/zookeeper'), 2);
  });

  void it('lists parents before children', () => {
    const tree = new DataTree();
    mk(tree, '/a', 1n);
    mk(tree, '/a/b', 2n);
    mk(tree, '/a/b/c', 3n);
    const order = [...tree.paths()];
    assert.equal(order.length, tree.nodeCount);
    for (const path of order) {
      if (path === '/') continue;
      const parent = path.slice(0, Math.max(1, path.lastIndexOf('/')));
      assert.ok(order.indexOf(parent) < order.indexOf(path), `${parent} before ${path}`);
    }
  });
});

void describe('idempotent replay', () => {
  void it('a create applied twice changes nothing the second time', () => {
    const tree = new DataTree();
    mk(tree, '/p', 1n);
    const args = {
      path: '/p/a',
      data: Buffer.from('first'),
      acl: openAclUnsafe,
      ephemeralOwner: 0n,
      parentCVersion: 1,
      zxid: 2n,
      time: t0,
    };
    assert.ok(tree.createNode(args) !== undefined);
    const before = [statOf(tree, '/p'), statOf(tree, '/p/a')];
    assert.equal(tree.createNode({ ...args, data: Buffer.from('other'), zxid: 2n }), undefined);
    assert.deepEqual([statOf(tree, '/p'), statOf(tree, '/p/a')], before);
    assert.equal(tree.get('/p/a')?.data?.toString(), 'first');
    assert.equal(tree.nodeCount, 6);
  });

  void it('a replayed create with an older parentCVersion does not lower the parent', () => {
    const tree = new DataTree();
    mk(tree, '/p', 1n);
    mk(tree, '/p/a', 2n);
    mk(tree, '/p/b', 3n);
    tree.deleteNode('/p/a', 4n);
    // Replaying create /p/a (parentCVersion 1, zxid 2) recreates it but leaves cversion/pzxid.
    tree.createNode({
      path: '/p/a',
      data: null,
      acl: openAclUnsafe,
      ephemeralOwner: 0n,
      parentCVersion: 1,
      zxid: 2n,
      time: t0,
    });
    assert.equal(tree.get('/p')?.cversion, 2);
    assert.equal(statOf(tree, '/p').pzxid, 4n);
  });

  void it('a delete applied twice changes nothing the second time', () => {
    const tree = new DataTree();
    mk(tree, '/p', 1n);
    mk(tree, '/p/a', 2n);
    assert.equal(tree.deleteNode('/p/a', 3n), true);
    const before = statOf(tree, '/p');
    assert.equal(tree.deleteNode('/p/a', 3n), false);
    assert.deepEqual(statOf(tree, '/p'), before);
    assert.equal(tree.nodeCount, 5);
  });

  // Apache DataTree.deleteNode raises the parent's pzxid *before* finding the child missing:
  // "The child might already be deleted during taking fuzzy snapshot, but we still need to
  // update the pzxid here before throw exception for no such child".
  void it('replaying a delete of an already-absent child still raises the parent pzxid', () => {
    const tree = new DataTree();
    mk(tree, '/p', 1n);
    tree.deleteNode('/p/gone', 7n);
    assert.equal(statOf(tree, '/p').pzxid, 7n);
  });

  // Apache DataTree.processTxn: a create that fails with NODEEXISTS during replay still calls
  // setCversionPzxid(parent, txn.parentCVersion, zxid) (applied only if larger).
  void it('replaying a create whose node already exists still raises the parent cversion/pzxid', () => {
    const tree = new DataTree();
    mk(tree, '/p', 1n);
    mk(tree, '/p/a', 2n);
    const p = tree.get('/p');
    assert.ok(p !== undefined);
    // The fuzzy snapshot captured /p before the create and /p/a after it.
    p.cversion = 0;
    p.pzxid = 1n;
    tree.createNode({
      path: '/p/a',
      data: null,
      acl: openAclUnsafe,
      ephemeralOwner: 0n,
      parentCVersion: 1,
      zxid: 2n,
      time: t0,
    });
    assert.equal(p.cversion, 1);
    assert.equal(p.pzxid, 2n);
  });
});
