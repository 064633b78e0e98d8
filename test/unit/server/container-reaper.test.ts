// Container and TTL reaping (§9, Apache's ContainerManager.getCandidates) and the
// deleteContainer txn it issues (PrepRequestProcessor: no ACL check, re-checks emptiness).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateMode, ErrorCode, EventType, OpCode } from '../../../src/protocol/constants.ts';
import { reapCandidates } from '../../../src/server/pipeline/container-reaper.ts';
import { Core, create, del, setAcl, setData, worldAcl } from './harness.ts';

const container = { flags: CreateMode.container, opcode: OpCode.createContainer } as const;
const ttl = (ms: bigint) =>
  ({ flags: CreateMode.persistentWithTtl, opcode: OpCode.createTTL, ttl: ms }) as const;

function due(core: Core, maxNeverUsedIntervalMs = 0, limit = 1000): string[] {
  return reapCandidates(core.tree, {
    nowWallMs: core.clock.nowMs(),
    maxNeverUsedIntervalMs,
    limit,
  }).sort();
}

void describe('container candidates', () => {
  void it('an empty container that once had a child is due; never-used ones are not', () => {
    const core = new Core();
    core.ok(create('/used', container));
    core.ok(create('/fresh', container));
    core.ok(create('/busy', container));
    core.ok(create('/plain'));
    core.ok(create('/used/a'));
    core.ok(create('/busy/a'));
    core.ok(create('/plain/a'));
    assert.deepEqual(due(core), [], 'children present');
    core.ok(del('/used/a'));
    core.ok(del('/plain/a'));
    core.clock.advance(10 ** 9);
    assert.deepEqual(due(core), ['/used']);
  });

  void it('never-used containers go once maxNeverUsedIntervalMs has passed since mtime', () => {
    const core = new Core();
    core.ok(create('/fresh', container));
    core.clock.advance(5000);
    assert.deepEqual(due(core, 5000), [], 'elapsed must exceed the interval');
    core.clock.advance(1);
    assert.deepEqual(due(core, 5000), ['/fresh']);
    assert.deepEqual(due(core, 0), [], '0 disables it');
    core.ok(setData('/fresh'));
    assert.deepEqual(due(core, 5000), [], 'setData refreshes mtime');
  });

  void it('honours the limit', () => {
    const core = new Core();
    for (const name of ['a', 'b', 'c']) {
      core.ok(create(`/${name}`, container));
      core.ok(create(`/${name}/x`));
      core.ok(del(`/${name}/x`));
    }
    assert.equal(due(core, 0, 2).length, 2);
  });
});

void describe('TTL candidates', () => {
  void it('a childless TTL node is due once now - mtime > ttl; setData resets the clock', () => {
    const core = new Core();
    core.ok(create('/t', ttl(1000n)));
    core.clock.advance(1000);
    assert.deepEqual(due(core), []);
    core.clock.advance(1);
    assert.deepEqual(due(core), ['/t']);
    core.ok(setData('/t'));
    assert.deepEqual(due(core), []);
    core.clock.advance(1001);
    core.ok(create('/t/child'));
    assert.deepEqual(due(core), [], 'children keep it alive');
  });

  void it('persistent and ephemeral nodes are never candidates', () => {
    const core = new Core();
    core.ok(create('/p'));
    core.ok(create('/e', { flags: CreateMode.ephemeral }), { sessionId: 5n });
    core.clock.advance(10 ** 9);
    assert.deepEqual(due(core, 1), []);
  });
});

void describe('deleteContainer', () => {
  const reap = (path: string) => ({ type: 'deleteContainer', path }) as const;

  void it('deletes without an ACL check and fires the usual events', () => {
    const core = new Core();
    core.ok(create('/locked'));
    core.ok(create('/locked/c', { ...container, acl: worldAcl(0) }));
    core.ok(setAcl('/locked', worldAcl(1)));
    core.read({ type: 'getChildren', path: '/locked', watch: true }, { watcher: 3 });
    const r = core.ok(reap('/locked/c'));
    assert.equal(core.tree.get('/locked/c'), undefined);
    assert.deepEqual(
      r.notifications.map((n) => [n.type, n.path]),
      [[EventType.nodeChildrenChanged, '/locked']],
    );
  });

  void it('re-checks at prepare time: NOTEMPTY if a child is pending, BADVERSION on ephemerals', () => {
    const core = new Core();
    core.ok(create('/c', container));
    const child = core.prepare(create('/c/new'));
    assert.equal(core.err(reap('/c')), ErrorCode.notEmpty);
    core.apply(child);
    core.ok(create('/e', { flags: CreateMode.ephemeral }), { sessionId: 9n });
    assert.equal(core.err(reap('/e')), ErrorCode.badVersion);
    assert.equal(core.err(reap('/zookeeper')), ErrorCode.badArguments);
    assert.equal(core.err(reap('/missing')), ErrorCode.noNode);
  });
});
