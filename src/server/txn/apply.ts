// Apply: the one path by which a committed txn changes the tree and the session table, used
// for live writes and (with persistence) for recovery replay and follower catch-up. It fires
// watches and returns the reply; it never validates what prepare already validated.
import { assert, assertNever } from '../../core/assert.ts';
import { parentPath } from '../../core/path.ts';
import { ErrorCode, EventType, OpCode } from '../../protocol/constants.ts';
import type { Acl } from '../../protocol/records.ts';
import { emptyResponse, type MultiResult, type Response } from '../../protocol/responses.ts';
import type { SessionTable } from '../session/session-table.ts';
import type { DataTree } from '../tree/data-tree.ts';
import type { WatchManager, WatcherId } from '../watch/watch-manager.ts';
import type { Txn, TxnBody } from './txn.ts';

/** A fired watch: who to notify, and the ACL that decides whether they may see it. */
export interface WatchNotification {
  readonly type: number;
  readonly path: string;
  readonly watchers: ReadonlySet<WatcherId>;
  readonly acl: readonly Acl[];
}

export interface ApplyContext {
  readonly tree: DataTree;
  readonly sessions: SessionTable;
  readonly watches: WatchManager;
  /** Monotonic ms, for the expiry of sessions this txn creates. */
  readonly nowMs: number;
}

export interface ApplyResult {
  readonly err: number;
  readonly response: Response;
  readonly notifications: WatchNotification[];
}

function notify(
  out: WatchNotification[],
  type: number,
  path: string,
  watchers: ReadonlySet<WatcherId>,
  acl: readonly Acl[],
): void {
  if (watchers.size > 0) out.push({ type, path, watchers, acl });
}

function applyDelete(
  ctx: ApplyContext,
  path: string,
  zxid: bigint,
  out: WatchNotification[],
): void {
  const node = ctx.tree.get(path);
  if (node === undefined) return;
  const acl = node.acl;
  ctx.tree.deleteNode(path, zxid);
  const dataWatchers = ctx.watches.trigger('data', path);
  notify(out, EventType.nodeDeleted, path, dataWatchers, acl);
  notify(out, EventType.nodeDeleted, path, ctx.watches.trigger('child', path, dataWatchers), acl);
  notifyParent(ctx, path, out);
}

/** NodeChildrenChanged for the parent of `path` (its ACL looked up only when watched). */
function notifyParent(ctx: ApplyContext, path: string, out: WatchNotification[]): void {
  const parent = parentPath(path);
  const watchers = ctx.watches.trigger('child', parent);
  if (watchers.size === 0) return;
  const acl = ctx.tree.get(parent)?.acl ?? [];
  out.push({ type: EventType.nodeChildrenChanged, path: parent, watchers, acl });
}

type Applied = { err: number; response: Response; result: MultiResult };

function applyBody(ctx: ApplyContext, txn: Txn, body: TxnBody, out: WatchNotification[]): Applied {
  const { tree, watches } = ctx;
  switch (body.type) {
    case 'create': {
      // Fields listed, not spread: a spread of the body is the slowest step of a replay.
      const node =
        tree.createNode({
          path: body.path,
          data: body.data,
          acl: body.acl,
          ephemeralOwner: body.ephemeralOwner,
          parentCVersion: body.parentCVersion,
          zxid: txn.zxid,
          time: txn.time,
        }) ?? tree.get(body.path);
      assert(node !== undefined, 'created node must exist');
      notify(out, EventType.nodeCreated, body.path, watches.trigger('data', body.path), node.acl);
      notifyParent(ctx, body.path, out);
      if (body.opcode === OpCode.create) {
        return {
          err: 0,
          response: { type: 'path', path: body.path },
          result: { type: 'create', path: body.path },
        };
      }
      const stat = tree.stat(node);
      return {
        err: 0,
        response: { type: 'create2', path: body.path, stat },
        result: { type: 'create2', path: body.path, stat },
      };
    }
    case 'delete':
      applyDelete(ctx, body.path, txn.zxid, out);
      return { err: 0, response: emptyResponse, result: { type: 'delete' } };
    case 'setData': {
      const node = tree.setData(body.path, body.data, body.version, txn.zxid, txn.time);
      notify(
        out,
        EventType.nodeDataChanged,
        body.path,
        watches.trigger('data', body.path),
        node.acl,
      );
      const stat = tree.stat(node);
      return { err: 0, response: { type: 'stat', stat }, result: { type: 'setData', stat } };
    }
    case 'setACL': {
      tree.setAcl(body.path, body.acl, body.version);
      const node = tree.get(body.path);
      assert(node !== undefined, 'setACL node must exist');
      const stat = tree.stat(node);
      return { err: 0, response: { type: 'stat', stat }, result: { type: 'error', err: 0 } };
    }
    case 'check':
      return { err: 0, response: emptyResponse, result: { type: 'check' } };
    case 'error':
      return { err: body.err, response: emptyResponse, result: { type: 'error', err: body.err } };
    case 'multi':
      return applyMulti(ctx, txn, body.ops, out);
    case 'createSession':
      ctx.sessions.add(txn.sessionId, body.timeoutMs, ctx.nowMs);
      return { err: 0, response: emptyResponse, result: { type: 'error', err: 0 } };
    case 'closeSession':
      for (const path of body.paths) applyDelete(ctx, path, txn.zxid, out);
      ctx.sessions.remove(txn.sessionId);
      return { err: 0, response: emptyResponse, result: { type: 'error', err: 0 } };
    default:
      return assertNever(body, 'txn body');
  }
}

function applyMulti(
  ctx: ApplyContext,
  txn: Txn,
  ops: readonly TxnBody[],
  out: WatchNotification[],
): Applied {
  const failed = ops.some((op) => op.type === 'error');
  const results: MultiResult[] = [];
  for (const op of ops) {
    if (failed) {
      assert(op.type === 'error', 'a failed multi holds only error results');
      results.push({ type: 'error', err: op.err });
    } else {
      results.push(applyBody(ctx, txn, op, out).result);
    }
  }
  // The reply header of a multi is OK even when an op failed: errors are in the results.
  return {
    err: ErrorCode.ok,
    response: { type: 'multi', results },
    result: { type: 'error', err: 0 },
  };
}

export function applyTxn(ctx: ApplyContext, txn: Txn): ApplyResult {
  const notifications: WatchNotification[] = [];
  const { err, response } = applyBody(ctx, txn, txn.body, notifications);
  return { err, response, notifications };
}
