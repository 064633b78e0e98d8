// What the request processor needs from the outside: a connection to answer on and a
// committer that makes txns durable (standalone: the txn log; ensemble: the quorum).
import type { ConnectResponse } from '../../protocol/connect.ts';
import type { Id } from '../../protocol/records.ts';
import type { NotificationFrame, ReplyHeader, Response } from '../../protocol/responses.ts';
import type { Txn } from '../txn/txn.ts';
import type { WatcherId } from '../watch/watch-manager.ts';

export interface ClientConnection {
  /** Unique per connection; also its identity as a watcher. */
  readonly id: WatcherId;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Identities from auth packets; starts with ip:<remote address>. */
  readonly authIds: Id[];
  sendConnectResponse(response: ConnectResponse): void;
  sendReply(header: ReplyHeader, response: Response): void;
  sendEvent(notification: NotificationFrame): void;
  /** Closes the socket after what was already sent has been flushed. */
  close(reason: string): void;
}

/**
 * Makes a batch of txns durable, then calls `done` once. Ordering contract: batches complete
 * in the order they were handed over, and nothing of a batch is applied before `done`.
 */
export interface TxnCommitter {
  commit(txns: readonly Txn[], done: (error: Error | undefined) => void): void;
}

/** Commits immediately (no durability): the standalone server before its txn log exists. */
export const inMemoryCommitter: TxnCommitter = {
  commit(_txns, done) {
    queueMicrotask(() => done(undefined));
  },
};
