// Transactions (multi, opcode 14) and multiRead (22). The builder collects create / delete /
// setData / check ops; `commit()` sends them as one atomic multi and returns one result per op,
// or throws a TransactionError carrying every op's result when one op fails (ZooKeeper answers
// a failed multi with err 0 in the header and the error codes inside: 0 before the failing
// op, its code, then -2 RuntimeInconsistency after it).
import type { MultiReadOp, MultiResult, MultiWriteOp, Response, Stat } from '../protocol/index.ts';
import type { Chroot } from './chroot.ts';
import { ZooKeeperError, errorForCode } from './errors.ts';
import { buildCreate, checkPath, checkVersion, expectResponse, toData } from './ops.ts';
import type { DataInput } from './ops.ts';
import type { CreateOptions } from './types.ts';

/** Ops in one transaction, at most (keeps a builder mistake from building a huge frame). */
export const transactionOpsMax = 100_000;

/** One op's outcome in a committed (or failed) transaction. */
export type OpResult =
  | { readonly type: 'create'; readonly path: string; readonly stat?: Stat }
  | { readonly type: 'delete' }
  | { readonly type: 'setData'; readonly stat: Stat }
  | { readonly type: 'check' }
  /** In a failed transaction: code 0 for ops before the failing one (rolled back). */
  | { readonly type: 'error'; readonly code: number; readonly error: ZooKeeperError | undefined };

/** A transaction failed: nothing was applied. `failure` is the typed error of the first
 * failing op, `results` has one entry per op. */
export class TransactionError extends ZooKeeperError {
  override name = 'TransactionError';
  readonly results: readonly OpResult[];
  readonly failedIndex: number;
  readonly failure: ZooKeeperError;

  constructor(results: readonly OpResult[], failedIndex: number, failure: ZooKeeperError) {
    super(failure.code, failure.path, `transaction op ${failedIndex} failed: ${failure.message}`);
    this.results = results;
    this.failedIndex = failedIndex;
    this.failure = failure;
  }
}

/** What a transaction needs from the client: the chroot and a way to send a request. */
export interface TransactionContext {
  readonly chroot: Chroot;
  send(request: { type: 'multi'; ops: readonly MultiWriteOp[] }): Promise<Response | null>;
}

export class Transaction {
  private readonly context: TransactionContext;
  private readonly ops: MultiWriteOp[] = [];
  private readonly paths: string[] = [];

  /** @internal Made by {@link ZooKeeperClient.transaction}. */
  constructor(context: TransactionContext) {
    this.context = context;
  }

  private add(op: MultiWriteOp, path: string): this {
    if (this.ops.length >= transactionOpsMax) {
      throw new RangeError(`more than ${transactionOpsMax} ops in one transaction`);
    }
    this.ops.push(op);
    this.paths.push(path);
    return this;
  }

  create(path: string, data?: DataInput, options: CreateOptions = {}): this {
    const request = buildCreate(path, data, options, {
      chroot: this.context.chroot,
      withStat: false,
    });
    return this.add(request, path);
  }

  delete(path: string, options: { version?: number } = {}): this {
    const version = options.version ?? -1;
    checkPath(path);
    checkVersion(version, path);
    return this.add({ type: 'delete', path: this.context.chroot.toServer(path), version }, path);
  }

  setData(path: string, data: DataInput, options: { version?: number } = {}): this {
    const version = options.version ?? -1;
    checkPath(path);
    checkVersion(version, path);
    const serverPath = this.context.chroot.toServer(path);
    return this.add({ type: 'setData', path: serverPath, data: toData(data), version }, path);
  }

  check(path: string, version: number): this {
    checkPath(path);
    checkVersion(version, path);
    return this.add({ type: 'check', path: this.context.chroot.toServer(path), version }, path);
  }

  /** Sends the ops as one multi. Resolves with one result per op; rejects with
   * TransactionError when an op failed (then nothing was applied). */
  async commit(): Promise<OpResult[]> {
    if (this.ops.length === 0) return [];
    const response = await this.context.send({ type: 'multi', ops: this.ops });
    const results = expectResponse(response, 'multi').results;
    return toOpResults(results, this.paths, this.context.chroot);
  }
}

function toOpResult(result: MultiResult, path: string, chroot: Chroot): OpResult {
  switch (result.type) {
    case 'create':
      return { type: 'create', path: chroot.toClient(result.path) };
    case 'create2':
      return { type: 'create', path: chroot.toClient(result.path), stat: result.stat };
    case 'delete':
    case 'check':
      return { type: result.type };
    case 'setData':
      return { type: 'setData', stat: result.stat };
    case 'error':
      return {
        type: 'error',
        code: result.err,
        error: result.err === 0 ? undefined : errorForCode(result.err, path),
      };
    case 'getData':
    case 'getChildren':
      throw errorForCode(-5, path, `unexpected ${result.type} result in a transaction`);
  }
}

function toOpResults(results: readonly MultiResult[], paths: string[], chroot: Chroot): OpResult[] {
  const mapped = results.map((result, i) => toOpResult(result, paths[i] ?? '/', chroot));
  // Ops before the failing one report 0 and ops after it -2: the first other code is the cause.
  const failedIndex = mapped.findIndex((r) => r.type === 'error' && r.error !== undefined);
  const failed = mapped[failedIndex];
  if (failed?.type !== 'error' || failed.error === undefined) return mapped;
  throw new TransactionError(mapped, failedIndex, failed.error);
}

/** multiRead ops. */
export type ReadOp = { readonly type: 'getData' | 'getChildren'; readonly path: string };

/** multiRead results: each op independently succeeds or fails. */
export type ReadResult =
  | { readonly type: 'getData'; readonly data: Buffer | null; readonly stat: Stat }
  | { readonly type: 'getChildren'; readonly children: readonly string[] }
  | { readonly type: 'error'; readonly error: ZooKeeperError };

export function buildMultiRead(ops: readonly ReadOp[], chroot: Chroot): MultiReadOp[] {
  return ops.map((op) => {
    checkPath(op.path);
    return { type: op.type, path: chroot.toServer(op.path), watch: false };
  });
}

export function toReadResults(
  results: readonly MultiResult[],
  ops: readonly ReadOp[],
): ReadResult[] {
  return results.map((result, i): ReadResult => {
    const path = ops[i]?.path;
    switch (result.type) {
      case 'getData':
        return { type: 'getData', data: result.data, stat: result.stat };
      case 'getChildren':
        return { type: 'getChildren', children: result.children };
      case 'error':
        return { type: 'error', error: errorForCode(result.err, path) };
      default:
        return { type: 'error', error: errorForCode(-5, path, `unexpected ${result.type}`) };
    }
  });
}
