// The client watch table routes like Java's ZKWatchManager; SetWatches batches like
// ClientCnxn.primeConnection.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventType, OpCode } from '../../../src/protocol/index.ts';
import { Chroot } from '../../../src/client/chroot.ts';
import { setWatchesBatches } from '../../../src/client/set-watches.ts';
import type { WatchListener } from '../../../src/client/types.ts';
import { WatchRegistry, type WatchTable } from '../../../src/client/watch-registry.ts';

function named(name: string): WatchListener {
  const listener: WatchListener = () => undefined;
  Object.defineProperty(listener, 'name', { value: name });
  return listener;
}

function routed(registry: WatchRegistry, type: number, path: string): string[] {
  return [...registry.route(type, path)].map((l) => l.name).sort();
}

void describe('WatchRegistry routing', () => {
  const setup = (): WatchRegistry => {
    const registry = new WatchRegistry();
    const entries: [WatchTable, string, string][] = [
      ['data', '/a', 'data'],
      ['exist', '/a', 'exist'],
      ['child', '/a', 'child'],
      ['persistent', '/a', 'persistent'],
      ['persistentRecursive', '/', 'recursiveRoot'],
      ['persistentRecursive', '/a/b', 'recursiveAB'],
    ];
    for (const [table, path, name] of entries) registry.add(table, path, named(name));
    return registry;
  };

  void it('routes each event type to the right tables and consumes one-shot watches', () => {
    const r1 = setup();
    assert.deepEqual(routed(r1, EventType.nodeDataChanged, '/a'), [
      'data',
      'exist',
      'persistent',
      'recursiveRoot',
    ]);
    assert.deepEqual(
      routed(r1, EventType.nodeDataChanged, '/a'),
      ['persistent', 'recursiveRoot'],
      'one-shot watches fired once',
    );
    const r2 = setup();
    assert.deepEqual(routed(r2, EventType.nodeChildrenChanged, '/a'), ['child', 'persistent']);
    assert.deepEqual(routed(r2, EventType.nodeDeleted, '/a'), [
      'data',
      'exist',
      'persistent',
      'recursiveRoot',
    ]);
    const r3 = setup();
    assert.deepEqual(routed(r3, EventType.nodeDeleted, '/a'), [
      'child',
      'data',
      'exist',
      'persistent',
      'recursiveRoot',
    ]);
    assert.deepEqual(routed(r3, EventType.nodeCreated, '/a/b/c'), ['recursiveAB', 'recursiveRoot']);
    assert.deepEqual(
      routed(r3, EventType.nodeChildrenChanged, '/a/b'),
      [],
      'recursive watches never get NodeChildrenChanged',
    );
    assert.deepEqual(routed(r3, EventType.nodeCreated, '/z'), ['recursiveRoot']);
  });

  void it('delivers once per listener even when registered in several tables', () => {
    const registry = new WatchRegistry();
    const listener = named('same');
    registry.add('data', '/x', listener);
    registry.add('persistent', '/x', listener);
    registry.add('data', '/x', listener);
    assert.equal(registry.size, 2);
    assert.deepEqual(routed(registry, EventType.nodeDataChanged, '/x'), ['same']);
  });

  void it('removes by kind and reports the removed-event type per listener', () => {
    const registry = setup();
    const removed = registry.removeAll('data', '/a').map((r) => [r.listener.name, r.type]);
    assert.deepEqual(removed, [
      ['data', 'dataWatchRemoved'],
      ['exist', 'dataWatchRemoved'],
    ]);
    assert.equal(registry.hasKind('data', '/a'), false);
    assert.equal(registry.hasKind('any', '/a'), true);
    const all = registry.removeAll('any', '/a').map((r) => r.type);
    assert.deepEqual(all, ['childWatchRemoved', 'persistentWatchRemoved']);
  });

  void it('tells persistent listeners about state changes, everyone about the final one', () => {
    const registry = setup();
    const names = (set: Set<WatchListener>): string[] => [...set].map((l) => l.name).sort();
    assert.deepEqual(names(registry.stateListeners(false)), [
      'persistent',
      'recursiveAB',
      'recursiveRoot',
    ]);
    assert.equal(registry.size, 6);
    assert.equal(names(registry.stateListeners(true)).length, 6);
    assert.equal(registry.size, 0, 'a final state clears the table');
  });

  void it('removes one listener and says how many remain', () => {
    const registry = new WatchRegistry();
    const a = named('a');
    const b = named('b');
    registry.add('persistent', '/p', a);
    registry.add('persistent', '/p', b);
    assert.equal(registry.removeListener('persistent', '/p', a), 1);
    assert.equal(registry.removeListener('persistent', '/p', a), undefined);
    assert.equal(registry.removeListener('persistent', '/p', b), 0);
    assert.equal(registry.has('persistent', '/p'), false);
  });
});

void describe('setWatchesBatches', () => {
  void it('prepends the chroot, batches by path length, and picks 101 or 105 per batch', () => {
    const paths = {
      data: ['/d1', '/d2'],
      exist: ['/e1'],
      child: ['/c1'],
      persistent: ['/p1'],
      persistentRecursive: [],
    };
    const chroot = new Chroot('/app');
    const one = setWatchesBatches(paths, { chroot, relativeZxid: 5n });
    assert.equal(one.length, 1);
    assert.equal(one[0]?.opcode, OpCode.setWatches2);
    assert.deepEqual(one[0]?.dataWatches, ['/app/d1', '/app/d2']);
    assert.equal(one[0]?.relativeZxid, 5n);
    // 7 characters per path, batches close at >= 14 characters.
    const small = setWatchesBatches(paths, { chroot, relativeZxid: 5n, batchCharsMax: 14 });
    assert.deepEqual(
      small.map((b) => [b.opcode, [...b.dataWatches, ...b.existWatches, ...b.childWatches]]),
      [
        [OpCode.setWatches, ['/app/d1', '/app/d2']],
        [OpCode.setWatches, ['/app/e1', '/app/c1']],
        [OpCode.setWatches2, []],
      ],
    );
    assert.deepEqual(small[2]?.persistentWatches, ['/app/p1']);
    const none = { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
    assert.deepEqual(setWatchesBatches(none, { chroot, relativeZxid: 0n }), []);
  });
});
