// Servers for the durability tests on a data directory the test owns (so that it survives a
// restart): in-process through startServer (with a chosen logger, clock and txn-log disk), or
// the real CLI as a child process that can be SIGKILLed and started again on the same dataDir.
// Children are tracked and killed by PID if the test process exits first.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../../src/core/clock.ts';
import type { Logger } from '../../src/core/logger.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { configFromOptions, type ServerConfigInput } from '../../src/server/config.ts';
import type { OpenLogFile } from '../../src/server/persistence/file-txn-log.ts';
import { startServer, type RunningServer } from '../../src/server/server.ts';
import { sendFourLetterWord } from './four-letter-word.ts';
import { LOOPBACK } from './free-port.ts';
import { meerkatCliPath } from './meerkat-server.ts';
import { renderZooCfg, trackChild } from './server-process.ts';

export interface InProcessOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly openLogFile?: OpenLogFile;
  readonly config?: ServerConfigInput;
}

/** startServer on 127.0.0.1, an ephemeral port and `dataDir` (snapCount 50, 64 KiB prealloc). */
export function startAt(dataDir: string, options: InProcessOptions = {}): Promise<RunningServer> {
  const config = configFromOptions({
    tickTimeMs: 100,
    snapCount: 50,
    preAllocSizeKb: 64,
    fourLetterWordWhitelist: 'all',
    ...options.config,
    dataDir,
    clientPort: 0,
    clientPortAddress: LOOPBACK,
  });
  return startServer({
    config,
    logger: options.logger ?? silentLogger,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.openLogFile === undefined ? {} : { openLogFile: options.openLogFile }),
  });
}

/** Writes `dir`/zoo.cfg for a loopback server on `port` with `dataDir`; returns its path. */
export async function writeZooCfg(
  dir: string,
  dataDir: string,
  port: number,
  extra: Record<string, string> = {},
): Promise<string> {
  const cfgFile = join(dir, 'zoo.cfg');
  await writeFile(cfgFile, renderZooCfg(dataDir, LOOPBACK, port, extra));
  return cfgFile;
}

export interface ChildServer {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves when the process has exited (with its code or signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` to the child by PID and waits (bounded) for it to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `meerkat server --config cfgFile`; stdout and stderr (the JSON log) go to `logFile`. */
export function spawnMeerkat(cfgFile: string, logFile: string): ChildServer {
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [meerkatCliPath(), 'server', '--config', cfgFile], {
      stdio: ['ignore', fd, fd],
      env: { ...process.env, LOG_LEVEL: 'info' },
    });
  } finally {
    closeSync(fd);
  }
  trackChild(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error('meerkat child has no pid');
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
    } else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(pid, signal);
      } catch {
        return;
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`pid ${pid} still running after ${signal}`)),
        10_000,
      );
    });
    try {
      await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return { child, pid, exited, kill };
}

export function tailOf(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/** Waits (bounded) until the child answers `ruok`; throws with its log if it exits first. */
export async function waitReady(
  server: ChildServer,
  port: number,
  logFile: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => (exited = true));
  while (performance.now() < deadline) {
    if (exited) throw new Error(`meerkat exited before serving:\n${tailOf(logFile)}`);
    const answer = await sendFourLetterWord(LOOPBACK, port, 'ruok', { timeoutMs: 500 }).catch(
      () => '',
    );
    if (answer.trim() === 'imok') return;
    await delay(25);
  }
  await server.kill('SIGKILL');
  throw new Error(`meerkat not ready within ${timeoutMs} ms:\n${tailOf(logFile)}`);
}

/** The JSON log lines of a server's log file whose `msg` contains `fragment`. */
export function logLines(file: string, fragment: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const parsed = JSON.parse(line) as Record<string, unknown>;
    if (typeof parsed['msg'] === 'string' && parsed['msg'].includes(fragment)) out.push(parsed);
  }
  return out;
}
