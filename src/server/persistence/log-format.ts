// Transaction log segment layout (our own format, Apache's file names):
//   FileHeader { int magic = 'MKLG'; int version = 1; long dbid = 0; }        16 bytes
//   Record*    { int lengthAndFlags; int crc32(lengthAndFlags, payload); byte payload[length]; }
//              length = low 30 bits (> 0), bit 30 = last record of its batch; payload = Txn
// Segments are preallocated with zeros, so a zero length marks the end of the written part.
// A record whose length runs past the file or whose checksum fails is damage: a torn tail
// when only the last (never acknowledged) batch is affected. The batch-end flag is what lets
// recovery tell the two apart.
import { crc32 } from 'node:zlib';
import { JuteReader, ProtocolError } from '../../protocol/jute/reader.ts';
import { JuteWriter } from '../../protocol/jute/writer.ts';
import type { Txn } from '../txn/txn.ts';
import { readTxn, writeTxn } from './txn-codec.ts';

export const logMagic = 0x4d4b4c47; // "MKLG"
export const logVersion = 1;
export const logHeaderBytes = 16;
export const recordHeaderBytes = 8;
/** A single record never exceeds this (a txn carries at most a jute.maxbuffer frame). */
export const recordBytesMax = 64 * 1024 * 1024;
const lengthMask = 0x3fffffff;
const batchEndFlag = 0x40000000;

function recordChecksum(file: Buffer, at: number, payload: Buffer): number {
  return crc32(payload, crc32(file.subarray(at, at + 4))) | 0;
}

export function encodeLogHeader(): Buffer {
  const header = Buffer.alloc(logHeaderBytes);
  header.writeInt32BE(logMagic, 0);
  header.writeInt32BE(logVersion, 4);
  header.writeBigInt64BE(0n, 8);
  return header;
}

/** Encodes txns as consecutive records in one buffer (one write for a whole batch). */
export function encodeRecords(txns: readonly Txn[]): Buffer {
  const writer = new JuteWriter(256 * txns.length);
  txns.forEach((txn, i) => {
    const at = writer.length;
    writer.writeInt(0).writeInt(0); // length and crc, filled in below
    writeTxn(writer, txn);
    const bytes = writer.view();
    const payload = bytes.subarray(at + recordHeaderBytes);
    const flags = i === txns.length - 1 ? batchEndFlag : 0;
    bytes.writeInt32BE(payload.length | flags, at);
    bytes.writeInt32BE(recordChecksum(bytes, at, payload), at + 4);
  });
  return Buffer.from(writer.view());
}

export interface LogWalk {
  /** Offset just past the last good record: where the next append goes. */
  readonly endOffset: number;
  /** Why reading stopped early at `endOffset`, when it was not a clean end. */
  readonly torn: string | undefined;
}

export interface LogScan extends LogWalk {
  readonly txns: Txn[];
}

const zeros = Buffer.alloc(64 * 1024);

/** Native compares against zeros: a byte loop costs ~0.25 s on 4 MiB of preallocated log. */
export function isAllZero(bytes: Uint8Array): boolean {
  for (let at = 0; at < bytes.length; at += zeros.length) {
    const part = bytes.subarray(at, at + zeros.length);
    if (Buffer.compare(part, zeros.subarray(0, part.length)) !== 0) return false;
  }
  return true;
}

export function checkLogHeader(file: Buffer): string | undefined {
  if (file.length < logHeaderBytes) return 'file shorter than its header';
  if (file.readInt32BE(0) !== logMagic) return 'bad magic (not a Meerkat txn log)';
  if (file.readInt32BE(4) !== logVersion) return `unsupported version ${file.readInt32BE(4)}`;
  return undefined;
}

/**
 * Hands every intact record of a segment to `onTxn` in order (without keeping them), stopping
 * at the end or at the first damage.
 */
export function walkLog(file: Buffer, onTxn: (txn: Txn) => void): LogWalk {
  let offset = logHeaderBytes;
  const stop = (torn: string | undefined): LogWalk => ({ endOffset: offset, torn });
  while (offset + recordHeaderBytes <= file.length) {
    const field = file.readInt32BE(offset);
    if (field === 0) {
      const clean = isAllZero(file.subarray(offset));
      return stop(clean ? undefined : `zero record length at offset ${offset} followed by data`);
    }
    const length = field & lengthMask;
    if (
      field < 0 ||
      length === 0 ||
      length > recordBytesMax ||
      offset + recordHeaderBytes + length > file.length
    ) {
      return stop(`record at offset ${offset} has an impossible length ${field}`);
    }
    const payload = file.subarray(offset + recordHeaderBytes, offset + recordHeaderBytes + length);
    if (recordChecksum(file, offset, payload) !== file.readInt32BE(offset + 4)) {
      return stop(`record at offset ${offset} fails its checksum`);
    }
    let txn: Txn;
    try {
      const reader = new JuteReader(payload, { maxLengthBytes: recordBytesMax });
      txn = readTxn(reader);
      reader.expectEnd('txn record');
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return stop(`record at offset ${offset} does not decode: ${error.message}`);
    }
    onTxn(txn);
    offset += recordHeaderBytes + length;
  }
  // Fewer than 8 bytes left: a clean end only if they are all zero.
  const rest = file.subarray(offset);
  return stop(isAllZero(rest) ? undefined : `partial record header at offset ${offset}`);
}

/** Every intact record of a segment, in memory (for tools and tests; recovery walks). */
export function scanLog(file: Buffer): LogScan {
  const txns: Txn[] = [];
  return { txns, ...walkLog(file, (txn) => txns.push(txn)) };
}

/**
 * After damage at `from`: true when an intact record follows a complete batch that itself
 * lies after the damage, i.e. the damage is not confined to the last batch written. Only the
 * last batch can be torn by a crash (batches are written and synced one at a time), so this
 * means corruption of acknowledged data.
 */
export function damageBeforeLastBatch(file: Buffer, from: number): boolean {
  let batchEndSeen = false;
  for (let at = from; at + recordHeaderBytes <= file.length; at++) {
    const field = file.readInt32BE(at);
    const length = field & lengthMask;
    if (field <= 0 || length === 0 || at + recordHeaderBytes + length > file.length) continue;
    const payload = file.subarray(at + recordHeaderBytes, at + recordHeaderBytes + length);
    if (recordChecksum(file, at, payload) !== file.readInt32BE(at + 4)) continue;
    if (batchEndSeen) return true;
    if ((field & batchEndFlag) !== 0) batchEndSeen = true;
    at += recordHeaderBytes + length - 1;
  }
  return false;
}

export function segmentName(kind: 'log' | 'snapshot', zxid: bigint): string {
  return `${kind}.${zxid.toString(16)}`;
}

/** The zxid in a segment's file name, or undefined when the name is not one of ours. */
export function segmentZxid(name: string, kind: 'log' | 'snapshot'): bigint | undefined {
  const prefix = `${kind}.`;
  if (!name.startsWith(prefix)) return undefined;
  const hex = name.slice(prefix.length);
  return /^[0-9a-f]{1,16}$/.test(hex) ? BigInt(`0x${hex}`) : undefined;
}
