// A DurableStore driven without sockets: the unit-test Core (prepare + apply by hand, a manual
// clock) on top of a real data directory, and writes that are applied only once the txn log
// says they are durable, as the request pipeline does.
import { join } from 'node:path';
import type { Logger } from '../../src/core/logger.ts';
import { silentLogger } from '../../src/core/logger.ts';
import {
  DurableStore,
  type DurabilityOptions,
} from '../../src/server/persistence/durable-store.ts';
import type { OpenLogFile } from '../../src/server/persistence/file-txn-log.ts';
import type { WriteRequest } from '../../src/server/txn/prepare.ts';
import type { Txn } from '../../src/server/txn/txn.ts';
import { Core } from '../unit/server/harness.ts';

export interface StoreOptions {
  readonly logger?: Logger;
  readonly snapCount?: number;
  readonly openLogFile?: OpenLogFile;
}

export interface OpenedStore {
  readonly core: Core;
  readonly store: DurableStore;
  readonly dataDir: string;
  /** dataDir/version-2: snapshots and log segments. */
  readonly dir: string;
}

export async function openStore(dataDir: string, options: StoreOptions = {}): Promise<OpenedStore> {
  const core = new Core();
  const durability: DurabilityOptions = {
    dataDir,
    dataLogDir: dataDir,
    snapCount: options.snapCount ?? 1_000_000,
    preAllocSizeKb: 64,
    forceSync: true,
    snapRetainCount: 3,
    purgeIntervalHours: 0,
    ...(options.openLogFile === undefined ? {} : { openLogFile: options.openLogFile }),
  };
  const store = await DurableStore.open({
    options: durability,
    state: core.state,
    logger: options.logger ?? silentLogger,
    clock: core.clock,
  });
  return { core, store, dataDir, dir: join(dataDir, 'version-2') };
}

/** Hands `txns` to the log as one batch; resolves once durable, rejects with the log's error. */
export function commit(store: DurableStore, txns: readonly Txn[]): Promise<void> {
  return new Promise((resolve, reject) => {
    store.log.commit(txns, (error) => (error === undefined ? resolve() : reject(error)));
  });
}

/**
 * Prepares each request, logs them in batches of `batchSize` (one durable write each) and
 * applies a batch only after its write, as the pipeline does. Returns the txns in zxid order.
 */
export async function write(
  opened: OpenedStore,
  requests: readonly WriteRequest[],
  batchSize = 1,
): Promise<Txn[]> {
  const all: Txn[] = [];
  for (let i = 0; i < requests.length; i += batchSize) {
    const txns = requests.slice(i, i + batchSize).map((r) => opened.core.prepare(r));
    await commit(opened.store, txns);
    for (const txn of txns) opened.core.apply(txn);
    all.push(...txns);
    opened.core.clock.advance(1);
  }
  return all;
}
