// zkCli's output formats for Stats, ACLs and watch events (StatPrinter, GetAclCommand, the
// jute toString of an Id, WatchedEvent.toString), as lines without line ends.
import {
  Perms,
  type Acl,
  type NodeEventType,
  type SessionState,
  type Stat,
} from '../../client/index.ts';
import { javaDate, javaHexLong } from './java-format.ts';

/** StatPrinter: one "name = value" line per field, in zkCli's order. */
export function statLines(stat: Stat, timeZone: string): string[] {
  return [
    `cZxid = 0x${javaHexLong(stat.czxid)}`,
    `ctime = ${javaDate(Number(stat.ctime), timeZone)}`,
    `mZxid = 0x${javaHexLong(stat.mzxid)}`,
    `mtime = ${javaDate(Number(stat.mtime), timeZone)}`,
    `pZxid = 0x${javaHexLong(stat.pzxid)}`,
    `cversion = ${stat.cversion}`,
    `dataVersion = ${stat.version}`,
    `aclVersion = ${stat.aversion}`,
    `ephemeralOwner = 0x${javaHexLong(stat.ephemeralOwner)}`,
    `dataLength = ${stat.dataLength}`,
    `numChildren = ${stat.numChildren}`,
  ];
}

/** Permission bits in the order ZKUtil.getPermString prints their letters. */
export const permLetters: readonly (readonly [number, string])[] = [
  [Perms.create, 'c'],
  [Perms.delete, 'd'],
  [Perms.read, 'r'],
  [Perms.write, 'w'],
  [Perms.admin, 'a'],
];

/** ZKUtil.getPermString: "cdrwa" order, letters of the bits set. */
export function permString(perms: number): string {
  return permLetters.map(([bit, letter]) => ((perms & bit) !== 0 ? letter : '')).join('');
}

/** The escaping of jute's ToStringOutputArchive for a string field. */
function juteString(value: string): string {
  const escaped = value.replace(/[\0\n\r,}%]/g, (c) => {
    return `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  });
  return `'${escaped}`;
}

/**
 * GetAclCommand prints `id + ": " + perms`, where the Id's toString is jute's record dump,
 * ending in a newline: so each entry takes two lines, "'world,'anyone" and ": cdrwa".
 */
export function aclLines(acl: readonly Acl[]): string[] {
  return acl.flatMap((entry) => [
    `${juteString(entry.id.scheme)},${juteString(entry.id.id)}`,
    `: ${permString(entry.perms)}`,
  ]);
}

const eventTypeNames: Record<NodeEventType, string> = {
  nodeCreated: 'NodeCreated',
  nodeDeleted: 'NodeDeleted',
  nodeDataChanged: 'NodeDataChanged',
  nodeChildrenChanged: 'NodeChildrenChanged',
  dataWatchRemoved: 'DataWatchRemoved',
  childWatchRemoved: 'ChildWatchRemoved',
  persistentWatchRemoved: 'PersistentWatchRemoved',
};

/** Java's KeeperState for a session state; undefined where Java sends no event. */
export function keeperStateName(state: SessionState): string | undefined {
  switch (state) {
    case 'connected':
      return 'SyncConnected';
    case 'connectedReadOnly':
      return 'ConnectedReadOnly';
    case 'disconnected':
      return 'Disconnected';
    case 'expired':
      return 'Expired';
    case 'authFailed':
      return 'AuthFailed';
    case 'closed':
      return 'Closed';
    case 'connecting':
      return undefined;
  }
}

/** Java's ZooKeeper.States, as zkCli's prompt shows it. */
export function clientStateName(state: SessionState): string {
  switch (state) {
    case 'connecting':
    case 'disconnected':
      return 'CONNECTING';
    case 'connected':
      return 'CONNECTED';
    case 'connectedReadOnly':
      return 'CONNECTEDREADONLY';
    case 'authFailed':
      return 'AUTH_FAILED';
    case 'expired':
    case 'closed':
      return 'CLOSED';
  }
}

/** WatchedEvent.toString for a node event (always delivered while connected). */
export function nodeEventLine(type: NodeEventType, path: string): string {
  return `WatchedEvent state:SyncConnected type:${eventTypeNames[type]} path:${path}`;
}

/** WatchedEvent.toString for a session state change. */
export function stateEventLine(keeperState: string): string {
  return `WatchedEvent state:${keeperState} type:None path:null`;
}

/** What zkCli prints for any event: a blank line before each of its two lines. */
export function watcherLines(eventLine: string): string[] {
  return ['', 'WATCHER::', '', eventLine];
}

/** zkCli's prompt: "[zk: host:port(CONNECTED) 3] ". */
export function promptText(host: string, stateName: string, commandCount: number): string {
  return `[zk: ${host}(${stateName}) ${commandCount}] `;
}
