// Writes snapshots in the background: the tree is walked with a copy-on-write cursor in small
// steps, each step's bytes written asynchronously, so request handling goes on between steps.
// The file appears under its final name only once complete and synced (write to .tmp, fsync,
// rename, fsync the directory), so a crash never leaves a half snapshot under a real name.
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from '../../core/logger.ts';
import type { SessionTable } from '../session/session-table.ts';
import type { DataTree } from '../tree/data-tree.ts';
import type { NodeFields } from '../tree/snapshot-cursor.ts';
import { fsyncDirectory } from './fs-util.ts';
import { segmentName } from './log-format.ts';
import { SnapshotEncoder } from './snapshot-format.ts';

/** Nodes serialised per turn of the event loop. */
export const snapshotNodesPerStep = 2000;

export interface SnapshotResult {
  readonly path: string;
  readonly zxid: bigint;
  readonly nodes: number;
  readonly bytes: number;
  readonly durationMs: number;
}

export async function writeSnapshot(options: {
  readonly dir: string;
  readonly tree: DataTree;
  readonly sessions: SessionTable;
  readonly zxid: bigint;
  readonly logger: Logger;
}): Promise<SnapshotResult> {
  const started = performance.now();
  const { dir, tree, zxid } = options;
  const name = segmentName('snapshot', zxid);
  const finalPath = join(dir, name);
  const tempPath = `${finalPath}.tmp`;
  const cursor = tree.beginSnapshot(zxid);
  const sessions = [...options.sessions.all()].map((s) => ({ id: s.id, timeoutMs: s.timeoutMs }));
  const encoder = new SnapshotEncoder();
  const handle = await open(tempPath, 'w');
  let bytes = 0;
  let nodes = 0;
  try {
    const write = async (chunk: Buffer): Promise<void> => {
      await handle.write(chunk, 0, chunk.length, bytes);
      bytes += chunk.length;
    };
    await write(encoder.begin(zxid, sessions));
    const emit = (path: string, node: NodeFields): void => encoder.node(path, node);
    while (!cursor.done) {
      nodes += cursor.step(snapshotNodesPerStep, emit);
      await write(encoder.takeChunk());
      await yieldToLoop();
    }
    await write(encoder.end());
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(tempPath, { force: true });
    throw error;
  } finally {
    tree.endSnapshot(cursor);
  }
  await handle.close();
  await rename(tempPath, finalPath);
  await fsyncDirectory(dir);
  const durationMs = performance.now() - started;
  options.logger.info(
    { snapshot: name, nodes, bytes, durationMs: Math.round(durationMs) },
    'snapshot written',
  );
  return { path: finalPath, zxid, nodes, bytes, durationMs };
}
