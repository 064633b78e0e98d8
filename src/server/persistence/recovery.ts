// Recovery: the newest snapshot that passes its checksum (falling back to older ones), then
// every logged txn after its zxid through the one apply path, in order and without gaps. A
// torn tail of the newest segment (a write cut short by a crash) is truncated; damage before
// the end of the log stops the start-up instead of silently dropping acknowledged writes.
import { open, readFile, rm } from 'node:fs/promises';
import { assert } from '../../core/assert.ts';
import { join } from 'node:path';
import type { Logger } from '../../core/logger.ts';
import { ProtocolError } from '../../protocol/jute/reader.ts';
import type { ServerState } from '../pipeline/server-state.ts';
import type { DataTree } from '../tree/data-tree.ts';
import type { NodeRecord } from '../tree/snapshot-cursor.ts';
import { applyTxn } from '../txn/apply.ts';
import { WatchManager } from '../watch/watch-manager.ts';
import { listNames } from './fs-util.ts';
import { readLogFile } from './log-reader.ts';
import {
  checkLogHeader,
  damageBeforeLastBatch,
  isAllZero,
  segmentZxid,
  walkLog,
} from './log-format.ts';
import { SnapshotDecoder, verifySnapshot, type SnapshotHeader } from './snapshot-format.ts';

export class RecoveryError extends Error {
  override name = 'RecoveryError';
}

export interface RecoveryResult {
  readonly lastZxid: bigint;
  readonly snapshotZxid: bigint | undefined;
  readonly nodesLoaded: number;
  readonly txnsReplayed: number;
  readonly durationMs: number;
}

const hex = (zxid: bigint): string => `0x${zxid.toString(16)}`;

/** Segment names of one kind in a directory, by zxid ascending. */
export async function listSegments(
  dir: string,
  kind: 'log' | 'snapshot',
): Promise<{ name: string; zxid: bigint }[]> {
  const found: { name: string; zxid: bigint }[] = [];
  for (const name of await listNames(dir)) {
    const zxid = segmentZxid(name, kind);
    if (zxid !== undefined) found.push({ name, zxid });
  }
  return found.sort((a, b) => (a.zxid < b.zxid ? -1 : a.zxid > b.zxid ? 1 : 0));
}

/** Bytes per read of a snapshot file; decoding goes on while the next chunk is read. */
const snapshotReadChunk = 8 * 1024 * 1024;

/**
 * Reads a snapshot into `tree` while decoding it: each chunk is decoded as soon as it is in,
 * so the read (0.3-0.8 s for a 1M-znode file here) overlaps the load. The checksum covers the
 * whole file and is checked at the end; a damaged file throws ProtocolError after the tree
 * took some of its nodes (the caller clears it). Any other error with a bad checksum is
 * damage too; with a good checksum it is a bug and propagates as it is.
 */
async function loadSnapshotFile(
  path: string,
  tree: DataTree,
): Promise<SnapshotHeader & { nodes: number }> {
  const handle = await open(path, 'r');
  try {
    const file = Buffer.allocUnsafe((await handle.stat()).size);
    let available = 0;
    let readDone = false;
    let wake = (): void => undefined; // resolves the decoder's wait for the next chunk
    const reading = (async () => {
      try {
        while (available < file.length) {
          const want = Math.min(snapshotReadChunk, file.length - available);
          const { bytesRead } = await handle.read(file, available, want, available);
          if (bytesRead === 0) break;
          available += bytesRead;
          wake();
        }
      } finally {
        readDone = true;
        wake();
      }
    })();
    reading.catch(() => undefined); // awaited below; a read error must not go unhandled first
    let nodes = 0;
    let decoder: SnapshotDecoder | undefined;
    try {
      decoder = new SnapshotDecoder(file);
      const load = (record: NodeRecord): void => {
        tree.loadNode(record);
        nodes++;
      };
      while (!decoder.decode(available, load)) {
        if (readDone) throw new ProtocolError('snapshot file ended early');
        await new Promise<void>((resolve) => (wake = resolve));
      }
      await reading;
      verifySnapshot(file.subarray(0, available));
    } catch (error) {
      await reading;
      if (error instanceof ProtocolError) throw error;
      verifySnapshot(file.subarray(0, available)); // throws ProtocolError when damaged
      throw error;
    }
    assert(decoder.header !== undefined, 'a decoded snapshot has its header');
    return { ...decoder.header, nodes };
  } finally {
    await handle.close();
  }
}

async function loadNewestSnapshot(
  dir: string,
  state: ServerState,
  nowMs: number,
  logger: Logger,
): Promise<{ zxid: bigint; nodes: number } | undefined> {
  for (const name of await listNames(dir)) {
    if (name.startsWith('snapshot.') && name.endsWith('.tmp')) await rm(join(dir, name));
  }
  const snapshots = (await listSegments(dir, 'snapshot')).reverse();
  for (const { name } of snapshots) {
    let loaded;
    try {
      loaded = await loadSnapshotFile(join(dir, name), state.tree);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      state.tree.clear();
      logger.error(
        { snapshot: name, reason: error.message },
        'DAMAGED SNAPSHOT: trying an older one',
      );
      continue;
    }
    for (const session of loaded.sessions) state.sessions.add(session.id, session.timeoutMs, nowMs);
    logger.info({ snapshot: name, zxid: hex(loaded.zxid), nodes: loaded.nodes }, 'snapshot loaded');
    return { zxid: loaded.zxid, nodes: loaded.nodes };
  }
  return undefined;
}

async function truncateTornTail(path: string, offset: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(offset);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Rebuilds `state` from `snapDir` and `logDir`; returns where the log continues. */
export async function recover(options: {
  readonly snapDir: string;
  readonly logDir: string;
  readonly state: ServerState;
  readonly nowMs: number;
  readonly logger: Logger;
}): Promise<RecoveryResult> {
  const started = performance.now();
  const { state, logger } = options;
  const snapshot = await loadNewestSnapshot(options.snapDir, state, options.nowMs, logger);
  let last = snapshot?.zxid ?? 0n;
  const segments = await listSegments(options.logDir, 'log');
  // The newest segment that can hold the txn right after the snapshot, and all after it.
  let first = 0;
  segments.forEach((segment, i) => {
    if (segment.zxid <= last + 1n) first = i;
  });
  const context = {
    tree: state.tree,
    sessions: state.sessions,
    watches: new WatchManager(),
    nowMs: options.nowMs,
  };
  let replayed = 0;
  for (let i = first; i < segments.length; i++) {
    const { name } = segments[i] as { name: string };
    const path = join(options.logDir, name);
    const file = await readLogFile(path);
    const headerProblem = checkLogHeader(file);
    if (headerProblem !== undefined) {
      // A crash while creating the newest segment can leave it empty or all zeros (its
      // header never synced); it never held an acknowledged txn.
      if (i === segments.length - 1 && isAllZero(file)) {
        logger.warn({ segment: name }, 'empty txn log segment (crash while creating it): removed');
        await rm(path);
        continue;
      }
      throw new RecoveryError(`txn log ${name}: ${headerProblem}`);
    }
    const scan = walkLog(file, (txn) => {
      if (txn.zxid <= last) return;
      if (txn.zxid !== last + 1n) {
        throw new RecoveryError(
          `txn log ${name}: zxid ${hex(txn.zxid)} follows ${hex(last)} ` +
            '(a gap: is a log segment missing?)',
        );
      }
      applyTxn(context, txn);
      last = txn.zxid;
      replayed++;
    });
    if (scan.torn === undefined) continue;
    if (
      i === segments.length - 1 &&
      damageBeforeLastBatch(await readFile(path), scan.endOffset + 1)
    ) {
      throw new RecoveryError(
        `txn log ${name} is damaged at offset ${scan.endOffset} (${scan.torn}) and complete ` +
          'batches follow it: refusing to start rather than drop acknowledged writes',
      );
    }
    if (i !== segments.length - 1) {
      throw new RecoveryError(
        `txn log ${name} is damaged at offset ${scan.endOffset} (${scan.torn}) and newer ` +
          'segments follow it: refusing to start rather than drop acknowledged writes',
      );
    }
    logger.warn(
      { segment: name, offset: scan.endOffset, reason: scan.torn, lastZxid: hex(last) },
      'TORN TXN LOG TAIL: truncated (a write cut short by a crash; it was never acknowledged)',
    );
    await truncateTornTail(path, scan.endOffset);
  }
  state.lastAppliedZxid = last;
  state.lastProposedZxid = last;
  const durationMs = performance.now() - started;
  logger.info(
    { lastZxid: hex(last), txnsReplayed: replayed, durationMs: Math.round(durationMs) },
    'recovered',
  );
  return {
    lastZxid: last,
    snapshotZxid: snapshot?.zxid,
    nodesLoaded: snapshot?.nodes ?? 0,
    txnsReplayed: replayed,
    durationMs,
  };
}
