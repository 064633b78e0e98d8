// The watch registry: two tables (data, child), each path -> watcher -> mode bits. A watcher
// is a connection: several watches of one connection on one path fire one notification.
// Standard watches are one-shot; persistent ones stay; persistent-recursive ones live in the
// data table and also fire for every descendant (never for child-list changes).
import { parentPath } from '../../core/path.ts';
import { WatcherType } from '../../protocol/constants.ts';

export type WatcherId = number;

export const WatchMode = { standard: 1, persistent: 2, persistentRecursive: 4 } as const;

type Table = Map<string, Map<WatcherId, number>>;

const noWatchers: ReadonlySet<WatcherId> = new Set();

export type WatchTable = 'data' | 'child';

export class WatchManager {
  private readonly data: Table = new Map();
  private readonly child: Table = new Map();
  /** Per-watcher index of paths, for cleanup on disconnect and for `wchc`. */
  private readonly byWatcher = new Map<WatcherId, { data: Set<string>; child: Set<string> }>();
  private recursiveCount = 0;

  add(table: WatchTable, path: string, watcher: WatcherId, mode: number): void {
    const map = table === 'data' ? this.data : this.child;
    let watchers = map.get(path);
    if (watchers === undefined) map.set(path, (watchers = new Map<WatcherId, number>()));
    const bits = watchers.get(watcher) ?? 0;
    if (mode === WatchMode.persistentRecursive && (bits & mode) === 0) this.recursiveCount++;
    watchers.set(watcher, bits | mode);
    let index = this.byWatcher.get(watcher);
    if (index === undefined)
      this.byWatcher.set(watcher, (index = { data: new Set(), child: new Set() }));
    index[table].add(path);
  }

  private clearBits(table: WatchTable, path: string, watcher: WatcherId, mode: number): void {
    const map = table === 'data' ? this.data : this.child;
    const watchers = map.get(path);
    const bits = watchers?.get(watcher);
    if (watchers === undefined || bits === undefined || (bits & mode) === 0) return;
    this.clearIn(watchers, table, path, watcher, bits, mode);
    if (watchers.size === 0) map.delete(path);
  }

  /** Clears `mode` from a watcher's `bits` in the watchers of `path` (left even if empty). */
  private clearIn(
    watchers: Map<WatcherId, number>,
    table: WatchTable,
    path: string,
    watcher: WatcherId,
    bits: number,
    mode: number,
  ): void {
    if ((bits & mode & WatchMode.persistentRecursive) !== 0) this.recursiveCount--;
    const left = bits & ~mode;
    if (left !== 0) {
      watchers.set(watcher, left);
      return;
    }
    watchers.delete(watcher);
    const index = this.byWatcher.get(watcher);
    if (index === undefined) return;
    index[table].delete(path);
    if (index.data.size === 0 && index.child.size === 0) this.byWatcher.delete(watcher);
  }

  /** Fires watches for an event on `path`; returns the watchers to notify. */
  trigger(
    table: WatchTable,
    path: string,
    exclude?: ReadonlySet<WatcherId>,
  ): ReadonlySet<WatcherId> {
    const map = table === 'data' ? this.data : this.child;
    const exact = map.get(path);
    const recursive = table === 'data' && this.recursiveCount > 0;
    // Most writes fire nothing: no set allocated for them.
    if (exact === undefined && !recursive) return noWatchers;
    const fired = new Set<WatcherId>();
    if (exact !== undefined) {
      // Deleting the entry being visited is safe while iterating a Map.
      for (const [watcher, bits] of exact) {
        // A one-shot watch is consumed even when its notification is suppressed (Apache).
        if ((bits & WatchMode.standard) !== 0) {
          this.clearIn(exact, table, path, watcher, bits, WatchMode.standard);
        }
        if (exclude?.has(watcher) !== true) fired.add(watcher);
      }
      if (exact.size === 0) map.delete(path);
    }
    if (recursive) this.triggerAncestors(path, fired, exclude);
    return fired;
  }

  private triggerAncestors(
    path: string,
    fired: Set<WatcherId>,
    exclude: ReadonlySet<WatcherId> | undefined,
  ): void {
    let at = path;
    while (at !== '/') {
      at = parentPath(at);
      const watchers = this.data.get(at);
      if (watchers === undefined) continue;
      for (const [watcher, bits] of watchers) {
        if ((bits & WatchMode.persistentRecursive) === 0) continue;
        if (exclude?.has(watcher) === true) continue;
        fired.add(watcher);
      }
    }
  }

  /** checkWatches/removeWatches: does the watcher hold (and optionally drop) such a watch? */
  matchWatches(path: string, watcher: WatcherId, watcherType: number, remove: boolean): boolean {
    const targets = targetsFor(watcherType);
    let found = false;
    for (const [table, mode] of targets) {
      const bits = (table === 'data' ? this.data : this.child).get(path)?.get(watcher) ?? 0;
      if ((bits & mode) === 0) continue;
      found = true;
      if (remove) this.clearBits(table, path, watcher, bits & mode);
    }
    return found;
  }

  removeWatcher(watcher: WatcherId): void {
    const index = this.byWatcher.get(watcher);
    if (index === undefined) return;
    for (const path of [...index.data]) this.clearBits('data', path, watcher, 7);
    for (const path of [...index.child]) this.clearBits('child', path, watcher, 7);
    this.byWatcher.delete(watcher);
  }

  /** Paths a watcher watches (both tables), for `wchc`. */
  pathsOf(watcher: WatcherId): string[] {
    const index = this.byWatcher.get(watcher);
    return index === undefined ? [] : [...new Set([...index.data, ...index.child])];
  }

  /** Data-table watchers by path, for `wchp`/`wchs` (Apache reports the data table). */
  dataWatchesByPath(): ReadonlyMap<string, ReadonlyMap<WatcherId, number>> {
    return this.data;
  }

  childWatchesByPath(): ReadonlyMap<string, ReadonlyMap<WatcherId, number>> {
    return this.child;
  }

  watchCount(): number {
    let count = 0;
    for (const watchers of this.data.values()) count += watchers.size;
    for (const watchers of this.child.values()) count += watchers.size;
    return count;
  }
}

function targetsFor(watcherType: number): [WatchTable, number][] {
  const oneShotAndPersistent = WatchMode.standard | WatchMode.persistent;
  switch (watcherType) {
    case WatcherType.children:
      return [['child', WatchMode.standard]];
    case WatcherType.data:
      return [['data', WatchMode.standard]];
    case WatcherType.persistent:
      return [
        ['data', WatchMode.persistent],
        ['child', WatchMode.persistent],
      ];
    case WatcherType.persistentRecursive:
      return [['data', WatchMode.persistentRecursive]];
    case WatcherType.any:
      return [
        ['data', oneShotAndPersistent | WatchMode.persistentRecursive],
        ['child', oneShotAndPersistent],
      ];
    default:
      return [];
  }
}
