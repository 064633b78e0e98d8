// Composition root of a standalone server: wires the state, the request pipeline, sessions,
// the client listener, four-letter words and the periodic work (session expiry on each tick,
// the container/TTL reaper). All I/O and timers live here and in net/.
import { createServer, type Server, type Socket } from 'node:net';
import { systemClock, type Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { ServerConfig } from './config.ts';
import { Connection } from './net/connection.ts';
import { renderConfForFourLetterWord } from './net/conf-word.ts';
import { versionDirectorySize } from './net/directory-size.ts';
import {
  answerFourLetterWord,
  fourLetterWordName,
  type FourLetterWordContext,
} from './net/four-letter-words.ts';
import { reapCandidates } from './pipeline/container-reaper.ts';
import { DurableStore } from './persistence/durable-store.ts';
import type { OpenLogFile } from './persistence/file-txn-log.ts';
import { RequestProcessor } from './pipeline/request-processor.ts';
import { ServerState, type ServerOptions } from './pipeline/server-state.ts';
import { SessionService } from './pipeline/session-service.ts';
import { prepareWrite } from './txn/prepare.ts';

export interface StartServerOptions {
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Opens txn log segments; tests inject disk faults (ENOSPC, EIO) here. */
  readonly openLogFile?: OpenLogFile;
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  readonly processor: RequestProcessor;
  readonly store: DurableStore;
  close(): Promise<void>;
}

function serverOptions(config: ServerConfig): ServerOptions {
  return {
    // Apache's standalone session tracker uses server id 1 for session ids.
    serverId: 1,
    tickTimeMs: config.tickTimeMs,
    minSessionTimeoutMs: config.minSessionTimeoutMs,
    maxSessionTimeoutMs: config.maxSessionTimeoutMs,
    extendedTypesEnabled: config.extendedTypesEnabled,
    superDigest: config.superDigest,
    containerCheckIntervalMs: config.containerCheckIntervalMs,
    containerMaxPerMinute: config.containerMaxPerMinute,
    containerMaxNeverUsedIntervalMs: config.containerMaxNeverUsedIntervalMs,
  };
}

/** Deletes due containers and TTL nodes through ordinary txns. */
function reap(processor: RequestProcessor, clock: Clock): void {
  const { options, state } = processor;
  const limit = Math.max(
    1,
    Math.floor((options.containerMaxPerMinute * options.containerCheckIntervalMs) / 60000),
  );
  const due = reapCandidates(state.tree, {
    nowWallMs: clock.nowMs(),
    maxNeverUsedIntervalMs: options.containerMaxNeverUsedIntervalMs,
    limit,
  });
  const ctx = {
    pending: state.pending,
    sessionId: 0n,
    authIds: [],
    extendedTypesEnabled: options.extendedTypesEnabled,
  };
  for (const path of due) {
    const body = (zxid: bigint) => prepareWrite({ type: 'deleteContainer', path }, zxid, ctx);
    const nothing = (): void => undefined;
    processor.propose(0n, 0, body, { kind: 'callback', onApplied: nothing, onFailed: nothing });
  }
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const opts = serverOptions(config);
  const state = new ServerState(opts, clock);
  const store = await DurableStore.open({
    options: {
      dataDir: config.dataDir,
      dataLogDir: config.dataLogDir,
      snapCount: config.snapCount,
      preAllocSizeKb: config.preAllocSizeKb,
      forceSync: config.forceSync,
      snapRetainCount: config.autopurge.snapRetainCount,
      purgeIntervalHours: config.autopurge.purgeIntervalHours,
      ...(options.openLogFile === undefined ? {} : { openLogFile: options.openLogFile }),
    },
    state,
    logger,
    clock,
  });
  const processor = new RequestProcessor(state, opts, {
    clock,
    committer: store.log,
    logger,
    defer: (fn) => setImmediate(fn),
  });
  const sessions = new SessionService(processor, { clock, logger });
  const connections = new Set<Connection>();
  const perAddress = new Map<string, number>();
  const fourLetterWords: FourLetterWordContext = {
    processor,
    connections: () => connections,
    whitelist: config.fourLetterWordWhitelist,
    conf: () =>
      renderConfForFourLetterWord(config, {
        dataDirSizeBytes: versionDirectorySize(config.dataDir),
        dataLogSizeBytes: versionDirectorySize(config.dataLogDir),
      }),
    dirs: () =>
      `datadir_size: ${versionDirectorySize(config.dataDir)}\n` +
      `logdir_size: ${versionDirectorySize(config.dataLogDir)}\n`,
    startedAtMs: Date.now(),
    maxFileDescriptors: 0,
  };
  // globalOutstandingLimit: past it, stop reading from every client until replies catch up.
  const throttled = new Set<Connection>();
  const resumeWhenBelowLimit = (): void => {
    if (processor.outstanding >= config.globalOutstandingLimit) {
      setImmediate(resumeWhenBelowLimit);
      return;
    }
    for (const connection of throttled) connection.resumeReading();
    throttled.clear();
  };
  const throttle = (connection: Connection): void => {
    if (processor.outstanding < config.globalOutstandingLimit) return;
    connection.pauseReading();
    if (throttled.size === 0) setImmediate(resumeWhenBelowLimit);
    throttled.add(connection);
  };
  const onSocket = (socket: Socket): void => {
    const address = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const count = perAddress.get(address) ?? 0;
    if (config.maxClientCnxns > 0 && count >= config.maxClientCnxns) {
      logger.warn(
        { client: address, max: config.maxClientCnxns },
        'too many connections from one address',
      );
      socket.destroy();
      return;
    }
    perAddress.set(address, count + 1);
    const connection = new Connection(socket, {
      processor,
      sessions,
      logger,
      maxFrameBytes: config.juteMaxBufferBytes,
      superDigest: config.superDigest,
      fourLetterWord: (code) => {
        const name = fourLetterWordName(code);
        return name === undefined ? undefined : answerFourLetterWord(name, fourLetterWords);
      },
      throttle,
      onClose: (closed) => {
        connections.delete(closed);
        throttled.delete(closed);
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left <= 0) perAddress.delete(address);
        else perAddress.set(address, left);
      },
    });
    connections.add(connection);
  };
  const server: Server = createServer({ noDelay: true }, onSocket);
  const host = config.clientPortAddress ?? '0.0.0.0';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: config.clientPort, backlog: 511 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.clientPort;
  const expiryTimer = setInterval(() => sessions.expire(), config.tickTimeMs);
  const reaperTimer = setInterval(() => reap(processor, clock), config.containerCheckIntervalMs);
  logger.info({ host, port, dataDir: config.dataDir }, 'meerkat serving clients');
  return {
    host,
    port,
    processor,
    store,
    async close() {
      clearInterval(expiryTimer);
      clearInterval(reaperTimer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of connections) connection.close('server shutting down');
      });
      while (!processor.idle) await new Promise((resolve) => setImmediate(resolve));
      await store.close();
    },
  };
}
