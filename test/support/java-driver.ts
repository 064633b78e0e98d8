// The Apache ZooKeeper Java client as a test client: test/compat/java/*.java (ZkDriver and its
// helpers) compiled on demand with javac into .tmp/java-driver/<hash>/ (cached by source and
// classpath), then run as `java ZkDriver <connectString>` speaking JSON lines on stdin/stdout.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import {
  apacheInstall,
  FAST_JVM_FLAGS,
  type ApacheInstall,
  type Availability,
} from './apache-zookeeper.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './json.ts';
import { repoRoot, trackChild } from './server-process.ts';

const execFileAsync = promisify(execFile);

/** One driver operation: {op, client?, label?, ...arguments}; see ZkDriver.java. */
export interface DriverOp {
  op: string;
  client?: string;
  label?: string;
  [key: string]: JsonValue | undefined;
}

/** One driver result: {op, label?, ok, ...values} or {ok: false, code, name} etc. */
export type DriverResult = JsonObject & { ok: boolean };

export function javaDriverAvailable(): Availability {
  const install = apacheInstall();
  if (typeof install === 'string') return { ok: false, reason: install };
  if (install.javac === null) return { ok: false, reason: 'javac (a JDK) not found' };
  return { ok: true };
}

function requireInstall(): ApacheInstall & { javac: string } {
  const install = apacheInstall();
  if (typeof install === 'string') throw new Error(`Apache ZooKeeper unavailable: ${install}`);
  if (install.javac === null) throw new Error('javac not found: the Java driver needs a JDK');
  return { ...install, javac: install.javac };
}

const LOGBACK_STDERR = `<configuration>
  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d %-5p [%t] %c{1} - %m%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="ERR"/></root>
</configuration>
`;

let compiled: Promise<string> | undefined;

/** Compiles the driver once per source/classpath version; returns the class directory. */
export function compileJavaDriver(): Promise<string> {
  compiled ??= compile();
  return compiled;
}

async function compile(): Promise<string> {
  const install = requireInstall();
  const sourceDir = path.join(repoRoot(), 'test', 'compat', 'java');
  const sources = (await readdir(sourceDir)).filter((f) => f.endsWith('.java')).sort();
  const hash = createHash('sha256');
  for (const file of sources) {
    hash.update(file).update(await readFile(path.join(sourceDir, file)));
  }
  hash.update(install.clientClasspath.join(path.delimiter)).update(install.javac);
  const cacheRoot = path.join(repoRoot(), '.tmp', 'java-driver');
  const classDir = path.join(cacheRoot, hash.digest('hex').slice(0, 16));
  if (existsSync(path.join(classDir, 'ZkDriver.class'))) return classDir;

  // Compile into a private dir and rename, so concurrent test processes never see half a build.
  await mkdir(cacheRoot, { recursive: true });
  const building = `${classDir}.build-${process.pid}-${Date.now()}`;
  await mkdir(building, { recursive: true });
  try {
    await execFileAsync(install.javac, [
      '-encoding', 'UTF-8', '-nowarn', '-implicit:none', '-d', building,
      '-cp', install.clientClasspath.join(path.delimiter),
      ...sources.map((f) => path.join(sourceDir, f)),
    ], { timeout: 120_000 });
    await writeFile(path.join(building, 'logback.xml'), LOGBACK_STDERR);
    try {
      await rename(building, classDir);
    } catch (err) {
      // Another process finished the same build first: use theirs.
      if (!existsSync(path.join(classDir, 'ZkDriver.class'))) throw err;
    }
    // Builds of older sources are of no further use.
    for (const entry of await readdir(cacheRoot)) {
      const stale = path.join(cacheRoot, entry);
      if (stale !== classDir && !entry.includes('.build-')) {
        await rm(stale, { recursive: true, force: true });
      }
    }
  } catch (err) {
    const stderr = isJsonObject(err) && typeof err['stderr'] === 'string' ? err['stderr'] : '';
    throw new Error(`compiling the Java driver failed: ${String(err)}\n${stderr}`, { cause: err });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return classDir;
}

interface Pending {
  resolve: (result: DriverResult) => void;
  reject: (err: Error) => void;
}

export class JavaDriver {
  readonly #child: ChildProcess;
  readonly #pending: Pending[] = [];
  #stderr = '';
  #failure: Error | null = null;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-20_000);
    });
    if (child.stdout) {
      createInterface({ input: child.stdout }).on('line', (line) => this.#onLine(line));
    }
    child.once('exit', (code, signal) => {
      this.#fail(new Error(`Java driver exited (code ${String(code)}, signal ${String(signal)})`));
    });
    child.once('error', (err) => this.#fail(err));
  }

  /** Starts a driver for `connectString` (compiling it first if needed). */
  static async start(connectString: string): Promise<JavaDriver> {
    const install = requireInstall();
    const classDir = await compileJavaDriver();
    const child = spawn(install.java, [
      '-Xmx256m', ...FAST_JVM_FLAGS,
      `-Dlogback.configurationFile=${path.join(classDir, 'logback.xml')}`,
      '-cp', [...install.clientClasspath, classDir].join(path.delimiter),
      'ZkDriver', connectString,
    ], { stdio: ['pipe', 'pipe', 'pipe'] });
    trackChild(child);
    return new JavaDriver(child);
  }

  /** What the driver wrote to stderr (last 20 kB), for failure messages. */
  get stderr(): string {
    return this.#stderr;
  }

  #onLine(line: string): void {
    const pending = this.#pending.shift();
    if (!pending) {
      this.#fail(new Error(`unexpected driver output: ${line}`));
      return;
    }
    try {
      const parsed: unknown = JSON.parse(line);
      if (!isJsonObject(parsed) || typeof parsed['ok'] !== 'boolean') {
        throw new Error('not a result object');
      }
      pending.resolve(parsed as DriverResult);
    } catch (err) {
      pending.reject(new Error(`bad driver output ${JSON.stringify(line)}: ${String(err)}`));
    }
  }

  #fail(err: Error): void {
    this.#failure ??= new Error(`${err.message}\n--- driver stderr ---\n${this.#stderr}`);
    for (const p of this.#pending.splice(0)) p.reject(this.#failure);
    this.#kill();
  }

  #kill(): void {
    const pid = this.#child.pid;
    if (pid !== undefined && this.#child.exitCode === null && this.#child.signalCode === null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** Runs one operation; a timeout breaks the driver (later answers could not be matched). */
  run(op: DriverOp, timeoutMs = 20_000): Promise<DriverResult> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<DriverResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(new Error(`driver op timed out after ${timeoutMs} ms: ${JSON.stringify(op)}`));
      }, timeoutMs);
      this.#pending.push({
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.#child.stdin?.write(JSON.stringify(op) + '\n');
    });
  }

  /** Runs operations in order and returns every result. */
  async runAll(ops: readonly DriverOp[]): Promise<DriverResult[]> {
    const results: DriverResult[] = [];
    for (const op of ops) results.push(await this.run(op));
    return results;
  }

  /** Ends stdin (the driver closes its sessions and exits); kills it if it lingers. */
  async close(timeoutMs = 5000): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin?.end();
    const timer = setTimeout(() => this.#kill(), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
