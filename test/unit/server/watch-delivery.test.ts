// Watch delivery through the RequestProcessor with fake connections: events are filtered by
// READ on the node at delivery time (3.8.4+/3.9.2+, §7.4) while the one-shot is still consumed,
// and SetWatches catch-up on reconnect (§7.5) is computed from relativeZxid.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AddWatchMode,
  ErrorCode,
  EventType,
  OpCode,
  WatcherType,
} from '../../../src/protocol/constants.ts';
import type { SetWatchesRequest } from '../../../src/protocol/requests.ts';
import { asUser, create, del, digestAcl, Pipeline, setAcl, setData } from './harness.ts';

const { nodeCreated: CREATED, nodeDeleted: DELETED } = EventType;
const { nodeDataChanged: CHANGED, nodeChildrenChanged: CHILDREN } = EventType;

function setWatches(relativeZxid: bigint, lists: Partial<SetWatchesRequest>): SetWatchesRequest {
  return {
    type: 'setWatches',
    opcode: OpCode.setWatches2,
    relativeZxid,
    dataWatches: [],
    existWatches: [],
    childWatches: [],
    persistentWatches: [],
    persistentRecursiveWatches: [],
    ...lists,
  };
}

void describe('events are filtered by READ at delivery', () => {
  void it('a connection without READ on the node gets no event; its one-shot is used up', () => {
    const p = new Pipeline();
    const alice = p.connect(asUser('alice:pw'));
    const bob = p.connect(asUser('bob:pw'));
    for (const c of [alice, bob]) p.call(c, { type: 'exists', path: '/s', watch: true });
    p.call(alice, create('/s', { acl: [digestAcl('alice:pw')] }));
    assert.deepEqual(alice.conn.eventList(), [[CREATED, '/s']]);
    assert.deepEqual(bob.conn.eventList(), []);
    const check = { type: 'checkWatches', path: '/s', watcherType: WatcherType.data } as const;
    assert.equal(p.call(bob, check).header.err, ErrorCode.noWatcher, 'the watch was consumed');
  });

  void it('NodeChildrenChanged is checked against the parent, others against the node', () => {
    const p = new Pipeline();
    const alice = p.connect(asUser('alice:pw'));
    const bob = p.connect(asUser('bob:pw'));
    p.call(alice, create('/open'));
    p.call(bob, { type: 'addWatch', path: '/open', mode: AddWatchMode.persistentRecursive });
    p.call(bob, { type: 'getChildren', path: '/open', watch: true });
    p.call(alice, create('/open/private', { acl: [digestAcl('alice:pw')] }));
    assert.deepEqual(bob.conn.eventList(), [[CHILDREN, '/open']], 'NodeCreated was dropped');
    p.call(alice, setData('/open/private', 'x'));
    p.call(alice, del('/open/private'));
    assert.deepEqual(bob.conn.eventList(), [[CHILDREN, '/open']]);
    p.call(alice, create('/open/public'));
    assert.deepEqual(bob.conn.eventList().slice(1), [[CREATED, '/open/public']]);
  });

  void it('uses the ACL the node had when the event fired (after setACL, before delete)', () => {
    const p = new Pipeline();
    const alice = p.connect(asUser('alice:pw'));
    const bob = p.connect(asUser('bob:pw'));
    p.call(alice, create('/n'));
    p.call(bob, { type: 'addWatch', path: '/n', mode: AddWatchMode.persistent });
    p.call(alice, setData('/n'));
    p.call(alice, setAcl('/n', [digestAcl('alice:pw')]));
    p.call(alice, setData('/n'));
    p.call(alice, del('/n'));
    assert.deepEqual(bob.conn.eventList(), [[CHANGED, '/n']]);
  });

  void it('super and world-readable nodes always deliver', () => {
    const p = new Pipeline();
    const root = p.connect([...asUser('super:test'), { scheme: 'super', id: '' }]);
    const alice = p.connect(asUser('alice:pw'));
    p.call(root, { type: 'addWatch', path: '/', mode: AddWatchMode.persistentRecursive });
    p.call(alice, create('/mine', { acl: [digestAcl('alice:pw')] }));
    assert.deepEqual(root.conn.eventList(), [[CREATED, '/mine']]);
  });

  void it('exists on a node the caller cannot READ is NOAUTH and arms nothing', () => {
    const p = new Pipeline();
    const alice = p.connect(asUser('alice:pw'));
    const bob = p.connect(asUser('bob:pw'));
    p.call(alice, create('/s', { acl: [digestAcl('alice:pw')] }));
    assert.equal(
      p.call(bob, { type: 'exists', path: '/s', watch: true }).header.err,
      ErrorCode.noAuth,
    );
    const check = { type: 'checkWatches', path: '/s', watcherType: WatcherType.any } as const;
    assert.equal(p.call(bob, check).header.err, ErrorCode.noWatcher);
    assert.equal(
      p.call(bob, { type: 'exists', path: '/s\u0000', watch: false }).header.err,
      ErrorCode.badArguments,
    );
  });
});

void describe('setWatches catch-up', () => {
  function seeded() {
    const p = new Pipeline();
    const writer = p.connect();
    p.call(writer, create('/d')); // zxid 1
    p.call(writer, create('/c')); // zxid 2
    p.call(writer, create('/c/x')); // zxid 3: /c pzxid 3
    p.call(writer, setData('/d')); // zxid 4: /d mzxid 4
    return { p, writer };
  }

  void it('data watches: missing -> NodeDeleted, changed -> NodeDataChanged, else armed', () => {
    const { p, writer } = seeded();
    const c = p.connect();
    const dataWatches = ['/gone', '/d', '/c'];
    assert.equal(p.call(c, setWatches(3n, { dataWatches })).header.err, 0);
    assert.deepEqual(c.conn.eventList(), [
      [DELETED, '/gone'],
      [CHANGED, '/d'],
    ]);
    assert.ok(
      c.conn.events.every((e) => e.zxid === -1n),
      'catch-up events carry zxid -1',
    );
    p.call(writer, setData('/c'));
    assert.deepEqual(c.conn.eventList().slice(2), [[CHANGED, '/c']], '/c was armed');
  });

  void it('mzxid equal to relativeZxid counts as seen', () => {
    const { p, writer } = seeded();
    const c = p.connect();
    p.call(c, setWatches(4n, { dataWatches: ['/d'] }));
    assert.deepEqual(c.conn.eventList(), []);
    p.call(writer, setData('/d'));
    assert.deepEqual(c.conn.eventList(), [[CHANGED, '/d']]);
  });

  void it('exist watches: present -> NodeCreated whatever the zxid; missing -> armed', () => {
    const { p, writer } = seeded();
    const c = p.connect();
    p.call(c, setWatches(100n, { existWatches: ['/d', '/later'] }));
    assert.deepEqual(c.conn.eventList(), [[CREATED, '/d']]);
    p.call(writer, create('/later'));
    assert.deepEqual(c.conn.eventList().slice(1), [[CREATED, '/later']]);
  });

  void it('child watches compare pzxid: missing -> NodeDeleted, newer -> NodeChildrenChanged', () => {
    const { p, writer } = seeded();
    const c = p.connect();
    p.call(c, setWatches(2n, { childWatches: ['/c', '/gone', '/d'] }));
    assert.deepEqual(c.conn.eventList(), [
      [CHILDREN, '/c'],
      [DELETED, '/gone'],
    ]);
    p.call(writer, create('/d/kid'));
    assert.deepEqual(c.conn.eventList().slice(2), [[CHILDREN, '/d']], '/d was armed');
  });

  void it('persistent watches get no catch-up events but are registered', () => {
    const { p, writer } = seeded();
    const c = p.connect();
    p.call(
      c,
      setWatches(0n, { persistentWatches: ['/d', '/gone'], persistentRecursiveWatches: ['/c'] }),
    );
    assert.deepEqual(c.conn.eventList(), []);
    p.call(writer, setData('/d'));
    p.call(writer, create('/gone'));
    p.call(writer, create('/c/x/deep'));
    assert.deepEqual(c.conn.eventList(), [
      [CHANGED, '/d'],
      [CREATED, '/gone'],
      [CREATED, '/c/x/deep'],
    ]);
  });

  void it('catch-up events are not ACL-filtered', () => {
    const p = new Pipeline();
    const alice = p.connect(asUser('alice:pw'));
    p.call(alice, create('/s', { acl: [digestAcl('alice:pw')] }));
    const bob = p.connect(asUser('bob:pw'));
    p.call(bob, setWatches(0n, { existWatches: ['/s'], dataWatches: ['/s'] }));
    assert.deepEqual(bob.conn.eventList(), [
      [CHANGED, '/s'],
      [CREATED, '/s'],
    ]);
  });

  void it('the catch-up events precede the setWatches reply', () => {
    const { p } = seeded();
    const c = p.connect();
    const xid = p.submit(c, setWatches(0n, { dataWatches: ['/d'] }));
    p.run();
    assert.deepEqual(c.conn.log, [`event:${CHANGED}:/d`, `reply:${xid}:0`]);
  });
});
