// Client requests: one discriminated union, decoded by opcode (server) and encoded (client).
// Jute grammar (zookeeper.jute), field order = wire order:
//   CreateRequest { ustring path; buffer data; vector<ACL> acl; int flags; }
//   CreateTTLRequest { CreateRequest fields; long ttl; }
//   DeleteRequest / CheckVersionRequest { ustring path; int version; }
//   ExistsRequest / GetDataRequest / GetChildren(2)Request { ustring path; boolean watch; }
//   SetDataRequest { ustring path; buffer data; int version; }
//   SetACLRequest { ustring path; vector<ACL> acl; int version; }
//   GetACLRequest / SyncRequest / GetAllChildrenNumberRequest / DeleteContainer { ustring path; }
//   GetEphemeralsRequest { ustring prefixPath; }   AddWatchRequest { ustring path; int mode; }
//   CheckWatchesRequest / RemoveWatchesRequest { ustring path; int type; }
//   AuthPacket { int type; ustring scheme; buffer auth; }   GetSASLRequest { buffer token; }
//   SetWatches { long relativeZxid; vector<ustring> dataWatches, existWatches, childWatches; }
//   SetWatches2 { SetWatches fields;
//                 vector<ustring> persistentWatches, persistentRecursiveWatches; }
//   ReconfigRequest { ustring joiningServers, leavingServers, newMembers; long curConfigId; }
//   MultiOperationRecord: ({int type; boolean done; int err;} op)* then {-1, true, -1}
import { OpCode } from './constants.ts';
import { ProtocolError, type JuteReader } from './jute/reader.ts';
import type { JuteWriter } from './jute/writer.ts';
import { readAclList, writeAclList, type Acl } from './records.ts';

export type CreateOpCode =
  | typeof OpCode.create
  | typeof OpCode.create2
  | typeof OpCode.createContainer
  | typeof OpCode.createTTL;

export interface CreateRequest {
  readonly type: 'create';
  readonly opcode: CreateOpCode;
  readonly path: string;
  readonly data: Buffer | null;
  readonly acl: readonly Acl[] | null;
  readonly flags: number;
  /** -1n unless the opcode is createTTL. */
  readonly ttl: bigint;
}
export interface DeleteRequest {
  readonly type: 'delete';
  readonly path: string;
  readonly version: number;
}
export interface DeleteContainerRequest {
  readonly type: 'deleteContainer';
  readonly path: string;
}
export interface SetDataRequest {
  readonly type: 'setData';
  readonly path: string;
  readonly data: Buffer | null;
  readonly version: number;
}
export interface CheckRequest {
  readonly type: 'check';
  readonly path: string;
  readonly version: number;
}
export interface ReadRequest {
  readonly type: 'exists' | 'getData' | 'getChildren' | 'getChildren2';
  readonly path: string;
  readonly watch: boolean;
}
export interface PathRequest {
  readonly type: 'getACL' | 'sync' | 'getAllChildrenNumber';
  readonly path: string;
}
export interface SetAclRequest {
  readonly type: 'setACL';
  readonly path: string;
  readonly acl: readonly Acl[] | null;
  readonly version: number;
}
export interface GetEphemeralsRequest {
  readonly type: 'getEphemerals';
  readonly prefixPath: string;
}
export interface AddWatchRequest {
  readonly type: 'addWatch';
  readonly path: string;
  readonly mode: number;
}
export interface WatchesRequest {
  readonly type: 'checkWatches' | 'removeWatches';
  readonly path: string;
  readonly watcherType: number;
}
export interface AuthRequest {
  readonly type: 'auth';
  readonly authType: number;
  readonly scheme: string;
  readonly auth: Buffer | null;
}
export interface SaslRequest {
  readonly type: 'sasl';
  readonly token: Buffer | null;
}
export interface SetWatchesRequest {
  readonly type: 'setWatches';
  readonly opcode: typeof OpCode.setWatches | typeof OpCode.setWatches2;
  readonly relativeZxid: bigint;
  readonly dataWatches: readonly string[];
  readonly existWatches: readonly string[];
  readonly childWatches: readonly string[];
  readonly persistentWatches: readonly string[];
  readonly persistentRecursiveWatches: readonly string[];
}
export interface ReconfigRequest {
  readonly type: 'reconfig';
  readonly joiningServers: string | null;
  readonly leavingServers: string | null;
  readonly newMembers: string | null;
  readonly curConfigId: bigint;
}
export interface EmptyRequest {
  readonly type: 'ping' | 'whoAmI' | 'closeSession';
}

export type MultiWriteOp = CreateRequest | DeleteRequest | SetDataRequest | CheckRequest;
export type MultiReadOp = ReadRequest & { readonly type: 'getData' | 'getChildren' };
export interface MultiRequest {
  readonly type: 'multi';
  readonly ops: readonly MultiWriteOp[];
}
export interface MultiReadRequest {
  readonly type: 'multiRead';
  readonly ops: readonly MultiReadOp[];
}

export type Request =
  | CreateRequest
  | DeleteRequest
  | DeleteContainerRequest
  | SetDataRequest
  | CheckRequest
  | ReadRequest
  | PathRequest
  | SetAclRequest
  | GetEphemeralsRequest
  | AddWatchRequest
  | WatchesRequest
  | AuthRequest
  | SaslRequest
  | SetWatchesRequest
  | ReconfigRequest
  | EmptyRequest
  | MultiRequest
  | MultiReadRequest;

function readCreate(reader: JuteReader, opcode: CreateOpCode): CreateRequest {
  const path = reader.readString();
  const data = reader.readBuffer();
  const acl = readAclList(reader);
  const flags = reader.readInt();
  const ttl = opcode === OpCode.createTTL ? reader.readLong() : -1n;
  return { type: 'create', opcode, path, data, acl, flags, ttl };
}

function readStrings(reader: JuteReader): string[] {
  return reader.readVector((r) => r.readString()) ?? [];
}

function readMultiOp(
  reader: JuteReader,
  opcode: number,
  read: boolean,
): MultiWriteOp | MultiReadOp {
  if (read) {
    if (opcode === OpCode.getData || opcode === OpCode.getChildren) {
      const type = opcode === OpCode.getData ? 'getData' : 'getChildren';
      return { type, path: reader.readString(), watch: reader.readBool() };
    }
    throw new ProtocolError(`invalid op ${opcode} in multiRead`);
  }
  switch (opcode) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      return readCreate(reader, opcode);
    case OpCode.delete:
      return { type: 'delete', path: reader.readString(), version: reader.readInt() };
    case OpCode.setData:
      return {
        type: 'setData',
        path: reader.readString(),
        data: reader.readBuffer(),
        version: reader.readInt(),
      };
    case OpCode.check:
      return { type: 'check', path: reader.readString(), version: reader.readInt() };
    default:
      throw new ProtocolError(`invalid op ${opcode} in multi`);
  }
}

function readMultiOps(reader: JuteReader, read: boolean): (MultiWriteOp | MultiReadOp)[] {
  const ops: (MultiWriteOp | MultiReadOp)[] = [];
  for (;;) {
    const opcode = reader.readInt();
    const done = reader.readBool();
    reader.readInt(); // err: always -1 from clients
    if (done) return ops; // every op consumed at least its 9-byte header, so this ends
    ops.push(readMultiOp(reader, opcode, read));
  }
}

/** Decodes the body of a request with the given opcode; undefined for an unknown opcode. */
export function decodeRequest(opcode: number, reader: JuteReader): Request | undefined {
  switch (opcode) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      return readCreate(reader, opcode);
    case OpCode.delete:
    case OpCode.setData:
    case OpCode.check:
      return readMultiOp(reader, opcode, false);
    case OpCode.deleteContainer:
      return { type: 'deleteContainer', path: reader.readString() };
    case OpCode.exists:
    case OpCode.getData:
    case OpCode.getChildren:
    case OpCode.getChildren2:
      return { type: readOpName(opcode), path: reader.readString(), watch: reader.readBool() };
    case OpCode.getACL:
      return { type: 'getACL', path: reader.readString() };
    case OpCode.sync:
      return { type: 'sync', path: reader.readString() };
    case OpCode.getAllChildrenNumber:
      return { type: 'getAllChildrenNumber', path: reader.readString() };
    case OpCode.setACL:
      return {
        type: 'setACL',
        path: reader.readString(),
        acl: readAclList(reader),
        version: reader.readInt(),
      };
    case OpCode.getEphemerals:
      return { type: 'getEphemerals', prefixPath: reader.readString() };
    case OpCode.addWatch:
      return { type: 'addWatch', path: reader.readString(), mode: reader.readInt() };
    case OpCode.checkWatches:
    case OpCode.removeWatches: {
      const type = opcode === OpCode.checkWatches ? 'checkWatches' : 'removeWatches';
      return { type, path: reader.readString(), watcherType: reader.readInt() };
    }
    case OpCode.auth:
      return {
        type: 'auth',
        authType: reader.readInt(),
        scheme: reader.readString(),
        auth: reader.readBuffer(),
      };
    case OpCode.sasl:
      return { type: 'sasl', token: reader.readBuffer() };
    case OpCode.setWatches:
    case OpCode.setWatches2:
      return readSetWatches(reader, opcode);
    case OpCode.reconfig:
      return {
        type: 'reconfig',
        joiningServers: reader.readUString(),
        leavingServers: reader.readUString(),
        newMembers: reader.readUString(),
        curConfigId: reader.readLong(),
      };
    case OpCode.ping:
      return { type: 'ping' };
    case OpCode.whoAmI:
      return { type: 'whoAmI' };
    case OpCode.closeSession:
      return { type: 'closeSession' };
    case OpCode.multi:
      return { type: 'multi', ops: readMultiOps(reader, false) as MultiWriteOp[] };
    case OpCode.multiRead:
      return { type: 'multiRead', ops: readMultiOps(reader, true) as MultiReadOp[] };
    default:
      return undefined;
  }
}

function readOpName(opcode: number): ReadRequest['type'] {
  if (opcode === OpCode.exists) return 'exists';
  if (opcode === OpCode.getData) return 'getData';
  return opcode === OpCode.getChildren ? 'getChildren' : 'getChildren2';
}

function readSetWatches(
  reader: JuteReader,
  opcode: typeof OpCode.setWatches | typeof OpCode.setWatches2,
): SetWatchesRequest {
  const relativeZxid = reader.readLong();
  const dataWatches = readStrings(reader);
  const existWatches = readStrings(reader);
  const childWatches = readStrings(reader);
  const second = opcode === OpCode.setWatches2;
  const persistentWatches = second ? readStrings(reader) : [];
  const persistentRecursiveWatches = second ? readStrings(reader) : [];
  return {
    type: 'setWatches',
    opcode,
    relativeZxid,
    dataWatches,
    existWatches,
    childWatches,
    persistentWatches,
    persistentRecursiveWatches,
  };
}

/** The opcode a request is sent with. */
export function requestOpCode(request: Request): number {
  switch (request.type) {
    case 'create':
    case 'setWatches':
      return request.opcode;
    default:
      return OpCode[request.type];
  }
}

function writeStrings(writer: JuteWriter, items: readonly string[]): void {
  writer.writeVector(items, (w, s) => w.writeUString(s));
}

function writeMultiOps(writer: JuteWriter, ops: readonly (MultiWriteOp | MultiReadOp)[]): void {
  for (const op of ops) {
    writer.writeInt(requestOpCode(op)).writeBool(false).writeInt(-1);
    encodeRequest(writer, op);
  }
  writer.writeInt(-1).writeBool(true).writeInt(-1);
}

/** Encodes a request body (no header). */
export function encodeRequest(writer: JuteWriter, request: Request): void {
  switch (request.type) {
    case 'create':
      writer.writeUString(request.path).writeBuffer(request.data);
      writeAclList(writer, request.acl);
      writer.writeInt(request.flags);
      if (request.opcode === OpCode.createTTL) writer.writeLong(request.ttl);
      return;
    case 'delete':
    case 'check':
      writer.writeUString(request.path).writeInt(request.version);
      return;
    case 'setData':
      writer.writeUString(request.path).writeBuffer(request.data).writeInt(request.version);
      return;
    case 'exists':
    case 'getData':
    case 'getChildren':
    case 'getChildren2':
      writer.writeUString(request.path).writeBool(request.watch);
      return;
    case 'deleteContainer':
    case 'getACL':
    case 'sync':
    case 'getAllChildrenNumber':
      writer.writeUString(request.path);
      return;
    case 'setACL':
      writer.writeUString(request.path);
      writeAclList(writer, request.acl);
      writer.writeInt(request.version);
      return;
    case 'getEphemerals':
      writer.writeUString(request.prefixPath);
      return;
    case 'addWatch':
      writer.writeUString(request.path).writeInt(request.mode);
      return;
    case 'checkWatches':
    case 'removeWatches':
      writer.writeUString(request.path).writeInt(request.watcherType);
      return;
    case 'auth':
      writer.writeInt(request.authType).writeUString(request.scheme).writeBuffer(request.auth);
      return;
    case 'sasl':
      writer.writeBuffer(request.token);
      return;
    case 'setWatches':
      writer.writeLong(request.relativeZxid);
      writeStrings(writer, request.dataWatches);
      writeStrings(writer, request.existWatches);
      writeStrings(writer, request.childWatches);
      if (request.opcode === OpCode.setWatches2) {
        writeStrings(writer, request.persistentWatches);
        writeStrings(writer, request.persistentRecursiveWatches);
      }
      return;
    case 'reconfig':
      writer
        .writeUString(request.joiningServers)
        .writeUString(request.leavingServers)
        .writeUString(request.newMembers)
        .writeLong(request.curConfigId);
      return;
    case 'ping':
    case 'whoAmI':
    case 'closeSession':
      return;
    case 'multi':
    case 'multiRead':
      writeMultiOps(writer, request.ops);
      return;
  }
}
