// Authentication (protocol doc §8): digest auth packets (xid -4, opcode 100) give a connection
// a digest id that ACLs can name; other connections get NOAUTH (-102). An unknown scheme is
// answered with AUTHFAILED (-115) on xid -4 and the connection closes. whoAmI (107) lists the
// connection's ids: the ip first, then the digest user.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  ErrorCode,
  OpCode,
  Perms,
  Xid,
  creatorAllAcl,
  type Acl,
} from '../../src/protocol/index.ts';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { RawClient, req } from '../support/raw-client.ts';

/** Computed here, not with the server's code: user:BASE64(SHA1("user:password")). */
function digest(userPassword: string): string {
  const user = userPassword.slice(0, userPassword.indexOf(':'));
  return `${user}:${createHash('sha1').update(userPassword).digest('base64')}`;
}

void describe('auth', { timeout: 20_000 }, () => {
  let server: InProcessServer;
  const clients: RawClient[] = [];
  const connect = async (): Promise<RawClient> => {
    const client = await RawClient.connect(server.port);
    clients.push(client);
    return client;
  };
  const login = async (client: RawClient, userPassword: string): Promise<void> => {
    const reply = await client.send(Xid.auth, req.auth('digest', userPassword), OpCode.auth);
    assert.equal(reply.header.xid, Xid.auth);
    assert.equal(reply.header.err, ErrorCode.ok);
  };

  before(async () => {
    server = await startInProcessServer();
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await server.close();
  });

  void it('an ACL naming a digest user admits that user only', async () => {
    const alice = await connect();
    await login(alice, 'alice:secret');
    const acl: Acl[] = [{ perms: Perms.all, id: { scheme: 'digest', id: digest('alice:secret') } }];
    const created = await alice.send(1, req.create('/alice-only', 'a', { acl }));
    assert.equal(created.header.err, ErrorCode.ok);
    assert.equal((await alice.send(2, req.getData('/alice-only'))).header.err, ErrorCode.ok);

    const anonymous = await connect();
    const denied = await anonymous.send(1, req.getData('/alice-only'));
    assert.equal(denied.header.err, ErrorCode.noAuth);
    const write = await anonymous.send(2, req.setData('/alice-only', 'x'));
    assert.equal(write.header.err, ErrorCode.noAuth);

    const mallory = await connect();
    await login(mallory, 'alice:wrong');
    assert.equal((await mallory.send(1, req.getData('/alice-only'))).header.err, ErrorCode.noAuth);

    const aliceAgain = await connect();
    await login(aliceAgain, 'alice:secret');
    const read = await aliceAgain.send(1, req.getData('/alice-only'));
    assert.equal(read.header.err, ErrorCode.ok);
    assert.ok(read.body?.type === 'getData' && read.body.data?.toString() === 'a');
  });

  void it("the auth scheme expands to the creator's digest id", async () => {
    const bob = await connect();
    await login(bob, 'bob:pw');
    const acl = creatorAllAcl;
    assert.equal((await bob.send(1, req.create('/bob', '', { acl }))).header.err, ErrorCode.ok);
    const got = await bob.send(2, req.getACL('/bob'));
    assert.ok(got.body?.type === 'getACL');
    assert.deepEqual(got.body.acl, [
      { perms: Perms.all, id: { scheme: 'digest', id: digest('bob:pw') } },
    ]);
    const nobody = await connect();
    const refused = await nobody.send(1, req.create('/nobody', '', { acl }));
    assert.equal(refused.header.err, ErrorCode.invalidACL, 'auth:"" without auth ids');
  });

  void it('an unknown scheme gets AUTHFAILED (-115) on xid -4, then a close', async () => {
    const client = await connect();
    const reply = await client.send(Xid.auth, req.auth('no-such-scheme', 'x'), OpCode.auth);
    assert.equal(reply.header.xid, Xid.auth);
    assert.equal(reply.header.err, ErrorCode.authFailed);
    assert.equal(await client.waitClosed(2000), true);
    const other = await connect();
    assert.equal((await other.send(1, req.exists('/'))).header.err, ErrorCode.ok);
  });

  void it('requests behind the handshake and a failed auth are not executed', async () => {
    const client = await RawClient.open(server.port);
    clients.push(client);
    client.socket.cork(); // ConnectRequest, a bad auth packet and a create in one TCP write
    const handshake = client.handshakeWith({ readOnly: false });
    const auth = client.send(Xid.auth, req.auth('no-such-scheme', 'x'), OpCode.auth);
    const create = client.send(1, req.create('/after-auth-failed', 'x')).catch(() => 'closed');
    client.socket.uncork();
    assert.ok((await handshake).timeOutMs > 0);
    assert.equal((await auth).header.err, ErrorCode.authFailed);
    assert.equal(await create, 'closed');
    const other = await connect();
    const after = await other.send(1, req.exists('/after-auth-failed'));
    assert.equal(after.header.err, ErrorCode.noNode, 'nothing after the failed auth ran');
  });

  void it('whoAmI (107) lists the ip first, then the digest user', async () => {
    const client = await connect();
    const before = await client.send(1, req.whoAmI());
    assert.ok(before.body?.type === 'whoAmI');
    assert.deepEqual(before.body.clients, [{ authScheme: 'ip', user: '127.0.0.1' }]);
    await login(client, 'carol:pw');
    const after = await client.send(2, req.whoAmI());
    assert.ok(after.body?.type === 'whoAmI');
    assert.deepEqual(after.body.clients, [
      { authScheme: 'ip', user: '127.0.0.1' },
      { authScheme: 'digest', user: 'carol' },
    ]);
  });

  void it('auth ids are per connection: a resumed session must authenticate again', async () => {
    const dave = await connect();
    await login(dave, 'dave:pw');
    const acl: Acl[] = [{ perms: Perms.all, id: { scheme: 'digest', id: digest('dave:pw') } }];
    assert.equal((await dave.send(1, req.create('/dave', 'd', { acl }))).header.err, 0);
    const resumed = await RawClient.connect(server.port, {
      sessionId: dave.sessionId,
      passwd: dave.passwd,
    });
    clients.push(resumed);
    assert.equal((await resumed.send(1, req.getData('/dave'))).header.err, ErrorCode.noAuth);
    await login(resumed, 'dave:pw');
    assert.equal((await resumed.send(2, req.getData('/dave'))).header.err, ErrorCode.ok);
  });
});
