// Server replies: one discriminated union, encoded by the server, decoded by the client
// (which knows the opcode it sent). Jute grammar:
//   ReplyHeader { int xid; long zxid; int err; }
//   CreateResponse / SyncResponse { ustring path; }   Create2Response { ustring path; Stat stat; }
//   ExistsResponse / SetDataResponse / SetACLResponse { Stat stat; }
//   GetDataResponse { buffer data; Stat stat; }   GetACLResponse { vector<ACL> acl; Stat stat; }
//   GetChildrenResponse { vector<ustring> children; }   GetChildren2Response { ...; Stat stat; }
//   GetEphemeralsResponse { vector<ustring> ephemerals; }
//   GetAllChildrenNumberResponse { int totalNumber; }   ErrorResponse { int err; }
//   WhoAmIResponse { vector<ClientInfo{ustring authScheme; ustring user;}> clientInfo; }
//   SetSASLResponse { buffer token; }
//   MultiResponse: ({int type; boolean done; int err;} result)* then {-1, true, -1}
import { OpCode, Xid } from './constants.ts';
import { ProtocolError, type JuteReader } from './jute/reader.ts';
import { JuteWriter } from './jute/writer.ts';
import {
  readAclList,
  readStat,
  writeAclList,
  writeStat,
  writeWatcherEvent,
  type Acl,
  type Stat,
  type WatcherEvent,
} from './records.ts';

export interface ReplyHeader {
  readonly xid: number;
  readonly zxid: bigint;
  readonly err: number;
}

export interface ClientInfo {
  readonly authScheme: string;
  readonly user: string;
}

export type MultiResult =
  | { readonly type: 'create'; readonly path: string }
  | { readonly type: 'create2'; readonly path: string; readonly stat: Stat }
  | { readonly type: 'delete' }
  | { readonly type: 'setData'; readonly stat: Stat }
  | { readonly type: 'check' }
  | { readonly type: 'getData'; readonly data: Buffer | null; readonly stat: Stat }
  | { readonly type: 'getChildren'; readonly children: readonly string[] }
  | { readonly type: 'error'; readonly err: number };

export type Response =
  | { readonly type: 'empty' }
  | { readonly type: 'path'; readonly path: string }
  | { readonly type: 'create2'; readonly path: string; readonly stat: Stat }
  | { readonly type: 'stat'; readonly stat: Stat }
  | { readonly type: 'getData'; readonly data: Buffer | null; readonly stat: Stat }
  | { readonly type: 'getACL'; readonly acl: readonly Acl[]; readonly stat: Stat }
  | { readonly type: 'getChildren'; readonly children: readonly string[] }
  | { readonly type: 'getChildren2'; readonly children: readonly string[]; readonly stat: Stat }
  | { readonly type: 'strings'; readonly items: readonly string[] }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'whoAmI'; readonly clients: readonly ClientInfo[] }
  | { readonly type: 'sasl'; readonly token: Buffer | null }
  | { readonly type: 'multi'; readonly results: readonly MultiResult[] };

export const emptyResponse: Response = Object.freeze({ type: 'empty' });

function writeStrings(writer: JuteWriter, items: readonly string[]): void {
  writer.writeVector(items, (w, s) => w.writeUString(s));
}

function readStrings(reader: JuteReader): string[] {
  return reader.readVector((r) => r.readString()) ?? [];
}

const multiResultOpCode: Record<MultiResult['type'], number> = {
  create: OpCode.create,
  create2: OpCode.create2,
  delete: OpCode.delete,
  setData: OpCode.setData,
  check: OpCode.check,
  getData: OpCode.getData,
  getChildren: OpCode.getChildren,
  error: OpCode.error,
};

function writeMultiResult(writer: JuteWriter, result: MultiResult): void {
  const err = result.type === 'error' ? result.err : 0;
  writer.writeInt(multiResultOpCode[result.type]).writeBool(false).writeInt(err);
  switch (result.type) {
    case 'create':
      writer.writeUString(result.path);
      return;
    case 'create2':
      writer.writeUString(result.path);
      writeStat(writer, result.stat);
      return;
    case 'setData':
      writeStat(writer, result.stat);
      return;
    case 'getData':
      writer.writeBuffer(result.data);
      writeStat(writer, result.stat);
      return;
    case 'getChildren':
      writeStrings(writer, result.children);
      return;
    case 'error':
      writer.writeInt(result.err);
      return;
    case 'delete':
    case 'check':
      return;
  }
}

/** Encodes a response body (no header). */
export function encodeResponse(writer: JuteWriter, response: Response): void {
  switch (response.type) {
    case 'empty':
      return;
    case 'path':
      writer.writeUString(response.path);
      return;
    case 'create2':
      writer.writeUString(response.path);
      writeStat(writer, response.stat);
      return;
    case 'stat':
      writeStat(writer, response.stat);
      return;
    case 'getData':
      writer.writeBuffer(response.data);
      writeStat(writer, response.stat);
      return;
    case 'getACL':
      writeAclList(writer, response.acl);
      writeStat(writer, response.stat);
      return;
    case 'getChildren':
      writeStrings(writer, response.children);
      return;
    case 'getChildren2':
      writeStrings(writer, response.children);
      writeStat(writer, response.stat);
      return;
    case 'strings':
      writeStrings(writer, response.items);
      return;
    case 'number':
      writer.writeInt(response.value);
      return;
    case 'whoAmI':
      writer.writeVector(response.clients, (w, c) =>
        w.writeUString(c.authScheme).writeUString(c.user),
      );
      return;
    case 'sasl':
      writer.writeBuffer(response.token);
      return;
    case 'multi':
      for (const result of response.results) writeMultiResult(writer, result);
      writer.writeInt(-1).writeBool(true).writeInt(-1);
      return;
  }
}

function readMultiResult(reader: JuteReader, opcode: number, err: number): MultiResult {
  switch (opcode) {
    case OpCode.create:
      return { type: 'create', path: reader.readString() };
    case OpCode.create2:
      return { type: 'create2', path: reader.readString(), stat: readStat(reader) };
    case OpCode.delete:
      return { type: 'delete' };
    case OpCode.setData:
      return { type: 'setData', stat: readStat(reader) };
    case OpCode.check:
      return { type: 'check' };
    case OpCode.getData:
      return { type: 'getData', data: reader.readBuffer(), stat: readStat(reader) };
    case OpCode.getChildren:
      return { type: 'getChildren', children: readStrings(reader) };
    case OpCode.error:
      reader.readInt();
      return { type: 'error', err };
    default:
      throw new ProtocolError(`invalid multi result type ${opcode}`);
  }
}

function readMultiResults(reader: JuteReader): MultiResult[] {
  const results: MultiResult[] = [];
  for (;;) {
    const opcode = reader.readInt();
    const done = reader.readBool();
    const err = reader.readInt();
    if (done) return results;
    results.push(readMultiResult(reader, opcode, err));
  }
}

/** Decodes a successful (err = 0) reply body for a request sent with `opcode`. */
export function decodeResponse(opcode: number, reader: JuteReader): Response {
  switch (opcode) {
    case OpCode.create:
    case OpCode.sync:
      return { type: 'path', path: reader.readString() };
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      return { type: 'create2', path: reader.readString(), stat: readStat(reader) };
    case OpCode.exists:
    case OpCode.setData:
    case OpCode.setACL:
      return { type: 'stat', stat: readStat(reader) };
    case OpCode.getData:
    case OpCode.reconfig:
      return { type: 'getData', data: reader.readBuffer(), stat: readStat(reader) };
    case OpCode.getACL:
      return { type: 'getACL', acl: readAclList(reader) ?? [], stat: readStat(reader) };
    case OpCode.getChildren:
      return { type: 'getChildren', children: readStrings(reader) };
    case OpCode.getChildren2:
      return { type: 'getChildren2', children: readStrings(reader), stat: readStat(reader) };
    case OpCode.getEphemerals:
      return { type: 'strings', items: readStrings(reader) };
    case OpCode.getAllChildrenNumber:
    case OpCode.addWatch:
      return { type: 'number', value: reader.readInt() };
    case OpCode.whoAmI:
      return {
        type: 'whoAmI',
        clients:
          reader.readVector((r) => ({ authScheme: r.readString(), user: r.readString() })) ?? [],
      };
    case OpCode.sasl:
      return { type: 'sasl', token: reader.readBuffer() };
    case OpCode.multi:
    case OpCode.multiRead:
      return { type: 'multi', results: readMultiResults(reader) };
    default:
      return emptyResponse;
  }
}

export function readReplyHeader(reader: JuteReader): ReplyHeader {
  return { xid: reader.readInt(), zxid: reader.readLong(), err: reader.readInt() };
}

export function writeReplyHeader(writer: JuteWriter, header: ReplyHeader): void {
  writer.writeInt(header.xid).writeLong(header.zxid).writeInt(header.err);
}

/**
 * A watch notification as it goes on the wire (xid -1, the txn's zxid, err 0, the event).
 * A change watched by many sessions is encoded once and the same bytes go to each.
 */
export class NotificationFrame {
  readonly event: WatcherEvent;
  readonly zxid: bigint;
  private encoded: Buffer | undefined;

  constructor(event: WatcherEvent, zxid: bigint) {
    this.event = event;
    this.zxid = zxid;
  }

  /** The whole frame, length prefix included; shared, never to be modified. */
  get bytes(): Buffer {
    if (this.encoded === undefined) {
      const writer = new JuteWriter(32 + Buffer.byteLength(this.event.path));
      const at = writer.beginFrame();
      writeReplyHeader(writer, { xid: Xid.notification, zxid: this.zxid, err: 0 });
      writeWatcherEvent(writer, this.event);
      this.encoded = writer.endFrame(at).view();
    }
    return this.encoded;
  }
}
