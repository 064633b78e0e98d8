// The txn log segment format: records round-trip; a torn tail (the last record cut at every
// byte, or any of its bits flipped) gives back exactly the earlier txns, stops at the last good
// record and says why; a zero-filled preallocated tail is a clean end; segment names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OpCode } from '../../../../src/protocol/constants.ts';
import {
  checkLogHeader,
  encodeLogHeader,
  encodeRecords,
  logHeaderBytes,
  scanLog,
  segmentName,
  segmentZxid,
  type LogScan,
} from '../../../../src/server/persistence/log-format.ts';
import type { Txn, TxnBody } from '../../../../src/server/txn/txn.ts';
import { txnArb } from '../../../support/durability-arbitraries.ts';
import { runParameters } from '../../../support/protocol-arbitraries.ts';
import { open } from '../harness.ts';

const t = (zxid: bigint, body: TxnBody): Txn => ({
  zxid,
  sessionId: 0x100000000001n,
  cxid: Number(zxid),
  time: 1_700_000_000_000n + zxid,
  body,
});

const txns: Txn[] = [
  t(1n, { type: 'createSession', timeoutMs: 30_000 }),
  t(2n, {
    type: 'create',
    opcode: OpCode.create2,
    path: '/a',
    data: Buffer.from('hello'),
    acl: open,
    ephemeralOwner: 0n,
    parentCVersion: 1,
  }),
  t(3n, { type: 'setData', path: '/a', data: Buffer.from('world!'), version: 1 }),
];

/** Header + records, and where each record starts. */
function layout(list: readonly Txn[]): { file: Buffer; starts: number[]; end: number } {
  const starts: number[] = [];
  let at = logHeaderBytes;
  for (const txn of list) {
    starts.push(at);
    at += encodeRecords([txn]).length;
  }
  return { file: Buffer.concat([encodeLogHeader(), encodeRecords(list)]), starts, end: at };
}

/** Flips one bit (0 = the top bit of byte 0). */
function flip(bytes: Buffer, bit: number): void {
  const at = bit >> 3;
  bytes.writeUInt8(bytes.readUInt8(at) ^ (0x80 >> (bit & 7)), at);
}

const { file, starts, end } = layout(txns);
const lastStart = starts[2] as number;
const zeroTail = Buffer.alloc(4096);

function expectStopsBeforeLast(scan: LogScan, what: string): void {
  assert.deepStrictEqual(scan.txns, txns.slice(0, 2), `${what}: the earlier txns`);
  assert.equal(scan.endOffset, lastStart, `${what}: endOffset at the last good record`);
  assert.equal(typeof scan.torn, 'string', `${what}: a torn reason`);
}

void describe('log format: intact segments', () => {
  void it('round-trips records and ends cleanly, with or without a preallocated zero tail', () => {
    for (const bytes of [file, Buffer.concat([file, zeroTail])]) {
      const scan = scanLog(bytes);
      assert.deepStrictEqual(scan.txns, txns);
      assert.equal(scan.endOffset, end);
      assert.equal(scan.torn, undefined);
    }
  });

  void it('a header with nothing or only zeros after it is an empty, clean segment', () => {
    for (const bytes of [encodeLogHeader(), Buffer.concat([encodeLogHeader(), zeroTail])]) {
      assert.deepStrictEqual(scanLog(bytes), {
        txns: [],
        endOffset: logHeaderBytes,
        torn: undefined,
      });
    }
  });

  void it('checks the header', () => {
    assert.equal(checkLogHeader(file), undefined);
    assert.match(checkLogHeader(file.subarray(0, 15)) ?? '', /shorter than its header/);
    const badMagic = Buffer.from(file);
    flip(badMagic, 2);
    assert.match(checkLogHeader(badMagic) ?? '', /bad magic/);
    const badVersion = Buffer.from(file);
    badVersion.writeInt32BE(2, 4);
    assert.match(checkLogHeader(badVersion) ?? '', /unsupported version 2/);
  });

  void it('names segments by their first zxid in lower-case hex', () => {
    assert.equal(segmentName('log', 0x1an), 'log.1a');
    assert.equal(segmentName('snapshot', 0n), 'snapshot.0');
    for (const zxid of [0n, 1n, 0xabcdefn, (1n << 64n) - 1n]) {
      assert.equal(segmentZxid(segmentName('log', zxid), 'log'), zxid);
      assert.equal(segmentZxid(segmentName('snapshot', zxid), 'snapshot'), zxid);
    }
    for (const name of ['log.', 'log.A', 'log.1.tmp', 'log.xyz', 'log.11111111111111111', 'x']) {
      assert.equal(segmentZxid(name, 'log'), undefined, name);
    }
    assert.equal(segmentZxid('snapshot.1', 'log'), undefined);
    assert.equal(segmentZxid('snapshot.1.tmp', 'snapshot'), undefined);
  });
});

void describe('log format: a torn last record', () => {
  void it('cut at every byte offset: the earlier txns, endOffset before it, a torn reason', () => {
    assert.deepStrictEqual(scanLog(file.subarray(0, lastStart)).txns, txns.slice(0, 2));
    for (let cut = lastStart + 1; cut < end; cut++) {
      const bytes = file.subarray(0, cut);
      const scan = scanLog(bytes);
      if (bytes.subarray(lastStart).every((b) => b === 0)) {
        // The first 1-3 bytes of a small length are zeros: the format reads them, like the
        // preallocated tail, as a clean end. Nothing is lost or misread either way.
        assert.ok(cut - lastStart <= 3, `only a partial length can look like zeros (${cut})`);
        assert.deepStrictEqual(scan, {
          txns: txns.slice(0, 2),
          endOffset: lastStart,
          torn: undefined,
        });
        continue;
      }
      expectStopsBeforeLast(scan, `cut at ${cut}`);
    }
  });

  void it('cut at every byte offset with the zero-filled preallocation after it', () => {
    for (let cut = lastStart + 4; cut < end; cut++) {
      const bytes = Buffer.concat([file.subarray(0, cut), zeroTail]);
      expectStopsBeforeLast(scanLog(bytes), `cut at ${cut} + zeros`);
    }
  });

  void it('every single bit of the last record flipped, with and without a zero tail', () => {
    for (const tail of [Buffer.alloc(0), zeroTail]) {
      for (let bit = lastStart * 8; bit < end * 8; bit++) {
        const bytes = Buffer.concat([file, tail]);
        flip(bytes, bit);
        expectStopsBeforeLast(scanLog(bytes), `bit ${bit} flipped (tail ${tail.length})`);
      }
    }
  });

  void it('garbage after the last record: every txn, endOffset at the end, a torn reason', () => {
    for (const garbage of [[0x01], [0xff, 0xff, 0xff], [0, 0, 0, 0x10, 1, 2, 3, 4, 5], [0x7f]]) {
      const bytes = Buffer.concat([file, Buffer.from(garbage), zeroTail]);
      const scan = scanLog(bytes);
      assert.deepStrictEqual(scan.txns, txns);
      assert.equal(scan.endOffset, end);
      assert.equal(typeof scan.torn, 'string', JSON.stringify(garbage));
    }
  });

  void it('damage in an earlier record stops the scan there (seed 0x70a2)', () => {
    for (let bit = (starts[1] as number) * 8; bit < lastStart * 8; bit += 3) {
      const bytes = Buffer.from(file);
      flip(bytes, bit);
      const scan = scanLog(bytes);
      assert.deepStrictEqual(scan.txns, txns.slice(0, 1));
      assert.equal(scan.endOffset, starts[1]);
      assert.equal(typeof scan.torn, 'string');
    }
  });

  void it('any txns, cut anywhere inside the last record (seed 0x70a7)', () => {
    fc.assert(
      fc.property(
        fc.array(txnArb, { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (list, where) => {
          const shape = layout(list);
          const start = shape.starts[list.length - 1] as number;
          const cut = start + 1 + Math.floor(where * (shape.end - start - 1));
          const bytes = shape.file.subarray(0, cut);
          const scan = scanLog(bytes);
          assert.deepStrictEqual(scan.txns, list.slice(0, -1));
          assert.equal(scan.endOffset, start);
          const zeros = bytes.subarray(start).every((b) => b === 0);
          assert.equal(scan.torn === undefined, zeros);
        },
      ),
      runParameters(0x70a7, 300),
    );
  });

  void it('a record whose length field alone reads 0 (one flipped bit) is damage, not a clean end', () => {
    // A payload of exactly 64 bytes: flipping bit 6 of its length leaves length 0 while the
    // checksum and payload that follow are not zeros.
    // Payload: zxid, sessionId, cxid, time (28 bytes), type (4), path (4 + 28).
    const body: TxnBody = { type: 'delete', path: '/p'.padEnd(28, 'x') };
    const record = t(4n, body);
    const bytes = Buffer.concat([file, encodeRecords([record]), zeroTail]);
    assert.equal(bytes.readInt32BE(end) & 0x3fffffff, 64, 'the test record has a 64-byte payload');
    flip(bytes, (end + 3) * 8 + 1);
    const scan = scanLog(bytes);
    assert.deepStrictEqual(scan.txns, txns);
    assert.equal(scan.endOffset, end);
    assert.equal(typeof scan.torn, 'string', 'a length of 0 followed by a checksum is torn');
  });
});
