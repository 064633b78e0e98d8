// create / create2 / createContainer / createTTL through prepare + apply: Apache's check order
// (§5.4, PrepRequestProcessor.pRequest2TxnCreate), sequential naming from the stored cversion
// (§6.2) and what the applied node looks like.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateMode, ErrorCode, OpCode } from '../../../src/protocol/constants.ts';
import { containerOwner, ownerForTtl } from '../../../src/server/tree/ephemeral-type.ts';
import { asUser, Core, create, del, digestAcl, ipOnly, setAcl, worldAcl } from './harness.ts';

const E = ErrorCode;

void describe('create: check order', () => {
  void it('invalid flags -> BADARGUMENTS, before anything else', () => {
    const core = new Core();
    assert.equal(core.err(create('/a', { flags: 7 })), E.badArguments);
    assert.equal(core.err(create('/a', { flags: -1 })), E.badArguments);
    assert.equal(core.err(create('/missing/a', { flags: 9, acl: [] })), E.badArguments);
  });

  void it('TTL mode with extended types disabled -> UNIMPLEMENTED, before the ttl range', () => {
    const core = new Core({ extendedTypesEnabled: false });
    const ttl = { flags: CreateMode.persistentWithTtl, opcode: OpCode.createTTL } as const;
    assert.equal(core.err(create('/a', { ...ttl, ttl: 1000n })), E.unimplemented);
    assert.equal(core.err(create('/a', { ...ttl, ttl: 0n })), E.unimplemented);
    const seqTtl = { flags: CreateMode.persistentSequentialWithTtl, ttl: 5n } as const;
    assert.equal(core.err(create('/a', seqTtl)), E.unimplemented);
  });

  void it('ttl must be in 1..2^40-1 for TTL modes and negative otherwise', () => {
    const core = new Core();
    const ttl = (value: bigint, flags: number = CreateMode.persistentWithTtl) =>
      core.err(create(`/t${value}-${flags}`, { flags, ttl: value, opcode: OpCode.createTTL }));
    assert.equal(ttl(0n), E.badArguments);
    assert.equal(ttl(-1n), E.badArguments);
    assert.equal(ttl(2n ** 40n), E.badArguments);
    assert.equal(ttl(2n ** 40n - 1n), E.ok);
    assert.equal(ttl(1n), E.ok);
    assert.equal(ttl(5n, CreateMode.persistent), E.badArguments, 'ttl on a non-TTL mode');
    assert.equal(ttl(0n, CreateMode.persistent), E.badArguments, 'ttl 0 on a non-TTL mode');
    assert.equal(core.err(create('/plain', { ttl: -1n })), E.ok);
  });

  void it('a path without "/" or with NUL -> BADARGUMENTS before the parent lookup', () => {
    const core = new Core();
    assert.equal(core.err(create('abc')), E.badArguments);
    assert.equal(core.err(create('')), E.badArguments);
    assert.equal(core.err(create('/missing/a\u0000b')), E.badArguments);
  });

  void it('an invalid ACL -> INVALIDACL, before the parent lookup', () => {
    const core = new Core();
    assert.equal(core.err(create('/missing/a', { acl: [] })), E.invalidACL);
    assert.equal(core.err(create('/a', { acl: null })), E.invalidACL);
    const bad = (scheme: string, id: string) => [{ perms: 31, id: { scheme, id } }];
    assert.equal(core.err(create('/a', { acl: bad('nope', 'x') })), E.invalidACL);
    assert.equal(core.err(create('/a', { acl: bad('world', 'someone') })), E.invalidACL);
    assert.equal(core.err(create('/a', { acl: bad('digest', 'no-colon') })), E.invalidACL);
    assert.equal(core.err(create('/a', { acl: bad('ip', '10.0.0.300') })), E.invalidACL);
    const auth = [{ perms: 31, id: { scheme: 'auth', id: '' } }];
    assert.equal(
      core.err(create('/a', { acl: auth }), { authIds: ipOnly }),
      E.invalidACL,
      'auth with only an ip id has nothing to expand to',
    );
    assert.equal(core.err(create('/a', { acl: auth }), { authIds: asUser('u:p') }), E.ok);
  });

  void it('missing parent -> NONODE, so "/a//b" is NONODE and not BADARGUMENTS', () => {
    const core = new Core();
    assert.equal(core.err(create('/missing/a')), E.noNode);
    core.ok(create('/a'));
    assert.equal(core.err(create('/a//b')), E.noNode);
  });

  void it('full path validation comes after the parent and ACL checks', () => {
    const core = new Core();
    core.ok(create('/a'));
    assert.equal(core.err(create('/a/')), E.badArguments);
    assert.equal(core.err(create('/a/.')), E.badArguments);
    assert.equal(core.err(create('/a/..')), E.badArguments);
    assert.equal(core.err(create('/a/\u0001')), E.badArguments);
    assert.equal(core.err(create('/')), E.nodeExists, '"/" is a valid path that exists');
    core.ok(create('/ro', { acl: worldAcl(1) }));
    assert.equal(core.err(create('/ro/.')), E.noAuth, 'CREATE permission is checked first');
  });

  void it('NOAUTH (CREATE on the parent) comes before NODEEXISTS', () => {
    const core = new Core();
    core.ok(create('/p'));
    core.ok(create('/p/x'));
    core.ok(create('/q'));
    core.ok(setAcl('/p', worldAcl(31 & ~4)));
    assert.equal(core.err(create('/p/x')), E.noAuth);
    assert.equal(core.err(create('/p/y')), E.noAuth);
    assert.equal(core.err(create('/q')), E.nodeExists);
  });

  void it('the parent ACL is matched against the caller ids', () => {
    const core = new Core();
    core.ok(create('/d', { acl: [digestAcl('alice:pw')] }));
    assert.equal(core.err(create('/d/x'), { authIds: asUser('bob:pw') }), E.noAuth);
    assert.equal(core.err(create('/d/x'), { authIds: asUser('alice:pw') }), E.ok);
  });

  void it('NODEEXISTS comes before NOCHILDRENFOREPHEMERALS', () => {
    const core = new Core();
    const session = 0x0100_0000_0000_0001n;
    core.ok(create('/e', { flags: CreateMode.ephemeral }), { sessionId: session });
    assert.equal(core.err(create('/e/x')), E.noChildrenForEphemerals);
    assert.equal(
      core.err(create('/e/x', { flags: CreateMode.persistentSequential })),
      E.noChildrenForEphemerals,
    );
    assert.equal(core.err(create('/e')), E.nodeExists);
    // A child that is already there (the apply side does not validate) wins over -108.
    core.tree.createNode({
      path: '/e/x',
      data: null,
      acl: worldAcl(31),
      ephemeralOwner: 0n,
      parentCVersion: 1,
      zxid: 99n,
      time: 0n,
    });
    assert.equal(core.err(create('/e/x')), E.nodeExists);
  });

  void it('containers and TTL nodes are not ephemeral parents', () => {
    const core = new Core();
    core.ok(create('/c', { flags: CreateMode.container, opcode: OpCode.createContainer }));
    core.ok(
      create('/t', { flags: CreateMode.persistentWithTtl, ttl: 100n, opcode: OpCode.createTTL }),
    );
    assert.equal(core.err(create('/c/x')), E.ok);
    assert.equal(core.err(create('/t/x')), E.ok);
  });
});

void describe('create: sequential names', () => {
  void it("use the parent's stored cversion (creates only), %010d", () => {
    const core = new Core();
    core.ok(create('/p'));
    core.ok(create('/p/a'));
    core.ok(del('/p/a'));
    assert.equal(core.stat('/p').cversion, 2, 'visible cversion counts the delete');
    const seq = core.ok(create('/p/s-', { flags: CreateMode.persistentSequential }));
    assert.deepEqual(seq.response, {
      type: 'create2',
      path: '/p/s-0000000001',
      stat: core.stat('/p/s-0000000001'),
    });
    const next = core.ok(create('/p/s-', { flags: CreateMode.ephemeralSequential }), {
      sessionId: 7n,
    });
    assert.equal(next.txn.body.type === 'create' && next.txn.body.path, '/p/s-0000000002');
  });

  void it('validate after the suffix, so "/q/" names a child "0000000000"', () => {
    const core = new Core();
    core.ok(create('/q'));
    const seq = { flags: CreateMode.persistentSequential, opcode: OpCode.create } as const;
    const r = core.ok(create('/q/', seq));
    assert.deepEqual(r.response, { type: 'path', path: '/q/0000000000' });
    assert.ok(core.tree.get('/q/0000000000') !== undefined);
  });

  void it('format negative counters like Java: "-000000005" and "-2147483648"', () => {
    const core = new Core();
    core.ok(create('/p'));
    const p = core.tree.get('/p');
    assert.ok(p !== undefined);
    p.cversion = -5;
    const a = core.ok(create('/p/s', { flags: CreateMode.persistentSequential }));
    assert.equal(a.txn.body.type === 'create' && a.txn.body.path, '/p/s-000000005');
    p.cversion = -2147483648;
    const b = core.ok(create('/p/s', { flags: CreateMode.persistentSequential }));
    assert.equal(b.txn.body.type === 'create' && b.txn.body.path, '/p/s-2147483648');
  });

  void it("sequential under the root counts the root's creates", () => {
    const core = new Core();
    core.ok(create('/x'));
    const r = core.ok(create('/n', { flags: CreateMode.persistentSequential }));
    assert.equal(r.txn.body.type === 'create' && r.txn.body.path, '/n0000000001');
  });
});

void describe('create: the applied node', () => {
  void it('create replies with the path; create2 with path and Stat', () => {
    const core = new Core();
    core.clock.advance(1234);
    const r1 = core.ok(create('/a', { opcode: OpCode.create, data: 'abc' }));
    assert.deepEqual(r1.response, { type: 'path', path: '/a' });
    const r2 = core.ok(create('/b', { opcode: OpCode.create2, data: 'abcd' }));
    assert.ok(r2.response.type === 'create2');
    assert.equal(r2.response.stat.czxid, r2.zxid);
    assert.equal(r2.response.stat.dataLength, 4);
    assert.equal(r2.response.stat.ctime, BigInt(core.clock.nowMs()));
    assert.equal(core.tree.get('/b')?.data?.toString(), 'abcd');
  });

  void it('ephemeral nodes belong to the creating session', () => {
    const core = new Core();
    core.ok(create('/e', { flags: CreateMode.ephemeral }), { sessionId: 0x55n });
    assert.equal(core.stat('/e').ephemeralOwner, 0x55n);
    assert.deepEqual([...core.tree.ephemerals(0x55n)], ['/e']);
  });

  void it('container and TTL kinds follow the opcode; clients see owner 0', () => {
    const core = new Core();
    core.ok(create('/c', { flags: CreateMode.container, opcode: OpCode.createContainer }));
    core.ok(
      create('/t', { flags: CreateMode.persistentWithTtl, ttl: 60000n, opcode: OpCode.createTTL }),
    );
    assert.equal(core.tree.get('/c')?.ephemeralOwner, containerOwner);
    assert.equal(core.tree.get('/t')?.ephemeralOwner, ownerForTtl(60000n));
    assert.equal(core.stat('/c').ephemeralOwner, 0n);
    assert.equal(core.stat('/t').ephemeralOwner, 0n);
    // Apache applies a plain create (opcode 1) with CONTAINER flags as a CreateTxn: persistent.
    core.ok(create('/c1', { flags: CreateMode.container, opcode: OpCode.create }));
    assert.equal(core.tree.get('/c1')?.ephemeralOwner, 0n);
  });

  void it("auth ACLs are stored expanded to the caller's digest ids", () => {
    const core = new Core();
    core.ok(create('/a', { acl: [{ perms: 31, id: { scheme: 'auth', id: '' } }] }), {
      authIds: asUser('alice:secret'),
    });
    assert.deepEqual(core.tree.get('/a')?.acl, [digestAcl('alice:secret')]);
  });
});
