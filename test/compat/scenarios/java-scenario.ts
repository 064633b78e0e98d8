// The Java-client scenario: a script of ZkDriver operations (see test/compat/java/ZkDriver.java)
// run unchanged against both servers. `expect` is checked against the reference server only
// (it guards the harness itself: a driver that returned nothing but errors would otherwise
// compare equal to itself); the other server must match the reference result exactly.
import { createHash } from 'node:crypto';
import type { Labelled } from '../../support/differential.ts';
import type { DriverOp } from '../../support/java-driver.ts';

export interface Step extends DriverOp {
  /** 'ok', a KeeperException code name (NONODE, ...), or a client exception class name. */
  expect?: string;
  divergence?: Labelled['divergence'];
}

export function digestId(user: string, password: string): string {
  const hash = createHash('sha1').update(`${user}:${password}`).digest('base64');
  return `${user}:${hash}`;
}

const ALICE = digestId('alice', 'secret');
const BOB = digestId('bob', 'hunter2');
const OPEN = [{ perms: 'cdrwa', scheme: 'world', id: 'anyone' }];

/** ops on session b (the "other" client whose changes a's watches see). */
function b(step: Step): Step {
  return { ...step, client: 'b' };
}

const SYSTEM_NODES: Step[] = [
  { op: 'getData', path: '/zookeeper', expect: 'ok' },
  { op: 'getChildren', path: '/zookeeper', stat: true, expect: 'ok' },
  { op: 'getData', path: '/zookeeper/quota', expect: 'ok' },
  { op: 'getData', path: '/zookeeper/config', expect: 'ok' },
  { op: 'getACL', path: '/zookeeper', expect: 'ok' },
  { op: 'getACL', path: '/zookeeper/config', expect: 'ok' },
  { op: 'exists', path: '/', expect: 'ok' },
  { op: 'delete', path: '/zookeeper', expect: 'BADARGUMENTS' },
  { op: 'delete', path: '/zookeeper/quota', expect: 'BADARGUMENTS' },
  { op: 'create', path: '/zookeeper/quota', expect: 'NODEEXISTS' },
  { op: 'setData', path: '/zookeeper/quota', data: 'q', expect: 'ok' },
  { op: 'setData', path: '/zookeeper', data: 'z', expect: 'ok' },
  { op: 'getData', path: '/zookeeper', expect: 'ok' },
  { op: 'create', path: '/zookeeper/x', expect: 'ok', label: 'children of /zookeeper allowed' },
  { op: 'delete', path: '/zookeeper/x', expect: 'ok' },
  { op: 'setData', path: '/zookeeper/config', data: 'x', expect: 'NOAUTH' },
];

const CRUD: Step[] = [
  { op: 'create', path: '/j', data: 'root', stat: true, expect: 'ok' },
  { op: 'create', path: '/j/a', data: 'x', stat: true, expect: 'ok' },
  { op: 'create', path: '/j/a', data: 'again', expect: 'NODEEXISTS' },
  { op: 'create', path: '/j/missing/child', expect: 'NONODE' },
  { op: 'create', path: '/j/null', data: null, stat: true, expect: 'ok' },
  { op: 'getData', path: '/j/null', expect: 'ok', label: 'null data stays null' },
  { op: 'create', path: '/j/empty', data: '', expect: 'ok' },
  { op: 'getData', path: '/j/empty', expect: 'ok', label: 'empty data stays empty' },
  { op: 'create', path: '/j/a/b', data: 'b', expect: 'ok' },
  { op: 'getData', path: '/j/a', expect: 'ok' },
  { op: 'setData', path: '/j/a', data: 'y', version: 0, expect: 'ok' },
  { op: 'setData', path: '/j/a', data: 'z', version: 0, expect: 'BADVERSION' },
  { op: 'setData', path: '/j/a', data: 'z', version: -1, expect: 'ok' },
  { op: 'setData', path: '/j/nope', data: 'z', version: 3, expect: 'NONODE' },
  { op: 'getChildren', path: '/j', stat: true, expect: 'ok' },
  { op: 'getChildren', path: '/j/a', stat: true, expect: 'ok' },
  { op: 'delete', path: '/j/a/b', expect: 'ok' },
  { op: 'getChildren', path: '/j/a', stat: true, expect: 'ok', label: 'cversion after delete' },
  { op: 'delete', path: '/j/a', version: 7, expect: 'BADVERSION' },
  { op: 'delete', path: '/j', expect: 'NOTEMPTY' },
  { op: 'delete', path: '/j/nope', version: 7, expect: 'NONODE' },
  { op: 'create', path: '/j/eph', data: 'e', mode: 'EPHEMERAL', stat: true, expect: 'ok' },
  { op: 'create', path: '/j/eph/child', expect: 'NOCHILDRENFOREPHEMERALS' },
  { op: 'create', path: '/j/eph', mode: 'EPHEMERAL', expect: 'NODEEXISTS' },
  // sequential names: the counter is the parent's cversion, so it survives deletes
  { op: 'create', path: '/j/seq-', mode: 'PERSISTENT_SEQUENTIAL', expect: 'ok' },
  { op: 'create', path: '/j/seq-', mode: 'EPHEMERAL_SEQUENTIAL', stat: true, expect: 'ok' },
  { op: 'delete', path: '/j/seq-0000000004', expect: 'ok' },
  { op: 'create', path: '/j/seq-', mode: 'PERSISTENT_SEQUENTIAL', expect: 'ok' },
  { op: 'create', path: '/j/', mode: 'PERSISTENT_SEQUENTIAL', expect: 'ok', label: 'trailing /' },
  { op: 'getChildren', path: '/j', stat: true, expect: 'ok' },
  { op: 'getAllChildrenNumber', path: '/j', expect: 'ok' },
  { op: 'getAllChildrenNumber', path: '/', expect: 'ok' },
  { op: 'getAllChildrenNumber', path: '/j/nope', expect: 'NONODE' },
  { op: 'sync', path: '/j', expect: 'ok' },
  { op: 'sync', path: '/j/nope', expect: 'ok' },
  { op: 'exists', path: '/j/nope', expect: 'ok' },
];

// Paths the Java client refuses to send are sent raw, to see the server's own verdict.
const BAD_PATHS: Step[] = [
  ...['/a//b', '/j//b', '/j/', '/./x', '/j/.', '/j/..', 'j', '/j/a\u0000b'].flatMap((p) => [
    { op: 'raw', type: 'create', path: p, label: `raw create ${JSON.stringify(p)}` },
    { op: 'raw', type: 'getData', path: p, label: `raw getData ${JSON.stringify(p)}` },
  ]),
  { op: 'raw', type: 'delete', path: '/', expect: 'BADARGUMENTS' },
  { op: 'raw', type: 'create', path: '/', expect: 'NODEEXISTS' },
  { op: 'raw', type: 'delete', path: '/j/' },
  { op: 'raw', type: 'setData', path: '/j/', data: 'x' },
  { op: 'raw', type: 'getChildren', path: '/j/' },
  { op: 'raw', type: 'exists', path: '/j//a' },
  { op: 'raw', type: 'create', path: '/j/raw', acl: 'EMPTY', expect: 'INVALIDACL' },
  { op: 'raw', type: 'create', path: '/j/raw', flags: 99, label: 'unknown create flags' },
  { op: 'raw', type: 'createTTL', path: '/j/ttl0', flags: 5, ttl: 0, label: 'ttl 0' },
  { op: 'raw', type: 'createTTL', path: '/j/ttlx', flags: 0, ttl: 1000, label: 'ttl, no ttl mode' },
  { op: 'create', path: '/a//b', expect: 'IllegalArgumentException' },
];

const ACLS: Step[] = [
  { op: 'addAuthInfo', scheme: 'digest', auth: 'alice:secret', expect: 'ok' },
  { op: 'whoAmI', expect: 'ok' },
  b({ op: 'whoAmI', expect: 'ok' }),
  {
    op: 'create', path: '/j/secure', data: 's', expect: 'ok',
    acl: [
      { perms: 'cdrwa', scheme: 'digest', id: ALICE },
      { perms: 'r', scheme: 'world', id: 'anyone' },
    ],
  },
  b({ op: 'getData', path: '/j/secure', expect: 'ok', label: 'world may read' }),
  b({ op: 'setData', path: '/j/secure', data: 'no', expect: 'NOAUTH' }),
  b({ op: 'setData', path: '/j/secure', data: 'no', version: 9, expect: 'NOAUTH',
    label: 'NOAUTH before BADVERSION' }),
  b({ op: 'create', path: '/j/secure/kid', expect: 'NOAUTH' }),
  b({ op: 'create', path: '/j/secure', expect: 'NODEEXISTS', label: 'parent /j is open' }),
  b({ op: 'getACL', path: '/j/secure', expect: 'ok', label: 'digest masked without ADMIN' }),
  { op: 'getACL', path: '/j/secure', expect: 'ok', label: 'digest shown with ADMIN' },
  { op: 'create', path: '/j/secure/kid', expect: 'ok' },
  b({ op: 'create', path: '/j/secure/kid', expect: 'NOAUTH', label: 'NOAUTH before NODEEXISTS' }),
  b({ op: 'delete', path: '/j/secure/kid', expect: 'NOAUTH' }),
  b({ op: 'delete', path: '/j/secure/nope', expect: 'NOAUTH', label: 'NOAUTH before NONODE' }),
  b({ op: 'setACL', path: '/j/secure', acl: 'OPEN', expect: 'NOAUTH' }),
  { op: 'setACL', path: '/j/secure', acl: 'OPEN', version: 5, expect: 'BADVERSION' },
  {
    op: 'create', path: '/j/private', data: 'p', expect: 'ok',
    acl: [{ perms: 'cdrwa', scheme: 'digest', id: ALICE }],
  },
  b({ op: 'getData', path: '/j/private', expect: 'NOAUTH' }),
  b({ op: 'getChildren', path: '/j/private', expect: 'NOAUTH' }),
  b({ op: 'getACL', path: '/j/private', expect: 'NOAUTH' }),
  b({
    op: 'exists',
    path: '/j/private',
    expect: 'ok',
    label: 'exists on an unreadable node',
    divergence: {
      reason: 'ZOOKEEPER-2590 (3.8.4+): exists needs READ on an existing node',
      meerkat: 'NOAUTH',
    },
  }),
  b({ op: 'getData', path: '/j/private/nope', expect: 'NONODE' }),
  { op: 'create', path: '/j/mine', acl: 'CREATOR', expect: 'ok' },
  { op: 'getACL', path: '/j/mine', expect: 'ok' },
  b({ op: 'create', path: '/j/theirs', acl: 'CREATOR', expect: 'INVALIDACL' }),
  { op: 'create', path: '/j/empty-acl', acl: 'EMPTY', expect: 'INVALIDACL' },
  {
    op: 'create', path: '/j/ip', expect: 'ok',
    acl: [{ perms: 'cdrwa', scheme: 'ip', id: '127.0.0.1' }],
  },
  b({ op: 'setData', path: '/j/ip', data: 'by ip', expect: 'ok' }),
  { op: 'setACL', path: '/j/ip', acl: OPEN, version: 0, expect: 'ok' },
  { op: 'getACL', path: '/j/ip', expect: 'ok', label: 'aversion bumped' },
  b({ op: 'addAuthInfo', scheme: 'digest', auth: 'bob:hunter2', expect: 'ok' }),
  b({ op: 'whoAmI', expect: 'ok' }),
  b({ op: 'setData', path: '/j/secure', data: 'bob', expect: 'NOAUTH' }),
  { op: 'create', path: '/j/bobs', acl: [{ perms: 'r', scheme: 'digest', id: BOB }], expect: 'ok' },
  b({ op: 'getData', path: '/j/bobs', expect: 'ok' }),
];

const MULTI: Step[] = [
  {
    op: 'multi', expect: 'ok', ops: [
      { op: 'create', path: '/j/m1', data: 'one' },
      { op: 'create', path: '/j/m1/c', mode: 'EPHEMERAL' },
      { op: 'setData', path: '/j/m1', data: 'two', version: 0 },
      { op: 'check', path: '/j/m1', version: 1 },
      { op: 'create', path: '/j/m1/s-', mode: 'PERSISTENT_SEQUENTIAL' },
      { op: 'delete', path: '/j/m1/c' },
    ],
  },
  {
    op: 'multi', expect: 'BADVERSION', label: 'failing multi: per-op results', ops: [
      { op: 'create', path: '/j/m2' },
      { op: 'setData', path: '/j/m1', data: 'three' },
      { op: 'check', path: '/j/m1', version: 99 },
      { op: 'delete', path: '/j/nope' },
    ],
  },
  { op: 'exists', path: '/j/m2', expect: 'ok', label: 'rolled back' },
  { op: 'getData', path: '/j/m1', expect: 'ok', label: 'rolled back' },
  {
    op: 'multi', expect: 'NONODE', ops: [
      { op: 'create', path: '/j/m3' },
      { op: 'delete', path: '/j/m3' },
      { op: 'delete', path: '/j/m3' },
    ],
  },
  {
    op: 'multi', expect: 'NODEEXISTS', ops: [
      { op: 'create', path: '/j/m4' }, { op: 'create', path: '/j/m4' },
    ],
  },
  b({ op: 'multi', expect: 'NOAUTH', ops: [{ op: 'setData', path: '/j/private', data: 'x' }] }),
  { op: 'multi', expect: 'ok', ops: [], label: 'empty multi' },
  {
    op: 'multi', expect: 'ok', label: 'read-only multi (multiRead)', ops: [
      { op: 'getData', path: '/j/m1' }, { op: 'getChildren', path: '/j/m1' },
      { op: 'getData', path: '/j/nope' }, { op: 'getChildren', path: '/j/private' },
    ],
  },
  {
    op: 'multi', expect: 'IllegalArgumentException', ops: [
      { op: 'create', path: '/j/m5' }, { op: 'getData', path: '/j' },
    ],
  },
];

const WATCHES: Step[] = [
  { op: 'exists', path: '/j/w', watch: true, expect: 'ok' },
  b({ op: 'create', path: '/j/w', data: '0', expect: 'ok' }),
  { op: 'waitEvents', count: 1, expect: 'ok', label: 'NodeCreated' },
  { op: 'getData', path: '/j/w', watch: true, expect: 'ok' },
  { op: 'getChildren', path: '/j/w', watch: true, expect: 'ok' },
  b({ op: 'setData', path: '/j/w', data: '1', expect: 'ok' }),
  { op: 'waitEvents', count: 1, expect: 'ok', label: 'NodeDataChanged' },
  b({ op: 'setData', path: '/j/w', data: '2', expect: 'ok' }),
  { op: 'waitEvents', count: 0, expect: 'ok', label: 'one-shot: no second event' },
  b({ op: 'create', path: '/j/w/c1', expect: 'ok' }),
  { op: 'waitEvents', count: 1, expect: 'ok', label: 'NodeChildrenChanged' },
  { op: 'getData', path: '/j/w/c1', watch: true, expect: 'ok' },
  { op: 'getChildren', path: '/j/w', watch: true, expect: 'ok' },
  b({ op: 'delete', path: '/j/w/c1', expect: 'ok' }),
  { op: 'waitEvents', count: 2, expect: 'ok', label: 'NodeDeleted + NodeChildrenChanged' },
  { op: 'exists', path: '/j/w/c2', watch: 'other', expect: 'ok' },
  b({ op: 'create', path: '/j/w/c2', expect: 'ok' }),
  { op: 'waitEvents', count: 1, expect: 'ok', label: 'a named watcher' },
  { op: 'getData', path: '/j/w', watch: true, expect: 'ok' },
  { op: 'setData', path: '/j/w', data: 'self', expect: 'ok', label: 'own change fires too' },
  { op: 'waitEvents', count: 1, expect: 'ok' },
  { op: 'getData', path: '/j/w', watch: true, expect: 'ok' },
  { op: 'removeWatches', path: '/j/w', type: 'Data', expect: 'ok' },
  { op: 'waitEvents', count: 1, expect: 'ok', label: 'DataWatchRemoved' },
  { op: 'removeWatches', path: '/j/w', type: 'Data', expect: 'NOWATCHER' },
  { op: 'removeWatches', path: '/j/w', type: 'Any', all: true, expect: 'NOWATCHER' },
  // persistent and recursive watches
  { op: 'addWatch', path: '/j/pw', mode: 'PERSISTENT', expect: 'ok' },
  { op: 'addWatch', path: '/j/rw', mode: 'PERSISTENT_RECURSIVE', expect: 'ok' },
  b({ op: 'create', path: '/j/pw', expect: 'ok' }),
  b({ op: 'setData', path: '/j/pw', data: 'p', expect: 'ok' }),
  b({ op: 'create', path: '/j/pw/k', expect: 'ok' }),
  b({ op: 'setData', path: '/j/pw/k', data: 'not seen', expect: 'ok' }),
  b({ op: 'delete', path: '/j/pw/k', expect: 'ok' }),
  b({ op: 'delete', path: '/j/pw', expect: 'ok' }),
  b({ op: 'create', path: '/j/pw', expect: 'ok', label: 'persistent watch survives' }),
  { op: 'waitEvents', count: 6, expect: 'ok', label: 'persistent watch events' },
  b({ op: 'create', path: '/j/rw', expect: 'ok' }),
  b({ op: 'create', path: '/j/rw/x', expect: 'ok' }),
  b({ op: 'create', path: '/j/rw/x/y', data: 'y', expect: 'ok' }),
  b({ op: 'setData', path: '/j/rw/x/y', data: 'yy', expect: 'ok' }),
  b({ op: 'delete', path: '/j/rw/x/y', expect: 'ok' }),
  b({ op: 'multi', expect: 'ok', ops: [
    { op: 'create', path: '/j/rw/m1' }, { op: 'setData', path: '/j/rw', data: 'm' },
    { op: 'delete', path: '/j/rw/m1' },
  ] }),
  { op: 'waitEvents', count: 7, expect: 'ok', label: 'recursive watch events' },
  { op: 'getData', path: '/j/rw', watch: true, expect: 'ok', label: 'one-shot + recursive' },
  b({ op: 'setData', path: '/j/rw', data: 'both', expect: 'ok' }),
  { op: 'waitEvents', count: 1, expect: 'ok', label: 'same watcher: delivered once' },
  { op: 'removeWatches', path: '/j/pw', type: 'Any', expect: 'ok' },
  b({ op: 'setData', path: '/j/pw', data: 'gone', expect: 'ok' }),
  { op: 'waitEvents', count: 0, expect: 'ok', label: 'after removeWatches' },
];

const EPHEMERALS: Step[] = [
  b({ op: 'create', path: '/j/e1', data: 'e', mode: 'EPHEMERAL', stat: true, expect: 'ok' }),
  b({ op: 'create', path: '/j/e-', mode: 'EPHEMERAL_SEQUENTIAL', expect: 'ok' }),
  b({ op: 'getEphemerals', expect: 'ok' }),
  b({ op: 'getEphemerals', path: '/j/e', expect: 'ok' }),
  b({ op: 'getEphemerals', path: '/nope', expect: 'ok' }),
  { op: 'getEphemerals', expect: 'ok' },
  { op: 'getData', path: '/j/e1', watch: true, expect: 'ok' },
  { op: 'close', client: 'b', expect: 'ok' },
  { op: 'waitEvents', count: 1, expect: 'ok', label: 'ephemeral deleted on close' },
  { op: 'exists', path: '/j/e1', expect: 'ok' },
  { op: 'getChildren', path: '/j', stat: true, expect: 'ok' },
];

const CONTAINERS_AND_TTL: Step[] = [
  { op: 'create', path: '/j/box', mode: 'CONTAINER', stat: true, expect: 'ok' },
  { op: 'create', path: '/j/box/item', mode: 'EPHEMERAL', expect: 'ok' },
  { op: 'getData', path: '/j/box', expect: 'ok' },
  { op: 'create', path: '/j/ttl', data: 't', mode: 'PERSISTENT_WITH_TTL', ttl: 60000, stat: true,
    expect: 'ok' },
  { op: 'create', path: '/j/ttls-', mode: 'PERSISTENT_SEQUENTIAL_WITH_TTL', ttl: 5000,
    expect: 'ok' },
  { op: 'create', path: '/j/ttl0', mode: 'PERSISTENT_WITH_TTL', ttl: 0,
    expect: 'IllegalArgumentException' },
  { op: 'create', path: '/j/ttle', mode: 'EPHEMERAL', ttl: 1000,
    expect: 'IllegalArgumentException' },
];

export const JAVA_SCENARIO: readonly Step[] = [
  { op: 'connect', client: 'a', expect: 'ok' },
  { op: 'connect', client: 'b', expect: 'ok' },
  { op: 'connect', client: 'short', sessionTimeout: 1000, expect: 'ok', label: 'clamped up' },
  { op: 'connect', client: 'long', sessionTimeout: 100_000, expect: 'ok', label: 'clamped down' },
  { op: 'close', client: 'short', expect: 'ok' },
  { op: 'close', client: 'long', expect: 'ok' },
  ...SYSTEM_NODES,
  ...CRUD,
  ...BAD_PATHS,
  ...ACLS,
  ...MULTI,
  ...WATCHES,
  ...EPHEMERALS,
  ...CONTAINERS_AND_TTL,
  { op: 'exists', path: '/', expect: 'ok' },
  { op: 'close', client: 'a', expect: 'ok' },
];

/** With the default configuration (extended types disabled), TTL nodes are refused. */
export const DEFAULT_CONFIG_SCENARIO: readonly Step[] = [
  { op: 'create', path: '/t', data: 't', mode: 'PERSISTENT_WITH_TTL', ttl: 60000,
    expect: 'UNIMPLEMENTED' },
  { op: 'create', path: '/c', mode: 'CONTAINER', stat: true, expect: 'ok' },
  { op: 'raw', type: 'createTTL', path: '/t2', flags: 5, ttl: 1000 },
  { op: 'exists', path: '/t', expect: 'ok' },
];
