// Prepare: a write request -> the txn it becomes, validated against committed state plus
// pending changes in Apache's exact check order (the first failing check decides the error).
// A failed validation becomes an `error` txn, which still consumes a zxid.
import { invalidPathReason } from '../../core/path.ts';
import { CreateMode, ErrorCode, OpCode, Perms } from '../../protocol/constants.ts';
import type {
  CheckRequest,
  CreateRequest,
  DeleteRequest,
  MultiWriteOp,
  SetAclRequest,
  SetDataRequest,
} from '../../protocol/requests.ts';
import { fixupAcl, hasPermission, type AuthIds } from '../acl/acl.ts';
import { containerOwner, nodeKind, ownerForTtl, ttlMaxMs } from '../tree/ephemeral-type.ts';
import { Scratch, type NodeStates, type PendingChanges } from './pending-changes.ts';
import type { TxnBody } from './txn.ts';

export interface PrepareContext {
  readonly pending: PendingChanges;
  readonly sessionId: bigint;
  readonly authIds: AuthIds;
  readonly extendedTypesEnabled: boolean;
}

/** Paths that can never be deleted. */
const specialPaths = new Set(['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']);

class PrepareError extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`prepare failed: ${code}`);
    this.code = code;
  }
}

function fail(code: number): never {
  throw new PrepareError(code);
}

/** "/a/b" -> "/a", "/a" -> "/"; a path without '/' or with NUL is BADARGUMENTS. */
function parentForWrite(path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash < 0 || path.includes('\0')) fail(ErrorCode.badArguments);
  return slash === 0 ? '/' : path.slice(0, slash);
}

function requireNode(view: NodeStates, path: string) {
  return view.get(path) ?? fail(ErrorCode.noNode);
}

function requirePerm(
  acl: Parameters<typeof hasPermission>[0],
  perm: number,
  ctx: PrepareContext,
): void {
  if (!hasPermission(acl, perm, ctx.authIds)) fail(ErrorCode.noAuth);
}

function checkVersion(expected: number, current: number): void {
  if (expected !== -1 && expected !== current) fail(ErrorCode.badVersion);
}

function validatePathOrFail(path: string): void {
  if (invalidPathReason(path) !== undefined) fail(ErrorCode.badArguments);
}

function isTtlMode(flags: number): boolean {
  return flags === CreateMode.persistentWithTtl || flags === CreateMode.persistentSequentialWithTtl;
}

function isSequential(flags: number): boolean {
  return (
    flags === CreateMode.persistentSequential ||
    flags === CreateMode.ephemeralSequential ||
    flags === CreateMode.persistentSequentialWithTtl
  );
}

/** The node kind follows the opcode for containers and TTL nodes, the flags otherwise. */
function ownerFor(request: CreateRequest, sessionId: bigint): bigint {
  if (request.opcode === OpCode.createContainer) return containerOwner;
  if (request.opcode === OpCode.createTTL) return ownerForTtl(request.ttl);
  const flags = request.flags;
  if (flags === CreateMode.ephemeral || flags === CreateMode.ephemeralSequential) return sessionId;
  return 0n;
}

function validateCreateMode(request: CreateRequest, ctx: PrepareContext): void {
  const flags = request.flags;
  if (!Number.isInteger(flags) || flags < 0 || flags > 6) fail(ErrorCode.badArguments);
  if (isTtlMode(flags)) {
    if (!ctx.extendedTypesEnabled) fail(ErrorCode.unimplemented);
    if (request.ttl <= 0n || request.ttl > ttlMaxMs) fail(ErrorCode.badArguments);
  } else if (request.ttl >= 0n) {
    fail(ErrorCode.badArguments);
  }
}

function sequenceSuffix(cversion: number): string {
  // Java's %010d: the sign counts toward the width.
  return cversion < 0
    ? `-${String(-cversion).padStart(9, '0')}`
    : String(cversion).padStart(10, '0');
}

function prepareCreate(request: CreateRequest, ctx: PrepareContext, view: Scratch): TxnBody {
  validateCreateMode(request, ctx);
  const parentPath = parentForWrite(request.path);
  const acl = fixupAcl(request.acl, ctx.authIds) ?? fail(ErrorCode.invalidACL);
  const parent = requireNode(view, parentPath);
  requirePerm(parent.acl, Perms.create, ctx);
  const path = isSequential(request.flags)
    ? request.path + sequenceSuffix(parent.cversion)
    : request.path;
  validatePathOrFail(path);
  if (view.get(path) !== undefined) fail(ErrorCode.nodeExists);
  if (nodeKind(parent.ephemeralOwner, ctx.extendedTypesEnabled) === 'ephemeral') {
    fail(ErrorCode.noChildrenForEphemerals);
  }
  const ephemeralOwner = ownerFor(request, ctx.sessionId);
  const parentCVersion = (parent.cversion + 1) | 0;
  view.set(parentPath, {
    ...parent,
    cversion: parentCVersion,
    numChildren: parent.numChildren + 1,
  });
  view.set(path, {
    version: 0,
    cversion: 0,
    aversion: 0,
    ephemeralOwner,
    numChildren: 0,
    acl,
  });
  return {
    type: 'create',
    opcode: request.opcode,
    path,
    data: request.data,
    acl,
    ephemeralOwner,
    parentCVersion,
  };
}

function prepareDelete(request: DeleteRequest, ctx: PrepareContext, view: Scratch): TxnBody {
  const path = request.path;
  const parentPath = parentForWrite(path);
  if (specialPaths.has(path)) fail(ErrorCode.badArguments);
  const parent = requireNode(view, parentPath);
  requirePerm(parent.acl, Perms.delete, ctx);
  const node = requireNode(view, path);
  checkVersion(request.version, node.version);
  if (node.numChildren > 0) fail(ErrorCode.notEmpty);
  view.set(parentPath, { ...parent, numChildren: parent.numChildren - 1 });
  view.set(path, null);
  return { type: 'delete', path };
}

/** The reaper's delete of an empty container or expired TTL node: no ACL check. */
export function prepareDeleteContainer(
  path: string,
  view: Scratch,
  extendedTypesEnabled: boolean,
): TxnBody {
  const parentPath = parentForWrite(path);
  if (specialPaths.has(path)) fail(ErrorCode.badArguments);
  const node = requireNode(view, path);
  if (node.numChildren > 0) fail(ErrorCode.notEmpty);
  if (nodeKind(node.ephemeralOwner, extendedTypesEnabled) === 'ephemeral') {
    fail(ErrorCode.badVersion);
  }
  const parent = requireNode(view, parentPath);
  view.set(parentPath, { ...parent, numChildren: parent.numChildren - 1 });
  view.set(path, null);
  return { type: 'delete', path };
}

function prepareSetData(request: SetDataRequest, ctx: PrepareContext, view: Scratch): TxnBody {
  validatePathOrFail(request.path);
  const node = requireNode(view, request.path);
  requirePerm(node.acl, Perms.write, ctx);
  checkVersion(request.version, node.version);
  const version = (node.version + 1) | 0;
  view.set(request.path, { ...node, version });
  return { type: 'setData', path: request.path, data: request.data, version };
}

function prepareSetAcl(request: SetAclRequest, ctx: PrepareContext, view: Scratch): TxnBody {
  validatePathOrFail(request.path);
  const acl = fixupAcl(request.acl, ctx.authIds) ?? fail(ErrorCode.invalidACL);
  const node = requireNode(view, request.path);
  requirePerm(node.acl, Perms.admin, ctx);
  checkVersion(request.version, node.aversion);
  const aversion = (node.aversion + 1) | 0;
  view.set(request.path, { ...node, acl, aversion });
  return { type: 'setACL', path: request.path, acl, version: aversion };
}

function prepareCheck(request: CheckRequest, ctx: PrepareContext, view: Scratch): TxnBody {
  validatePathOrFail(request.path);
  const node = requireNode(view, request.path);
  requirePerm(node.acl, Perms.read, ctx);
  checkVersion(request.version, node.version);
  return { type: 'check', path: request.path };
}

function prepareOp(
  op: MultiWriteOp | { type: 'deleteContainer'; path: string },
  ctx: PrepareContext,
  view: Scratch,
): TxnBody {
  switch (op.type) {
    case 'create':
      return prepareCreate(op, ctx, view);
    case 'delete':
      return prepareDelete(op, ctx, view);
    case 'setData':
      return prepareSetData(op, ctx, view);
    case 'check':
      return prepareCheck(op, ctx, view);
    case 'deleteContainer':
      return prepareDeleteContainer(op.path, view, ctx.extendedTypesEnabled);
  }
}

export type WriteRequest =
  | MultiWriteOp
  | SetAclRequest
  | { readonly type: 'deleteContainer'; readonly path: string }
  | { readonly type: 'multi'; readonly ops: readonly MultiWriteOp[] };

/**
 * Prepares a write. On success the request's changes are published to the pending view under
 * `zxid`; on failure the txn is an error txn (or a multi of error results) and nothing is.
 */
export function prepareWrite(request: WriteRequest, zxid: bigint, ctx: PrepareContext): TxnBody {
  const scratch = new Scratch(ctx.pending);
  if (request.type === 'multi') return prepareMulti(request.ops, zxid, ctx, scratch);
  try {
    const body =
      request.type === 'setACL'
        ? prepareSetAcl(request, ctx, scratch)
        : prepareOp(request, ctx, scratch);
    ctx.pending.publish(zxid, scratch);
    return body;
  } catch (error) {
    if (error instanceof PrepareError) return { type: 'error', err: error.code };
    throw error;
  }
}

function prepareMulti(
  ops: readonly MultiWriteOp[],
  zxid: bigint,
  ctx: PrepareContext,
  scratch: Scratch,
): TxnBody {
  const bodies: TxnBody[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as MultiWriteOp;
    try {
      bodies.push(prepareOp(op, ctx, scratch));
    } catch (error) {
      if (!(error instanceof PrepareError)) throw error;
      const results: TxnBody[] = ops.map((_, j): TxnBody => ({
        type: 'error',
        err: j < i ? ErrorCode.ok : j === i ? error.code : ErrorCode.runtimeInconsistency,
      }));
      return { type: 'multi', ops: results };
    }
  }
  ctx.pending.publish(zxid, scratch);
  return { type: 'multi', ops: bodies };
}

/** closeSession: deletes every ephemeral the session owns, including pending ones. */
export function prepareCloseSession(
  owned: ReadonlySet<string>,
  zxid: bigint,
  ctx: PrepareContext,
): TxnBody {
  const pendingOwned = ctx.pending.pendingOwnedBy(ctx.sessionId);
  const paths = new Set(owned);
  for (const path of pendingOwned.created) paths.add(path);
  for (const path of pendingOwned.deleted) paths.delete(path);
  const scratch = new Scratch(ctx.pending);
  for (const path of paths) {
    scratch.set(path, null);
    const parentPath = parentForWrite(path);
    const parent = scratch.get(parentPath);
    if (parent !== undefined) {
      scratch.set(parentPath, { ...parent, numChildren: parent.numChildren - 1 });
    }
  }
  ctx.pending.publish(zxid, scratch);
  return { type: 'closeSession', paths: [...paths] };
}
