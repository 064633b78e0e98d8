// Reads: answered from applied state, in order with the connection's earlier requests.
// Watches are registered here (one-shot via exists/getData/getChildren, persistent via
// addWatch, restored via setWatches). Errors follow Apache's check order per operation.
import { AddWatchMode, ErrorCode, EventType, Perms } from '../../protocol/constants.ts';
import type { WatcherEvent } from '../../protocol/records.ts';
import type { MultiReadOp, Request, SetWatchesRequest } from '../../protocol/requests.ts';
import { emptyResponse, type MultiResult, type Response } from '../../protocol/responses.ts';
import { hasPermission, maskDigests, type AuthIds } from '../acl/acl.ts';
import type { DataNode, DataTree } from '../tree/data-tree.ts';
import { WatchMode, type WatchManager, type WatcherId } from '../watch/watch-manager.ts';

export interface ReadContext {
  readonly tree: DataTree;
  readonly watches: WatchManager;
  readonly watcher: WatcherId;
  readonly sessionId: bigint;
  readonly authIds: AuthIds;
}

export interface ReadResult {
  readonly err: number;
  readonly response: Response;
  /** Catch-up events for this connection (setWatches), sent before the reply. */
  readonly events?: readonly WatcherEvent[];
}

export type ReadRequest = Exclude<
  Request,
  { type: 'create' | 'delete' | 'setData' | 'setACL' | 'check' | 'multi' | 'deleteContainer' }
>;

const ok = (response: Response): ReadResult => ({ err: ErrorCode.ok, response });
const error = (err: number): ReadResult => ({ err, response: emptyResponse });

function readable(ctx: ReadContext, path: string, perm: number = Perms.read): DataNode | number {
  const node = ctx.tree.get(path);
  if (node === undefined) return ErrorCode.noNode;
  if (!hasPermission(node.acl, perm, ctx.authIds)) return ErrorCode.noAuth;
  return node;
}

function exists(ctx: ReadContext, path: string, watch: boolean): ReadResult {
  if (path.includes('\0')) return error(ErrorCode.badArguments);
  const node = ctx.tree.get(path);
  if (node !== undefined && !hasPermission(node.acl, Perms.read, ctx.authIds)) {
    return error(ErrorCode.noAuth);
  }
  if (watch) ctx.watches.add('data', path, ctx.watcher, WatchMode.standard);
  if (node === undefined) return error(ErrorCode.noNode);
  return ok({ type: 'stat', stat: ctx.tree.stat(node) });
}

function getData(ctx: ReadContext, path: string, watch: boolean): ReadResult {
  const node = readable(ctx, path);
  if (typeof node === 'number') return error(node);
  if (watch) ctx.watches.add('data', path, ctx.watcher, WatchMode.standard);
  return ok({ type: 'getData', data: node.data, stat: ctx.tree.stat(node) });
}

function getChildren(
  ctx: ReadContext,
  path: string,
  watch: boolean,
  withStat: boolean,
): ReadResult {
  const node = readable(ctx, path);
  if (typeof node === 'number') return error(node);
  if (watch) ctx.watches.add('child', path, ctx.watcher, WatchMode.standard);
  const children = [...node.children.keys()];
  return ok(
    withStat
      ? { type: 'getChildren2', children, stat: ctx.tree.stat(node) }
      : { type: 'getChildren', children },
  );
}

function getAcl(ctx: ReadContext, path: string): ReadResult {
  const node = readable(ctx, path, Perms.read | Perms.admin);
  if (typeof node === 'number') return error(node);
  const acl = hasPermission(node.acl, Perms.admin, ctx.authIds) ? node.acl : maskDigests(node.acl);
  return ok({ type: 'getACL', acl, stat: ctx.tree.stat(node) });
}

function getEphemerals(ctx: ReadContext, prefix: string): ReadResult {
  const all = [...ctx.tree.ephemerals(ctx.sessionId)];
  const matchAll = prefix.trim() === '' || prefix.trim() === '/';
  return ok({ type: 'strings', items: matchAll ? all : all.filter((p) => p.startsWith(prefix)) });
}

function whoAmI(ctx: ReadContext): ReadResult {
  const clients = ctx.authIds.map((id) => {
    if (id.scheme === 'digest') return { authScheme: 'digest', user: id.id.split(':')[0] ?? '' };
    if (id.scheme === 'super') return { authScheme: 'super', user: '' };
    return { authScheme: id.scheme, user: id.id };
  });
  return ok({ type: 'whoAmI', clients });
}

function addWatch(ctx: ReadContext, path: string, mode: number): ReadResult {
  if (mode === AddWatchMode.persistent) {
    ctx.watches.add('data', path, ctx.watcher, WatchMode.persistent);
    ctx.watches.add('child', path, ctx.watcher, WatchMode.persistent);
  } else if (mode === AddWatchMode.persistentRecursive) {
    ctx.watches.add('data', path, ctx.watcher, WatchMode.persistentRecursive);
  } else {
    return error(ErrorCode.badArguments);
  }
  return ok({ type: 'number', value: 0 });
}

function setWatches(ctx: ReadContext, request: SetWatchesRequest): ReadResult {
  const { tree, watches, watcher } = ctx;
  const events: WatcherEvent[] = [];
  const event = (type: number, path: string): void => {
    events.push({ type, state: 3, path });
  };
  for (const path of request.dataWatches) {
    const node = tree.get(path);
    if (node === undefined) event(EventType.nodeDeleted, path);
    else if (node.mzxid > request.relativeZxid) event(EventType.nodeDataChanged, path);
    else watches.add('data', path, watcher, WatchMode.standard);
  }
  for (const path of request.existWatches) {
    if (tree.get(path) !== undefined) event(EventType.nodeCreated, path);
    else watches.add('data', path, watcher, WatchMode.standard);
  }
  for (const path of request.childWatches) {
    const node = tree.get(path);
    if (node === undefined) event(EventType.nodeDeleted, path);
    else if (node.pzxid > request.relativeZxid) event(EventType.nodeChildrenChanged, path);
    else watches.add('child', path, watcher, WatchMode.standard);
  }
  for (const path of request.persistentWatches) {
    watches.add('data', path, watcher, WatchMode.persistent);
    watches.add('child', path, watcher, WatchMode.persistent);
  }
  for (const path of request.persistentRecursiveWatches) {
    watches.add('data', path, watcher, WatchMode.persistentRecursive);
  }
  return { err: ErrorCode.ok, response: emptyResponse, events };
}

function multiRead(ctx: ReadContext, ops: readonly MultiReadOp[]): ReadResult {
  const results: MultiResult[] = ops.map((op): MultiResult => {
    const node = readable(ctx, op.path);
    if (typeof node === 'number') return { type: 'error', err: node };
    if (op.type === 'getData') {
      return { type: 'getData', data: node.data, stat: ctx.tree.stat(node) };
    }
    return { type: 'getChildren', children: [...node.children.keys()] };
  });
  return ok({ type: 'multi', results });
}

export function processRead(ctx: ReadContext, request: ReadRequest): ReadResult {
  switch (request.type) {
    case 'exists':
      return exists(ctx, request.path, request.watch);
    case 'getData':
      return getData(ctx, request.path, request.watch);
    case 'getChildren':
    case 'getChildren2':
      return getChildren(ctx, request.path, request.watch, request.type === 'getChildren2');
    case 'getACL':
      return getAcl(ctx, request.path);
    case 'getAllChildrenNumber': {
      const node = readable(ctx, request.path);
      if (typeof node === 'number') return error(node);
      return ok({ type: 'number', value: ctx.tree.descendantCount(request.path) });
    }
    case 'getEphemerals':
      return getEphemerals(ctx, request.prefixPath);
    case 'whoAmI':
      return whoAmI(ctx);
    case 'sync':
      return ok({ type: 'path', path: request.path });
    case 'addWatch':
      return addWatch(ctx, request.path, request.mode);
    case 'checkWatches':
    case 'removeWatches': {
      const remove = request.type === 'removeWatches';
      const found = ctx.watches.matchWatches(
        request.path,
        ctx.watcher,
        request.watcherType,
        remove,
      );
      return found ? ok(emptyResponse) : error(ErrorCode.noWatcher);
    }
    case 'setWatches':
      return setWatches(ctx, request);
    case 'multiRead':
      return multiRead(ctx, request.ops);
    case 'ping':
      return ok(emptyResponse);
    case 'auth':
    case 'sasl':
    case 'reconfig':
    case 'closeSession':
      return error(ErrorCode.unimplemented);
  }
}
