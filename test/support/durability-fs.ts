// Helpers for the durability tests: temp data directories, a Logger that records what it is
// told, a txn-log disk whose writes can be made to fail on demand (ENOSPC, EIO), readers for
// the files on disk (every txn of every log segment, the newest intact snapshot) and a
// comparable dump of a DataTree.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../src/core/logger.ts';
import {
  openLogFile,
  type LogFile,
  type OpenLogFile,
} from '../../src/server/persistence/file-txn-log.ts';
import { scanLog } from '../../src/server/persistence/log-format.ts';
import { listSegments } from '../../src/server/persistence/recovery.ts';
import { decodeSnapshot } from '../../src/server/persistence/snapshot-format.ts';
import type { DataTree } from '../../src/server/tree/data-tree.ts';
import type { Txn } from '../../src/server/txn/txn.ts';

/** Temp directories under os.tmpdir(), all removed by `removeAll()` (call it in after()). */
export class TempDirs {
  private readonly dirs: string[] = [];

  async create(prefix = 'meerkat-durability-'): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  async removeAll(): Promise<void> {
    for (const dir of this.dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  }
}

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** A Logger that keeps every line, for asserting on the loud ones. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'debug', fields, message });
  }
  info(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'info', fields, message });
  }
  warn(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'warn', fields, message });
  }
  error(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'error', fields, message });
  }
  /** Lines of `level` whose message contains `fragment`. */
  find(level: LogLine['level'], fragment: string): LogLine[] {
    return this.lines.filter((l) => l.level === level && l.message.includes(fragment));
  }
}

export type DiskErrorCode = 'ENOSPC' | 'EIO';
export type FaultOp = 'open' | 'write' | 'datasync' | 'truncate';

/** An Error shaped like the one node:fs rejects with. */
export function diskError(code: DiskErrorCode, syscall: string): NodeJS.ErrnoException {
  const text = code === 'ENOSPC' ? 'no space left on device' : 'i/o error';
  const error: NodeJS.ErrnoException = new Error(`${code}: ${text}, ${syscall}`);
  error.code = code;
  error.errno = code === 'ENOSPC' ? -28 : -5;
  error.syscall = syscall;
  return error;
}

export interface Fault {
  readonly op: FaultOp;
  readonly code: DiskErrorCode;
  /** For 'write': write the first half of the bytes for real, then fail (a short write). */
  readonly partial?: boolean;
}

/** The real txn-log files, except that the operation named by `fault` fails while it is set. */
export class FaultyDisk {
  fault: Fault | undefined;
  /** How many operations failed. */
  failures = 0;
  /** Files opened and closed through this disk (a difference at the end is a leak). */
  opened = 0;
  closed = 0;

  readonly open: OpenLogFile = async (path, options) => {
    this.check('open', 'open');
    const file = this.wrap(await openLogFile(path, options));
    this.opened++;
    return file;
  };

  private check(op: FaultOp, syscall: string): void {
    if (this.fault?.op !== op) return;
    this.failures++;
    throw diskError(this.fault.code, syscall);
  }

  private wrap(file: LogFile): LogFile {
    return {
      write: async (buffer, offset, length, position) => {
        const fault = this.fault;
        if (fault?.op === 'write' && fault.partial === true && length > 1) {
          await file.write(buffer, offset, Math.floor(length / 2), position);
        }
        this.check('write', 'write');
        return file.write(buffer, offset, length, position);
      },
      truncate: async (length) => {
        this.check('truncate', 'ftruncate');
        return file.truncate(length);
      },
      datasync: async () => {
        this.check('datasync', 'fdatasync');
        return file.datasync();
      },
      sync: () => file.sync(),
      close: async () => {
        this.closed++;
        return file.close();
      },
    };
  }
}

export interface SegmentScan {
  readonly name: string;
  readonly zxid: bigint;
  readonly txns: Txn[];
  readonly endOffset: number;
  readonly torn: string | undefined;
  readonly size: number;
}

/** Every log segment of `dir` (a version-2 directory), oldest first, scanned. */
export async function scanSegments(dir: string): Promise<SegmentScan[]> {
  const out: SegmentScan[] = [];
  for (const { name, zxid } of await listSegments(dir, 'log')) {
    const file = await readFile(join(dir, name));
    out.push({ name, zxid, size: file.length, ...scanLog(file) });
  }
  return out;
}

/** The newest snapshot of `dir` that decodes, as recovery would pick it. */
export async function newestIntactSnapshot(
  dir: string,
): Promise<{ name: string; zxid: bigint } | undefined> {
  for (const { name, zxid } of (await listSegments(dir, 'snapshot')).reverse()) {
    try {
      decodeSnapshot(await readFile(join(dir, name)));
      return { name, zxid };
    } catch {
      continue;
    }
  }
  return undefined;
}

/** Throws unless the zxids are exactly from, from + 1, from + 2, ... */
export function checkGapless(zxids: readonly bigint[], from: bigint, what: string): void {
  zxids.forEach((zxid, i) => {
    const expected = from + BigInt(i);
    if (zxid !== expected) {
      throw new Error(
        `${what}: zxid #${i} is 0x${zxid.toString(16)}, expected 0x${expected.toString(16)}`,
      );
    }
  });
}

export interface NodeDump {
  readonly data: string | null;
  readonly acl: unknown;
  readonly stat: unknown;
  readonly ephemeralOwner: bigint;
}

/** Everything observable about the tree's nodes, keyed by path. */
export function dumpTree(tree: DataTree): Map<string, NodeDump> {
  const out = new Map<string, NodeDump>();
  for (const path of [...tree.paths()].sort()) {
    const node = tree.get(path);
    if (node === undefined) throw new Error(`walked ${path}, which is missing`);
    out.set(path, {
      data: node.data === null ? null : node.data.toString('hex'),
      acl: node.acl.map((a) => ({ perms: a.perms, scheme: a.id.scheme, id: a.id.id })),
      stat: tree.stat(node),
      ephemeralOwner: node.ephemeralOwner,
    });
  }
  return out;
}
