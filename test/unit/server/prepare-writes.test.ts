// delete / setData / setACL / check / multi through prepare + apply, in Apache's check order
// (§5.4), plus the zxid accounting of failed writes (§5.2) and the multi result shape (§4.2).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateMode, ErrorCode, OpCode } from '../../../src/protocol/constants.ts';
import { digestId } from '../../../src/server/acl/acl.ts';
import {
  asUser,
  check,
  Core,
  create,
  del,
  digestAcl,
  multi,
  setAcl,
  setData,
  worldAcl,
} from './harness.ts';

const E = ErrorCode;
const superIds = [...asUser('super:test'), { scheme: 'super', id: '' }];

void describe('delete', () => {
  void it('refuses the special paths and malformed paths with BADARGUMENTS', () => {
    const core = new Core();
    for (const path of ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']) {
      assert.equal(core.err(del(path)), E.badArguments, path);
      assert.equal(core.err(del(path), { authIds: superIds }), E.badArguments, `${path} (super)`);
    }
    assert.equal(core.err(del('abc')), E.badArguments);
    assert.equal(core.err(del('/missing\u0000')), E.badArguments);
  });

  void it('missing parent or node -> NONODE', () => {
    const core = new Core();
    assert.equal(core.err(del('/missing/x')), E.noNode);
    assert.equal(core.err(del('/missing')), E.noNode);
  });

  void it('checks DELETE on the parent, not on the node, before the node lookup', () => {
    const core = new Core();
    core.ok(create('/p', { acl: worldAcl(31 & ~8) }));
    core.ok(create('/p/x'));
    core.ok(create('/q'));
    core.ok(create('/q/locked', { acl: worldAcl(0) }));
    assert.equal(core.err(del('/p/x')), E.noAuth);
    assert.equal(core.err(del('/p/missing')), E.noAuth, 'NOAUTH before NONODE');
    assert.equal(core.err(del('/q/locked')), E.ok, "the node's own ACL is irrelevant");
    assert.equal(core.err(del('/p/x'), { authIds: superIds }), E.ok, 'super bypasses');
  });

  void it('version -1 matches anything; a wrong version -> BADVERSION before NOTEMPTY', () => {
    const core = new Core();
    core.ok(create('/a'));
    core.ok(setData('/a'));
    core.ok(create('/a/child'));
    assert.equal(core.err(del('/a', 0)), E.badVersion);
    assert.equal(core.err(del('/a', 1)), E.notEmpty);
    assert.equal(core.err(del('/a', -1)), E.notEmpty);
    core.ok(del('/a/child', 0));
    assert.equal(core.err(del('/a', 1)), E.ok);
  });

  void it('updates the parent: numChildren down, visible cversion up, pzxid = zxid', () => {
    const core = new Core();
    core.ok(create('/p'));
    core.ok(create('/p/a'));
    const before = core.stat('/p');
    const r = core.ok(del('/p/a'));
    const after = core.stat('/p');
    assert.equal(after.numChildren, before.numChildren - 1);
    assert.equal(after.cversion, before.cversion + 1);
    assert.equal(after.pzxid, r.zxid);
    assert.equal(after.mzxid, before.mzxid);
  });
});

void describe('setData', () => {
  void it('order: bad path -8, missing -101, no WRITE -102, then version -103', () => {
    const core = new Core();
    core.ok(create('/ro', { acl: worldAcl(1) }));
    assert.equal(core.err(setData('/a/')), E.badArguments);
    assert.equal(core.err(setData('a')), E.badArguments);
    assert.equal(core.err(setData('/a//b')), E.badArguments);
    assert.equal(core.err(setData('/missing')), E.noNode);
    assert.equal(core.err(setData('/ro', 'x', 7)), E.noAuth, 'NOAUTH before BADVERSION');
    core.ok(create('/a'));
    assert.equal(core.err(setData('/a', 'x', 3)), E.badVersion);
  });

  void it('/zookeeper/config is READ-only except for super', () => {
    const core = new Core();
    assert.equal(core.err(setData('/zookeeper/config')), E.noAuth);
    assert.equal(core.err(setData('/zookeeper/config'), { authIds: superIds }), E.ok);
  });

  void it('bumps version (Java int wrap), mzxid and mtime and replies with the Stat', () => {
    const core = new Core();
    const c = core.ok(create('/a'));
    core.clock.advance(500);
    const r = core.ok(setData('/a', 'hello', 0));
    assert.ok(r.response.type === 'stat');
    assert.equal(r.response.stat.version, 1);
    assert.equal(r.response.stat.mzxid, r.zxid);
    assert.equal(r.response.stat.czxid, c.zxid);
    assert.equal(r.response.stat.mtime, BigInt(core.clock.nowMs()));
    assert.equal(r.response.stat.dataLength, 5);
    const node = core.tree.get('/a');
    assert.ok(node !== undefined);
    node.version = 0x7fffffff;
    core.ok(setData('/a', 'x', 0x7fffffff));
    assert.equal(core.stat('/a').version, -2147483648);
  });
});

void describe('setACL', () => {
  void it('order: bad path -8, bad ACL -114 (even on a missing node), -101, -102, -103', () => {
    const core = new Core();
    assert.equal(core.err(setAcl('/a/', worldAcl(31))), E.badArguments);
    assert.equal(core.err(setAcl('/missing', [])), E.invalidACL);
    assert.equal(core.err(setAcl('/missing', worldAcl(31))), E.noNode);
    core.ok(create('/noadmin', { acl: worldAcl(31 & ~16) }));
    assert.equal(core.err(setAcl('/noadmin', worldAcl(31), 9)), E.noAuth);
    core.ok(create('/a'));
    assert.equal(core.err(setAcl('/a', worldAcl(31), 1)), E.badVersion);
  });

  void it('the version is checked against aversion; /zookeeper/config starts at -1', () => {
    const core = new Core();
    assert.equal(
      core.err(setAcl('/zookeeper/config', worldAcl(1), 0), { authIds: superIds }),
      E.badVersion,
    );
    const r = core.ok(setAcl('/zookeeper/config', worldAcl(1), -1), { authIds: superIds });
    assert.ok(r.response.type === 'stat');
    assert.equal(r.response.stat.aversion, 0);
  });

  void it('bumps aversion, leaves mzxid/mtime/version, and fires no watch', () => {
    const core = new Core();
    const c = core.ok(create('/a'));
    core.read({ type: 'getData', path: '/a', watch: true }, { watcher: 5 });
    core.clock.advance(1000);
    const r = core.ok(setAcl('/a', [digestAcl('u:p')], 0));
    assert.equal(r.notifications.length, 0);
    const stat = core.stat('/a');
    assert.deepEqual([stat.aversion, stat.version, stat.mzxid], [1, 0, c.zxid]);
    assert.equal(stat.mtime, c.txn.time);
    assert.deepEqual(core.tree.get('/a')?.acl, [
      { perms: 31, id: { scheme: 'digest', id: digestId('u:p') } },
    ]);
  });
});

void describe('failed writes consume a zxid', () => {
  void it('every write, failed or not, takes the next zxid and becomes the applied zxid', () => {
    const core = new Core();
    const a = core.write(create('/a'));
    const b = core.write(create('/a'));
    const c = core.write(setData('/missing'));
    const d = core.write(create('/b'));
    assert.deepEqual([a.err, b.err, c.err, d.err], [0, E.nodeExists, E.noNode, 0]);
    assert.deepEqual([a.zxid, b.zxid, c.zxid, d.zxid], [1n, 2n, 3n, 4n]);
    assert.equal(b.txn.body.type, 'error');
    assert.equal(core.state.lastAppliedZxid, 4n);
    assert.equal(core.stat('/b').czxid, 4n);
    assert.equal(b.notifications.length, 0, 'an error txn fires nothing');
  });
});

void describe('multi', () => {
  void it('is all-or-nothing: results [0.., code, -2...], reply err 0, a zxid used', () => {
    const core = new Core();
    core.ok(create('/keep'));
    const ops = [create('/a'), create('/b'), create('/x/y'), create('/c'), del('/keep')];
    const r = core.write(multi(...ops));
    assert.equal(r.err, E.ok);
    assert.deepEqual(r.response, {
      type: 'multi',
      results: [0, 0, E.noNode, E.runtimeInconsistency, E.runtimeInconsistency].map((err) => ({
        type: 'error',
        err,
      })),
    });
    for (const path of ['/a', '/b', '/c']) assert.equal(core.tree.get(path), undefined, path);
    assert.ok(core.tree.get('/keep') !== undefined);
    assert.equal(r.zxid, 2n);
    assert.equal(core.write(create('/z')).zxid, 3n);
    assert.equal(core.err(create('/a/child')), E.noNode, 'a failed multi publishes nothing');
  });

  void it('sees its own earlier ops: create /a then /a/b, one zxid for all', () => {
    const core = new Core();
    const ops = [create('/a'), create('/a/b'), setData('/a/b', 'v', 0), check('/a/b', 1)];
    const r = core.ok(multi(...ops));
    assert.ok(r.response.type === 'multi');
    assert.deepEqual(
      r.response.results.map((x) => x.type),
      ['create2', 'create2', 'setData', 'check'],
    );
    assert.equal(core.stat('/a').czxid, r.zxid);
    assert.equal(core.stat('/a/b').czxid, r.zxid);
    assert.equal(core.stat('/a/b').version, 1);
    const again = core.ok(multi(del('/a/b'), del('/a'), create('/a', { data: 'new' })));
    assert.equal(core.tree.get('/a')?.data?.toString(), 'new');
    assert.equal(core.stat('/a').czxid, again.zxid);
    assert.equal(core.stat('/a').numChildren, 0);
  });

  void it('check: -8 bad path, -101 missing, -102 without READ, -103 wrong version', () => {
    const core = new Core();
    core.ok(create('/a'));
    core.ok(create('/secret', { acl: worldAcl(31 & ~1) }));
    const first = (request: ReturnType<typeof multi>) => {
      const r = core.write(request);
      assert.ok(r.response.type === 'multi');
      const result = r.response.results[0];
      return result?.type === 'error' ? result.err : 0;
    };
    assert.equal(first(multi(check('/a/'), create('/n'))), E.badArguments);
    assert.equal(first(multi(check('/missing'), create('/n'))), E.noNode);
    assert.equal(first(multi(check('/secret', 0), create('/n'))), E.noAuth);
    assert.equal(first(multi(check('/a', 4), create('/n'))), E.badVersion);
    assert.equal(first(multi(check('/a', 0), create('/n'))), 0);
    assert.ok(core.tree.get('/n') !== undefined);
  });

  void it('create results are "create" for opcode 1, create2 for 15/19/21', () => {
    const core = new Core();
    const r = core.ok(
      multi(
        create('/c1', { opcode: OpCode.create }),
        create('/c2', { opcode: OpCode.create2 }),
        create('/c3', { opcode: OpCode.createContainer, flags: CreateMode.container }),
        create('/c4', { opcode: OpCode.createTTL, flags: CreateMode.persistentWithTtl, ttl: 9n }),
      ),
    );
    assert.ok(r.response.type === 'multi');
    assert.deepEqual(
      r.response.results.map((x) => x.type),
      ['create', 'create2', 'create2', 'create2'],
    );
    const last = r.response.results[3];
    assert.ok(last?.type === 'create2');
    assert.deepEqual(last.stat, core.stat('/c4'));
  });

  void it('an empty multi is an empty committed txn', () => {
    const core = new Core();
    const r = core.ok(multi());
    assert.deepEqual(r.response, { type: 'multi', results: [] });
    assert.equal(r.zxid, 1n);
  });
});
