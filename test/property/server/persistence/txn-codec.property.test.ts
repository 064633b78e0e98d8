// The txn codec: every TxnBody kind round-trips exactly through writeTxn/readTxn, and the
// record framing around it (encodeRecords/scanLog) gives the same txns back. Seeds are fixed;
// fast-check prints the seed and the shrunk counterexample on failure.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JuteReader, ProtocolError } from '../../../../src/protocol/jute/reader.ts';
import { JuteWriter } from '../../../../src/protocol/jute/writer.ts';
import { OpCode } from '../../../../src/protocol/constants.ts';
import {
  encodeLogHeader,
  encodeRecords,
  logHeaderBytes,
  scanLog,
} from '../../../../src/server/persistence/log-format.ts';
import { readTxn, writeTxn } from '../../../../src/server/persistence/txn-codec.ts';
import type { Txn } from '../../../../src/server/txn/txn.ts';
import { txnArb, txnArbWith, txnBodyArbs } from '../../../support/durability-arbitraries.ts';
import { runParameters } from '../../../support/protocol-arbitraries.ts';

function roundTrip(txn: Txn): Txn {
  const writer = new JuteWriter();
  writeTxn(writer, txn);
  const reader = new JuteReader(writer.view(), { maxLengthBytes: 1 << 20 });
  const decoded = readTxn(reader);
  reader.expectEnd('txn');
  return decoded;
}

void describe('txn codec round trip', () => {
  let seed = 0x7c0de;
  for (const [kind, bodyArb] of Object.entries(txnBodyArbs)) {
    const runSeed = seed++;
    void it(`${kind} (seed ${runSeed})`, () => {
      fc.assert(
        fc.property(txnArbWith(bodyArb), (txn) => {
          assert.equal(txn.body.type, kind);
          assert.deepStrictEqual(roundTrip(txn), txn);
        }),
        runParameters(runSeed, 150),
      );
    });
  }

  void it('encodeRecords then scanLog gives the same txns, ending cleanly (seed 0x5ca7)', () => {
    fc.assert(
      fc.property(fc.array(txnArb, { maxLength: 12 }), fc.nat(64), (txns, zeros) => {
        const records = encodeRecords(txns);
        const file = Buffer.concat([encodeLogHeader(), records, Buffer.alloc(zeros)]);
        const scan = scanLog(file);
        assert.deepStrictEqual(scan.txns, txns);
        assert.equal(scan.endOffset, logHeaderBytes + records.length);
        assert.equal(scan.torn, undefined);
      }),
      runParameters(0x5ca7, 200),
    );
  });
});

void describe('txn codec refuses what it never writes', () => {
  const header = (writer: JuteWriter): JuteWriter =>
    writer.writeLong(1n).writeLong(2n).writeInt(3).writeLong(4n);

  void it('an unknown txn type', () => {
    const writer = header(new JuteWriter()).writeInt(12345);
    assert.throws(() => readTxn(new JuteReader(writer.view())), ProtocolError);
  });

  void it('a multi inside a multi', () => {
    const writer = header(new JuteWriter()).writeInt(OpCode.multi).writeInt(1);
    writer.writeInt(OpCode.multi).writeInt(0);
    assert.throws(() => readTxn(new JuteReader(writer.view())), /nested multi/);
  });

  void it('a multi count larger than the bytes left', () => {
    const writer = header(new JuteWriter()).writeInt(OpCode.multi).writeInt(1000);
    assert.throws(() => readTxn(new JuteReader(writer.view())), ProtocolError);
  });
});
