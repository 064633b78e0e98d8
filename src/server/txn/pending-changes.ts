// Changes prepared but not yet applied. Prepare validates against the committed tree as seen
// through these records, so requests prepared in one batch (before any of them is durable)
// see each other, as Apache's outstandingChanges make them do. A multi stages its ops in a
// Scratch and publishes them only when every op validated.
import type { Acl } from '../../protocol/records.ts';
import type { DataTree } from '../tree/data-tree.ts';

/** What prepare needs to know of a node. */
export interface NodeState {
  readonly version: number;
  /** Stored cversion: number of child creations. */
  readonly cversion: number;
  readonly aversion: number;
  readonly ephemeralOwner: bigint;
  readonly numChildren: number;
  readonly acl: readonly Acl[];
}

export interface NodeStates {
  /** The node as prepare should see it; undefined when absent (or pending delete). */
  get(path: string): NodeState | undefined;
}

interface ChangeRecord {
  readonly zxid: bigint;
  readonly path: string;
  readonly state: NodeState | null;
}

export class PendingChanges implements NodeStates {
  private readonly byPath = new Map<string, ChangeRecord>();
  private readonly ordered: ChangeRecord[] = [];
  private head = 0;

  private readonly tree: DataTree;

  constructor(tree: DataTree) {
    this.tree = tree;
  }

  get(path: string): NodeState | undefined {
    const record = this.byPath.get(path);
    if (record !== undefined) return record.state ?? undefined;
    const node = this.tree.get(path);
    if (node === undefined) return undefined;
    return {
      version: node.version,
      cversion: node.cversion,
      aversion: node.aversion,
      ephemeralOwner: node.ephemeralOwner,
      numChildren: node.children.size,
      acl: node.acl,
    };
  }

  /** Pending changes of nodes that the session owns (for closeSession). */
  pendingOwnedBy(sessionId: bigint): { created: string[]; deleted: string[] } {
    const created: string[] = [];
    const deleted: string[] = [];
    for (const [path, record] of this.byPath) {
      if (record.state === null) deleted.push(path);
      else if (record.state.ephemeralOwner === sessionId) created.push(path);
    }
    return { created, deleted };
  }

  publish(zxid: bigint, scratch: Scratch): void {
    for (const [path, state] of scratch.entries()) {
      const record = { zxid, path, state };
      this.byPath.set(path, record);
      this.ordered.push(record);
    }
  }

  /** Drops the records of every txn up to `zxid`, once it is applied to the tree. */
  release(zxid: bigint): void {
    while (this.head < this.ordered.length) {
      const record = this.ordered[this.head];
      if (record === undefined || record.zxid > zxid) break;
      if (this.byPath.get(record.path) === record) this.byPath.delete(record.path);
      this.head++;
    }
    if (this.head === this.ordered.length) {
      this.ordered.length = 0;
      this.head = 0;
    }
  }

  /** Forgets every pending change (their txns failed to commit). */
  clear(): void {
    this.byPath.clear();
    this.ordered.length = 0;
    this.head = 0;
  }

  get size(): number {
    return this.byPath.size;
  }
}

/** A request's (or a multi's) staged changes over the pending view. */
export class Scratch implements NodeStates {
  private readonly changes = new Map<string, NodeState | null>();

  private readonly base: NodeStates;

  constructor(base: NodeStates) {
    this.base = base;
  }

  get(path: string): NodeState | undefined {
    if (this.changes.has(path)) return this.changes.get(path) ?? undefined;
    return this.base.get(path);
  }

  set(path: string, state: NodeState | null): void {
    this.changes.set(path, state);
  }

  entries(): IterableIterator<[string, NodeState | null]> {
    return this.changes.entries();
  }
}
