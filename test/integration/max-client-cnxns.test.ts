// maxClientCnxns (protocol doc §11): at most N concurrent connections per client IP. The
// N+1st connection from 127.0.0.1 is closed at once; once one closes, a new one is accepted.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/index.ts';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { RawClient, req } from '../support/raw-client.ts';

void describe('maxClientCnxns', { timeout: 20_000 }, () => {
  let server: InProcessServer;
  const clients: RawClient[] = [];

  before(async () => {
    server = await startInProcessServer({ maxClientCnxns: 3 });
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await server.close();
  });

  void it('closes the 4th connection from one address and accepts one after a close', async () => {
    for (let i = 0; i < 3; i++) {
      const client = await RawClient.connect(server.port);
      clients.push(client);
      assert.equal((await client.send(1, req.exists('/'))).header.err, ErrorCode.ok);
    }
    const fourth = await RawClient.open(server.port);
    clients.push(fourth);
    const refused = fourth.handshakeWith().catch((error: Error) => error);
    assert.equal(await fourth.waitClosed(2000), true, 'the 4th connection is closed');
    assert.ok((await refused) instanceof Error);
    assert.equal(fourth.bytesReceived, 0);
    for (const client of clients.slice(0, 3)) assert.equal(client.closed, false);

    clients[0]?.destroy();
    // The server sees the close asynchronously: retry a bounded number of times.
    let accepted: RawClient | undefined;
    for (let attempt = 0; attempt < 20 && accepted === undefined; attempt++) {
      const candidate = await RawClient.open(server.port);
      clients.push(candidate);
      const ok = await candidate.handshakeWith().then(
        () => true,
        () => false,
      );
      if (ok) accepted = candidate;
      else await sleep(25);
    }
    assert.ok(accepted !== undefined, 'a new connection is accepted after one closed');
    assert.equal((await accepted.send(1, req.getChildren('/'))).header.err, ErrorCode.ok);
    const fifth = await RawClient.open(server.port);
    clients.push(fifth);
    assert.equal(await fifth.waitClosed(2000), true, 'the limit still holds');
  });
});
