// A point-in-time walk of the tree that does not stop the world. The tree is walked in small
// steps while writes go on; before a write touches a node the walk has not reached yet, the
// tree hands the node's pre-image here (copy on write), so the walk yields exactly the tree
// as it was at `zxid`. Recovery then replays strictly after `zxid`: no fuzzy-snapshot replay
// tolerance is needed.
import { assert } from '../../core/assert.ts';
import { childPath } from '../../core/path.ts';
import type { Acl } from '../../protocol/records.ts';

/** A znode as snapshots store it (children are implied by the paths). */
export interface NodeRecord {
  readonly path: string;
  readonly data: Buffer | null;
  readonly acl: readonly Acl[];
  readonly czxid: bigint;
  readonly mzxid: bigint;
  readonly pzxid: bigint;
  readonly ctime: bigint;
  readonly mtime: bigint;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  readonly ephemeralOwner: bigint;
}

export interface PreImage {
  readonly record: NodeRecord;
  readonly children: readonly string[];
}

/** What the cursor needs from the tree. */
export interface SnapshotSource {
  /** The live node's image; marks it visited so later writes skip the copy. */
  visit(path: string, epoch: number): PreImage | undefined;
  /** Marks the live node visited (its pre-image was used). */
  markVisited(path: string, epoch: number): void;
}

export class SnapshotCursor {
  readonly zxid: bigint;
  readonly epoch: number;
  private readonly stack: string[] = ['/'];
  private readonly preImages = new Map<string, PreImage>();
  private readonly source: SnapshotSource;

  constructor(options: { zxid: bigint; epoch: number; source: SnapshotSource }) {
    this.zxid = options.zxid;
    this.epoch = options.epoch;
    this.source = options.source;
  }

  get done(): boolean {
    return this.stack.length === 0;
  }

  /** Called by the tree before it changes an unvisited node. */
  preserve(path: string, image: () => PreImage): void {
    if (!this.preImages.has(path)) this.preImages.set(path, image());
  }

  /** The next records in parent-before-child order; fewer than `max` only at the end. */
  next(max: number): NodeRecord[] {
    const out: NodeRecord[] = [];
    while (out.length < max && this.stack.length > 0) {
      const path = this.stack.pop() as string;
      const preImage = this.preImages.get(path);
      if (preImage !== undefined) {
        this.preImages.delete(path);
        this.source.markVisited(path, this.epoch);
      }
      const image = preImage ?? this.source.visit(path, this.epoch);
      assert(image !== undefined, `snapshot walk reached ${path}, which existed at its zxid`);
      out.push(image.record);
      for (const name of image.children) this.stack.push(childPath(path, name));
    }
    return out;
  }
}
