// Starting the servers a comparison runs against, each on a free loopback port: Apache
// ZooKeeper 3.8 and Meerkat from the same zoo.cfg settings (own data directory each), and the
// null server. Stopped with SIGTERM (SIGKILL after 10 s); temp directories removed.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { getFreePort } from '../../test/support/free-port.ts';
import { trackChild } from '../../test/support/server-process.ts';
import type { Contender } from './report.ts';
import { pollUntil, sessionAttempt } from './poll.ts';
import { renderBenchZooCfg, spawnServer, type BenchServer } from './servers.ts';

const nullServerScript = fileURLToPath(new URL('../null-server.js', import.meta.url));

export interface RunningContender {
  readonly kind: Contender;
  readonly port: number;
  readonly pid: number;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** What stopping and watching a server process needs (a BenchServer has it too). */
type ServerProcess = Pick<BenchServer, 'pid' | 'child' | 'logFile' | 'exited' | 'hasExited'>;

function spawnNullServer(port: number, dir: string): ServerProcess {
  const logFile = path.join(dir, 'null.log');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [nullServerScript, '--port', String(port)], {
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error('could not start the null server');
  trackChild(child);
  let gone = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => (gone = true));
  return { pid: child.pid, child, logFile, exited, hasExited: () => gone };
}

export async function startContender(kind: Contender): Promise<RunningContender> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `meerkat-bench-${kind}-`));
  const port = await getFreePort();
  let server: ServerProcess;
  if (kind === 'null') {
    server = spawnNullServer(port, dir);
  } else {
    const cfgFile = path.join(dir, 'zoo.cfg');
    // Snapshots every 100k txns (Apache's default); no per-address connection limit (the
    // fan-out opens 200 sessions from 127.0.0.1); the rest as renderBenchZooCfg sets it.
    const cfg = renderBenchZooCfg({
      dataDir: path.join(dir, 'data'),
      port,
      snapCount: 100_000,
      extra: { maxClientCnxns: '0' },
    });
    await writeFile(cfgFile, cfg);
    server = await spawnServer(kind, cfgFile, dir, 'bench');
  }
  const died = (): string | undefined =>
    server.hasExited() ? `${kind} exited (see ${server.logFile})` : undefined;
  try {
    await pollUntil(sessionAttempt(port), { deadlineMs: 60_000, abandon: died });
  } catch (error) {
    server.child.kill('SIGKILL');
    throw error;
  }
  return {
    kind,
    port,
    pid: server.pid,
    logFile: server.logFile,
    stop: async () => {
      if (!server.hasExited()) {
        server.child.kill('SIGTERM');
        await Promise.race([server.exited, delay(10_000)]);
        if (!server.hasExited()) server.child.kill('SIGKILL');
        await Promise.race([server.exited, delay(5_000)]);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
