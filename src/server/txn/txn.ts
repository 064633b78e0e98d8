// Transactions: what is logged, replicated and replayed. A txn is the deterministic result of
// preparing a request against committed state plus pending changes; applying it never fails
// for a reason the prepare step could have seen. Failed writes are `error` txns: they consume
// a zxid like in Apache's server.
import type { CreateOpCode } from '../../protocol/requests.ts';
import type { Acl } from '../../protocol/records.ts';

export type TxnBody =
  | {
      readonly type: 'create';
      /** The request opcode, which decides the reply shape (create vs create2). */
      readonly opcode: CreateOpCode;
      readonly path: string;
      readonly data: Buffer | null;
      readonly acl: readonly Acl[];
      readonly ephemeralOwner: bigint;
      readonly parentCVersion: number;
    }
  | { readonly type: 'delete'; readonly path: string }
  | {
      readonly type: 'setData';
      readonly path: string;
      readonly data: Buffer | null;
      readonly version: number;
    }
  | {
      readonly type: 'setACL';
      readonly path: string;
      readonly acl: readonly Acl[];
      readonly version: number;
    }
  | { readonly type: 'check'; readonly path: string }
  | { readonly type: 'error'; readonly err: number }
  | { readonly type: 'multi'; readonly ops: readonly TxnBody[] }
  | { readonly type: 'createSession'; readonly timeoutMs: number }
  | { readonly type: 'closeSession'; readonly paths: readonly string[] };

export interface Txn {
  readonly zxid: bigint;
  readonly sessionId: bigint;
  /** The client's xid for the request that made this txn (0 for server-made txns). */
  readonly cxid: number;
  /** Wall-clock ms when the txn was prepared: ctime/mtime of what it touches. */
  readonly time: bigint;
  readonly body: TxnBody;
}
