// The standalone server's durability, assembled: the data directory lock, recovery, the txn
// log as the pipeline's committer, background snapshots every ~snapCount txns (randomised
// like Apache's so an ensemble does not snapshot in lockstep) and autopurge.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { ServerState } from '../pipeline/server-state.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { FileTxnLog, type OpenLogFile } from './file-txn-log.ts';
import { purge } from './purge.ts';
import { recover, type RecoveryResult } from './recovery.ts';
import { writeSnapshot, type SnapshotResult } from './snapshotter.ts';

export interface DurabilityOptions {
  readonly dataDir: string;
  readonly dataLogDir: string;
  readonly snapCount: number;
  readonly preAllocSizeKb: number;
  readonly forceSync: boolean;
  readonly snapRetainCount: number;
  readonly purgeIntervalHours: number;
  /** Opens txn log segments (tests inject disk faults here). */
  readonly openLogFile?: OpenLogFile;
}

/** Txns until the next snapshot: uniform in [snapCount/2 + 1, snapCount]. */
export function nextSnapshotThreshold(snapCount: number, random: () => number): number {
  const half = Math.floor(snapCount / 2);
  return half + 1 + Math.floor(random() * (snapCount - half));
}

export class DurableStore {
  readonly log: FileTxnLog;
  readonly recovery: RecoveryResult;
  readonly snapDir: string;
  readonly logDir: string;
  private readonly options: DurabilityOptions;
  private readonly state: ServerState;
  private readonly logger: Logger;
  private readonly lock: DataDirLock;
  private txnsSinceSnapshot = 0;
  private threshold: number;
  private snapshotting: Promise<SnapshotResult | undefined> | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;

  private constructor(init: {
    options: DurabilityOptions;
    state: ServerState;
    logger: Logger;
    lock: DataDirLock;
    recovery: RecoveryResult;
    snapDir: string;
    logDir: string;
  }) {
    this.options = init.options;
    this.state = init.state;
    this.logger = init.logger;
    this.lock = init.lock;
    this.recovery = init.recovery;
    this.snapDir = init.snapDir;
    this.logDir = init.logDir;
    this.threshold = nextSnapshotThreshold(this.options.snapCount, Math.random);
    this.log = new FileTxnLog({
      dir: this.logDir,
      ...(this.options.openLogFile === undefined ? {} : { open: this.options.openLogFile }),
      preAllocBytes: this.options.preAllocSizeKb * 1024,
      forceSync: this.options.forceSync,
      logger: this.logger,
      onDurable: (count) => this.onDurable(count),
    });
  }

  static async open(init: {
    options: DurabilityOptions;
    state: ServerState;
    logger: Logger;
    clock: Clock;
  }): Promise<DurableStore> {
    const snapDir = join(init.options.dataDir, 'version-2');
    const logDir = join(init.options.dataLogDir, 'version-2');
    await mkdir(snapDir, { recursive: true });
    await mkdir(logDir, { recursive: true });
    const lock = await lockDataDir(init.options.dataDir);
    try {
      const recovery = await recover({
        snapDir,
        logDir,
        state: init.state,
        nowMs: init.clock.monotonicMs(),
        logger: init.logger,
      });
      const store = new DurableStore({ ...init, lock, recovery, snapDir, logDir });
      store.schedulePurge();
      return store;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  private onDurable(count: number): void {
    this.txnsSinceSnapshot += count;
    if (this.txnsSinceSnapshot < this.threshold || this.snapshotting !== undefined) return;
    // The next batch goes to a new segment; the snapshot starts once this batch is applied.
    this.log.rollOver();
    setImmediate(() => void this.snapshot());
  }

  /** Takes a snapshot of the applied state now (one at a time). */
  snapshot(): Promise<SnapshotResult | undefined> {
    if (this.snapshotting !== undefined) return this.snapshotting;
    this.txnsSinceSnapshot = 0;
    this.threshold = nextSnapshotThreshold(this.options.snapCount, Math.random);
    const run = writeSnapshot({
      dir: this.snapDir,
      tree: this.state.tree,
      sessions: this.state.sessions,
      zxid: this.state.lastAppliedZxid,
      logger: this.logger,
    }).catch((error: unknown) => {
      this.logger.error({ err: String(error) }, 'SNAPSHOT FAILED (the txn log still has it all)');
      return undefined;
    });
    this.snapshotting = run.finally(() => {
      this.snapshotting = undefined;
    });
    return this.snapshotting;
  }

  private schedulePurge(): void {
    if (this.options.purgeIntervalHours <= 0) return;
    const everyMs = this.options.purgeIntervalHours * 3_600_000;
    this.purgeTimer = setInterval(() => void this.purgeNow(), everyMs);
    this.purgeTimer.unref();
  }

  async purgeNow(): Promise<void> {
    try {
      const result = await purge({
        snapDir: this.snapDir,
        logDir: this.logDir,
        retainCount: this.options.snapRetainCount,
      });
      this.logger.info({ ...result }, 'purged old snapshots and txn logs');
    } catch (error) {
      this.logger.error({ err: String(error) }, 'purge failed');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.purgeTimer);
    await this.snapshotting;
    await this.log.close();
    await this.lock.release();
  }
}
