// Public value types of the client: session states, create modes, watch events and listeners.
// Wire numbers (event types, keeper states, create flags) are mapped to string unions here so
// that user code never handles protocol constants.
import type { Acl, Stat } from '../protocol/index.ts';

export type { Acl, Id, Stat } from '../protocol/index.ts';

/**
 * The session as the client sees it.
 * - `connecting`: first connection attempt(s), no session yet.
 * - `connected` / `connectedReadOnly`: a server holds the session and answers requests.
 * - `disconnected`: the connection was lost; the client reconnects and resumes the session.
 * - `expired`, `authFailed`, `closed`: final; no more reconnects, every call rejects.
 */
export type SessionState =
  | 'connecting'
  | 'connected'
  | 'connectedReadOnly'
  | 'disconnected'
  | 'expired'
  | 'authFailed'
  | 'closed';

/** States after which the client never reconnects. */
export function isTerminalState(state: SessionState): boolean {
  return state === 'expired' || state === 'authFailed' || state === 'closed';
}

/** Znode kinds, as ZooKeeper's CreateMode. TTL modes need `ttlMs` and a server with
 * `extendedTypesEnabled`. */
export type CreateModeName =
  | 'persistent'
  | 'ephemeral'
  | 'persistentSequential'
  | 'ephemeralSequential'
  | 'container'
  | 'persistentWithTtl'
  | 'persistentSequentialWithTtl';

/** Options of `create` and of `transaction().create`. */
export interface CreateOptions {
  /** Default `'persistent'`. */
  readonly mode?: CreateModeName;
  /** Default world:anyone with all permissions (OPEN_ACL_UNSAFE). */
  readonly acl?: readonly Acl[];
  /** Time to live in ms, required by (and only allowed with) the TTL modes. */
  readonly ttlMs?: number;
}

/** Node event types the server sends, plus the client-side "watch removed" types. */
export type NodeEventType =
  | 'nodeCreated'
  | 'nodeDeleted'
  | 'nodeDataChanged'
  | 'nodeChildrenChanged'
  | 'dataWatchRemoved'
  | 'childWatchRemoved'
  | 'persistentWatchRemoved';

/** A change of a watched node. `path` is the client path (chroot stripped). */
export interface NodeEvent {
  readonly type: NodeEventType;
  readonly path: string;
}

/** A change of the session state, delivered to watches (see `WatchListener`). */
export interface StateEvent {
  readonly type: 'state';
  readonly state: SessionState;
}

export type WatchEvent = NodeEvent | StateEvent;

/**
 * A watch callback. One-shot watches (the `watch` option of exists/getData/getChildren) get one
 * node event, or one final state event (`expired`, `authFailed`, `closed`) if the session ends
 * first. Persistent watches get every node event plus every state change (`disconnected`,
 * `connected`, ...): after a reconnect, persistent watches get no catch-up events, so a
 * `connected` event is the hint to re-read.
 */
export type WatchListener = (event: WatchEvent) => void;

/** addWatch modes. */
export type PersistentWatchMode = 'persistent' | 'persistentRecursive';

/** removeWatches / checkWatches kinds (ZooKeeper's WatcherType). */
export type WatcherKind = 'children' | 'data' | 'any' | 'persistent' | 'persistentRecursive';

/** getData result. `data` is null when the node was created with null data. */
export interface DataResult {
  readonly data: Buffer | null;
  readonly stat: Stat;
}

/** getChildren result with the parent's Stat (getChildren2). */
export interface ChildrenResult {
  readonly children: readonly string[];
  readonly stat: Stat;
}

/** getACL result. */
export interface AclResult {
  readonly acl: readonly Acl[];
  readonly stat: Stat;
}

/** createWithStat result. */
export interface CreateResult {
  readonly path: string;
  readonly stat: Stat;
}

/** whoAmI entries: one per auth id of the connection. */
export interface ClientInfo {
  readonly authScheme: string;
  readonly user: string;
}
