// Four-letter words on the client port (protocol doc §10.1): the first four bytes of a fresh
// connection name the command, the server writes text and closes. The whitelist defaults to
// srvr only; other known words are refused with Apache's sentence.
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/index.ts';
import { sendFourLetterWord } from '../support/four-letter-word.ts';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { RawClient, req } from '../support/raw-client.ts';

void describe('four-letter words', { timeout: 20_000 }, () => {
  let open: InProcessServer; // whitelist: all
  let strict: InProcessServer; // whitelist: the default (srvr only)
  const word = (server: InProcessServer, name: string): Promise<string> =>
    sendFourLetterWord(server.host, server.port, name, { timeoutMs: 2000 });

  before(async () => {
    open = await startInProcessServer({ fourLetterWordWhitelist: 'all' });
    strict = await startInProcessServer({ fourLetterWordWhitelist: undefined });
  });
  after(async () => {
    await open.close();
    await strict.close();
  });

  void it('ruok answers imok (no newline)', async () => {
    assert.equal(await word(open, 'ruok'), 'imok');
  });

  void it('srvr reports version, mode and node count', async () => {
    const client = await RawClient.connect(open.port);
    try {
      assert.equal((await client.send(1, req.create('/srvr-node'))).header.err, ErrorCode.ok);
      const text = await word(open, 'srvr');
      assert.match(text, /^Zookeeper version: /);
      assert.match(text, /\nMode: standalone\n/);
      assert.match(text, /\nLatency min\/avg\/max: \d+\/[\d.]+\/\d+\n/);
      assert.match(text, /\nZxid: 0x[0-9a-f]+\n/);
      const nodes = /\nNode count: (\d+)\n/.exec(text);
      assert.ok(nodes !== null, text);
      // "/", "/zookeeper", "/zookeeper/quota" (and possibly /zookeeper/config), plus ours.
      assert.ok(Number(nodes[1]) >= 4, `node count ${nodes[1]}`);
      assert.match(text, /\nConnections: [1-9]\d*\n/);
    } finally {
      client.destroy();
    }
  });

  void it('the default whitelist serves srvr and refuses the rest', async () => {
    assert.match(await word(strict, 'srvr'), /Mode: standalone/);
    for (const name of ['ruok', 'mntr', 'stat', 'conf']) {
      assert.equal(
        await word(strict, name),
        `${name} is not executed because it is not in the whitelist.\n`,
      );
    }
  });

  void it('a word after the handshake is not a command: the connection closes', async () => {
    const client = await RawClient.connect(open.port);
    client.writeRaw(Buffer.from('ruok'));
    assert.equal(await client.waitClosed(2000), true);
    assert.equal(await word(open, 'ruok'), 'imok');
  });

  void it('a word split across two TCP segments is still recognised', async () => {
    const socket = net.createConnection({ host: open.host, port: open.port, noDelay: true });
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      socket.once('close', () => (clearTimeout(timer), resolve()));
    });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('ru');
    await sleep(50);
    socket.write('ok');
    await closed;
    socket.destroy();
    assert.equal(text, 'imok');
  });
});
