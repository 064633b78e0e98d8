// Which containers and TTL nodes are due for deletion (Apache's ContainerManager rules):
// a container once it is empty after having had a child (or, optionally, never used for
// maxNeverUsedIntervalMs); a TTL node once it is childless and unmodified for its TTL.
import { ttlOf } from '../tree/ephemeral-type.ts';
import type { DataTree } from '../tree/data-tree.ts';

export function reapCandidates(
  tree: DataTree,
  options: { nowWallMs: number; maxNeverUsedIntervalMs: number; limit: number },
): string[] {
  const due: string[] = [];
  const now = BigInt(options.nowWallMs);
  for (const path of tree.containers) {
    if (due.length >= options.limit) return due;
    const node = tree.get(path);
    if (node === undefined || node.children.size > 0) continue;
    const neverUsedLimit = BigInt(options.maxNeverUsedIntervalMs);
    const neverUsedDue = neverUsedLimit > 0n && now - node.mtime > neverUsedLimit;
    if (node.cversion > 0 || neverUsedDue) due.push(path);
  }
  for (const path of tree.ttlNodes) {
    if (due.length >= options.limit) return due;
    const node = tree.get(path);
    if (node === undefined || node.children.size > 0) continue;
    const ttl = ttlOf(node.ephemeralOwner);
    if (ttl > 0n && now - node.mtime > ttl) due.push(path);
  }
  return due;
}
