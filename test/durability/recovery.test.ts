// Recovery on real temp directories (DurableStore + the unit-test Core, no sockets): a clean
// restart, snapshot + later log, a damaged newest snapshot (falls back loudly), a torn tail
// of the newest segment (truncated, loudly), damage in an older segment and a zxid gap (start-up
// refused with a RecoveryError naming the segment), and an empty newest segment.
import assert from 'node:assert/strict';
import { readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeRecords, logHeaderBytes } from '../../src/server/persistence/log-format.ts';
import { RecoveryError, listSegments } from '../../src/server/persistence/recovery.ts';
import type { WriteRequest } from '../../src/server/txn/prepare.ts';
import type { Txn } from '../../src/server/txn/txn.ts';
import {
  RecordingLogger,
  TempDirs,
  checkGapless,
  dumpTree,
  scanSegments,
} from '../support/durability-fs.ts';
import { openStore, write, type OpenedStore } from '../support/durability-store.ts';
import { create, del, multi, setData } from '../unit/server/harness.ts';

const temp = new TempDirs();
after(() => temp.removeAll());

/** A mix of writes, including failing ones (error txns) and multis. */
function workload(tag: string, n: number): WriteRequest[] {
  const out: WriteRequest[] = [create(`/${tag}`)];
  for (let i = 0; i < n; i++) {
    const path = `/${tag}/n${i}`;
    out.push(create(path, { data: `${tag}-${i}` }));
    if (i % 3 === 0) out.push(setData(path, `${tag}-${i}-v1`));
    if (i % 5 === 4) out.push(del(`/${tag}/n${i - 1}`));
    if (i % 7 === 6) out.push(multi(setData(path, 'm'), create(`${path}/child`)));
    if (i % 9 === 8) out.push(create(path)); // NODEEXISTS: an error txn
  }
  return out;
}

async function reopen(before: OpenedStore, logger = new RecordingLogger()) {
  const expected = dumpTree(before.core.tree);
  const lastZxid = before.core.state.lastAppliedZxid;
  await before.store.close();
  const after = await openStore(before.dataDir, { logger });
  return { after, expected, lastZxid, logger };
}

async function fresh(options: { snapCount?: number } = {}): Promise<OpenedStore> {
  return openStore(await temp.create(), options);
}

const flipByte = async (path: string, at: number): Promise<void> => {
  const bytes = await readFile(path);
  bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
  await writeFile(path, bytes);
};

/** Start offsets of the records of a scanned segment, and where they end. */
function recordStarts(txns: readonly Txn[]): number[] {
  const starts: number[] = [];
  let at = logHeaderBytes;
  for (const txn of txns) {
    starts.push(at);
    at += encodeRecords([txn]).length;
  }
  starts.push(at);
  return starts;
}

void describe('recovery: intact directories', () => {
  void it('restart after a clean close: every write, same tree, zxids continue', async () => {
    const first = await fresh();
    const txns = await write(first, workload('a', 20));
    const { after, expected, lastZxid } = await reopen(first);
    assert.equal(after.store.recovery.lastZxid, lastZxid);
    assert.equal(after.store.recovery.txnsReplayed, txns.length);
    assert.equal(after.store.recovery.snapshotZxid, undefined);
    assert.deepStrictEqual(dumpTree(after.core.tree), expected);
    assert.equal(after.core.state.lastProposedZxid, lastZxid);
    await write(after, workload('b', 5), 3);
    const again = await reopen(after);
    assert.deepStrictEqual(dumpTree(again.after.core.tree), again.expected);
    const segments = await scanSegments(again.after.dir);
    assert.equal(segments.length, 2, 'a restart continues in a new segment');
    checkGapless(
      segments.flatMap((s) => s.txns.map((t) => t.zxid)),
      1n,
      'log',
    );
    await again.after.store.close();
  });

  void it('a snapshot plus the log after it', async () => {
    const first = await fresh();
    await write(first, workload('a', 10));
    const snap = await first.store.snapshot();
    assert.ok(snap !== undefined);
    const later = await write(first, workload('b', 8), 2);
    const { after, expected, logger } = await reopen(first);
    assert.equal(after.store.recovery.snapshotZxid, snap.zxid);
    assert.equal(after.store.recovery.txnsReplayed, later.length);
    assert.deepStrictEqual(dumpTree(after.core.tree), expected);
    assert.equal(logger.find('info', 'snapshot loaded').length, 1);
    await after.store.close();
  });

  void it('snapshots taken on their own every ~snapCount txns, with log roll-over', async () => {
    const first = await fresh({ snapCount: 50 });
    await write(first, workload('a', 150));
    const { after, expected, lastZxid } = await reopen(first); // close waits for a snapshot
    const names = await readdir(first.dir);
    const snapshots = await listSegments(first.dir, 'snapshot');
    assert.ok(snapshots.length >= 3, `snapshots: ${names.join(' ')}`);
    assert.ok(names.filter((n) => n.startsWith('log.')).length >= 3, names.join(' '));
    assert.deepStrictEqual(dumpTree(after.core.tree), expected);
    const newest = snapshots.at(-1)?.zxid ?? 0n;
    assert.equal(after.store.recovery.snapshotZxid, newest);
    assert.equal(BigInt(after.store.recovery.txnsReplayed), lastZxid - newest);
    await after.store.close();
  });
});

void describe('recovery: damaged snapshots', () => {
  async function twoSnapshots() {
    const first = await fresh();
    await write(first, workload('a', 8));
    const older = await first.store.snapshot();
    await write(first, workload('b', 8));
    const newer = await first.store.snapshot();
    await write(first, workload('c', 4));
    assert.ok(older !== undefined && newer !== undefined);
    return { first, older, newer };
  }

  for (const damage of ['a flipped byte', 'truncated', 'no end marker'] as const) {
    const title = `newest snapshot ${damage}: falls back to the older one, with a loud log line`;
    void it(title, async () => {
      const { first, older, newer } = await twoSnapshots();
      const expected = dumpTree(first.core.tree);
      await first.store.close();
      const size = (await readFile(newer.path)).length;
      if (damage === 'a flipped byte') await flipByte(newer.path, Math.floor(size / 2));
      else await truncate(newer.path, damage === 'truncated' ? Math.floor(size / 2) : size - 8);
      const logger = new RecordingLogger();
      const after = await openStore(first.dataDir, { logger });
      const [line, ...more] = logger.find('error', 'DAMAGED SNAPSHOT');
      assert.ok(line !== undefined && more.length === 0, 'one DAMAGED SNAPSHOT error line');
      assert.equal(line.fields['snapshot'], `snapshot.${newer.zxid.toString(16)}`);
      assert.equal(typeof line.fields['reason'], 'string');
      assert.equal(after.store.recovery.snapshotZxid, older.zxid);
      assert.deepStrictEqual(dumpTree(after.core.tree), expected);
      await after.store.close();
    });
  }

  void it('every snapshot damaged: replays the whole log; a leftover .tmp is removed', async () => {
    const { first, older, newer } = await twoSnapshots();
    const expected = dumpTree(first.core.tree);
    await first.store.close();
    await flipByte(older.path, 20);
    await flipByte(newer.path, 20);
    await writeFile(`${newer.path}0.tmp`, 'half a snapshot');
    const logger = new RecordingLogger();
    const after = await openStore(first.dataDir, { logger });
    assert.equal(logger.find('error', 'DAMAGED SNAPSHOT').length, 2);
    assert.equal(after.store.recovery.snapshotZxid, undefined);
    assert.deepStrictEqual(dumpTree(after.core.tree), expected);
    assert.ok(!(await readdir(after.dir)).some((n) => n.endsWith('.tmp')));
    await after.store.close();
  });
});

void describe('recovery: the txn log', () => {
  async function tenWrites() {
    const first = await fresh();
    const txns = await write(first, workload('a', 6).slice(0, 10));
    await first.store.close();
    const [segment] = await scanSegments(first.dir);
    assert.ok(segment !== undefined);
    return { first, txns, path: join(first.dir, segment.name), segment };
  }

  void it('torn tail, cut in the middle of the last record: truncated away, loudly', async () => {
    const { first, txns, path, segment } = await tenWrites();
    const starts = recordStarts(segment.txns);
    const lastStart = starts[9] as number;
    await truncate(path, lastStart + Math.floor(((starts[10] as number) - lastStart) / 2));
    const logger = new RecordingLogger();
    const after = await openStore(first.dataDir, { logger });
    const [line] = logger.find('warn', 'TORN TXN LOG TAIL');
    assert.ok(line !== undefined, 'a TORN TXN LOG TAIL warning');
    assert.equal(line.fields['segment'], segment.name);
    assert.equal(line.fields['offset'], lastStart);
    assert.equal(after.store.recovery.lastZxid, txns[8]?.zxid);
    assert.equal((await readFile(path)).length, lastStart, 'the torn bytes are gone');
    await write(after, [create('/after')]);
    await after.store.close();
    const segments = await scanSegments(first.dir);
    checkGapless(
      segments.flatMap((s) => s.txns.map((t) => t.zxid)),
      1n,
      'log',
    );
    assert.ok(segments.every((s) => s.torn === undefined));
  });

  void it('garbage after the last record: every record kept, the garbage truncated', async () => {
    const { first, txns, path, segment } = await tenWrites();
    const bytes = await readFile(path);
    Buffer.from('garbage!').copy(bytes, segment.endOffset + 3);
    await writeFile(path, bytes);
    const logger = new RecordingLogger();
    const after = await openStore(first.dataDir, { logger });
    assert.equal(logger.find('warn', 'TORN TXN LOG TAIL').length, 1);
    assert.equal(after.store.recovery.lastZxid, txns.at(-1)?.zxid);
    assert.equal((await readFile(path)).length, segment.endOffset);
    await after.store.close();
  });

  void it('an empty newest segment (crash while creating it) is removed', async () => {
    const { first, txns } = await tenWrites();
    const name = `log.${((txns.at(-1)?.zxid ?? 0n) + 1n).toString(16)}`;
    await writeFile(join(first.dir, name), Buffer.alloc(7));
    const logger = new RecordingLogger();
    const after = await openStore(first.dataDir, { logger });
    assert.equal(logger.find('warn', 'empty txn log segment').length, 1);
    assert.ok(!(await readdir(first.dir)).includes(name));
    await after.store.close();
  });

  void it('a newest segment whose header never reached the disk (all zeros) is treated as empty', async () => {
    const { first, txns } = await tenWrites();
    const name = `log.${((txns.at(-1)?.zxid ?? 0n) + 1n).toString(16)}`;
    await writeFile(join(first.dir, name), Buffer.alloc(64 * 1024));
    const after = await openStore(first.dataDir);
    assert.equal(after.store.recovery.lastZxid, txns.at(-1)?.zxid);
    await after.store.close();
  });

  async function threeSegments() {
    const first = await fresh();
    for (const tag of ['a', 'b', 'c']) {
      await write(first, workload(tag, 3), 2);
      first.store.log.rollOver();
    }
    await first.store.close();
    const segments = await scanSegments(first.dir);
    assert.equal(segments.length, 3);
    return { first, segments };
  }

  for (const damage of ['a flipped byte', 'a cut'] as const) {
    void it(`${damage} in a segment that is not the last: RecoveryError naming it`, async () => {
      const { first, segments } = await threeSegments();
      const target = segments[0];
      assert.ok(target !== undefined);
      const path = join(first.dir, target.name);
      if (damage === 'a flipped byte') await flipByte(path, Math.floor(target.endOffset / 2));
      else await truncate(path, target.endOffset - 5);
      await assert.rejects(openStore(first.dataDir), (error: unknown) => {
        assert.ok(error instanceof RecoveryError, String(error));
        assert.match(error.message, new RegExp(`txn log ${target.name} is damaged`));
        return true;
      });
      // The lock went with the failed start-up: once repaired (here: the later segments
      // removed and, for the flip, the damaged tail cut off), it starts.
      await rm(join(first.dir, (segments[1] as { name: string }).name));
      await rm(join(first.dir, (segments[2] as { name: string }).name));
      if (damage === 'a flipped byte') await truncate(path, Math.floor(target.endOffset / 2));
      const after = await openStore(first.dataDir);
      await after.store.close();
    });
  }

  void it('a zxid gap (a middle segment missing): RecoveryError', async () => {
    const { first, segments } = await threeSegments();
    await rm(join(first.dir, (segments[1] as { name: string }).name));
    const third = segments[2] as { name: string };
    await assert.rejects(openStore(first.dataDir), (error: unknown) => {
      assert.ok(error instanceof RecoveryError, String(error));
      assert.match(error.message, new RegExp(`txn log ${third.name}: zxid .* \\(a gap`));
      return true;
    });
  });

  void it('first segment missing, no snapshot: RecoveryError, not an empty tree', async () => {
    const { first, segments } = await threeSegments();
    await rm(join(first.dir, (segments[0] as { name: string }).name));
    await assert.rejects(openStore(first.dataDir), RecoveryError);
  });

  void it('damage in the middle of the newest segment, acknowledged records after it: refused', async () => {
    const { first, path, segment } = await tenWrites();
    const starts = recordStarts(segment.txns);
    await flipByte(path, (starts[3] as number) + 12); // record 4 of 10, each synced alone
    const logger = new RecordingLogger();
    const opened: OpenedStore | Error = await openStore(first.dataDir, { logger }).catch(
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    if (!(opened instanceof Error)) await opened.store.close();
    assert.ok(opened instanceof RecoveryError, 'start-up refused');
  });
});
