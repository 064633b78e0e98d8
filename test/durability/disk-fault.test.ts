// Disk trouble through the injectable txn-log disk (startServer's openLogFile): while writes or
// fdatasync fail with ENOSPC/EIO, writes are answered with SYSTEMERROR (-1), reads go on, the
// connection stays open; writes stay refused for writesRefusedAfterFailureMs (a manual clock),
// then succeed once the disk is back. After a restart none of the refused writes is there,
// every acknowledged one is, and the log's zxids are contiguous.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/clock.ts';
import { ErrorCode } from '../../src/protocol/constants.ts';
import { writesRefusedAfterFailureMs } from '../../src/server/pipeline/request-processor.ts';
import type { RunningServer } from '../../src/server/server.ts';
import {
  FaultyDisk,
  RecordingLogger,
  TempDirs,
  checkGapless,
  scanSegments,
  type Fault,
} from '../support/durability-fs.ts';
import { startAt } from '../support/durability-server.ts';
import { RawClient, req, type RawReply } from '../support/raw-client.ts';

const temp = new TempDirs();
after(() => temp.removeAll());

interface Rig {
  readonly dataDir: string;
  readonly clock: ManualClock;
  readonly disk: FaultyDisk;
  readonly logger: RecordingLogger;
  server: RunningServer;
  client: RawClient;
  xid: number;
}

async function rig(): Promise<Rig> {
  const dataDir = await temp.create();
  const clock = new ManualClock();
  const disk = new FaultyDisk();
  const logger = new RecordingLogger();
  const config = { tickTimeMs: 2000 };
  const server = await startAt(dataDir, { clock, logger, openLogFile: disk.open, config });
  const client = await RawClient.connect(server.port);
  return { dataDir, clock, disk, logger, server, client, xid: 1 };
}

const send = (r: Rig, request: Parameters<RawClient['send']>[1]): Promise<RawReply> =>
  r.client.send(r.xid++, request);

async function errOf(r: Rig, request: Parameters<RawClient['send']>[1]): Promise<number> {
  return (await send(r, request)).header.err;
}

async function dataOf(client: RawClient, xid: number, path: string): Promise<string | number> {
  const reply = await client.send(xid, req.getData(path));
  if (reply.header.err !== 0) return reply.header.err;
  assert.ok(reply.body?.type === 'getData');
  return reply.body.data?.toString() ?? '';
}

/** Restarts on the same dataDir with a healthy disk; checks the log and returns a reader. */
async function restart(r: Rig): Promise<{ server: RunningServer; reader: RawClient }> {
  r.client.destroy();
  await r.server.close();
  const server = await startAt(r.dataDir);
  try {
    assert.equal(r.disk.opened, r.disk.closed, 'every txn log file opened was closed');
    const segments = await scanSegments(join(r.dataDir, 'version-2'));
    for (const s of segments) assert.equal(s.torn, undefined, `${s.name} intact`);
    checkGapless(
      segments.flatMap((s) => s.txns.map((t) => t.zxid)),
      1n,
      'txn log',
    );
    return { server, reader: await RawClient.connect(server.port) };
  } catch (error) {
    await server.close();
    throw error;
  }
}

const faults: Fault[] = [
  { op: 'write', code: 'ENOSPC' },
  { op: 'write', code: 'EIO', partial: true },
  { op: 'datasync', code: 'EIO' },
  { op: 'datasync', code: 'ENOSPC' },
];

void describe('disk faults in the txn log', () => {
  for (const fault of faults) {
    const name = `${fault.op} fails with ${fault.code}${fault.partial === true ? ' (short)' : ''}`;
    const title = `${name}: refused, reads go on, recovers, nothing refused survives a restart`;
    void it(title, async () => {
      const r = await rig();
      assert.equal(await errOf(r, req.create('/ok1', 'one')), 0);
      const okZxid = r.server.processor.state.lastAppliedZxid;
      r.disk.fault = fault;
      const refused = await Promise.all([
        send(r, req.create('/bad1', 'x')),
        send(r, req.setData('/ok1', 'changed')),
        send(r, req.create('/bad2', 'y')),
      ]);
      assert.deepStrictEqual(
        refused.map((reply) => reply.header.err),
        [ErrorCode.systemError, ErrorCode.systemError, ErrorCode.systemError],
      );
      assert.ok(r.disk.failures >= 1);
      const [commitFailed, ...more] = r.logger.find('error', 'COMMIT FAILED');
      assert.ok(commitFailed !== undefined && more.length === 0, 'one COMMIT FAILED line');
      assert.match(String(commitFailed.fields['err']), new RegExp(fault.code));
      assert.equal(r.logger.find('error', 'txn log write failed').length, 1);
      // Reads are served from the applied state, which has none of the refused writes.
      assert.equal(await dataOf(r.client, r.xid++, '/ok1'), 'one');
      assert.equal(await dataOf(r.client, r.xid++, '/bad1'), ErrorCode.noNode);
      assert.equal(r.server.processor.state.lastAppliedZxid, okZxid);
      // The disk is back, but writes stay refused for a while, without touching it.
      r.disk.fault = undefined;
      const failures = r.disk.failures;
      assert.equal(await errOf(r, req.create('/bad3')), ErrorCode.systemError);
      r.clock.advance(writesRefusedAfterFailureMs - 1);
      assert.equal(await errOf(r, req.create('/bad4')), ErrorCode.systemError);
      assert.equal(r.disk.failures, failures);
      r.clock.advance(1);
      const created = await send(r, req.create('/ok2', 'two'));
      assert.equal(created.header.err, 0);
      assert.equal(created.header.zxid, okZxid + 1n, 'refused zxids are handed out again');
      assert.equal(await errOf(r, req.setData('/ok1', 'one-v1')), 0);
      assert.ok(!r.client.closed, 'the connection stayed open');

      const { server, reader } = await restart(r);
      try {
        assert.equal(await dataOf(reader, 1, '/ok1'), 'one-v1');
        assert.equal(await dataOf(reader, 2, '/ok2'), 'two');
        for (const [i, path] of ['/bad1', '/bad2', '/bad3', '/bad4'].entries()) {
          assert.equal(await dataOf(reader, 10 + i, path), ErrorCode.noNode, path);
        }
      } finally {
        reader.destroy();
        await server.close();
      }
    });
  }

  void it('a write refused by a failed fdatasync is not there after a restart that follows at once', async () => {
    const r = await rig();
    assert.equal(await errOf(r, req.create('/ok1', 'one')), 0);
    r.disk.fault = { op: 'datasync', code: 'EIO' };
    assert.equal(await errOf(r, req.create('/refused', 'x')), ErrorCode.systemError);
    r.disk.fault = undefined;
    const { server, reader } = await restart(r);
    try {
      assert.equal(await dataOf(reader, 1, '/ok1'), 'one');
      assert.equal(await dataOf(reader, 2, '/refused'), ErrorCode.noNode);
    } finally {
      reader.destroy();
      await server.close();
    }
  });

  for (const op of ['open', 'truncate'] as const) {
    const title = `a new segment cannot be set up (${op} fails): refused, then written later`;
    void it(title, async () => {
      const r = await rig();
      assert.equal(await errOf(r, req.create('/ok1', 'one')), 0);
      r.server.store.log.rollOver();
      r.disk.fault = { op, code: 'ENOSPC' };
      assert.equal(await errOf(r, req.create('/bad', 'x')), ErrorCode.systemError);
      assert.equal(r.disk.failures, 1);
      r.disk.fault = undefined;
      r.clock.advance(writesRefusedAfterFailureMs);
      assert.equal(await errOf(r, req.create('/ok2', 'two')), 0);
      const { server, reader } = await restart(r);
      try {
        assert.equal(await dataOf(reader, 1, '/ok1'), 'one');
        assert.equal(await dataOf(reader, 2, '/ok2'), 'two');
        assert.equal(await dataOf(reader, 3, '/bad'), ErrorCode.noNode);
      } finally {
        reader.destroy();
        await server.close();
      }
    });
  }
});
