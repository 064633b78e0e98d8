// SetWatches batches for a reconnect, as the Java client builds them: the watched paths
// (chroot prepended) are packed into requests of about 128 KB of path text each, walking the
// data, exist, child, persistent and persistentRecursive lists in that order. A batch uses
// opcode 101 (SetWatches) unless it carries persistent paths, then 105 (SetWatches2).
import { OpCode, type SetWatchesRequest } from '../protocol/index.ts';
import type { Chroot } from './chroot.ts';
import type { WatchPaths } from './watch-registry.ts';

/** Java's SET_WATCHES_MAX_LENGTH: path characters per SetWatches packet. */
export const setWatchesBatchCharsMax = 128 * 1024;

type ListName = keyof WatchPaths;
const listOrder: readonly ListName[] = [
  'data',
  'exist',
  'child',
  'persistent',
  'persistentRecursive',
];

function emptyBatch(): Record<ListName, string[]> {
  return { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
}

function toRequest(batch: Record<ListName, string[]>, relativeZxid: bigint): SetWatchesRequest {
  const second = batch.persistent.length > 0 || batch.persistentRecursive.length > 0;
  return {
    type: 'setWatches',
    opcode: second ? OpCode.setWatches2 : OpCode.setWatches,
    relativeZxid,
    dataWatches: batch.data,
    existWatches: batch.exist,
    childWatches: batch.child,
    persistentWatches: batch.persistent,
    persistentRecursiveWatches: batch.persistentRecursive,
  };
}

/** The SetWatches requests to send after a reconnect; empty when nothing is watched. */
export function setWatchesBatches(
  paths: WatchPaths,
  options: { chroot: Chroot; relativeZxid: bigint; batchCharsMax?: number },
): SetWatchesRequest[] {
  const charsMax = options.batchCharsMax ?? setWatchesBatchCharsMax;
  const requests: SetWatchesRequest[] = [];
  let batch = emptyBatch();
  let chars = 0;
  let count = 0;
  for (const list of listOrder) {
    for (const path of paths[list]) {
      const serverPath = options.chroot.toServer(path);
      batch[list].push(serverPath);
      chars += serverPath.length;
      count++;
      if (chars >= charsMax) {
        requests.push(toRequest(batch, options.relativeZxid));
        batch = emptyBatch();
        chars = 0;
        count = 0;
      }
    }
  }
  if (count > 0) requests.push(toRequest(batch, options.relativeZxid));
  return requests;
}
