#!/usr/bin/env node
// The `meerkat` command. Thin: parses flags, loads config, starts the pieces.
import { Command, InvalidArgumentError } from 'commander';
import { join } from 'node:path';
import { ConfigError, configFromOptions, loadZooCfgFile } from '../server/config.ts';
import { purge } from '../server/persistence/purge.ts';
import { startServer } from '../server/server.ts';
import { meerkatVersion } from '../server/version.ts';
import { inspectLog, inspectSnapshot } from './commands/inspect.ts';
import { createLogger } from './logger.ts';
import { defaultHistoryFile } from './shell/history-file.ts';
import { runShell } from './shell/index.ts';
import { shellOperands } from './shell/operands.ts';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535');
  }
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
}

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Expected failures print one line and exit non-zero; anything else is a bug: full stack. */
function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`meerkat: ${message}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}

interface ServerFlags {
  config?: string;
  port?: number;
  host?: string;
  dataDir?: string;
  logLevel: string;
}

async function runServer(flags: ServerFlags): Promise<void> {
  const logger = createLogger(flags.logLevel);
  const base = flags.config === undefined ? undefined : await loadZooCfgFile(flags.config);
  for (const warning of base?.warnings ?? []) logger.warn({ config: flags.config }, warning);
  const overrides = {
    ...(flags.port === undefined ? {} : { clientPort: flags.port }),
    ...(flags.host === undefined ? {} : { clientPortAddress: flags.host }),
    ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir, dataLogDir: flags.dataDir }),
  };
  const config =
    base === undefined ? configFromOptions(overrides) : { ...base.config, ...overrides };
  const server = await startServer({ config, logger });
  const stop = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const program = new Command('meerkat')
  .description('A ZooKeeper-compatible coordination service')
  .version(meerkatVersion);

program
  .command('server')
  .description('run a standalone server (reads Apache ZooKeeper zoo.cfg files)')
  .option('-c, --config <file>', 'zoo.cfg to read (flags below override it)')
  .option('-p, --port <port>', 'client port (zoo.cfg clientPort)', port)
  .option('-H, --host <address>', 'address to listen on (zoo.cfg clientPortAddress)')
  .option('-d, --data-dir <dir>', 'data directory (zoo.cfg dataDir and dataLogDir)')
  .option(
    '--log-level <level>',
    'trace, debug, info, warn, error',
    process.env['LOG_LEVEL'] ?? 'info',
  )
  .addHelpText(
    'after',
    '\nWithout --config the defaults of Apache ZooKeeper apply (tickTime=3000, ' +
      'maxClientCnxns=60, 4lw.commands.whitelist=srvr) and data goes to ./data.',
  )
  .action((flags: ServerFlags) => runServer(flags).catch(fail));

program
  .command('log')
  .description('print the txns of a txn log segment and verify its checksums')
  .argument('<file>', 'a log.<zxid> file, e.g. data/version-2/log.1')
  .action(async (file: string) => {
    process.exitCode = await inspectLog(file, print).catch(fail);
  });

program
  .command('snapshot')
  .description('summarise a snapshot file and verify its checksum')
  .argument('<file>', 'a snapshot.<zxid> file')
  .option('--details', 'print every znode with its stat')
  .action(async (file: string, flags: { details?: boolean }) => {
    process.exitCode = await inspectSnapshot(file, print, {
      details: flags.details === true,
    }).catch(fail);
  });

program
  .command('purge')
  .description(
    "remove old snapshots and txn logs, keeping what recovery needs (Apache's zkCleanup)",
  )
  .requiredOption('-d, --data-dir <dir>', 'data directory (dataDir)')
  .option('-l, --data-log-dir <dir>', 'txn log directory (dataLogDir), if not the data directory')
  .option('-n, --count <n>', 'snapshots to keep (at least 3 is wise)', count, 3)
  .action(async (flags: { dataDir: string; dataLogDir?: string; count: number }) => {
    const result = await purge({
      snapDir: join(flags.dataDir, 'version-2'),
      logDir: join(flags.dataLogDir ?? flags.dataDir, 'version-2'),
      retainCount: flags.count,
    }).catch(fail);
    for (const name of [...result.snapshotsRemoved, ...result.logsRemoved])
      print(`removed ${name}`);
    print(`${result.snapshotsRemoved.length + result.logsRemoved.length} file(s) removed`);
  });

function milliseconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected milliseconds >= 1');
  return n;
}

interface ShellFlags {
  timeout: number;
  historyFile: string | false;
  readOnly?: boolean;
}

const defaultConnectString = '127.0.0.1:2181';

program
  .command('shell')
  .description("a shell for any ZooKeeper server, with the commands and output of Apache's zkCli")
  .argument(
    '[connect-string]',
    `host:port[,host:port...][/chroot] (default ${defaultConnectString})`,
  )
  .argument('[command...]', 'run this one command and exit (put -- before it if it has options)')
  .option('-t, --timeout <ms>', 'session timeout', milliseconds, 30_000)
  .option('--history-file <file>', 'history kept across sessions', defaultHistoryFile())
  .option('--no-history-file', 'keep no history across sessions')
  .option('-r, --read-only', 'accept a read-only server')
  .addHelpText(
    'after',
    `
Without a command: a prompt on a terminal (Tab completes commands and znode paths, the arrow
keys go through history); otherwise commands are read from stdin, one per line, without a
prompt. Type "help" for the commands: those of zkCli.sh, with its output formats.

  meerkat shell 127.0.0.1:2181
  meerkat shell 127.0.0.1:2181 -- ls -R /app
  printf 'create /app\nget -s /app\n' | meerkat shell 127.0.0.1:2181

Exit status: 0 when every command succeeded, 127 for an unknown command, 1 for any other
failure (also of one line among many on stdin). zkCli.sh exits 0 after some failures; this
shell does not.`,
  )
  .action(async (connectString: string | undefined, command: string[], flags: ShellFlags) => {
    const operands = [...(connectString === undefined ? [] : [connectString]), ...command];
    const parsed = shellOperands(operands, process.argv, defaultConnectString);
    process.exitCode = await runShell({
      connectString: parsed.connectString,
      command: parsed.command,
      sessionTimeoutMs: flags.timeout,
      historyFile: flags.historyFile === false ? undefined : flags.historyFile,
      readOnly: flags.readOnly === true,
    }).catch(fail);
  });

await program.parseAsync(process.argv);
