// A point-in-time walk of the tree that does not stop the world. The tree is walked in small
// steps while writes go on; before a write touches a node the walk has not reached yet, the
// tree hands the node's pre-image here (copy on write), so the walk yields exactly the tree
// as it was at `zxid`. Recovery then replays strictly after `zxid`: no fuzzy-snapshot replay
// tolerance is needed.
import { assert } from '../../core/assert.ts';
import { childPath } from '../../core/path.ts';
import type { Acl } from '../../protocol/records.ts';

/** The fields of a znode a snapshot stores (a live tree node has them too). */
export interface NodeFields {
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

/** A znode as snapshots store it (children are implied by the paths). */
export interface NodeRecord extends NodeFields {
  readonly path: string;
}

/** A live node as the walk sees it: its fields and its children's names. */
export interface LiveNode extends NodeFields {
  readonly children: Iterable<string>;
}

export interface PreImage {
  readonly record: NodeRecord;
  readonly children: readonly string[];
}

/** What the cursor needs from the tree. */
export interface SnapshotSource {
  /** The live node; marks it visited so later writes skip the copy. */
  visit(path: string, epoch: number): LiveNode | undefined;
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

  /**
   * Hands up to `max` nodes to `emit` in parent-before-child order (fewer only at the end).
   * Live nodes are passed as they are, without a copy: `emit` must use them before returning.
   */
  step(max: number, emit: (path: string, node: NodeFields) => void): number {
    let count = 0;
    while (count < max && this.stack.length > 0) {
      const path = this.stack.pop() as string;
      const preImage = this.preImages.get(path);
      let children: Iterable<string>;
      if (preImage !== undefined) {
        this.preImages.delete(path);
        this.source.markVisited(path, this.epoch);
        emit(path, preImage.record);
        children = preImage.children;
      } else {
        const live = this.source.visit(path, this.epoch);
        assert(live !== undefined, `snapshot walk reached ${path}, which existed at its zxid`);
        emit(path, live);
        children = live.children;
      }
      for (const name of children) this.stack.push(childPath(path, name));
      count++;
    }
    return count;
  }

  /** The next records as copies (for tests and tools; snapshots use `step`). */
  next(max: number): NodeRecord[] {
    const out: NodeRecord[] = [];
    this.step(max, (path, node) => out.push(recordOf(path, node)));
    return out;
  }
}

export function recordOf(path: string, node: NodeFields): NodeRecord {
  return {
    path,
    data: node.data,
    acl: node.acl,
    czxid: node.czxid,
    mzxid: node.mzxid,
    pzxid: node.pzxid,
    ctime: node.ctime,
    mtime: node.mtime,
    version: node.version,
    cversion: node.cversion,
    aversion: node.aversion,
    ephemeralOwner: node.ephemeralOwner,
  };
}
