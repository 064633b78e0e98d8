// Meerkat as a test server, started exactly like Apache ZooKeeper: the same zoo.cfg in a
// fresh temp dir, run in the foreground as `node dist/src/cli/main.js server --config <cfg>`.
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  launchServer,
  prepareServerDir,
  repoRoot,
  withPortRetry,
  type RunningServer,
  type ServerOptions,
} from './server-process.ts';

export type { RunningServer, ServerOptions } from './server-process.ts';

/** The compiled CLI entry point (`npx tsc -b` builds it). */
export function meerkatCliPath(): string {
  return path.join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
}

export async function startMeerkat(options: ServerOptions = {}): Promise<RunningServer> {
  const cli = meerkatCliPath();
  if (!existsSync(cli)) {
    throw new Error(
      `Meerkat CLI not built: ${cli} is missing (run \`npx tsc -b\`; to exercise the harness ` +
        'against Apache ZooKeeper alone set MEERKAT_DIFF_TARGET=apache)',
    );
  }
  return withPortRetry(async () => {
    const serverDir = await prepareServerDir('meerkat', options);
    const logFile = path.join(serverDir.dir, 'meerkat.log');
    return launchServer({
      name: 'meerkat',
      command: process.execPath,
      args: ['--enable-source-maps', cli, 'server', '--config', serverDir.cfgFile],
      serverDir,
      logFile,
      stdioFile: logFile,
      ...(options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    });
  });
}
