// Tree properties under random write sequences: batches of create/delete/setData/multi/
// closeSession on a small path alphabet go through prepare (with pending changes) and apply,
// and afterwards the tree matches a model of Apache's stat rules and keeps its structural
// invariants. Replaying the log must not change the outcome (fuzzy-snapshot idempotence).
// Seeds are fixed; fast-check prints the seed and the shrunk counterexample on failure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { baseName, parentPath } from '../../../src/core/path.ts';
import { CreateMode, OpCode } from '../../../src/protocol/constants.ts';
import type { MultiWriteOp } from '../../../src/protocol/requests.ts';
import { nodeKind } from '../../../src/server/tree/ephemeral-type.ts';
import type { Txn, TxnBody } from '../../../src/server/txn/txn.ts';
import { Core, create, del, multi, setData } from '../../unit/server/harness.ts';

type Op =
  | { kind: 'create'; path: string; mode: number; session: bigint }
  | { kind: 'delete'; path: string; version: number }
  | { kind: 'setData'; path: string; version: number; data: string };
type Cmd = Op | { kind: 'close'; session: bigint } | { kind: 'multi'; ops: Op[] };

const pathArb = fc
  .array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 3 })
  .map((names) => `/${names.join('/')}`);
const sessionArb = fc.constantFrom(0x11n, 0x22n);
const versionArb = fc.constantFrom(-1, -1, 0, 1);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      path: pathArb,
      mode: fc.constantFrom(0, 0, 1, 2, 3, 4),
      session: sessionArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      path: pathArb,
      version: versionArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('setData' as const),
      path: pathArb,
      version: versionArb,
      data: fc.constantFrom('', 'x', 'yy'),
    }),
  },
);
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 8, arbitrary: opArb },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), session: sessionArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('multi' as const),
      ops: fc.array(opArb, { minLength: 1, maxLength: 3 }),
    }),
  },
);
/** Batches: the commands of one batch are all prepared before any of them is applied. */
const runArb = fc.array(fc.array(cmdArb, { minLength: 1, maxLength: 3 }), { maxLength: 25 });

function toRequest(op: Op): MultiWriteOp {
  switch (op.kind) {
    case 'create':
      return op.mode === CreateMode.container
        ? create(op.path, { flags: op.mode, opcode: OpCode.createContainer })
        : create(op.path, { flags: op.mode });
    case 'delete':
      return del(op.path, op.version);
    case 'setData':
      return setData(op.path, op.data, op.version);
  }
}

function runBatches(core: Core, batches: Cmd[][]): Txn[] {
  const log: Txn[] = [];
  for (const batch of batches) {
    const prepared = batch.map((cmd): Txn => {
      if (cmd.kind === 'close') return core.prepareClose(cmd.session);
      const sessionId = cmd.kind === 'create' ? cmd.session : 0x11n;
      const request = cmd.kind === 'multi' ? multi(...cmd.ops.map(toRequest)) : toRequest(cmd);
      return core.prepare(request, { sessionId });
    });
    for (const txn of prepared) core.apply(txn);
    log.push(...prepared);
  }
  return log;
}

interface ModelNode {
  czxid: bigint;
  mzxid: bigint;
  pzxid: bigint;
  version: number;
  /** Child creates + deletes, plus the offset of children that came without a create. */
  changes: number;
}

/** Apache's stat rules, replayed from the committed txns. */
function model(log: readonly Txn[]): Map<string, ModelNode> {
  const nodes = new Map<string, ModelNode>();
  const zero = (changes: number): ModelNode => ({
    czxid: 0n,
    mzxid: 0n,
    pzxid: 0n,
    version: 0,
    changes,
  });
  nodes.set('/', zero(-1));
  nodes.set('/zookeeper', zero(-2));
  nodes.set('/zookeeper/quota', zero(0));
  nodes.set('/zookeeper/config', zero(0));
  const childChanged = (path: string, zxid: bigint): void => {
    const parent = nodes.get(parentPath(path));
    assert.ok(parent !== undefined, `model: parent of ${path}`);
    parent.changes++;
    parent.pzxid = zxid;
  };
  const visit = (body: TxnBody, zxid: bigint): void => {
    switch (body.type) {
      case 'create':
        nodes.set(body.path, { czxid: zxid, mzxid: zxid, pzxid: zxid, version: 0, changes: 0 });
        childChanged(body.path, zxid);
        return;
      case 'delete':
        nodes.delete(body.path);
        childChanged(body.path, zxid);
        return;
      case 'closeSession':
        for (const path of body.paths) visit({ type: 'delete', path }, zxid);
        return;
      case 'setData': {
        const node = nodes.get(body.path);
        assert.ok(node !== undefined);
        node.mzxid = zxid;
        node.version = body.version;
        return;
      }
      case 'multi':
        if (body.ops.some((op) => op.type === 'error')) return;
        for (const op of body.ops) visit(op, zxid);
        return;
      default:
        return;
    }
  };
  for (const txn of log) visit(txn.body, txn.zxid);
  return nodes;
}

function checkInvariants(core: Core, log: readonly Txn[]): void {
  const { tree } = core;
  const walked = [...tree.paths()];
  assert.equal(walked.length, tree.nodeCount, 'every node is reachable from the root');
  const expected = model(log);
  assert.deepEqual([...walked].sort(), [...expected.keys()].sort(), 'the set of nodes');
  for (const path of walked) {
    const node = tree.get(path);
    assert.ok(node !== undefined);
    const stat = tree.stat(node);
    if (path !== '/') {
      assert.ok(tree.get(parentPath(path))?.children.has(baseName(path)), `${path} linked`);
    }
    const children = walked.filter((p) => p !== '/' && parentPath(p) === path).length;
    assert.equal(stat.numChildren, children, `numChildren of ${path}`);
    const m = expected.get(path);
    assert.ok(m !== undefined);
    assert.equal(stat.cversion, m.changes, `visible cversion of ${path}`);
    assert.deepEqual(
      [stat.czxid, stat.mzxid, stat.pzxid, stat.version],
      [m.czxid, m.mzxid, m.pzxid, m.version],
      `zxids and version of ${path}`,
    );
    const kind = nodeKind(node.ephemeralOwner, tree.extendedTypesEnabled);
    if (kind === 'ephemeral') {
      assert.ok(tree.ephemerals(node.ephemeralOwner).has(path), `${path} indexed`);
      assert.equal(stat.numChildren, 0, 'ephemerals have no children');
    }
    assert.equal(tree.containers.has(path), kind === 'container');
  }
  for (const [session, paths] of tree.sessionsWithEphemerals()) {
    assert.ok(paths.size > 0);
    for (const path of paths) assert.equal(tree.get(path)?.ephemeralOwner, session, path);
  }
  assert.equal(core.state.pending.size, 0, 'nothing pending once all is applied');
}

/** Everything a client could observe of the tree, in a comparable form. */
function snapshot(core: Core): unknown {
  const { tree } = core;
  return {
    nodes: [...tree.paths()].sort().map((path) => {
      const node = tree.get(path);
      assert.ok(node !== undefined);
      return [
        path,
        tree.stat(node),
        node.data?.toString('hex') ?? null,
        node.acl,
        [...node.children.keys()].sort(),
      ];
    }),
    ephemerals: [...tree.sessionsWithEphemerals()].map(([s, p]) => [s, [...p].sort()]).sort(),
    containers: [...tree.containers].sort(),
  };
}

const params = (seed: number, numRuns: number) => ({ seed, numRuns, endOnFailure: true });

void test('random write batches keep the tree invariants and match the stat model', () => {
  fc.assert(
    fc.property(runArb, (batches) => {
      const core = new Core();
      checkInvariants(core, runBatches(core, batches));
    }),
    params(0x7472_6565, 250),
  );
});

void test('applying every txn twice in a row gives the same tree as applying it once', () => {
  fc.assert(
    fc.property(runArb, (batches) => {
      const live = new Core();
      const log = runBatches(live, batches);
      const replica = new Core();
      for (const txn of log) {
        replica.apply(txn);
        replica.apply(txn);
      }
      assert.deepEqual(snapshot(replica), snapshot(live));
    }),
    params(0x7477_6963, 200),
  );
});
