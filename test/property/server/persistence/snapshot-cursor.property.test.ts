// The copy-on-write snapshot walk: random create/delete/setData/setACL/multi/closeSession txns
// go through prepare + apply; a cursor begun at some zxid is stepped (next(k)) between further
// random batches. The records it yields must be exactly the tree as it was at its zxid (a deep
// copy taken at that moment), parents before children, and loading them into a fresh DataTree
// must reproduce the same Stat, data and ACL for every path. Several walks per run, one at a
// time, as the snapshotter does. Seeds are fixed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parentPath } from '../../../../src/core/path.ts';
import type { Acl, Stat } from '../../../../src/protocol/records.ts';
import type { MultiWriteOp } from '../../../../src/protocol/requests.ts';
import { DataTree } from '../../../../src/server/tree/data-tree.ts';
import type { NodeRecord, SnapshotCursor } from '../../../../src/server/tree/snapshot-cursor.ts';
import type { WriteRequest } from '../../../../src/server/txn/prepare.ts';
import type { Txn } from '../../../../src/server/txn/txn.ts';
import { runParameters } from '../../../support/protocol-arbitraries.ts';
import {
  Core,
  create,
  del,
  multi,
  open,
  setAcl,
  setData,
  worldAcl,
} from '../../../unit/server/harness.ts';

type MultiOp =
  | { kind: 'create'; path: string; mode: number; session: bigint; data: string | null }
  | { kind: 'delete'; path: string }
  | { kind: 'setData'; path: string; data: string };
type Op = MultiOp | { kind: 'setACL'; path: string; acl: number };
type Write = Op | { kind: 'close'; session: bigint } | { kind: 'multi'; ops: MultiOp[] };
type Cmd = { kind: 'batch'; writes: Write[] } | { kind: 'begin' } | { kind: 'step'; n: number };

const acls: readonly (readonly Acl[])[] = [open, worldAcl(31), worldAcl(0x1f & ~0x08)];
const pathArb = fc
  .array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 3 })
  .map((names) => `/${names.join('/')}`);
const sessionArb = fc.constantFrom(0x11n, 0x22n);
const multiOpArb: fc.Arbitrary<MultiOp> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      path: pathArb,
      mode: fc.constantFrom(0, 0, 0, 1, 2),
      session: sessionArb,
      data: fc.constantFrom(null, '', 'x', 'data'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), path: pathArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('setData' as const),
      path: pathArb,
      data: fc.constantFrom('', 'y', 'zz'),
    }),
  },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: multiOpArb },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('setACL' as const),
      path: pathArb,
      acl: fc.nat(acls.length - 1),
    }),
  },
);
const writeArb: fc.Arbitrary<Write> = fc.oneof(
  { weight: 10, arbitrary: opArb },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), session: sessionArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('multi' as const),
      ops: fc.array(multiOpArb, { minLength: 1, maxLength: 3 }),
    }),
  },
);
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      writes: fc.array(writeArb, { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'begin' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('step' as const), n: fc.integer({ min: 1, max: 3 }) }),
  },
);

function toMultiOp(op: MultiOp): MultiWriteOp {
  switch (op.kind) {
    case 'create':
      return create(op.path, { flags: op.mode, data: op.data });
    case 'delete':
      return del(op.path);
    case 'setData':
      return setData(op.path, op.data);
  }
}

function toRequest(op: Op): WriteRequest {
  return op.kind === 'setACL' ? setAcl(op.path, acls[op.acl] ?? open) : toMultiOp(op);
}

function runBatch(core: Core, writes: readonly Write[]): void {
  const prepared = writes.map((w): Txn => {
    if (w.kind === 'close') return core.prepareClose(w.session);
    const request: WriteRequest =
      w.kind === 'multi' ? multi(...w.ops.map(toMultiOp)) : toRequest(w);
    return core.prepare(request, { sessionId: w.kind === 'create' ? w.session : 0x11n });
  });
  for (const txn of prepared) core.apply(txn);
}

interface Expected {
  readonly record: NodeRecord;
  readonly stat: Stat;
}

/** A deep copy of every node as it is now. */
function capture(tree: DataTree): Map<string, Expected> {
  const out = new Map<string, Expected>();
  for (const path of tree.paths()) {
    const node = tree.get(path);
    assert.ok(node !== undefined);
    const record: NodeRecord = {
      path,
      data: node.data === null ? null : Buffer.from(node.data),
      acl: node.acl.map((a) => ({ perms: a.perms, id: { ...a.id } })),
      czxid: node.czxid,
      mzxid: node.mzxid,
      pzxid: node.pzxid,
      ctime: node.ctime,
      mtime: node.mtime,
      version: node.version,
      cversion: node.cversion,
      aversion: node.aversion,
      ephemeralOwner: node.ephemeralOwner,
    };
    out.set(path, { record, stat: { ...tree.stat(node) } });
  }
  return out;
}

function verify(yielded: readonly NodeRecord[], expected: Map<string, Expected>): void {
  const seen = new Set<string>();
  for (const record of yielded) {
    assert.ok(!seen.has(record.path), `${record.path} yielded twice`);
    if (record.path !== '/')
      assert.ok(seen.has(parentPath(record.path)), `parent of ${record.path} first`);
    seen.add(record.path);
    const want = expected.get(record.path);
    assert.ok(want !== undefined, `${record.path} did not exist at the snapshot's zxid`);
    assert.deepStrictEqual(
      { ...record, acl: [...record.acl] },
      { ...want.record, acl: [...want.record.acl] },
    );
  }
  assert.deepStrictEqual([...seen].sort(), [...expected.keys()].sort(), 'the set of nodes');
  const fresh = new DataTree({ extendedTypesEnabled: true });
  for (const record of yielded) fresh.loadNode(record);
  assert.deepStrictEqual([...fresh.paths()].sort(), [...expected.keys()].sort(), 'loaded paths');
  for (const [path, want] of expected) {
    const node = fresh.get(path);
    assert.ok(node !== undefined);
    assert.deepStrictEqual(fresh.stat(node), want.stat, `stat of ${path} after loading`);
    assert.deepStrictEqual(node.data, want.record.data, `data of ${path}`);
    assert.deepStrictEqual([...node.acl], want.record.acl, `acl of ${path}`);
  }
  // Loading also works in any other parents-first order (breadth first here), not only the
  // depth-first order the walk writes.
  const depth = (path: string): number => (path === '/' ? 0 : path.split('/').length);
  const breadthFirst = new DataTree({ extendedTypesEnabled: true });
  for (const record of [...yielded].sort((a, b) => depth(a.path) - depth(b.path))) {
    breadthFirst.loadNode(record);
  }
  for (const [path, want] of expected) {
    const node = breadthFirst.get(path);
    assert.ok(node !== undefined, `${path} loaded breadth first`);
    assert.deepStrictEqual(breadthFirst.stat(node), want.stat, `stat of ${path} (breadth first)`);
  }
}

interface Walk {
  readonly cursor: SnapshotCursor;
  readonly expected: Map<string, Expected>;
  readonly yielded: NodeRecord[];
}

/** Walks during which the tree changed (so that pre-images were needed). */
let walksUnderWrites = 0;

function run(cmds: readonly Cmd[]): void {
  const core = new Core();
  let walk: Walk | undefined;
  const finish = (w: Walk): void => {
    verify(w.yielded, w.expected);
    if (core.state.lastAppliedZxid > w.cursor.zxid) walksUnderWrites++;
    core.tree.endSnapshot(w.cursor);
    walk = undefined;
  };
  for (const cmd of cmds) {
    if (cmd.kind === 'batch') runBatch(core, cmd.writes);
    else if (cmd.kind === 'begin' && walk === undefined) {
      const cursor = core.tree.beginSnapshot(core.state.lastAppliedZxid);
      walk = { cursor, expected: capture(core.tree), yielded: [] };
    } else if (cmd.kind === 'step' && walk !== undefined) {
      walk.yielded.push(...walk.cursor.next(cmd.n));
      if (walk.cursor.done) finish(walk);
    }
  }
  if (walk !== undefined) {
    while (!walk.cursor.done) walk.yielded.push(...walk.cursor.next(1000));
    finish(walk);
  }
  // The live tree is untouched by the walks: a fresh walk now matches it as well.
  const cursor = core.tree.beginSnapshot(core.state.lastAppliedZxid);
  const now = capture(core.tree);
  verify(cursor.next(100_000), now);
  assert.ok(cursor.done);
  core.tree.endSnapshot(cursor);
}

void describe('snapshot cursor: a point-in-time walk under concurrent writes', () => {
  void it('yields the tree at its zxid; it loads back with equal stats (seed 0xc0c0)', () => {
    walksUnderWrites = 0;
    const cmdsArb = fc.array(cmdArb, { minLength: 1, maxLength: 80, size: 'large' });
    fc.assert(
      fc.property(cmdsArb, (cmds) => run(cmds)),
      runParameters(0xc0c0, 300),
    );
    assert.ok(walksUnderWrites > 300, `only ${walksUnderWrites} walks had writes during them`);
  });

  void it('by hand: delete, re-create and write under nodes the walk has not reached', () => {
    const writes = (ops: Write[]): Cmd => ({ kind: 'batch', writes: ops });
    const mk = (path: string, mode = 0): Op => ({
      kind: 'create',
      path,
      mode,
      session: 0x11n,
      data: 'd',
    });
    run([
      writes([mk('/a'), mk('/a/b'), mk('/a/b/c'), mk('/b'), mk('/c', 1)]),
      { kind: 'begin' },
      { kind: 'step', n: 1 },
      writes([
        { kind: 'delete', path: '/a/b/c' },
        { kind: 'delete', path: '/a/b' },
      ]),
      writes([mk('/a/b'), { kind: 'setData', path: '/b', data: 'new' }, mk('/b/x')]),
      { kind: 'step', n: 2 },
      writes([
        { kind: 'close', session: 0x11n },
        { kind: 'setACL', path: '/a', acl: 2 },
      ]),
      { kind: 'step', n: 3 },
      writes([mk('/c'), { kind: 'delete', path: '/b/x' }]),
      { kind: 'step', n: 3 },
      { kind: 'step', n: 3 },
      { kind: 'begin' },
      writes([{ kind: 'setData', path: '/a/b', data: 'again' }]),
    ]);
  });
});
