// ACLs (§8): permission matching per scheme, ACL fix-up at create/setACL, getACL masking,
// the digest id Apache computes, and what auth packets add to a connection.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ErrorCode, Perms } from '../../../src/protocol/constants.ts';
import type { Acl, Id } from '../../../src/protocol/records.ts';
import { digestId, fixupAcl, hasPermission, maskDigests } from '../../../src/server/acl/acl.ts';
import { ipMatches, isValidIpAcl } from '../../../src/server/acl/ip.ts';
import { authenticate } from '../../../src/server/pipeline/auth.ts';
import { asUser, Core, create, digestAcl, ipOnly, worldAcl } from './harness.ts';

const acl = (perms: number, scheme: string, id: string): Acl => ({ perms, id: { scheme, id } });
const ip = (address: string): Id[] => [{ scheme: 'ip', id: address }];

void describe('digestId', () => {
  void it('is user:BASE64(SHA1("user:password")), like DigestAuthenticationProvider', () => {
    const expected = (s: string) => createHash('sha1').update(s, 'utf8').digest('base64');
    assert.equal(digestId('alice:secret'), `alice:${expected('alice:secret')}`);
    assert.equal(digestId('u:p:q'), `u:${expected('u:p:q')}`, 'user ends at the first colon');
    assert.equal(digestId('nocolon'), `nocolon:${expected('nocolon')}`);
    assert.equal(digestId('jörg:pässword'), `jörg:${expected('jörg:pässword')}`);
  });

  void it('matches the value in the Apache docs for super:test', () => {
    assert.equal(digestId('super:test'), 'super:D/InIHSb7yEEbrWz8b9l71RjZJU=');
  });
});

void describe('hasPermission', () => {
  void it('world:anyone grants its perms to everyone; an empty ACL grants everything', () => {
    assert.equal(hasPermission(worldAcl(Perms.read), Perms.read, []), true);
    assert.equal(hasPermission(worldAcl(Perms.read), Perms.write, ipOnly), false);
    assert.equal(hasPermission([], Perms.admin, []), true);
    assert.equal(hasPermission(worldAcl(0), Perms.read, ipOnly), false);
  });

  void it('needs an entry with an overlapping perm bit and a matching id', () => {
    const list = [acl(Perms.read, 'digest', digestId('a:1')), acl(Perms.write, 'ip', '10.0.0.1')];
    assert.equal(hasPermission(list, Perms.read, asUser('a:1')), true);
    assert.equal(hasPermission(list, Perms.write, asUser('a:1')), false);
    assert.equal(hasPermission(list, Perms.write, ip('10.0.0.1')), true);
    assert.equal(hasPermission(list, Perms.read, asUser('a:2')), false);
    assert.equal(
      hasPermission(list, Perms.read | Perms.admin, asUser('a:1')),
      true,
      'getACL asks for READ or ADMIN',
    );
    const sameIdOtherScheme = [{ scheme: 'ip', id: digestId('a:1') }];
    assert.equal(hasPermission(list, Perms.read, sameIdOtherScheme), false);
  });

  void it('super bypasses every check', () => {
    const superIds: Id[] = [...ipOnly, { scheme: 'super', id: '' }];
    assert.equal(hasPermission(worldAcl(0), Perms.all, superIds), true);
    assert.equal(hasPermission([acl(1, 'digest', 'x:y')], Perms.admin, superIds), true);
  });
});

void describe('ip scheme', () => {
  void it('matches addresses and networks by prefix bits', () => {
    assert.equal(ipMatches('10.1.2.3', '10.1.2.3'), true);
    assert.equal(ipMatches('10.1.2.3', '10.1.2.4'), false);
    assert.equal(ipMatches('10.0.0.0/8', '10.200.1.1'), true);
    assert.equal(ipMatches('10.0.0.0/8', '11.0.0.1'), false);
    assert.equal(ipMatches('192.168.1.128/25', '192.168.1.200'), true);
    assert.equal(ipMatches('192.168.1.128/25', '192.168.1.100'), false);
    assert.equal(ipMatches('10.9.9.9/8', '10.0.0.1'), true, 'host bits of the ACL are masked');
    assert.equal(ipMatches('0.0.0.0/0', '8.8.8.8'), true);
    assert.equal(ipMatches('2001:db8::/32', '2001:db8:0:0:0:0:0:1'), true);
    assert.equal(ipMatches('2001:db8::/32', '2001:db9::1'), false);
    assert.equal(ipMatches('::1', '0:0:0:0:0:0:0:1'), true);
  });

  void it('never matches IPv4 against IPv6', () => {
    assert.equal(ipMatches('::/0', '127.0.0.1'), false);
    assert.equal(ipMatches('0.0.0.0/0', '::1'), false);
  });

  void it('validates ACL ids', () => {
    for (const good of [
      '1.2.3.4',
      '10.0.0.0/8',
      '0.0.0.0/0',
      '1.2.3.4/32',
      '::1',
      'fe80::/10',
      '2001:db8:0:0:0:0:0:1/128',
    ]) {
      assert.equal(isValidIpAcl(good), true, good);
    }
    for (const bad of [
      '1.2.3',
      '1.2.3.256',
      '1.2.3.4/33',
      '1.2.3.4/x',
      'host',
      '',
      '::1/129',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
    ]) {
      assert.equal(isValidIpAcl(bad), false, bad);
    }
  });
});

void describe('fixupAcl', () => {
  const alice = asUser('alice:pw');

  void it('rejects null, empty, unknown schemes and malformed ids', () => {
    assert.equal(fixupAcl(null, alice), undefined);
    assert.equal(fixupAcl([], alice), undefined);
    assert.equal(fixupAcl([acl(31, 'nope', 'x')], alice), undefined);
    assert.equal(fixupAcl([acl(31, 'world', 'everyone')], alice), undefined);
    assert.equal(fixupAcl([acl(31, 'digest', 'no-colon')], alice), undefined);
    assert.equal(fixupAcl([acl(31, 'digest', 'a:b:c')], alice), undefined);
    assert.equal(fixupAcl([acl(31, 'ip', '999.0.0.1')], alice), undefined);
    assert.equal(
      fixupAcl([...worldAcl(31), acl(31, 'nope', 'x')], alice),
      undefined,
      'one bad entry spoils the list',
    );
  });

  void it("expands auth into the caller's authenticated ids (digest, not ip)", () => {
    const expanded = fixupAcl(
      [acl(Perms.read, 'auth', '')],
      [...alice, { scheme: 'digest', id: digestId('bob:pw') }],
    );
    assert.deepEqual(expanded, [digestAcl('alice:pw', 1), digestAcl('bob:pw', 1)]);
    assert.equal(fixupAcl([acl(31, 'auth', '')], ipOnly), undefined, 'nothing to expand to');
    assert.equal(fixupAcl([acl(31, 'auth', '')], []), undefined);
  });

  void it('removes duplicate entries and keeps the order', () => {
    const list = [
      ...worldAcl(1),
      digestAcl('u:p'),
      ...worldAcl(1),
      digestAcl('u:p'),
      ...worldAcl(3),
    ];
    assert.deepEqual(fixupAcl(list, ipOnly), [...worldAcl(1), digestAcl('u:p'), ...worldAcl(3)]);
  });

  // Apache's default ProviderRegistry has only "ip" and "digest" (plus world:anyone and auth
  // handled inline); any other scheme has no provider and fixupACL throws InvalidACL. For auth
  // expansion a caller id without a provider (such as super:"") is skipped.
  void it('rejects schemes without a provider and never expands auth to super', () => {
    assert.equal(fixupAcl([acl(31, 'super', 'x')], ipOnly), undefined);
    assert.equal(fixupAcl([acl(31, 'sasl', 'someone')], ipOnly), undefined);
    assert.equal(fixupAcl([acl(31, 'x509', 'CN=x')], ipOnly), undefined);
    const superUser: Id[] = [
      ...ipOnly,
      { scheme: 'super', id: '' },
      { scheme: 'digest', id: digestId('super:test') },
    ];
    assert.deepEqual(fixupAcl([acl(31, 'auth', '')], superUser), [digestAcl('super:test')]);
  });

  // DigestAuthenticationProvider.isValid is `id.split(":").length == 2`, and Java's split
  // drops trailing empty strings: "user:" is invalid, "user:hash:" is valid.
  void it('validates digest ids with Java String.split semantics', () => {
    assert.equal(fixupAcl([acl(31, 'digest', 'user:')], ipOnly), undefined);
    assert.equal(fixupAcl([acl(31, 'digest', ':')], ipOnly), undefined);
    assert.deepEqual(fixupAcl([acl(31, 'digest', 'user:hash:')], ipOnly), [
      acl(31, 'digest', 'user:hash:'),
    ]);
  });
});

void describe('getACL', () => {
  void it('shows digest ids as user:x without ADMIN, in full with it', () => {
    const core = new Core();
    const list = [digestAcl('alice:pw', 31), ...worldAcl(Perms.read)];
    core.ok(create('/n', { acl: list }));
    const masked = core.read({ type: 'getACL', path: '/n' }, { authIds: asUser('bob:pw') });
    assert.ok(masked.response.type === 'getACL');
    assert.deepEqual(masked.response.acl, [acl(31, 'digest', 'alice:x'), ...worldAcl(1)]);
    const full = core.read({ type: 'getACL', path: '/n' }, { authIds: asUser('alice:pw') });
    assert.ok(full.response.type === 'getACL');
    assert.deepEqual(full.response.acl, list);
    assert.deepEqual(maskDigests([acl(1, 'ip', '1.2.3.4')]), [acl(1, 'ip', '1.2.3.4')]);
  });

  void it('needs READ or ADMIN; a missing node is NONODE', () => {
    const core = new Core();
    core.ok(create('/admin', { acl: worldAcl(Perms.admin) }));
    core.ok(create('/write', { acl: worldAcl(Perms.write) }));
    assert.equal(core.read({ type: 'getACL', path: '/admin' }).err, 0);
    assert.equal(core.read({ type: 'getACL', path: '/write' }).err, ErrorCode.noAuth);
    assert.equal(core.read({ type: 'getACL', path: '/none' }).err, ErrorCode.noNode);
    const stat = core.read({ type: 'getACL', path: '/zookeeper/config' });
    assert.ok(stat.response.type === 'getACL');
    assert.equal(stat.response.stat.aversion, -1);
  });
});

void describe('auth packets', () => {
  const ctx = { remoteAddress: '10.0.0.7', superDigest: digestId('super:test') };

  void it('digest adds the digest id; ip re-adds the address; others fail', () => {
    const ids: Id[] = [{ scheme: 'ip', id: '10.0.0.7' }];
    const packet = (scheme: string, auth: string) =>
      ({ type: 'auth', authType: 0, scheme, auth: Buffer.from(auth) }) as const;
    assert.equal(authenticate(packet('digest', 'alice:pw'), ids, ctx), 0);
    assert.equal(authenticate(packet('digest', 'alice:pw'), ids, ctx), 0);
    assert.equal(authenticate(packet('ip', ''), ids, ctx), 0);
    assert.deepEqual(
      ids,
      [
        { scheme: 'ip', id: '10.0.0.7' },
        { scheme: 'digest', id: digestId('alice:pw') },
      ],
      'no duplicates',
    );
    assert.equal(authenticate(packet('sasl', 'x'), ids, ctx), ErrorCode.authFailed);
    assert.equal(authenticate(packet('world', 'anyone'), ids, ctx), ErrorCode.authFailed);
  });

  // DigestAuthenticationProvider.handleAuthentication adds Id("super", "") *before* the
  // digest id; whoAmI lists the connection's ids in that order.
  void it('the super digest adds super before the digest id, as Apache does', () => {
    const ids: Id[] = [{ scheme: 'ip', id: '10.0.0.7' }];
    const auth = Buffer.from('super:test');
    authenticate({ type: 'auth', authType: 0, scheme: 'digest', auth }, ids, ctx);
    assert.deepEqual(ids, [
      { scheme: 'ip', id: '10.0.0.7' },
      { scheme: 'super', id: '' },
      { scheme: 'digest', id: digestId('super:test') },
    ]);
  });
});
