// One server per data directory: a second server, in this process or in another one, fails
// with "in use" and leaves the first one's lock alone; the lock goes with its owner, including
// an owner killed with SIGKILL.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lockFileName } from '../../src/server/persistence/data-dir-lock.ts';
import type { RunningServer } from '../../src/server/server.ts';
import { TempDirs } from '../support/durability-fs.ts';
import {
  spawnMeerkat,
  startAt,
  tailOf,
  waitReady,
  writeZooCfg,
  type ChildServer,
} from '../support/durability-server.ts';
import { getFreePort } from '../support/free-port.ts';
import { RawClient, req } from '../support/raw-client.ts';

const temp = new TempDirs();
const children: ChildServer[] = [];
after(async () => {
  for (const child of children) await child.kill('SIGKILL');
  await temp.removeAll();
});

const inUse = /data directory .* is in use by another server \(pid (\d+)\)/;

void describe('data directory lock', () => {
  void it('a second in-process server on the same dataDir fails with "in use"', async () => {
    const dataDir = await temp.create();
    const first = await startAt(dataDir);
    try {
      await assert.rejects(startAt(dataDir), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(inUse.exec(error.message)?.[1], String(process.pid));
        return true;
      });
      const client = await RawClient.connect(first.port);
      assert.equal((await client.send(1, req.create('/still-works'))).header.err, 0);
      client.destroy();
      assert.equal((await readFile(join(dataDir, lockFileName), 'utf8')).trim(), `${process.pid}`);
    } finally {
      await first.close();
    }
    const again = await startAt(dataDir);
    await again.close();
  });

  void it('a second server process on the same dataDir exits with "in use"', async () => {
    const dataDir = await temp.create();
    const first = await startAt(dataDir);
    try {
      const dir = await temp.create();
      const cfg = await writeZooCfg(dir, dataDir, await getFreePort());
      const logFile = join(dir, 'second.log');
      const second = spawnMeerkat(cfg, logFile);
      children.push(second);
      const outcome = await Promise.race([
        second.exited,
        new Promise<'timeout'>((resolve) => setTimeout(resolve, 10_000, 'timeout').unref()),
      ]);
      assert.deepStrictEqual(outcome, { code: 1, signal: null }, tailOf(logFile));
      assert.match(await readFile(logFile, 'utf8'), inUse);
      assert.equal((await readFile(join(dataDir, lockFileName), 'utf8')).trim(), `${process.pid}`);
    } finally {
      await first.close();
    }
  });

  void it('a server process killed with SIGKILL leaves no stale lock', async () => {
    const dir = await temp.create();
    const dataDir = join(dir, 'data');
    const port = await getFreePort();
    const cfg = await writeZooCfg(dir, dataDir, port);
    const logFile = join(dir, 'owner.log');
    const owner = spawnMeerkat(cfg, logFile);
    children.push(owner);
    await waitReady(owner, port, logFile);
    let server: RunningServer | undefined;
    try {
      await assert.rejects(startAt(dataDir), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(inUse.exec(error.message)?.[1], String(owner.pid));
        return true;
      });
      await owner.kill('SIGKILL');
      server = await startAt(dataDir);
    } finally {
      await server?.close();
    }
  });
});
