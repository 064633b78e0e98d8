// Snapshot file layout (our own format, Apache's file names), jute-encoded:
//   Header  { int magic = 'MKSN'; int version = 1; long zxid; }
//   Sessions { vector<{ long id; int timeoutMs; }> }
//   Node*   { ustring path; buffer data; int aclRef; [vector<ACL> acl if aclRef == -1];
//             long czxid, mzxid, pzxid, ctime, mtime; int version, cversion, aversion;
//             long ephemeralOwner; }            -- parents before children
//   End     { int -1 (null path); int crc32 of every byte before it; int magic 'MKSE'; }
// ACL lists are written once and then referred to by the order they first appeared in.
import { crc32 } from 'node:zlib';
import { JuteReader, ProtocolError, TruncatedInputError } from '../../protocol/jute/reader.ts';
import { JuteWriter } from '../../protocol/jute/writer.ts';
import { readAclList, writeAclList, type Acl } from '../../protocol/records.ts';
import type { NodeFields, NodeRecord } from '../tree/snapshot-cursor.ts';
import { recordBytesMax } from './log-format.ts';

export const snapshotMagic = 0x4d4b534e; // "MKSN"
export const snapshotEndMagic = 0x4d4b5345; // "MKSE"
export const snapshotVersion = 1;

export interface SessionRecord {
  readonly id: bigint;
  readonly timeoutMs: number;
}

/** Encodes a snapshot piece by piece, keeping the running checksum. */
export class SnapshotEncoder {
  private crc = 0;
  private readonly aclRefs = new Map<readonly Acl[], number>();

  private emit(writer: JuteWriter): Buffer {
    const bytes = Buffer.from(writer.view());
    this.crc = crc32(bytes, this.crc);
    return bytes;
  }

  begin(zxid: bigint, sessions: readonly SessionRecord[]): Buffer {
    const writer = new JuteWriter(64 + sessions.length * 12);
    writer.writeInt(snapshotMagic).writeInt(snapshotVersion).writeLong(zxid);
    writer.writeVector(sessions, (w, s) => w.writeLong(s.id).writeInt(s.timeoutMs));
    return this.emit(writer);
  }

  private readonly chunk = new JuteWriter(1 << 20);

  nodes(records: readonly NodeRecord[]): Buffer {
    for (const r of records) this.node('', r.path, r);
    return this.takeChunk();
  }

  private prefix = '';
  private prefixBytes: Uint8Array = new Uint8Array(0);

  /**
   * Appends one node, whose path is `prefix + name`, to the current chunk (the node is read
   * now, not kept). A prefix is encoded once while consecutive nodes share it.
   */
  node(prefix: string, name: string, r: NodeFields): void {
    if (prefix !== this.prefix) {
      this.prefix = prefix;
      this.prefixBytes = Buffer.from(prefix, 'utf8');
    }
    const writer = this.chunk;
    writer.writeUStringParts(this.prefixBytes, name).writeBuffer(r.data);
    const ref = this.aclRefs.get(r.acl);
    if (ref === undefined) {
      writer.writeInt(-1);
      writeAclList(writer, r.acl);
      this.aclRefs.set(r.acl, this.aclRefs.size);
    } else {
      writer.writeInt(ref);
    }
    writer.writeLong(r.czxid).writeLong(r.mzxid).writeLong(r.pzxid);
    writer.writeLong(r.ctime).writeLong(r.mtime);
    writer.writeInt(r.version).writeInt(r.cversion).writeInt(r.aversion);
    writer.writeLong(r.ephemeralOwner);
  }

  /** Bytes appended since the last `takeChunk`. */
  get pendingBytes(): number {
    return this.chunk.length;
  }

  /** The bytes of the nodes appended since the last call (a copy: the writer is reused). */
  takeChunk(): Buffer {
    const bytes = this.emit(this.chunk);
    this.chunk.reset();
    return bytes;
  }

  end(): Buffer {
    const writer = new JuteWriter(16);
    writer.writeInt(-1);
    const marker = this.emit(writer);
    const trailer = Buffer.alloc(8);
    trailer.writeInt32BE(this.crc | 0, 0);
    trailer.writeInt32BE(snapshotEndMagic, 4);
    return Buffer.concat([marker, trailer]);
  }
}

const same = (known: bigint, value: bigint): bigint => (value === known ? known : value);

export interface SnapshotHeader {
  readonly zxid: bigint;
  readonly sessions: SessionRecord[];
}

function readHeader(reader: JuteReader): SnapshotHeader {
  if (reader.readInt() !== snapshotMagic) throw new ProtocolError('bad snapshot magic');
  const version = reader.readInt();
  if (version !== snapshotVersion)
    throw new ProtocolError(`unsupported snapshot version ${version}`);
  const zxid = reader.readLong();
  const sessions = reader.readVector((r) => ({ id: r.readLong(), timeoutMs: r.readInt() })) ?? [];
  return { zxid, sessions };
}

/** One node, or null at the end marker. `acls` holds the lists seen so far (by reference). */
function readNode(reader: JuteReader, acls: (readonly Acl[])[]): NodeRecord | null {
  const path = reader.readUString();
  if (path === null) return null;
  const data = reader.readBuffer();
  const ref = reader.readInt();
  let acl: readonly Acl[] | undefined;
  if (ref === -1) {
    acl = Object.freeze(readAclList(reader) ?? []);
    acls.push(acl);
  } else {
    acl = acls[ref];
    if (acl === undefined) throw new ProtocolError(`unknown ACL reference ${ref}`);
  }
  // Equal longs share one bigint (most nodes were never modified): less heap per znode.
  const czxid = reader.readLong();
  const mzxid = same(czxid, reader.readLong());
  const pzxid = same(mzxid, reader.readLong());
  const ctime = reader.readLong();
  const mtime = same(ctime, reader.readLong());
  return {
    path,
    data,
    acl,
    czxid,
    mzxid,
    pzxid,
    ctime,
    mtime,
    version: reader.readInt(),
    cversion: reader.readInt(),
    aversion: reader.readInt(),
    ephemeralOwner: same(0n, reader.readLong()),
  };
}

/** Checks the end marker and the checksum of a complete snapshot file. */
export function verifySnapshot(file: Buffer): void {
  if (file.length < 24) throw new ProtocolError('snapshot shorter than header and trailer');
  if (file.readInt32BE(file.length - 4) !== snapshotEndMagic) {
    throw new ProtocolError('snapshot has no end marker (incomplete write)');
  }
  if ((crc32(file.subarray(0, file.length - 8)) | 0) !== file.readInt32BE(file.length - 8)) {
    throw new ProtocolError('snapshot fails its checksum');
  }
}

export interface DecodedSnapshot extends SnapshotHeader {
  /** Node records in file order (parents first); call once. */
  readonly nodes: () => Generator<NodeRecord>;
}

/** Checks the whole file's checksum, then decodes lazily. Throws ProtocolError when damaged. */
export function decodeSnapshot(file: Buffer): DecodedSnapshot {
  verifySnapshot(file);
  const reader = new JuteReader(file.subarray(0, file.length - 8), {
    maxLengthBytes: recordBytesMax,
  });
  const header = readHeader(reader);
  function* nodes(): Generator<NodeRecord> {
    const acls: (readonly Acl[])[] = [];
    for (let node = readNode(reader, acls); node !== null; node = readNode(reader, acls)) {
      yield node;
    }
    reader.expectEnd('snapshot');
  }
  return { ...header, nodes };
}

/**
 * Decodes a snapshot while its bytes are still being read into `file` (a buffer of the whole
 * file's size): each call decodes the complete records below `available` and stops before
 * one that is cut off, to resume on the next call. The checksum can only be checked at the
 * end (`verifySnapshot`), so whoever loads records as they come must be able to drop them.
 */
export class SnapshotDecoder {
  private readonly file: Buffer;
  private position = 0;
  private readonly acls: (readonly Acl[])[] = [];
  header: SnapshotHeader | undefined;

  constructor(file: Buffer) {
    if (file.length < 24) throw new ProtocolError('snapshot shorter than header and trailer');
    this.file = file;
  }

  /** Decodes what `available` bytes allow; true once the end marker has been read. */
  decode(available: number, onNode: (record: NodeRecord) => void): boolean {
    const bodyEnd = this.file.length - 8;
    const complete = available >= this.file.length;
    const reader = new JuteReader(this.file, {
      offset: this.position,
      end: Math.min(available, bodyEnd),
      maxLengthBytes: recordBytesMax,
    });
    // A record cut off after its ACL list must not leave the list behind for the retry.
    let aclsBefore = this.acls.length;
    try {
      if (this.header === undefined) {
        this.header = readHeader(reader);
        this.position = reader.position;
      }
      for (;;) {
        aclsBefore = this.acls.length;
        const node = readNode(reader, this.acls);
        if (node === null) {
          if (!complete) return false; // not all bytes after the marker are there yet
          reader.expectEnd('snapshot');
          return true;
        }
        this.position = reader.position;
        onNode(node);
      }
    } catch (error) {
      if (!(error instanceof TruncatedInputError) || complete) throw error;
      this.acls.length = aclsBefore;
      return false;
    }
  }
}
