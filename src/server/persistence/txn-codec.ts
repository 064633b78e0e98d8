// The txn record as it is logged (and later replicated). Our own format, in jute encoding:
//   Txn { long zxid; long sessionId; int cxid; long time; TxnBody body; }
//   TxnBody { int type; ... } with type = Apache's opcode for the same txn:
//     create(1|15|19|21) { ustring path; buffer data; vector<ACL> acl; long ephemeralOwner;
//                          int parentCVersion; }
//     delete(2) { ustring path; }            setData(5) { ustring path; buffer data; int version; }
//     setACL(7) { ustring path; vector<ACL> acl; int version; }      check(13) { ustring path; }
//     error(-1) { int err; }                 multi(14) { int count; TxnBody* }
//     createSession(-10) { int timeout; }    closeSession(-11) { vector<ustring> paths; }
import { assertNever } from '../../core/assert.ts';
import { OpCode } from '../../protocol/constants.ts';
import { ProtocolError, type JuteReader } from '../../protocol/jute/reader.ts';
import type { JuteWriter } from '../../protocol/jute/writer.ts';
import { readAclList, writeAclList } from '../../protocol/records.ts';
import type { Txn, TxnBody } from '../txn/txn.ts';

function writeBody(writer: JuteWriter, body: TxnBody): void {
  switch (body.type) {
    case 'create':
      writer.writeInt(body.opcode).writeUString(body.path).writeBuffer(body.data);
      writeAclList(writer, body.acl);
      writer.writeLong(body.ephemeralOwner).writeInt(body.parentCVersion);
      return;
    case 'delete':
      writer.writeInt(OpCode.delete).writeUString(body.path);
      return;
    case 'setData':
      writer.writeInt(OpCode.setData).writeUString(body.path).writeBuffer(body.data);
      writer.writeInt(body.version);
      return;
    case 'setACL':
      writer.writeInt(OpCode.setACL).writeUString(body.path);
      writeAclList(writer, body.acl);
      writer.writeInt(body.version);
      return;
    case 'check':
      writer.writeInt(OpCode.check).writeUString(body.path);
      return;
    case 'error':
      writer.writeInt(OpCode.error).writeInt(body.err);
      return;
    case 'multi':
      writer.writeInt(OpCode.multi).writeInt(body.ops.length);
      for (const op of body.ops) writeBody(writer, op);
      return;
    case 'createSession':
      writer.writeInt(OpCode.createSession).writeInt(body.timeoutMs);
      return;
    case 'closeSession':
      writer.writeInt(OpCode.closeSession);
      writer.writeVector(body.paths, (w, path) => w.writeUString(path));
      return;
    default:
      assertNever(body, 'txn body');
  }
}

function readBody(reader: JuteReader, depth: number): TxnBody {
  const type = reader.readInt();
  switch (type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      return {
        type: 'create',
        opcode: type,
        path: reader.readString(),
        data: reader.readBuffer(),
        acl: readAclList(reader) ?? [],
        ephemeralOwner: reader.readLong(),
        parentCVersion: reader.readInt(),
      };
    case OpCode.delete:
      return { type: 'delete', path: reader.readString() };
    case OpCode.setData:
      return {
        type: 'setData',
        path: reader.readString(),
        data: reader.readBuffer(),
        version: reader.readInt(),
      };
    case OpCode.setACL:
      return {
        type: 'setACL',
        path: reader.readString(),
        acl: readAclList(reader) ?? [],
        version: reader.readInt(),
      };
    case OpCode.check:
      return { type: 'check', path: reader.readString() };
    case OpCode.error:
      return { type: 'error', err: reader.readInt() };
    case OpCode.multi:
      return readMulti(reader, depth);
    case OpCode.createSession:
      return { type: 'createSession', timeoutMs: reader.readInt() };
    case OpCode.closeSession:
      return { type: 'closeSession', paths: reader.readVector((r) => r.readString()) ?? [] };
    default:
      throw new ProtocolError(`unknown txn type ${type}`);
  }
}

function readMulti(reader: JuteReader, depth: number): TxnBody {
  if (depth > 0) throw new ProtocolError('nested multi txn');
  const count = reader.readInt();
  if (count < 0 || count > reader.remaining) throw new ProtocolError(`bad multi count ${count}`);
  const ops: TxnBody[] = [];
  for (let i = 0; i < count; i++) ops.push(readBody(reader, depth + 1));
  return { type: 'multi', ops };
}

export function writeTxn(writer: JuteWriter, txn: Txn): void {
  writer.writeLong(txn.zxid).writeLong(txn.sessionId).writeInt(txn.cxid).writeLong(txn.time);
  writeBody(writer, txn.body);
}

export function readTxn(reader: JuteReader): Txn {
  const zxid = reader.readLong();
  const sessionId = reader.readLong();
  const cxid = reader.readInt();
  const time = reader.readLong();
  return { zxid, sessionId, cxid, time, body: readBody(reader, 0) };
}
