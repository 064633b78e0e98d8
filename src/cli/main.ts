#!/usr/bin/env node
// The `meerkat` command. Thin: parses flags, loads config, starts the pieces.
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, configFromOptions, loadZooCfgFile } from '../server/config.ts';
import { startServer } from '../server/server.ts';
import { meerkatVersion } from '../server/version.ts';
import { createLogger } from './logger.ts';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535');
  }
  return n;
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
  .option('-d, --data-dir <dir>', 'data directory (zoo.cfg dataDir)')
  .option(
    '--log-level <level>',
    'trace, debug, info, warn, error',
    process.env['LOG_LEVEL'] ?? 'info',
  )
  .addHelpText(
    'after',
    '\nWithout --config the defaults of Apache ZooKeeper apply (tickTime=3000, ' +
      'maxClientCnxns=60, 4lw.commands.whitelist=srvr).',
  )
  .action(
    async (flags: {
      config?: string;
      port?: number;
      host?: string;
      dataDir?: string;
      logLevel: string;
    }) => {
      const logger = createLogger(flags.logLevel);
      try {
        const base = flags.config === undefined ? undefined : await loadZooCfgFile(flags.config);
        for (const warning of base?.warnings ?? []) logger.warn({ config: flags.config }, warning);
        const overrides = {
          ...(flags.port === undefined ? {} : { clientPort: flags.port }),
          ...(flags.host === undefined ? {} : { clientPortAddress: flags.host }),
          ...(flags.dataDir === undefined
            ? {}
            : { dataDir: flags.dataDir, dataLogDir: flags.dataDir }),
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
      } catch (error) {
        if (error instanceof ConfigError) {
          process.stderr.write(`meerkat: ${error.message}\n`);
          process.exit(2);
        }
        throw error;
      }
    },
  );

await program.parseAsync(process.argv);
