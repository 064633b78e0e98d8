// The node-zookeeper-client scenario: steps run in order against a server with two sessions
// (a and b); every step yields JSON ({ok, value} or {ok: false, code, name}) for comparison.
// `expect` ('ok' or the client's error name, e.g. NO_NODE) is checked on the reference only.
import type { JsonObject } from '../../support/json.ts';
import {
  ACL,
  CreateMode,
  digestAcl,
  Id,
  outcome,
  Permission,
  type NodeZkSession,
} from '../../support/node-zk-client.ts';
import { digestId } from './java-scenario.ts';

export interface NodeCtx {
  a: NodeZkSession;
  b: NodeZkSession;
}

export interface NodeStep {
  label: string;
  expect?: string;
  run: (ctx: NodeCtx) => Promise<JsonObject>;
}

const CAROL = digestId('carol', 'pw').slice('carol:'.length);

function step(label: string, expect: string, fn: (ctx: NodeCtx) => Promise<unknown>): NodeStep {
  return {
    label,
    expect,
    run: (ctx) => outcome(async () => {
      const value = await fn(ctx);
      return value === undefined ? undefined : (value as JsonObject);
    }),
  };
}

/** A transaction step: its own {ok, code, name, results} shape. */
function tx(label: string, expect: string, fn: (ctx: NodeCtx) => Promise<JsonObject>): NodeStep {
  return { label, expect, run: fn };
}

export const NODE_SCENARIO: readonly NodeStep[] = [
  step('sessions', 'ok', ({ a, b }) =>
    Promise.resolve({ a: { sessionId: a.sessionId }, b: { sessionId: b.sessionId } })),
  step('create /n', 'ok', ({ a }) => a.create('/n', { data: 'root' })),
  step('create /n/a', 'ok', ({ a }) => a.create('/n/a', { data: 'x' })),
  step('create /n/a again', 'NODE_EXISTS', ({ a }) => a.create('/n/a')),
  step('create under missing parent', 'NO_NODE', ({ a }) => a.create('/n/x/y')),
  step('create null data', 'ok', ({ a }) => a.create('/n/nil')),
  step('getData null data', 'ok', ({ a }) => a.getData('/n/nil')),
  step('exists /n/a', 'ok', ({ a }) => a.exists('/n/a')),
  step('exists missing', 'ok', ({ a }) => a.exists('/n/none')),
  step('getData /n/a', 'ok', ({ a }) => a.getData('/n/a')),
  step('setData v0', 'ok', ({ a }) => a.setData('/n/a', 'y', 0)),
  step('setData stale v0', 'BAD_VERSION', ({ a }) => a.setData('/n/a', 'z', 0)),
  step('setData any version', 'ok', ({ a }) => a.setData('/n/a', 'z')),
  step('seq 1', 'ok', ({ a }) => a.create('/n/s-', { mode: CreateMode.PERSISTENT_SEQUENTIAL })),
  step('seq 2', 'ok', ({ a }) => a.create('/n/s-', { mode: CreateMode.PERSISTENT_SEQUENTIAL })),
  step('ephemeral seq', 'ok', ({ b }) =>
    b.create('/n/es-', { mode: CreateMode.EPHEMERAL_SEQUENTIAL })),
  step('ephemeral', 'ok', ({ b }) => b.create('/n/e', { data: 'e', mode: CreateMode.EPHEMERAL })),
  step('child of ephemeral', 'NO_CHILDREN_FOR_EPHEMERALS', ({ b }) => b.create('/n/e/c')),
  step('stat of ephemeral', 'ok', ({ a }) => a.exists('/n/e')),
  step('getChildren /n', 'ok', ({ a }) => a.getChildren('/n')),
  step('remove bad version', 'BAD_VERSION', ({ a }) => a.remove('/n/a', 5)),
  step('remove non-empty', 'NOT_EMPTY', ({ a }) => a.remove('/n')),
  step('remove missing', 'NO_NODE', ({ a }) => a.remove('/n/zz')),
  step('remove first seq', 'ok', ({ a }) => a.remove('/n/s-0000000002')),
  step('seq after delete', 'ok', ({ a }) =>
    a.create('/n/s-', { mode: CreateMode.PERSISTENT_SEQUENTIAL })),
  step('remove /zookeeper', 'BAD_ARGUMENTS', ({ a }) => a.remove('/zookeeper')),
  step('invalid path (client-side)', 'error', ({ a }) => a.create('/n//x')),
  // ACLs
  step('addAuthInfo', 'ok', ({ a }) => {
    a.addAuthInfo('digest', 'carol:pw');
    return Promise.resolve();
  }),
  step('create with digest ACL', 'ok', ({ a }) => a.create('/n/acl', {
    data: 'secret',
    acl: [digestAcl(Permission.ALL, 'carol', CAROL), new ACL(Permission.READ, Id.ANYONE_ID_UNSAFE)],
  })),
  step('world reads', 'ok', ({ b }) => b.getData('/n/acl')),
  step('world may not write', 'NO_AUTH', ({ b }) => b.setData('/n/acl', 'no')),
  step('world may not create children', 'NO_AUTH', ({ b }) => b.create('/n/acl/kid')),
  step('getACL masked', 'ok', ({ b }) => b.getACL('/n/acl')),
  step('getACL as owner', 'ok', ({ a }) => a.getACL('/n/acl')),
  step('setACL bad version', 'BAD_VERSION', ({ a }) => a.setACL('/n/acl', ACL.OPEN_ACL_UNSAFE, 3)),
  step('setACL', 'ok', ({ a }) => a.setACL('/n/acl', ACL.OPEN_ACL_UNSAFE, 0)),
  step('world writes now', 'ok', ({ b }) => b.setData('/n/acl', 'open')),
  step('CREATOR_ALL without auth', 'INVALID_ACL', ({ b }) =>
    b.create('/n/c', { acl: ACL.CREATOR_ALL_ACL })),
  step('CREATOR_ALL with auth', 'ok', ({ a }) => a.create('/n/c', { acl: ACL.CREATOR_ALL_ACL })),
  step('getACL CREATOR_ALL', 'ok', ({ a }) => a.getACL('/n/c')),
  // transactions
  tx('transaction ok', 'ok', ({ a }) => a.transaction((t) => t
    .create('/n/t', Buffer.from('1'))
    .setData('/n/t', Buffer.from('2'), 0)
    .check('/n/t', 1)
    .create('/n/t/q-', null, ACL.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL)
    .remove('/n/t/q-0000000000')
    .remove('/n/t'))),
  tx('transaction failing', 'BAD_VERSION', ({ a }) => a.transaction((t) => t
    .create('/n/t2')
    .check('/n/a', 99)
    .remove('/n/zz'))),
  step('rolled back', 'ok', ({ a }) => a.exists('/n/t2')),
  tx('transaction NO_NODE', 'NO_NODE', ({ a }) => a.transaction((t) => t.remove('/n/zz'))),
  // watches
  step('exists watch', 'ok', ({ a }) => a.exists('/n/w', true)),
  step('create /n/w', 'ok', ({ b }) => b.create('/n/w', { data: '0' })),
  step('event: created', 'ok', ({ a }) => a.waitEvents(1)),
  step('data watch', 'ok', ({ a }) => a.getData('/n/w', true)),
  step('child watch', 'ok', ({ a }) => a.getChildren('/n/w', true)),
  step('setData /n/w', 'ok', ({ b }) => b.setData('/n/w', '1')),
  step('event: data changed', 'ok', ({ a }) => a.waitEvents(1)),
  step('setData /n/w again', 'ok', ({ b }) => b.setData('/n/w', '2')),
  step('one-shot: nothing more', 'ok', ({ a }) => a.waitEvents(0)),
  step('create /n/w/c', 'ok', ({ b }) => b.create('/n/w/c')),
  step('event: children changed', 'ok', ({ a }) => a.waitEvents(1)),
  step('watch child data', 'ok', ({ a }) => a.getData('/n/w/c', true)),
  step('watch children again', 'ok', ({ a }) => a.getChildren('/n/w', true)),
  step('remove /n/w/c', 'ok', ({ b }) => b.remove('/n/w/c')),
  step('events: deleted, children changed', 'ok', ({ a }) => a.waitEvents(2)),
  step('watch ephemeral', 'ok', ({ a }) => a.exists('/n/e', true)),
  step('close b', 'ok', ({ b }) => b.close()),
  step('event: ephemeral gone', 'ok', ({ a }) => a.waitEvents(1)),
  step('children after close', 'ok', ({ a }) => a.getChildren('/n')),
  step('stat of /n', 'ok', ({ a }) => a.exists('/n')),
];
