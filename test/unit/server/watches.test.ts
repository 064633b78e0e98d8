// Watches as a ZooKeeper user sees them (§7.2-§7.3): which read arms which watch, what each
// txn fires, one-shot vs persistent vs persistent-recursive, one notification per connection,
// and checkWatches/removeWatches by WatcherType (-121 NOWATCHER when nothing matches).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AddWatchMode,
  ErrorCode,
  EventType,
  WatcherType,
} from '../../../src/protocol/constants.ts';
import { Core, create, del, eventsFor, setAcl, setData, worldAcl } from './harness.ts';

const { nodeCreated: CREATED, nodeDeleted: DELETED } = EventType;
const { nodeDataChanged: CHANGED, nodeChildrenChanged: CHILDREN } = EventType;
const W = 7; // the watching connection
const V = 8; // another connection

function arm(core: Core, type: 'exists' | 'getData' | 'getChildren', path: string, w = W) {
  return core.read({ type, path, watch: true }, { watcher: w }).err;
}
function addWatch(core: Core, path: string, mode: number, w = W): void {
  assert.equal(core.read({ type: 'addWatch', path, mode }, { watcher: w }).err, 0);
}
function watches(core: Core, type: 'checkWatches' | 'removeWatches', path: string, t: number) {
  return core.read({ type, path, watcherType: t }, { watcher: W }).err;
}

void describe('one-shot watches', () => {
  void it('a data watch fires NodeDataChanged once', () => {
    const core = new Core();
    core.ok(create('/a'));
    assert.equal(arm(core, 'getData', '/a'), 0);
    assert.deepEqual(eventsFor(core.ok(setData('/a')), W), [[CHANGED, '/a']]);
    assert.deepEqual(eventsFor(core.ok(setData('/a')), W), []);
  });

  void it('exists on a missing node registers a watch that fires NodeCreated', () => {
    const core = new Core();
    assert.equal(arm(core, 'exists', '/a'), ErrorCode.noNode);
    assert.deepEqual(eventsFor(core.ok(create('/a')), W), [[CREATED, '/a']]);
    assert.deepEqual(eventsFor(core.ok(setData('/a')), W), []);
  });

  void it('getData / getChildren on a missing node leave no watch', () => {
    const core = new Core();
    assert.equal(arm(core, 'getData', '/a'), ErrorCode.noNode);
    assert.equal(arm(core, 'getChildren', '/a'), ErrorCode.noNode);
    assert.deepEqual(eventsFor(core.ok(create('/a')), W), []);
    assert.deepEqual(eventsFor(core.ok(create('/a/b')), W), []);
  });

  void it('a child watch fires NodeChildrenChanged once, on create and on delete', () => {
    const core = new Core();
    core.ok(create('/p'));
    arm(core, 'getChildren', '/p');
    assert.deepEqual(eventsFor(core.ok(create('/p/a')), W), [[CHILDREN, '/p']]);
    assert.deepEqual(eventsFor(core.ok(create('/p/b')), W), []);
    arm(core, 'getChildren', '/p');
    assert.deepEqual(eventsFor(core.ok(setData('/p')), W), [], 'data changes are not child events');
    assert.deepEqual(eventsFor(core.ok(del('/p/a')), W), [[CHILDREN, '/p']]);
  });

  void it('delete fires NodeDeleted once per connection and NodeChildrenChanged on the parent', () => {
    const core = new Core();
    core.ok(create('/p'));
    core.ok(create('/p/a'));
    arm(core, 'getData', '/p/a');
    arm(core, 'getChildren', '/p/a');
    arm(core, 'exists', '/p/a');
    arm(core, 'getChildren', '/p/a', V);
    arm(core, 'getChildren', '/p', V);
    const r = core.ok(del('/p/a'));
    assert.deepEqual(eventsFor(r, W), [[DELETED, '/p/a']]);
    assert.deepEqual(eventsFor(r, V), [
      [DELETED, '/p/a'],
      [CHILDREN, '/p'],
    ]);
    const deleted = r.notifications.filter((n) => n.type === DELETED);
    assert.equal(
      deleted.reduce((sum, n) => sum + (n.watchers.has(W) ? 1 : 0), 0),
      1,
    );
  });

  void it('setACL and failed writes fire nothing', () => {
    const core = new Core();
    core.ok(create('/a'));
    arm(core, 'getData', '/a');
    arm(core, 'getChildren', '/a');
    assert.equal(core.ok(setAcl('/a', worldAcl(31))).notifications.length, 0);
    const failed = core.write(setData('/a', 'x', 42));
    assert.equal(failed.err, ErrorCode.badVersion);
    assert.equal(failed.notifications.length, 0);
    assert.deepEqual(eventsFor(core.ok(setData('/a')), W), [[CHANGED, '/a']], 'still armed');
  });

  // Apache WatchManager.triggerWatch removes the STANDARD mode of every watcher at the path
  // before it applies `supress`: the child watch of a connection already told NodeDeleted
  // through its data watch is consumed, not left behind.
  void it('a child watch suppressed on delete is consumed, not kept for the next incarnation', () => {
    const core = new Core();
    core.ok(create('/a'));
    arm(core, 'getData', '/a');
    arm(core, 'getChildren', '/a');
    assert.deepEqual(eventsFor(core.ok(del('/a')), W), [[DELETED, '/a']]);
    assert.equal(watches(core, 'checkWatches', '/a', WatcherType.children), ErrorCode.noWatcher);
    core.ok(create('/a'));
    assert.deepEqual(eventsFor(core.ok(create('/a/b')), W), []);
  });
});

void describe('persistent watches', () => {
  void it('keep firing for the node, including NodeChildrenChanged, and survive its delete', () => {
    const core = new Core();
    addWatch(core, '/a', AddWatchMode.persistent);
    assert.deepEqual(eventsFor(core.ok(create('/a')), W), [[CREATED, '/a']]);
    assert.deepEqual(eventsFor(core.ok(setData('/a')), W), [[CHANGED, '/a']]);
    assert.deepEqual(eventsFor(core.ok(setData('/a')), W), [[CHANGED, '/a']]);
    assert.deepEqual(eventsFor(core.ok(create('/a/b')), W), [[CHILDREN, '/a']]);
    assert.deepEqual(eventsFor(core.ok(setData('/a/b')), W), [], 'not recursive');
    assert.deepEqual(eventsFor(core.ok(del('/a/b')), W), [[CHILDREN, '/a']]);
    assert.deepEqual(eventsFor(core.ok(del('/a')), W), [[DELETED, '/a']]);
    assert.deepEqual(eventsFor(core.ok(create('/a')), W), [[CREATED, '/a']]);
  });

  void it('recursive ones fire for every descendant, never NodeChildrenChanged', () => {
    const core = new Core();
    core.ok(create('/a'));
    addWatch(core, '/a', AddWatchMode.persistentRecursive);
    assert.deepEqual(eventsFor(core.ok(create('/a/b')), W), [[CREATED, '/a/b']]);
    assert.deepEqual(eventsFor(core.ok(create('/a/b/c')), W), [[CREATED, '/a/b/c']]);
    assert.deepEqual(eventsFor(core.ok(setData('/a/b/c')), W), [[CHANGED, '/a/b/c']]);
    assert.deepEqual(eventsFor(core.ok(setData('/a')), W), [[CHANGED, '/a']]);
    assert.deepEqual(eventsFor(core.ok(del('/a/b/c')), W), [[DELETED, '/a/b/c']]);
    assert.deepEqual(eventsFor(core.ok(create('/ab')), W), [], '/ab is not under /a');
    assert.deepEqual(eventsFor(core.ok(del('/a/b')), W), [[DELETED, '/a/b']]);
    assert.deepEqual(eventsFor(core.ok(del('/a')), W), [[DELETED, '/a']]);
    assert.deepEqual(eventsFor(core.ok(create('/a')), W), [[CREATED, '/a']], 'still registered');
  });

  void it('a recursive watch on / sees everything; one event even with a one-shot too', () => {
    const core = new Core();
    addWatch(core, '/', AddWatchMode.persistentRecursive);
    assert.equal(arm(core, 'exists', '/x'), ErrorCode.noNode);
    assert.deepEqual(eventsFor(core.ok(create('/x')), W), [[CREATED, '/x']]);
    assert.deepEqual(eventsFor(core.ok(create('/x/y')), W), [[CREATED, '/x/y']]);
  });

  void it('a one-shot and a persistent watch on one path: the one-shot goes, the other stays', () => {
    const core = new Core();
    core.ok(create('/a'));
    addWatch(core, '/a', AddWatchMode.persistent);
    arm(core, 'getData', '/a');
    assert.deepEqual(eventsFor(core.ok(setData('/a')), W), [[CHANGED, '/a']]);
    assert.equal(watches(core, 'checkWatches', '/a', WatcherType.data), ErrorCode.noWatcher);
    assert.equal(watches(core, 'checkWatches', '/a', WatcherType.persistent), 0);
    assert.deepEqual(eventsFor(core.ok(setData('/a')), W), [[CHANGED, '/a']]);
  });

  void it('addWatch with an unknown mode is BADARGUMENTS', () => {
    const core = new Core();
    assert.equal(
      core.read({ type: 'addWatch', path: '/a', mode: 2 }, { watcher: W }).err,
      ErrorCode.badArguments,
    );
  });
});

void describe('checkWatches / removeWatches', () => {
  void it('match by type; nothing matching is NOWATCHER (-121)', () => {
    const core = new Core();
    core.ok(create('/a'));
    for (const t of [1, 2, 3, 4, 5]) {
      assert.equal(watches(core, 'checkWatches', '/a', t), ErrorCode.noWatcher, `type ${t}`);
      assert.equal(watches(core, 'removeWatches', '/a', t), ErrorCode.noWatcher, `type ${t}`);
    }
    arm(core, 'getData', '/a');
    assert.equal(watches(core, 'checkWatches', '/a', WatcherType.data), 0);
    assert.equal(watches(core, 'checkWatches', '/a', WatcherType.any), 0);
    assert.equal(watches(core, 'checkWatches', '/a', WatcherType.children), ErrorCode.noWatcher);
    assert.equal(watches(core, 'checkWatches', '/a', WatcherType.persistent), ErrorCode.noWatcher);
    assert.equal(watches(core, 'checkWatches', '/b', WatcherType.data), ErrorCode.noWatcher);
    assert.equal(
      core.read({ type: 'checkWatches', path: '/a', watcherType: WatcherType.data }, { watcher: V })
        .err,
      ErrorCode.noWatcher,
      'watches are per connection',
    );
  });

  void it('removeWatches drops only the named kind; checkWatches drops nothing', () => {
    const core = new Core();
    core.ok(create('/a'));
    arm(core, 'getData', '/a');
    arm(core, 'getChildren', '/a');
    assert.equal(watches(core, 'checkWatches', '/a', WatcherType.children), 0);
    assert.equal(watches(core, 'removeWatches', '/a', WatcherType.children), 0);
    assert.equal(watches(core, 'removeWatches', '/a', WatcherType.children), ErrorCode.noWatcher);
    assert.deepEqual(eventsFor(core.ok(create('/a/x')), W), []);
    assert.deepEqual(eventsFor(core.ok(setData('/a')), W), [[CHANGED, '/a']]);
  });

  void it('persistent and recursive types; "any" removes everything on the path', () => {
    const core = new Core();
    core.ok(create('/a'));
    addWatch(core, '/a', AddWatchMode.persistent);
    assert.equal(
      watches(core, 'removeWatches', '/a', WatcherType.persistentRecursive),
      ErrorCode.noWatcher,
    );
    assert.equal(watches(core, 'removeWatches', '/a', WatcherType.persistent), 0);
    assert.deepEqual(eventsFor(core.ok(create('/a/b')), W), []);
    addWatch(core, '/a', AddWatchMode.persistentRecursive);
    assert.equal(watches(core, 'checkWatches', '/a', WatcherType.persistentRecursive), 0);
    assert.equal(watches(core, 'checkWatches', '/a', WatcherType.persistent), ErrorCode.noWatcher);
    arm(core, 'getChildren', '/a');
    assert.equal(watches(core, 'removeWatches', '/a', WatcherType.any), 0);
    assert.equal(watches(core, 'checkWatches', '/a', WatcherType.any), ErrorCode.noWatcher);
    assert.deepEqual(eventsFor(core.ok(create('/a/c')), W), []);
    assert.deepEqual(eventsFor(core.ok(setData('/a/c')), W), []);
  });

  void it('a closed connection loses all its watches', () => {
    const core = new Core();
    core.ok(create('/a'));
    arm(core, 'getData', '/a');
    addWatch(core, '/', AddWatchMode.persistentRecursive);
    core.state.watches.removeWatcher(W);
    assert.equal(core.state.watches.watchCount(), 0);
    assert.deepEqual(eventsFor(core.ok(setData('/a')), W), []);
  });
});
