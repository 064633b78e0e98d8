// FileTxnLog against an in-memory LogFile (the injectable disk): a batch is acknowledged only
// after its fdatasync; batches arriving during a write are group-committed, and their write is
// under way before the batch before them is acknowledged; a failed write
// acknowledges nothing queued and the next write starts at the last durable record; roll-over
// and preallocation. Only directory fsyncs touch the real file system (a temp dir).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { silentLogger } from '../../../../src/core/logger.ts';
import { FileTxnLog, type LogFile } from '../../../../src/server/persistence/file-txn-log.ts';
import { logHeaderBytes, scanLog } from '../../../../src/server/persistence/log-format.ts';
import type { Txn } from '../../../../src/server/txn/txn.ts';
import { TempDirs, diskError } from '../../../support/durability-fs.ts';

const temp = new TempDirs();
after(() => temp.removeAll());

/** A file in memory that records the calls made to it; datasync can be held or failed. */
class MemFile implements LogFile {
  bytes = Buffer.alloc(0);
  readonly calls: string[] = [];
  hold: Promise<void> | undefined;
  failSync = false;
  closed = false;

  write(buffer: Buffer, offset: number, length: number, position: number) {
    if (position + length > this.bytes.length) this.resize(position + length);
    buffer.copy(this.bytes, position, offset, offset + length);
    this.calls.push(`write ${length}@${position}`);
    return Promise.resolve({ bytesWritten: length });
  }
  truncate(length: number): Promise<void> {
    this.resize(length);
    this.calls.push(`truncate ${length}`);
    return Promise.resolve();
  }
  async datasync(): Promise<void> {
    this.calls.push('datasync');
    await this.hold;
    if (this.failSync) throw diskError('EIO', 'fdatasync');
  }
  sync(): Promise<void> {
    this.calls.push('sync');
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
  private resize(length: number): void {
    const next = Buffer.alloc(length);
    this.bytes.copy(next, 0, 0, Math.min(length, this.bytes.length));
    this.bytes = next;
  }
}

async function rig(forceSync = true) {
  const dir = await temp.create();
  const files = new Map<string, MemFile>();
  const log = new FileTxnLog({
    dir,
    preAllocBytes: 1024,
    forceSync,
    logger: silentLogger,
    open: (path) => {
      const file = new MemFile();
      files.set(path.slice(dir.length + 1), file);
      return Promise.resolve(file);
    },
  });
  return { log, files };
}

const txn = (zxid: bigint, path = `/n${zxid}`): Txn => ({
  zxid,
  sessionId: 0n,
  cxid: Number(zxid),
  time: 0n,
  body: { type: 'delete', path },
});

/** Commits; the returned promise settles with the error (or 'ok'), never rejects. */
function commit(log: FileTxnLog, txns: Txn[], acked: string[]): Promise<string> {
  return new Promise((resolve) => {
    log.commit(txns, (error) => {
      const outcome = error === undefined ? 'ok' : error.message;
      acked.push(`${txns.map((t) => t.zxid).join(',')}:${outcome}`);
      resolve(outcome);
    });
  });
}

function deferred(): { promise: Promise<void>; release: () => void } {
  let release = (): void => undefined;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

const zxidsIn = (file: MemFile | undefined): bigint[] =>
  scanLog(file?.bytes ?? Buffer.alloc(0)).txns.map((t) => t.zxid);

void describe('FileTxnLog', () => {
  void it('acks a batch only after its fdatasync; group-commits the next ones', async () => {
    const { log, files } = await rig();
    const acked: string[] = [];
    const gate = deferred();
    await commit(log, [txn(1n)], acked);
    const file = files.get('log.1');
    assert.ok(file !== undefined);
    file.hold = gate.promise;
    const first = commit(log, [txn(2n), txn(3n)], acked);
    for (let i = 0; i < 5; i++) await tick();
    const second = commit(log, [txn(4n)], acked);
    const third = commit(log, [txn(5n)], acked);
    for (let i = 0; i < 5; i++) await tick();
    assert.deepStrictEqual(acked, ['1:ok'], 'nothing acknowledged before its datasync');
    assert.deepStrictEqual(zxidsIn(file), [1n, 2n, 3n], 'written, not yet synced');
    const writesBefore = file.calls.filter((c) => c.startsWith('write')).length;
    file.hold = undefined;
    gate.release();
    assert.deepStrictEqual(await Promise.all([first, second, third]), ['ok', 'ok', 'ok']);
    assert.deepStrictEqual(acked, ['1:ok', '2,3:ok', '4:ok', '5:ok']);
    assert.equal(file.calls.filter((c) => c.startsWith('write')).length, writesBefore + 1);
    assert.deepStrictEqual(zxidsIn(file), [1n, 2n, 3n, 4n, 5n]);
    assert.equal(log.syncs, 3, 'one datasync per write: 1, 2-3, then 4 and 5 together');
    await log.close();
    assert.ok(file.closed);
  });

  void it('has the next write under way before it acknowledges the batch before it', async () => {
    const { log, files } = await rig();
    await commit(log, [txn(1n)], []);
    const file = files.get('log.1') as MemFile;
    const gate = deferred();
    file.hold = gate.promise;
    const writes = (): number => file.calls.filter((c) => c.startsWith('write')).length;
    const writesAtAck: number[] = [];
    const ack = (txns: Txn[]): Promise<Error | undefined> =>
      new Promise((resolve) =>
        log.commit(txns, (error) => {
          writesAtAck.push(writes());
          resolve(error);
        }),
      );
    const first = ack([txn(2n)]);
    for (let i = 0; i < 5; i++) await tick();
    const second = ack([txn(3n)]);
    const writesBefore = writes();
    file.hold = undefined;
    gate.release();
    assert.deepStrictEqual(await Promise.all([first, second]), [undefined, undefined]);
    assert.deepStrictEqual(writesAtAck, [writesBefore + 1, writesBefore + 1]);
    assert.deepStrictEqual(zxidsIn(file), [1n, 2n, 3n]);
    await log.close();
  });

  void it('a write that fails after the batch before it succeeded leaves that batch acked', async () => {
    const { log, files } = await rig();
    await commit(log, [txn(1n)], []);
    const file = files.get('log.1') as MemFile;
    const gate = deferred();
    file.hold = gate.promise;
    const acked: string[] = [];
    const first = commit(log, [txn(2n)], acked);
    for (let i = 0; i < 5; i++) await tick();
    const second = commit(log, [txn(3n)], acked);
    // Batch 2's datasync is under way (held); the next one, batch 3's, fails.
    const original = file.datasync.bind(file);
    file.datasync = () => {
      file.datasync = original;
      return Promise.reject(diskError('EIO', 'fdatasync'));
    };
    file.hold = undefined;
    gate.release();
    assert.equal(await first, 'ok');
    assert.match(await second, /EIO/);
    assert.deepStrictEqual(acked, ['2:ok', '3:EIO: i/o error, fdatasync']);
    assert.equal(await commit(log, [txn(3n, '/again')], []), 'ok');
    assert.deepStrictEqual(
      scanLog(file.bytes).txns.map((t) => [t.zxid, t.body]),
      [
        [1n, { type: 'delete', path: '/n1' }],
        [2n, { type: 'delete', path: '/n2' }],
        [3n, { type: 'delete', path: '/again' }],
      ],
    );
    await log.close();
  });

  void it('forceSync=no acknowledges after the write without fdatasync', async () => {
    const { log, files } = await rig(false);
    assert.equal(await commit(log, [txn(1n)], []), 'ok');
    assert.ok(!(files.get('log.1')?.calls ?? []).includes('datasync'));
    await log.close();
  });

  void it('a failed datasync fails the batch and all queued; next write starts over', async () => {
    const { log, files } = await rig();
    const acked: string[] = [];
    await commit(log, [txn(1n)], acked);
    const file = files.get('log.1') as MemFile;
    const gate = deferred();
    file.hold = gate.promise;
    file.failSync = true;
    const failing = commit(log, [txn(2n)], acked);
    for (let i = 0; i < 5; i++) await tick();
    const queued = commit(log, [txn(3n)], acked);
    gate.release();
    assert.match(await failing, /EIO/);
    assert.match(await queued, /EIO/);
    file.hold = undefined;
    file.failSync = false;
    // The pipeline hands the refused zxids out again.
    assert.equal(await commit(log, [txn(2n, '/again')], acked), 'ok');
    const scan = scanLog(file.bytes);
    assert.deepStrictEqual(
      scan.txns.map((t) => [t.zxid, t.body]),
      [
        [1n, { type: 'delete', path: '/n1' }],
        [2n, { type: 'delete', path: '/again' }],
      ],
    );
    assert.equal(scan.torn, undefined);
    await log.close();
  });

  void it('a failed batch is not readable from the segment once the log is closed', async () => {
    const { log, files } = await rig();
    await commit(log, [txn(1n)], []);
    const file = files.get('log.1') as MemFile;
    file.failSync = true;
    assert.match(await commit(log, [txn(2n)], []), /EIO/);
    await log.close();
    assert.deepStrictEqual(zxidsIn(file), [1n], 'only the acknowledged txn');
  });

  void it('rolls over to a segment named by its first zxid; preallocates in steps', async () => {
    const { log, files } = await rig();
    await commit(log, [txn(1n)], []);
    assert.equal(files.get('log.1')?.bytes.length, 1024, 'preallocated');
    assert.equal(
      files.get('log.1')?.calls.slice(0, 3).join(' '),
      `write ${logHeaderBytes}@0 truncate 1024 sync`,
    );
    log.rollOver();
    const big: Txn = { ...txn(2n), body: { type: 'delete', path: `/${'x'.repeat(3000)}` } };
    await commit(log, [big, txn(3n)], []);
    assert.equal(log.currentSegment, 'log.2');
    assert.ok(files.get('log.1')?.closed);
    const second = files.get('log.2') as MemFile;
    assert.ok(second.bytes.length >= 3000 + 1024, 'grown by at least a preallocation step');
    assert.deepStrictEqual(zxidsIn(second), [2n, 3n]);
    await log.close();
    assert.match(await commit(log, [txn(4n)], []), /closed/);
  });
});
