// The client-side watch table, routed like the Java client's ZKWatchManager: five tables
// (data, exist, child, persistent, persistentRecursive) of client path -> listeners. A server
// notification is materialized into the set of listeners it concerns; one-shot entries are
// removed as they fire, persistent ones stay. The tables also produce the path lists that
// SetWatches re-registers after a reconnect. Pure: listeners are opaque values here.
import { EventType } from '../protocol/index.ts';
import { assert } from '../core/assert.ts';
import type { WatcherKind, WatchListener } from './types.ts';

export type WatchTable = 'data' | 'exist' | 'child' | 'persistent' | 'persistentRecursive';

/** Upper bound on (table, path, listener) entries, so a leak fails loudly. */
export const watchEntriesMax = 10_000_000;

export interface WatchPaths {
  readonly data: string[];
  readonly exist: string[];
  readonly child: string[];
  readonly persistent: string[];
  readonly persistentRecursive: string[];
}

/** What a removeWatches call took out: listeners and the event each is told. */
export interface RemovedWatch {
  readonly listener: WatchListener;
  readonly type: 'dataWatchRemoved' | 'childWatchRemoved' | 'persistentWatchRemoved';
}

type Table = Map<string, Set<WatchListener>>;

const tablesOfKind: Record<WatcherKind, readonly WatchTable[]> = {
  children: ['child'],
  data: ['data', 'exist'],
  any: ['child', 'data', 'exist', 'persistent', 'persistentRecursive'],
  persistent: ['persistent'],
  persistentRecursive: ['persistentRecursive'],
};

const removedType: Record<WatchTable, RemovedWatch['type']> = {
  data: 'dataWatchRemoved',
  exist: 'dataWatchRemoved',
  child: 'childWatchRemoved',
  persistent: 'persistentWatchRemoved',
  persistentRecursive: 'persistentWatchRemoved',
};

/** '/a/b' -> '/a/b', '/a', '/'. */
function* selfAndAncestors(path: string): Generator<string> {
  let current = path;
  for (;;) {
    yield current;
    if (current === '/') return;
    const slash = current.lastIndexOf('/');
    current = slash <= 0 ? '/' : current.slice(0, slash);
  }
}

export class WatchRegistry {
  private readonly tables: Record<WatchTable, Table> = {
    data: new Map(),
    exist: new Map(),
    child: new Map(),
    persistent: new Map(),
    persistentRecursive: new Map(),
  };
  private entries = 0;

  /** Number of (table, path, listener) entries. */
  get size(): number {
    return this.entries;
  }

  add(table: WatchTable, path: string, listener: WatchListener): void {
    const map = this.tables[table];
    let listeners = map.get(path);
    if (listeners === undefined) {
      listeners = new Set();
      map.set(path, listeners);
    }
    if (listeners.has(listener)) return;
    listeners.add(listener);
    this.entries++;
    assert(this.entries <= watchEntriesMax, 'watch entries within bound');
  }

  has(table: WatchTable, path: string): boolean {
    return this.tables[table].has(path);
  }

  private take(table: WatchTable, path: string, into: Set<WatchListener>): void {
    const listeners = this.tables[table].get(path);
    if (listeners === undefined) return;
    this.tables[table].delete(path);
    this.entries -= listeners.size;
    for (const listener of listeners) into.add(listener);
  }

  private copy(table: WatchTable, path: string, into: Set<WatchListener>): void {
    const listeners = this.tables[table].get(path);
    if (listeners !== undefined) for (const listener of listeners) into.add(listener);
  }

  /**
   * The listeners a server notification of `type` on client `path` goes to; one-shot entries
   * are consumed. Created/changed: data + exist; deleted: data + exist + child; children
   * changed: child. Persistent watches on the path get every type; recursive ones on the path
   * or an ancestor get all but NodeChildrenChanged.
   */
  route(type: number, path: string): Set<WatchListener> {
    const result = new Set<WatchListener>();
    switch (type) {
      case EventType.nodeCreated:
      case EventType.nodeDataChanged:
        this.take('data', path, result);
        this.take('exist', path, result);
        break;
      case EventType.nodeDeleted:
        this.take('data', path, result);
        this.take('exist', path, result);
        this.take('child', path, result);
        break;
      case EventType.nodeChildrenChanged:
        this.take('child', path, result);
        break;
      default:
        return result;
    }
    this.copy('persistent', path, result);
    if (type === EventType.nodeChildrenChanged || this.tables.persistentRecursive.size === 0) {
      return result;
    }
    for (const ancestor of selfAndAncestors(path))
      this.copy('persistentRecursive', ancestor, result);
    return result;
  }

  /** Listeners told about a state change: persistent ones always; all (and cleared) when the
   * change is final. */
  stateListeners(final: boolean): Set<WatchListener> {
    const result = new Set<WatchListener>();
    const tables: readonly WatchTable[] = final
      ? ['data', 'exist', 'child', 'persistent', 'persistentRecursive']
      : ['persistent', 'persistentRecursive'];
    for (const table of tables) {
      for (const listeners of this.tables[table].values()) {
        for (const listener of listeners) result.add(listener);
      }
      if (final) this.tables[table].clear();
    }
    if (final) this.entries = 0;
    return result;
  }

  /** Removes every listener of `kind` on `path` (removeWatches succeeded). */
  removeAll(kind: WatcherKind, path: string): RemovedWatch[] {
    const removed: RemovedWatch[] = [];
    for (const table of tablesOfKind[kind]) {
      const listeners = this.tables[table].get(path);
      if (listeners === undefined) continue;
      this.tables[table].delete(path);
      this.entries -= listeners.size;
      for (const listener of listeners) removed.push({ listener, type: removedType[table] });
    }
    return removed;
  }

  /** Whether any listener of `kind` is registered on `path`. */
  hasKind(kind: WatcherKind, path: string): boolean {
    return tablesOfKind[kind].some((table) => this.tables[table].has(path));
  }

  /** Removes one listener; returns how many remain in that table for the path, or undefined
   * when the listener was not registered there. */
  removeListener(table: WatchTable, path: string, listener: WatchListener): number | undefined {
    const listeners = this.tables[table].get(path);
    if (listeners === undefined || !listeners.delete(listener)) return undefined;
    this.entries--;
    if (listeners.size === 0) this.tables[table].delete(path);
    return listeners.size;
  }

  /** The watched client paths per table, for SetWatches. */
  paths(): WatchPaths {
    return {
      data: [...this.tables.data.keys()],
      exist: [...this.tables.exist.keys()],
      child: [...this.tables.child.keys()],
      persistent: [...this.tables.persistent.keys()],
      persistentRecursive: [...this.tables.persistentRecursive.keys()],
    };
  }
}
