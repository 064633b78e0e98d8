// A point-in-time walk of the tree that does not stop the world. The tree is walked in small
// steps while writes go on; before a write touches a node the walk has not reached yet, the
// tree hands the node's pre-image here (copy on write), so the walk yields exactly the tree
// as it was at `zxid`. Recovery then replays strictly after `zxid`: no fuzzy-snapshot replay
// tolerance is needed. The walk follows child references, never looking paths up.
import { AssertionError } from '../../core/assert.ts';
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

/** A live tree node as the walk sees it. */
export interface WalkNode extends NodeFields {
  readonly children: ReadonlyMap<string, WalkNode>;
  /** The walk that last visited this node; the walk sets it. */
  snapshotEpoch: number;
}

/** A node as it was before a write changed it. */
interface PreImage {
  readonly fields: NodeFields;
  readonly children: Family;
}

/** A node's children at the moment the walk took them, as two flat arrays (no tuple each). */
interface Family {
  readonly names: readonly string[];
  readonly nodes: readonly WalkNode[];
}

/** Children of one visited node still to walk, taken from the last index down. */
interface Frame extends Family {
  /** The node's path and a slash: each child's path is this plus its name. */
  readonly prefix: string;
  next: number;
}

/**
 * Receives a node and its path as `prefix + name`: `prefix` is the parent's path and a slash,
 * the same string object for every child of one parent (the root: '/' and ''). A snapshot
 * writer encodes the prefix once per parent instead of a full path per node.
 */
export type EmitNode = (prefix: string, name: string, node: NodeFields) => void;

function familyOf(node: WalkNode): Family {
  return { names: [...node.children.keys()], nodes: [...node.children.values()] };
}

export class SnapshotCursor {
  readonly zxid: bigint;
  readonly epoch: number;
  /**
   * One frame per visited node whose children are not all walked yet. A node's children are
   * copied into its frame when it is visited (two flat arrays; child paths are built one at a
   * time as they are walked), so a parent of 200k children costs one array copy, not 200k
   * paths and stack entries in a single step.
   */
  private readonly frames: Frame[] = [];
  private root: WalkNode | undefined;
  /** Keyed by node identity: cheaper than by path, and a deleted node keeps its key. */
  private readonly preImages = new Map<WalkNode, PreImage>();

  constructor(options: { zxid: bigint; epoch: number; root: WalkNode }) {
    this.zxid = options.zxid;
    this.epoch = options.epoch;
    this.root = options.root;
  }

  get done(): boolean {
    return this.root === undefined && this.frames.length === 0;
  }

  /** Called by the tree before it changes a node; keeps the first pre-image of unvisited ones. */
  preserve(node: WalkNode): void {
    if (node.snapshotEpoch === this.epoch || this.preImages.has(node)) return;
    this.preImages.set(node, { fields: fieldsOf(node), children: familyOf(node) });
  }

  /**
   * Hands up to `max` nodes to `emit` in parent-before-child order (fewer only at the end).
   * Live nodes are passed as they are, without a copy: `emit` must use them before returning.
   */
  step(max: number, emit: EmitNode): number {
    let count = 0;
    if (this.root !== undefined && max > 0) {
      const root = this.root;
      this.root = undefined;
      this.visit('/', '', root, emit);
      count++;
    }
    const frames = this.frames;
    while (count < max && frames.length > 0) {
      const frame = frames[frames.length - 1] as Frame;
      const index = frame.next--;
      if (frame.next < 0) frames.pop(); // the frame's last child: `done` stays exact
      this.visit(frame.prefix, frame.names[index] as string, frame.nodes[index] as WalkNode, emit);
      count++;
    }
    return count;
  }

  private visit(prefix: string, name: string, node: WalkNode, emit: EmitNode): void {
    if (node.snapshotEpoch === this.epoch) {
      throw new AssertionError(`snapshot walk reached ${prefix}${name} twice`);
    }
    node.snapshotEpoch = this.epoch;
    const preImage = this.preImages.size === 0 ? undefined : this.preImages.get(node);
    let children: Family | undefined;
    if (preImage === undefined) {
      emit(prefix, name, node);
      if (node.children.size > 0) children = familyOf(node);
    } else {
      this.preImages.delete(node);
      emit(prefix, name, preImage.fields);
      children = preImage.children;
    }
    if (children !== undefined && children.names.length > 0) {
      this.frames.push({
        prefix: name === '' ? prefix : `${prefix}${name}/`,
        names: children.names,
        nodes: children.nodes,
        next: children.names.length - 1,
      });
    }
  }

  /** The next records as copies (for tests and tools; snapshots use `step`). */
  next(max: number): NodeRecord[] {
    const out: NodeRecord[] = [];
    this.step(max, (prefix, name, node) => out.push({ path: prefix + name, ...fieldsOf(node) }));
    return out;
  }
}

function fieldsOf(node: NodeFields): NodeFields {
  return {
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
