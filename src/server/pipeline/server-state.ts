// The replicated state of one server: tree, sessions, watches, pending changes and zxids.
import type { Clock } from '../../core/clock.ts';
import { SessionTable, initialSessionId } from '../session/session-table.ts';
import { DataTree } from '../tree/data-tree.ts';
import { PendingChanges } from '../txn/pending-changes.ts';
import { WatchManager } from '../watch/watch-manager.ts';

export interface ServerOptions {
  readonly serverId: number;
  readonly tickTimeMs: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly extendedTypesEnabled: boolean;
  /** `user:BASE64(SHA1)` digest that grants `super`, if configured. */
  readonly superDigest: string | undefined;
  readonly containerCheckIntervalMs: number;
  readonly containerMaxPerMinute: number;
  readonly containerMaxNeverUsedIntervalMs: number;
}

export class ServerState {
  readonly tree: DataTree;
  readonly sessions: SessionTable;
  readonly watches = new WatchManager();
  readonly pending: PendingChanges;
  /** Highest zxid handed to a prepared txn. */
  lastProposedZxid = 0n;
  /** Highest zxid applied to the tree: what replies and the connect check report. */
  lastAppliedZxid = 0n;

  constructor(options: ServerOptions, clock: Clock) {
    this.tree = new DataTree({ extendedTypesEnabled: options.extendedTypesEnabled });
    this.pending = new PendingChanges(this.tree);
    this.sessions = new SessionTable({
      tickMs: options.tickTimeMs,
      firstSessionId: initialSessionId(options.serverId, clock.nowMs()),
    });
  }
}
