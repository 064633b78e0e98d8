// Shared plumbing for the test servers (Apache ZooKeeper and Meerkat): a zoo.cfg in a fresh
// temp dir, a foreground child process whose output goes to files, a bounded readiness wait
// (`ruok` -> `imok`, or a completed client handshake), and a stop() that always escalates.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { getFreePort, LOOPBACK } from './free-port.ts';
import { sendFourLetterWord } from './four-letter-word.ts';
import { probeClientHandshake } from './zk-handshake.ts';

export interface RunningServer {
  /** Which implementation this is, for messages ("apache", "meerkat"). */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** `host:port`, as clients take it. */
  readonly connectString: string;
  /** The server's own log file (inside the temp dir; gone after stop() unless kept). */
  readonly logFile: string;
  /** The temp dir holding zoo.cfg, the data dir and the logs. */
  readonly dir: string;
  readonly pid: number;
  /** SIGTERM, then SIGKILL after a grace period; then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Extra zoo.cfg keys; they override the defaults of the same name. */
  extraConfig?: Record<string, string>;
  /** Bound for the readiness wait; default 30 s. */
  readyTimeoutMs?: number;
}

/** Set MEERKAT_KEEP_SERVER_DIRS=1 to keep temp dirs (configs, logs, data) after stop(). */
const KEEP_DIRS = process.env['MEERKAT_KEEP_SERVER_DIRS'] === '1';
const STOP_GRACE_MS = 5000;

/** The repository root: the nearest ancestor of this file holding package.json + tsconfig. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'tsconfig.json'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repository root not found above ' + import.meta.url);
    dir = parent;
  }
}

export interface ServerDir {
  dir: string;
  dataDir: string;
  cfgFile: string;
  host: string;
  port: number;
}

export function renderZooCfg(
  dataDir: string,
  host: string,
  port: number,
  extra: Record<string, string> = {},
): string {
  const entries = new Map<string, string>([
    ['tickTime', '2000'],
    ['dataDir', dataDir],
    ['clientPortAddress', host],
    ['clientPort', String(port)],
    ['admin.enableServer', 'false'],
    ['4lw.commands.whitelist', '*'],
  ]);
  for (const [key, value] of Object.entries(extra)) entries.set(key, value);
  return [...entries].map(([k, v]) => `${k}=${v}\n`).join('');
}

/** A fresh temp dir with data/ and zoo.cfg for a server on a free loopback port. */
export async function prepareServerDir(name: string, options: ServerOptions): Promise<ServerDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `meerkat-${name}-`));
  const dataDir = path.join(dir, 'data');
  const host = LOOPBACK;
  const port = await getFreePort(host);
  const cfgFile = path.join(dir, 'zoo.cfg');
  await writeFile(cfgFile, renderZooCfg(dataDir, host, port, options.extraConfig));
  return { dir, dataDir, cfgFile, host, port };
}

// Children still running when this process exits are killed, so a crashed test run does
// not leave JVMs behind.
const liveChildren = new Set<ChildProcess>();

/** Kills `child` (by PID) if it is still running when this process exits. */
export function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

function killLiveChildren(): void {
  for (const child of liveChildren) {
    if (child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

process.once('exit', killLiveChildren);
// A test runner that gives up on this process sends a signal: take the children along.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  process.once(signal, () => {
    killLiveChildren();
    process.exit(code);
  });
}

export interface LaunchSpec {
  name: string;
  command: string;
  args: string[];
  serverDir: ServerDir;
  /** The server's own log; shown on failure. */
  logFile: string;
  /** Where the child's stdout and stderr go. */
  stdioFile: string;
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

function tail(file: string, lines = 40): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return '(none)';
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

async function killByPid(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitForExit(child, STOP_GRACE_MS)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitForExit(child, STOP_GRACE_MS);
}

const NOT_SERVING = /not currently serving requests/i;

/**
 * Ready means "serves clients". Apache answers `ruok` with `imok` as soon as it listens, before
 * its ZooKeeperServer runs (clients are dropped until then), so `srvr` must also report a
 * serving server. A server without four letter words must complete a client handshake.
 */
async function isReady(host: string, port: number): Promise<boolean> {
  const ask = (word: string): Promise<string | null> =>
    sendFourLetterWord(host, port, word, { timeoutMs: 1000 }).then(
      (answer) => answer.trim(),
      () => null,
    );
  const ruok = await ask('ruok');
  if (ruok === null) return false; // not listening yet
  if (ruok === 'imok') {
    const srvr = await ask('srvr');
    if (srvr === null || NOT_SERVING.test(srvr)) return false;
    if (srvr !== '') return true;
  }
  // Listening, but four letter words are unsupported: try a real client handshake.
  return probeClientHandshake(host, port, 2000);
}

/** Spawns the server in the foreground and waits (bounded) until it serves clients. */
export async function launchServer(spec: LaunchSpec): Promise<RunningServer> {
  const { host, port, dir } = spec.serverDir;
  const stdioFd = openSync(spec.stdioFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, spec.args, {
      cwd: dir,
      env: spec.env ?? process.env,
      stdio: ['ignore', stdioFd, stdioFd],
    });
  } finally {
    closeSync(stdioFd);
  }
  trackChild(child);
  let spawnError: Error | null = null;
  child.once('error', (err) => {
    spawnError = err;
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await killByPid(child);
    liveChildren.delete(child);
    if (KEEP_DIRS) console.warn(`[${spec.name}] kept server dir ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (spec.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (spawnError !== null || child.exitCode !== null || child.signalCode !== null) {
      const why = spawnError !== null
        ? `failed to spawn: ${String(spawnError)}`
        : `exited early (code ${String(child.exitCode)}, signal ${String(child.signalCode)})`;
      await stop();
      throw new Error(
        `${spec.name} server on ${host}:${port} ${why}\n` +
          `--- output (${spec.stdioFile}) ---\n${tail(spec.stdioFile)}\n` +
          `--- log (${spec.logFile}) ---\n${tail(spec.logFile)}`,
      );
    }
    if (await isReady(host, port)) break;
    if (Date.now() > deadline) {
      const logs = `--- output ---\n${tail(spec.stdioFile)}\n--- log ---\n${tail(spec.logFile)}`;
      await stop();
      throw new Error(`${spec.name} server on ${host}:${port} not ready in time\n${logs}`);
    }
    await delay(100);
  }

  if (child.pid === undefined) throw new Error(`${spec.name}: no pid`);
  return {
    name: spec.name,
    host,
    port,
    connectString: `${host}:${port}`,
    logFile: spec.logFile,
    dir,
    pid: child.pid,
    stop,
  };
}

/** Retries a start when the chosen port was taken between probing and binding. */
export async function withPortRetry<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await start();
    } catch (err) {
      const text = String(err);
      if (i >= attempts || !/address already in use|EADDRINUSE|BindException/i.test(text)) {
        throw err;
      }
    }
  }
}
