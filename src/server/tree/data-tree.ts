// The znode tree. Mutated only through the apply-side methods below, each called with the
// zxid and time of a committed txn, so live writes, recovery replay and follower catch-up
// change it the same way. Every mutation is idempotent by zxid for fuzzy snapshots.
import { assert } from '../../core/assert.ts';
import { baseName, childPath, parentPath } from '../../core/path.ts';
import { openAclUnsafe, readAclUnsafe, type Acl, type Stat } from '../../protocol/records.ts';
import { nodeKind, visibleOwner } from './ephemeral-type.ts';
import { SnapshotCursor, type NodeRecord } from './snapshot-cursor.ts';

export interface DataNode {
  data: Buffer | null;
  acl: readonly Acl[];
  czxid: bigint;
  mzxid: bigint;
  pzxid: bigint;
  ctime: bigint;
  mtime: bigint;
  version: number;
  /** Number of child creations ever (Apache's stored cversion). */
  cversion: number;
  aversion: number;
  /** Stored owner: session id, container marker or TTL encoding (see ephemeral-type.ts). */
  ephemeralOwner: bigint;
  /** Children by name; leaves (most nodes) share one empty map to save memory. */
  children: ReadonlyMap<string, DataNode>;
  /** The snapshot walk that last visited this node (copy-on-write bookkeeping). */
  snapshotEpoch: number;
}

export interface CreateNodeArgs {
  readonly path: string;
  readonly data: Buffer | null;
  readonly acl: readonly Acl[];
  readonly ephemeralOwner: bigint;
  readonly parentCVersion: number;
  readonly zxid: bigint;
  readonly time: bigint;
}

/** Shared by every childless node; never mutated (see addChild / removeChild). */
const noChildren: ReadonlyMap<string, DataNode> = new Map<string, DataNode>();

function addChild(node: DataNode, name: string, child: DataNode): void {
  if (node.children === noChildren) node.children = new Map([[name, child]]);
  else (node.children as Map<string, DataNode>).set(name, child);
}

function removeChild(node: DataNode, name: string): void {
  if (node.children.size === 1 && node.children.has(name)) node.children = noChildren;
  else if (node.children !== noChildren) (node.children as Map<string, DataNode>).delete(name);
}

function sameAcls(a: readonly Acl[], b: readonly Acl[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Acl;
    const y = b[i] as Acl;
    if (x.perms !== y.perms || x.id.scheme !== y.id.scheme || x.id.id !== y.id.id) return false;
  }
  return true;
}

function newNode(data: Buffer | null, acl: readonly Acl[], zxid: bigint, time: bigint): DataNode {
  return {
    data,
    acl,
    czxid: zxid,
    mzxid: zxid,
    pzxid: zxid,
    ctime: time,
    mtime: time,
    version: 0,
    cversion: 0,
    aversion: 0,
    ephemeralOwner: 0n,
    children: noChildren,
    snapshotEpoch: 0,
  };
}

export class DataTree {
  private readonly nodes = new Map<string, DataNode>();
  private readonly ephemeralsBySession = new Map<bigint, Set<string>>();
  /** Containers and TTL nodes: the reaper's candidates. */
  readonly containers = new Set<string>();
  readonly ttlNodes = new Set<string>();
  private dataBytes = 0;
  /** One shared array per distinct ACL list: most znodes carry the same few lists. */
  private readonly acls = new Map<string, readonly Acl[]>();
  private snapshot: SnapshotCursor | null = null;
  /** Path, node, path, node...: the ancestors of the node loadNode restored last. */
  private readonly loadChain: (string | DataNode)[] = [];
  /** The last list `intern` was given and what it returned (most nodes share one list). */
  private lastIntern: readonly [readonly Acl[], readonly Acl[]] = [openAclUnsafe, openAclUnsafe];
  private snapshotEpochs = 0;

  /** zoo.cfg extendedTypesEnabled: decides how owners with 0xFF in the top byte read. */
  readonly extendedTypesEnabled: boolean;

  constructor(options: { extendedTypesEnabled?: boolean } = {}) {
    this.extendedTypesEnabled = options.extendedTypesEnabled ?? false;
    this.addInitialNodes();
  }

  /** Back to the initial tree (a snapshot found damaged halfway through loading). */
  clear(): void {
    assert(this.snapshot === null, 'no clear during a snapshot');
    this.nodes.clear();
    this.ephemeralsBySession.clear();
    this.containers.clear();
    this.ttlNodes.clear();
    this.loadChain.length = 0;
    this.addInitialNodes();
  }

  private addInitialNodes(): void {
    const root = newNode(Buffer.alloc(0), openAclUnsafe, 0n, 0n);
    this.nodes.set('/', root);
    this.dataBytes = 1;
    this.addSystemNode('/zookeeper', openAclUnsafe);
    this.addSystemNode('/zookeeper/quota', openAclUnsafe);
    this.addSystemNode('/zookeeper/config', readAclUnsafe);
    // Apache sets the config ACL with version -1 at startup, which leaves aversion at -1.
    this.getNode('/zookeeper/config').aversion = -1;
  }

  private addSystemNode(path: string, acl: readonly Acl[]): void {
    const node = newNode(Buffer.alloc(0), acl, 0n, 0n);
    this.nodes.set(path, node);
    addChild(this.getNode(parentPath(path)), baseName(path), node);
    this.dataBytes += path.length;
  }

  get nodeCount(): number {
    return this.nodes.size;
  }

  /** Sum of path lengths and data lengths, as Apache's approximate data size. */
  get approximateDataSize(): number {
    return this.dataBytes;
  }

  get(path: string): DataNode | undefined {
    return this.nodes.get(path);
  }

  private getNode(path: string): DataNode {
    const node = this.nodes.get(path);
    assert(node !== undefined, `node ${path} must exist`);
    return node;
  }

  ephemerals(sessionId: bigint): ReadonlySet<string> {
    return this.ephemeralsBySession.get(sessionId) ?? new Set();
  }

  sessionsWithEphemerals(): ReadonlyMap<bigint, ReadonlySet<string>> {
    return this.ephemeralsBySession;
  }

  /** Applies a create: the new node, or undefined (no change) when it exists (replay). */
  createNode(args: CreateNodeArgs): DataNode | undefined {
    const parent = this.nodes.get(parentPath(args.path));
    assert(parent !== undefined, `parent of ${args.path} must exist when applying create`);
    const name = baseName(args.path);
    this.snapshot?.preserve(parent);
    // Raised only when larger, so replaying an old create never moves them back.
    if (args.parentCVersion > parent.cversion) {
      parent.cversion = args.parentCVersion;
      parent.pzxid = args.zxid;
    }
    if (parent.children.has(name)) return undefined;
    const node = newNode(args.data, this.intern(args.acl), args.zxid, args.time);
    node.ephemeralOwner = args.ephemeralOwner;
    // Created after the snapshot's zxid: the walk must not copy it.
    node.snapshotEpoch = this.snapshot?.epoch ?? 0;
    addChild(parent, name, node);
    this.nodes.set(args.path, node);
    this.dataBytes += args.path.length + (args.data?.length ?? 0);
    this.indexOwner(args.path, args.ephemeralOwner, true);
    return node;
  }

  /** Applies a delete. Returns false when the node is already gone (replay). */
  deleteNode(path: string, zxid: bigint): boolean {
    const node = this.nodes.get(path);
    const parent = this.nodes.get(parentPath(path));
    if (parent !== undefined && zxid > parent.pzxid) {
      this.snapshot?.preserve(parent);
      parent.pzxid = zxid;
    }
    if (node === undefined || parent === undefined) return false;
    assert(node.children.size === 0, `deleted node ${path} must have no children`);
    this.snapshot?.preserve(node);
    this.snapshot?.preserve(parent);
    removeChild(parent, baseName(path));
    this.nodes.delete(path);
    this.dataBytes -= path.length + (node.data?.length ?? 0);
    this.indexOwner(path, node.ephemeralOwner, false);
    return true;
  }

  private indexOwner(path: string, owner: bigint, add: boolean): void {
    switch (nodeKind(owner, this.extendedTypesEnabled)) {
      case 'persistent':
        return;
      case 'container':
        if (add) this.containers.add(path);
        else this.containers.delete(path);
        return;
      case 'ttl':
        if (add) this.ttlNodes.add(path);
        else this.ttlNodes.delete(path);
        return;
      case 'ephemeral': {
        let paths = this.ephemeralsBySession.get(owner);
        if (add) {
          if (paths === undefined) this.ephemeralsBySession.set(owner, (paths = new Set()));
          paths.add(path);
        } else if (paths !== undefined) {
          paths.delete(path);
          if (paths.size === 0) this.ephemeralsBySession.delete(owner);
        }
        return;
      }
    }
  }

  setData(
    path: string,
    data: Buffer | null,
    version: number,
    zxid: bigint,
    time: bigint,
  ): DataNode {
    const node = this.getNode(path);
    this.snapshot?.preserve(node);
    this.dataBytes += (data?.length ?? 0) - (node.data?.length ?? 0);
    node.data = data;
    node.version = version;
    node.mzxid = zxid;
    node.mtime = time;
    return node;
  }

  setAcl(path: string, acl: readonly Acl[], aversion: number): void {
    const node = this.getNode(path);
    this.snapshot?.preserve(node);
    node.acl = this.intern(acl);
    node.aversion = aversion;
  }

  private intern(acl: readonly Acl[]): readonly Acl[] {
    const [lastIn, lastOut] = this.lastIntern;
    if (acl === lastIn || sameAcls(acl, lastOut)) return lastOut;
    const key = acl.map((a) => `${a.perms}\u0000${a.id.scheme}\u0000${a.id.id}`).join('\u0001');
    let interned = this.acls.get(key);
    if (interned === undefined) this.acls.set(key, (interned = Object.freeze([...acl])));
    this.lastIntern = [acl, interned];
    return interned;
  }

  /** Starts a point-in-time walk of the tree as it is now (at `zxid`). */
  beginSnapshot(zxid: bigint): SnapshotCursor {
    assert(this.snapshot === null, 'one snapshot at a time');
    const epoch = ++this.snapshotEpochs;
    this.snapshot = new SnapshotCursor({ zxid, epoch, root: this.getNode('/') });
    return this.snapshot;
  }

  endSnapshot(cursor: SnapshotCursor): void {
    if (this.snapshot === cursor) this.snapshot = null;
  }

  /**
   * Restores one node from a snapshot; parents come before their children. Snapshots list
   * nodes depth first, so the parent is found on the chain of the last loaded node's
   * ancestors without a lookup in the path map (the lookup remains for any other order).
   */
  loadNode(record: NodeRecord): void {
    const chain = this.loadChain;
    if (record.path === '/') {
      chain.length = 0;
      chain.push('/', this.restore('/', this.getNode('/'), record));
      return;
    }
    const parentAt = parentPath(record.path);
    while (chain.length > 0 && chain[chain.length - 2] !== parentAt) chain.length -= 2;
    const parent = (chain[chain.length - 1] as DataNode | undefined) ?? this.nodes.get(parentAt);
    assert(parent !== undefined, `snapshot lists ${record.path} before its parent`);
    if (chain.length === 0) chain.push(parentAt, parent);
    const name = baseName(record.path);
    const existing = parent.children.get(name);
    if (existing !== undefined) {
      chain.push(record.path, this.restore(record.path, existing, record));
      return;
    }
    const node = newNode(null, openAclUnsafe, 0n, 0n);
    addChild(parent, name, node);
    this.nodes.set(record.path, node);
    this.dataBytes += record.path.length;
    chain.push(record.path, this.restore(record.path, node, record));
  }

  /** Gives an existing node the fields of a snapshot record. */
  private restore(path: string, node: DataNode, record: NodeRecord): DataNode {
    this.indexOwner(path, node.ephemeralOwner, false);
    this.dataBytes += (record.data?.length ?? 0) - (node.data?.length ?? 0);
    node.data = record.data;
    node.acl = this.intern(record.acl);
    node.czxid = record.czxid;
    node.mzxid = record.mzxid;
    node.pzxid = record.pzxid;
    node.ctime = record.ctime;
    node.mtime = record.mtime;
    node.version = record.version;
    node.cversion = record.cversion;
    node.aversion = record.aversion;
    node.ephemeralOwner = record.ephemeralOwner;
    this.indexOwner(path, record.ephemeralOwner, true);
    return node;
  }

  /** The client-visible Stat of a node. */
  stat(node: DataNode): Stat {
    const numChildren = node.children.size;
    return {
      czxid: node.czxid,
      mzxid: node.mzxid,
      ctime: node.ctime,
      mtime: node.mtime,
      version: node.version,
      cversion: (node.cversion * 2 - numChildren) | 0,
      aversion: node.aversion,
      ephemeralOwner: visibleOwner(node.ephemeralOwner, this.extendedTypesEnabled),
      dataLength: node.data?.length ?? 0,
      numChildren,
      pzxid: node.pzxid,
    };
  }

  /** Number of descendants of `path` (not counting the node itself). */
  descendantCount(path: string): number {
    const start = this.nodes.get(path);
    if (start === undefined) return 0;
    let count = 0;
    const stack = [start];
    while (stack.length > 0) {
      const node = stack.pop() as DataNode;
      count += node.children.size;
      for (const child of node.children.values()) if (child.children.size > 0) stack.push(child);
    }
    return count;
  }

  /** All paths, parents before children (for dumps and snapshots). */
  *paths(): IterableIterator<string> {
    const stack = ['/'];
    while (stack.length > 0) {
      const at = stack.pop() as string;
      yield at;
      for (const name of this.getNode(at).children.keys()) stack.push(childPath(at, name));
    }
  }
}
