// A Meerkat server inside the test process, on 127.0.0.1 and an ephemeral port, silent, with a
// short tickTime (200 ms) so session expiry tests finish quickly, and every four-letter word on.
// Any ServerConfigInput field given by the caller wins over these defaults.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/logger.ts';
import { configFromOptions, type ServerConfigInput } from '../../src/server/config.ts';
import { startServer, type RunningServer } from '../../src/server/server.ts';

export interface InProcessServer {
  readonly host: string;
  readonly port: number;
  readonly tickTimeMs: number;
  readonly running: RunningServer;
  close(): Promise<void>;
}

export const testTickTimeMs = 200;

export async function startInProcessServer(
  overrides: ServerConfigInput = {},
): Promise<InProcessServer> {
  // A fresh data directory per server unless the caller brings one (and then keeps it).
  const ownDataDir = overrides.dataDir === undefined;
  const dataDir = overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'meerkat-test-')));
  const config = configFromOptions({
    tickTimeMs: testTickTimeMs,
    fourLetterWordWhitelist: 'all',
    ...overrides,
    dataDir,
    clientPort: 0,
    clientPortAddress: '127.0.0.1',
  });
  const running = await startServer({ config, logger: silentLogger });
  let closing: Promise<void> | undefined;
  return {
    host: running.host,
    port: running.port,
    tickTimeMs: config.tickTimeMs,
    running,
    close: () =>
      (closing ??= running.close().then(async () => {
        if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
      })),
  };
}
