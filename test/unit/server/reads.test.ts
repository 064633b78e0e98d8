// Reads (§4, §5.4): NONODE before NOAUTH, no server-side path validation, getChildren2's
// Stat, getAllChildrenNumber, getEphemerals prefix rules, whoAmI, multiRead per-op errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateMode, ErrorCode } from '../../../src/protocol/constants.ts';
import { asUser, Core, create, digestAcl, worldAcl } from './harness.ts';

const E = ErrorCode;

void describe('getData / getChildren', () => {
  void it('missing -> NONODE, then READ -> NOAUTH; paths are not validated', () => {
    const core = new Core();
    core.ok(create('/s', { acl: worldAcl(31 & ~1) }));
    for (const type of ['getData', 'getChildren', 'getChildren2'] as const) {
      assert.equal(core.read({ type, path: '/none', watch: false }).err, E.noNode, type);
      assert.equal(core.read({ type, path: '/s', watch: false }).err, E.noAuth, type);
      assert.equal(core.read({ type, path: '/s/', watch: false }).err, E.noNode, type);
      assert.equal(core.read({ type, path: 'bad', watch: false }).err, E.noNode, type);
    }
    assert.equal(core.read({ type: 'exists', path: '/s/', watch: false }).err, E.noNode);
  });

  void it('getData returns data and Stat; getChildren2 returns names and the parent Stat', () => {
    const core = new Core();
    core.ok(create('/p', { data: 'hi' }));
    core.ok(create('/p/a'));
    core.ok(create('/p/b'));
    const data = core.read({ type: 'getData', path: '/p', watch: false }).response;
    assert.ok(data.type === 'getData');
    assert.equal(data.data?.toString(), 'hi');
    assert.deepEqual(data.stat, core.stat('/p'));
    const kids = core.read({ type: 'getChildren2', path: '/p', watch: false }).response;
    assert.ok(kids.type === 'getChildren2');
    assert.deepEqual([...kids.children].sort(), ['a', 'b'], 'names, not paths (any order)');
    assert.equal(kids.stat.numChildren, 2);
    assert.equal(kids.stat.cversion, 2);
  });

  void it('getAllChildrenNumber counts all descendants; "/" includes /zookeeper/*', () => {
    const core = new Core();
    core.ok(create('/a'));
    core.ok(create('/a/b'));
    core.ok(create('/a/b/c'));
    const count = (path: string) => core.read({ type: 'getAllChildrenNumber', path }).response;
    assert.deepEqual(count('/a'), { type: 'number', value: 2 });
    assert.deepEqual(count('/'), { type: 'number', value: 6 });
    assert.equal(core.read({ type: 'getAllChildrenNumber', path: '/x' }).err, E.noNode);
  });
});

void describe('getEphemerals', () => {
  const session = 0x77n;
  function seeded() {
    const core = new Core();
    const eph = { flags: CreateMode.ephemeral };
    core.ok(create('/a'));
    for (const path of ['/a/e', '/ab', '/b']) core.ok(create(path, eph), { sessionId: session });
    core.ok(create('/other', eph), { sessionId: session + 1n });
    return core;
  }
  const list = (core: Core, prefixPath: string): string[] => {
    const r = core.read({ type: 'getEphemerals', prefixPath }, { sessionId: session });
    assert.ok(r.response.type === 'strings');
    return [...r.response.items].sort();
  };

  void it('lists only the caller\'s ephemerals; "", "/" and blanks mean all', () => {
    const core = seeded();
    assert.deepEqual(list(core, ''), ['/a/e', '/ab', '/b']);
    assert.deepEqual(list(core, '/'), ['/a/e', '/ab', '/b']);
    assert.deepEqual(list(core, '   '), ['/a/e', '/ab', '/b']);
  });

  void it('matches a plain string prefix, not path components', () => {
    const core = seeded();
    assert.deepEqual(list(core, '/a'), ['/a/e', '/ab']);
    assert.deepEqual(list(core, '/a/'), ['/a/e']);
    assert.deepEqual(list(core, '/c'), []);
  });

  // FinalRequestProcessor: `"/".equals(prefixPath.trim())` also means "all".
  void it('treats a "/" padded with blanks as "all"', () => {
    assert.deepEqual(list(seeded(), ' / '), ['/a/e', '/ab', '/b']);
  });
});

void describe('whoAmI and multiRead', () => {
  void it("whoAmI lists the connection's ids; digest shows the user name", () => {
    const core = new Core();
    const r = core.read({ type: 'whoAmI' }, { authIds: asUser('alice:pw') });
    assert.deepEqual(r.response, {
      type: 'whoAmI',
      clients: [
        { authScheme: 'ip', user: '127.0.0.1' },
        { authScheme: 'digest', user: 'alice' },
      ],
    });
  });

  void it('multiRead answers each op on its own, errors in place, header err 0', () => {
    const core = new Core();
    core.ok(create('/a', { data: 'A' }));
    core.ok(create('/s', { acl: [digestAcl('x:y')] }));
    const r = core.read({
      type: 'multiRead',
      ops: [
        { type: 'getData', path: '/a', watch: true },
        { type: 'getData', path: '/none', watch: false },
        { type: 'getChildren', path: '/s', watch: false },
        { type: 'getChildren', path: '/', watch: true },
      ],
    });
    assert.equal(r.err, 0);
    assert.ok(r.response.type === 'multi');
    const [a, none, s, root] = r.response.results;
    assert.ok(a?.type === 'getData');
    assert.equal(a.data?.toString(), 'A');
    assert.deepEqual(
      [none, s],
      [
        { type: 'error', err: E.noNode },
        { type: 'error', err: E.noAuth },
      ],
    );
    assert.ok(root?.type === 'getChildren');
    assert.deepEqual([...root.children].sort(), ['a', 's', 'zookeeper']);
    assert.equal(core.state.watches.watchCount(), 0, 'multiRead sets no watches');
  });
});
