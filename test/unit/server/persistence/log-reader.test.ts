// readLogFile reads a preallocated segment chunk by chunk and stops at the end of the written
// part; records straddle its 4 MiB chunks, so the walk over lengths must carry across them.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { OpCode } from '../../../../src/protocol/constants.ts';
import {
  encodeLogHeader,
  encodeRecords,
  scanLog,
} from '../../../../src/server/persistence/log-format.ts';
import { readLogFile } from '../../../../src/server/persistence/log-reader.ts';
import type { Txn } from '../../../../src/server/txn/txn.ts';
import { TempDirs } from '../../../support/durability-fs.ts';
import { open } from '../harness.ts';

const dirs = new TempDirs();
after(() => dirs.removeAll());

function creates(count: number, dataBytes: number): Txn[] {
  return Array.from({ length: count }, (_, i) => ({
    zxid: BigInt(i + 1),
    sessionId: 0x100000000001n,
    cxid: i,
    time: 1_700_000_000_000n + BigInt(i),
    body: {
      type: 'create',
      opcode: OpCode.create,
      path: `/n${i}`,
      data: Buffer.alloc(dataBytes, i & 0xff),
      acl: open,
      ephemeralOwner: 0n,
      parentCVersion: i + 1,
    },
  }));
}

void describe('readLogFile', () => {
  void it('reads records across chunk boundaries and stops where the zeros begin', async () => {
    const txns = creates(3000, 3000); // ~9 MiB of records: three chunks
    const written = Buffer.concat([encodeLogHeader(), encodeRecords(txns)]);
    const path = join(await dirs.create(), 'log.1');
    await writeFile(path, Buffer.concat([written, Buffer.alloc(6 * 1024 * 1024)]));
    const file = await readLogFile(path);
    assert.ok(file.length >= written.length, 'everything written was read');
    assert.ok(file.length < written.length + 8 * 1024 * 1024, 'not the whole preallocation');
    assert.ok(file.subarray(0, written.length).equals(written));
    const scan = scanLog(file);
    assert.equal(scan.torn, undefined);
    assert.equal(scan.endOffset, written.length);
    assert.deepStrictEqual(
      scan.txns.map((t) => t.zxid),
      txns.map((t) => t.zxid),
    );
  });

  void it('reads a file that ends exactly after its last record', async () => {
    const txns = creates(10, 100);
    const written = Buffer.concat([encodeLogHeader(), encodeRecords(txns)]);
    const path = join(await dirs.create(), 'log.1');
    await writeFile(path, written);
    assert.ok((await readLogFile(path)).equals(written));
  });
});
