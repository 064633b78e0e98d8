// Retention: purge keeps the newest N snapshots and every log segment needed to replay from the
// oldest kept one, never removes the newest segment, and leaves other files alone. And the
// randomised snapshot threshold stays within [snapCount/2 + 1, snapCount].
import assert from 'node:assert/strict';
import { writeFile, readdir, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { nextSnapshotThreshold } from '../../../../src/server/persistence/durable-store.ts';
import { segmentName } from '../../../../src/server/persistence/log-format.ts';
import { purge } from '../../../../src/server/persistence/purge.ts';
import { TempDirs } from '../../../support/durability-fs.ts';
import { runParameters } from '../../../support/protocol-arbitraries.ts';

const temp = new TempDirs();
after(() => temp.removeAll());

async function fill(dir: string, snapshots: readonly bigint[], logs: readonly bigint[]) {
  for (const zxid of snapshots) await writeFile(join(dir, segmentName('snapshot', zxid)), 's');
  for (const zxid of logs) await writeFile(join(dir, segmentName('log', zxid)), 'l');
}

const names = async (dir: string): Promise<string[]> => (await readdir(dir)).sort();

void describe('purge', () => {
  void it('keeps 3 snapshots and the logs from the one holding oldest kept + 1', async () => {
    const dir = await temp.create();
    await fill(dir, [0x10n, 0x20n, 0x30n, 0x40n], [0x1n, 0x11n, 0x21n, 0x31n, 0x41n]);
    const result = await purge({ snapDir: dir, logDir: dir, retainCount: 3 });
    assert.deepStrictEqual(result, {
      snapshotsRemoved: ['snapshot.10'],
      logsRemoved: ['log.1', 'log.11'],
    });
    assert.deepStrictEqual(await names(dir), [
      'log.21',
      'log.31',
      'log.41',
      'snapshot.20',
      'snapshot.30',
      'snapshot.40',
    ]);
  });

  void it('keeps the segment a kept snapshot falls inside', async () => {
    const dir = await temp.create();
    await fill(dir, [0x15n, 0x25n, 0x35n, 0x45n], [0x1n, 0x10n, 0x20n, 0x30n]);
    const result = await purge({ snapDir: dir, logDir: dir, retainCount: 3 });
    assert.deepStrictEqual(result.logsRemoved, ['log.1', 'log.10']);
    assert.deepStrictEqual(
      (await names(dir)).filter((n) => n.startsWith('log.')),
      ['log.20', 'log.30'],
    );
  });

  void it('never removes the newest segment, even when every snapshot is newer', async () => {
    const dir = await temp.create();
    await fill(dir, [0x100n, 0x200n], [0x1n]);
    const result = await purge({ snapDir: dir, logDir: dir, retainCount: 1 });
    assert.deepStrictEqual(result, { snapshotsRemoved: ['snapshot.100'], logsRemoved: [] });
    assert.deepStrictEqual(await names(dir), ['log.1', 'snapshot.200']);
  });

  void it('removes nothing while there are no more snapshots than it keeps', async () => {
    const dir = await temp.create();
    await fill(dir, [0x10n, 0x20n], [0x1n, 0x5n, 0x11n]);
    assert.deepStrictEqual(await purge({ snapDir: dir, logDir: dir, retainCount: 3 }), {
      snapshotsRemoved: [],
      logsRemoved: [],
    });
    assert.equal((await names(dir)).length, 5);
  });

  void it('retain count < 1 keeps 1; other files left alone; separate log dir', async () => {
    const snapDir = await temp.create();
    const logDir = join(snapDir, 'logs');
    await mkdir(logDir);
    await fill(snapDir, [0x10n, 0x20n], []);
    await fill(logDir, [], [0x1n, 0x21n]);
    const others = ['meerkat.lock', 'snapshot.5.tmp', 'log.xyz', 'snapshot.'];
    for (const name of others) await writeFile(join(snapDir, name), 'x');
    await writeFile(join(logDir, 'log.1.old'), 'x');
    const result = await purge({ snapDir, logDir, retainCount: 0 });
    assert.deepStrictEqual(result, { snapshotsRemoved: ['snapshot.10'], logsRemoved: ['log.1'] });
    assert.deepStrictEqual(await names(snapDir), ['logs', ...others, 'snapshot.20'].sort());
    assert.deepStrictEqual(await names(logDir), ['log.1.old', 'log.21']);
  });

  void it('any layout: newest N snapshots, every needed log, newest kept (seed 0x9e)', async () => {
    const zxids = fc.uniqueArray(fc.bigInt({ min: 0n, max: 400n }), { maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(zxids, zxids, fc.integer({ min: 1, max: 4 }), async (snaps, logs, keep) => {
        const dir = await temp.create();
        await fill(dir, snaps, logs);
        await purge({ snapDir: dir, logDir: dir, retainCount: keep });
        const left = await names(dir);
        const sortedSnaps = [...snaps].sort((a, b) => (a < b ? -1 : 1));
        const sortedLogs = [...logs].sort((a, b) => (a < b ? -1 : 1));
        const keptSnaps = sortedSnaps.slice(-keep);
        const snapNames = left.filter((n) => n.startsWith('snapshot.'));
        assert.deepStrictEqual(snapNames, keptSnaps.map((z) => segmentName('snapshot', z)).sort());
        const keptLogs = new Set(left.filter((n) => n.startsWith('log.')));
        const newest = sortedLogs.at(-1);
        if (newest !== undefined) assert.ok(keptLogs.has(segmentName('log', newest)), 'newest');
        const oldestKept = keptSnaps[0];
        if (oldestKept === undefined || sortedSnaps.length <= keep) {
          assert.equal(keptLogs.size, logs.length, 'nothing removed without a surplus snapshot');
          return;
        }
        // Needed: the last segment starting at or before oldestKept + 1, and all after it.
        const firstNeeded = sortedLogs.filter((z) => z <= oldestKept + 1n).at(-1);
        for (const z of sortedLogs) {
          const needed = firstNeeded === undefined || z >= firstNeeded;
          assert.equal(keptLogs.has(segmentName('log', z)), needed, `log.${z.toString(16)}`);
        }
      }),
      runParameters(0x9e, 60),
    );
  });
});

void describe('nextSnapshotThreshold', () => {
  void it('is within [floor(snapCount / 2) + 1, snapCount], both ends reachable', () => {
    for (const snapCount of [1, 2, 3, 50, 51, 100_000]) {
      const low = Math.floor(snapCount / 2) + 1;
      assert.equal(
        nextSnapshotThreshold(snapCount, () => 0),
        low,
        `low end for ${snapCount}`,
      );
      assert.equal(
        nextSnapshotThreshold(snapCount, () => 1 - 2 ** -53),
        snapCount,
      );
    }
  });

  void it('any snapCount and random value (seed 0x7e5)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (snapCount, r) => {
          const threshold = nextSnapshotThreshold(snapCount, () => r);
          assert.ok(Number.isInteger(threshold));
          assert.ok(threshold >= Math.floor(snapCount / 2) + 1 && threshold <= snapCount);
        },
      ),
      runParameters(0x7e5, 1000),
    );
  });
});
