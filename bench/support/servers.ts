// Server processes for the benches: Apache ZooKeeper (QuorumPeerMain straight from java with
// the JVM's own defaults: no heap or JIT flags) and Meerkat (the CLI on node, default flags),
// both reading the same zoo.cfg, output to files. Plus /proc readings and data dir sizes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { apacheInstall, log4jProperties } from '../../test/support/apache-zookeeper.ts';
import { repoRoot, trackChild } from '../../test/support/server-process.ts';

export type ServerKind = 'apache' | 'meerkat';

/** The CLI of the same build as this file (dist/src/... next to dist/bench/...). */
const meerkatCli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface BenchServer {
  readonly kind: ServerKind;
  readonly pid: number;
  readonly child: ChildProcess;
  /** performance.now() just before spawn(). */
  readonly spawnedAt: number;
  readonly logFile: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  hasExited(): boolean;
}

export function renderBenchZooCfg(options: {
  dataDir: string;
  port: number;
  snapCount: number;
  extra?: Record<string, string>;
}): string {
  const entries = new Map<string, string>([
    ['tickTime', '2000'],
    ['dataDir', options.dataDir],
    ['clientPortAddress', '127.0.0.1'],
    ['clientPort', String(options.port)],
    ['snapCount', String(options.snapCount)],
    ['forceSync', 'yes'],
    ['admin.enableServer', 'false'],
    ['4lw.commands.whitelist', '*'],
  ]);
  for (const [key, value] of Object.entries(options.extra ?? {})) entries.set(key, value);
  return [...entries].map(([k, v]) => `${k}=${v}\n`).join('');
}

/** Starts `kind` on `cfgFile`; logs go to `<logDir>/<kind>-<tag>.log`. */
export async function spawnServer(
  kind: ServerKind,
  cfgFile: string,
  logDir: string,
  tag: string,
): Promise<BenchServer> {
  const logFile = path.join(logDir, `${kind}-${tag}.log`);
  let command: string;
  let args: string[];
  if (kind === 'apache') {
    const install = apacheInstall();
    if (typeof install === 'string') throw new Error(`Apache ZooKeeper unavailable: ${install}`);
    const log4jFile = path.join(logDir, `log4j-${tag}.properties`);
    await writeFile(log4jFile, log4jProperties(logFile));
    command = install.java;
    args = [
      `-Dzookeeper.log.dir=${logDir}`,
      `-Dzookeeper.log.file=${path.basename(logFile)}`,
      `-Dlog4j.configuration=file:${log4jFile}`,
      '-Dzookeeper.jmx.log4j.disable=true',
      '-cp',
      install.serverClasspath.join(path.delimiter),
      'org.apache.zookeeper.server.quorum.QuorumPeerMain',
      cfgFile,
    ];
  } else {
    command = process.execPath;
    args = [meerkatCli, 'server', '--config', cfgFile];
  }
  const out = openSync(kind === 'apache' ? `${logFile}.stdout` : logFile, 'a');
  const spawnedAt = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', out, out], detached: false });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  trackChild(child);
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      gone = true;
      resolve();
    });
  });
  return { kind, pid: child.pid, child, spawnedAt, logFile, exited, hasExited: () => gone };
}

/** SIGKILL (a crash, not a clean stop) and wait for the exit; bounded. */
export async function crash(server: BenchServer): Promise<void> {
  if (server.hasExited()) return;
  process.kill(server.pid, 'SIGKILL');
  await Promise.race([server.exited, delay(10_000)]);
  if (!server.hasExited()) throw new Error(`${server.kind} pid ${server.pid} survived SIGKILL`);
}

export interface MemoryReading {
  /** VmRSS in bytes. */
  readonly rss: number;
  /** VmHWM (peak RSS so far) in bytes. */
  readonly hwm: number;
}

export function readMemory(pid: number): MemoryReading {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match === null ? NaN : Number(match[1]) * 1024;
  };
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

export interface FileGroupUsage {
  files: number;
  /** Sum of file sizes. */
  bytes: number;
  /** Sum of allocated blocks (preallocated log space is sparse on most file systems). */
  allocated: number;
  /** The size of the newest file of the group (by zxid in its name). */
  newestBytes: number;
}

export interface DirUsage {
  snapshots: FileGroupUsage;
  logs: FileGroupUsage;
  other: FileGroupUsage;
}

function emptyGroup(): FileGroupUsage {
  return { files: 0, bytes: 0, allocated: 0, newestBytes: 0 };
}

/** Sizes of snapshot.* and log.* files in a version-2 directory. */
export async function versionDirUsage(dir: string): Promise<DirUsage> {
  const usage: DirUsage = { snapshots: emptyGroup(), logs: emptyGroup(), other: emptyGroup() };
  const newest = { snapshots: -1n, logs: -1n, other: -1n };
  for (const name of await readdir(dir)) {
    const info = await stat(path.join(dir, name));
    if (!info.isFile()) continue;
    const key = name.startsWith('snapshot.')
      ? 'snapshots'
      : name.startsWith('log.')
        ? 'logs'
        : 'other';
    const group = usage[key];
    group.files++;
    group.bytes += info.size;
    group.allocated += info.blocks * 512;
    const hex = /^[a-z]+\.([0-9a-f]+)$/.exec(name)?.[1];
    const zxid = hex === undefined ? -1n : BigInt(`0x${hex}`);
    if (zxid >= newest[key]) {
      newest[key] = zxid;
      group.newestBytes = info.size;
    }
  }
  return usage;
}

export interface MachineInfo {
  /** The commit of the code under test, +dirty when src/ has uncommitted changes. */
  source: string;
  nproc: number;
  cpuModel: string;
  memTotal: string;
  node: string;
  java: string;
  os: string;
}

export function machineInfo(): MachineInfo {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.*)$/m.exec(cpu)?.[1] ?? 'unknown';
  const java = apacheInstall();
  let javaVersion = 'unavailable';
  if (typeof java !== 'string') {
    const probe = spawnSync(java.java, ['-version'], { encoding: 'utf8', timeout: 15_000 });
    javaVersion = (probe.stderr.split('\n')[0] ?? '').trim();
  }
  return {
    source: sourceVersion(),
    nproc: os.availableParallelism(),
    cpuModel: model,
    memTotal: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    java: javaVersion,
    os: `${os.type()} ${os.release()}`,
  };
}

/** `git rev-parse --short HEAD`, +dirty if src/ differs from it (read-only git calls). */
export function sourceVersion(): string {
  const git = (...args: string[]): string =>
    spawnSync('git', args, { cwd: repoRoot(), encoding: 'utf8', timeout: 10_000 }).stdout.trim();
  const head = git('rev-parse', '--short', 'HEAD') || 'unknown';
  return git('status', '--porcelain', '--', 'src') === '' ? head : `${head}+dirty`;
}

/** CPU time (user + system, all threads) a process has used so far, in ms. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is [0], utime [11], stime [12].
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicksPerSecond;
}

/** sysconf(_SC_CLK_TCK): 100 on Linux unless the kernel was built otherwise. */
const clockTicksPerSecond = Number(
  spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || '100',
);

/**
 * Waits until every process has used under 5% of a core over a 300 ms window (a snapshot, GC
 * or JIT left over from the previous window must not land in the next one's), for at most
 * 15 s. Returns false when they did not settle in time.
 */
export async function waitUntilIdle(pids: readonly number[]): Promise<boolean> {
  const windowMs = 300;
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    const before = pids.map(processCpuMs);
    await delay(windowMs);
    const busiest = Math.max(...pids.map((pid, i) => processCpuMs(pid) - (before[i] ?? 0)));
    if ((busiest / windowMs) * 100 < 5) return true;
  }
  return false;
}
