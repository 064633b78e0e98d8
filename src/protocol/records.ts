// Shared records. Jute grammar:
//   class Id   { ustring scheme; ustring id; }
//   class ACL  { int perms; Id id; }
//   class Stat { long czxid; long mzxid; long ctime; long mtime; int version; int cversion;
//                int aversion; long ephemeralOwner; int dataLength; int numChildren; long pzxid; }
//   class WatcherEvent { int type; int state; ustring path; }
import type { JuteReader } from './jute/reader.ts';
import type { JuteWriter } from './jute/writer.ts';

export interface Id {
  readonly scheme: string;
  readonly id: string;
}

export interface Acl {
  readonly perms: number;
  readonly id: Id;
}

export interface Stat {
  czxid: bigint;
  mzxid: bigint;
  ctime: bigint;
  mtime: bigint;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
  pzxid: bigint;
}

export interface WatcherEvent {
  readonly type: number;
  readonly state: number;
  readonly path: string;
}

export const openAclUnsafe: readonly Acl[] = Object.freeze([
  { perms: 31, id: { scheme: 'world', id: 'anyone' } },
]);
export const creatorAllAcl: readonly Acl[] = Object.freeze([
  { perms: 31, id: { scheme: 'auth', id: '' } },
]);
export const readAclUnsafe: readonly Acl[] = Object.freeze([
  { perms: 1, id: { scheme: 'world', id: 'anyone' } },
]);

export function readId(reader: JuteReader): Id {
  return { scheme: reader.readString(), id: reader.readString() };
}

export function writeId(writer: JuteWriter, id: Id): void {
  writer.writeUString(id.scheme).writeUString(id.id);
}

export function readAcl(reader: JuteReader): Acl {
  const perms = reader.readInt();
  return { perms, id: readId(reader) };
}

export function writeAcl(writer: JuteWriter, acl: Acl): void {
  writer.writeInt(acl.perms);
  writeId(writer, acl.id);
}

export function readAclList(reader: JuteReader): Acl[] | null {
  return reader.readVector(readAcl);
}

export function writeAclList(writer: JuteWriter, acls: readonly Acl[] | null): void {
  writer.writeVector(acls, writeAcl);
}

export const statBytes = 68;

export function readStat(reader: JuteReader): Stat {
  return {
    czxid: reader.readLong(),
    mzxid: reader.readLong(),
    ctime: reader.readLong(),
    mtime: reader.readLong(),
    version: reader.readInt(),
    cversion: reader.readInt(),
    aversion: reader.readInt(),
    ephemeralOwner: reader.readLong(),
    dataLength: reader.readInt(),
    numChildren: reader.readInt(),
    pzxid: reader.readLong(),
  };
}

export function writeStat(writer: JuteWriter, stat: Stat): void {
  writer
    .writeLong(stat.czxid)
    .writeLong(stat.mzxid)
    .writeLong(stat.ctime)
    .writeLong(stat.mtime)
    .writeInt(stat.version)
    .writeInt(stat.cversion)
    .writeInt(stat.aversion)
    .writeLong(stat.ephemeralOwner)
    .writeInt(stat.dataLength)
    .writeInt(stat.numChildren)
    .writeLong(stat.pzxid);
}

export function readWatcherEvent(reader: JuteReader): WatcherEvent {
  return { type: reader.readInt(), state: reader.readInt(), path: reader.readString() };
}

export function writeWatcherEvent(writer: JuteWriter, event: WatcherEvent): void {
  writer.writeInt(event.type).writeInt(event.state).writeUString(event.path);
}
