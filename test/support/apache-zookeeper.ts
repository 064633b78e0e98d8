// Apache ZooKeeper (the reference implementation) as a test server: QuorumPeerMain run in the
// foreground straight from java, with the classpath zkServer.sh would build, logging to a file.
//
// Finding the install: ZOOKEEPER_HOME (an Apache tarball: lib/*.jar, bin/zkCli.sh) if set,
// else the Debian package (/usr/share/java/zookeeper.jar, whose manifest Class-Path names its
// dependencies; scripts in /usr/share/zookeeper/bin). Java: JAVA_HOME/bin/java, else `java`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  launchServer,
  prepareServerDir,
  withPortRetry,
  type RunningServer,
  type ServerOptions,
} from './server-process.ts';

export type { RunningServer, ServerOptions } from './server-process.ts';

export interface ApacheInstall {
  java: string;
  /** javac next to java, when there is one (needed for the Java driver only). */
  javac: string | null;
  /** ZooKeeper and its dependencies, without a logging backend. */
  clientClasspath: string[];
  /** What the server runs with: the client classpath plus a logging backend if available. */
  serverClasspath: string[];
  zkCli: string | null;
  description: string;
}

export type Availability = { ok: true } | { ok: false; reason: string };

const DEBIAN_JAVA_DIR = '/usr/share/java';
const DEBIAN_ZK_BIN = '/usr/share/zookeeper/bin';

function findJava(): { java: string; javac: string | null } | string {
  const javaHome = process.env['JAVA_HOME'];
  const java = javaHome ? path.join(javaHome, 'bin', 'java') : 'java';
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (probe.error || probe.status !== 0) {
    return `cannot run '${java} -version' (${probe.error ? probe.error.message : probe.stderr})`;
  }
  const javacName = javaHome ? path.join(javaHome, 'bin', 'javac') : 'javac';
  const javacProbe = spawnSync(javacName, ['-version'], { encoding: 'utf8', timeout: 15_000 });
  const javac = javacProbe.error || javacProbe.status !== 0 ? null : javacName;
  return { java, javac };
}

function findJars(): Omit<ApacheInstall, 'java' | 'javac'> | string {
  const home = process.env['ZOOKEEPER_HOME'];
  if (home) {
    const lib = path.join(home, 'lib');
    if (!existsSync(lib)) return `ZOOKEEPER_HOME=${home} has no lib/ directory`;
    const jars = readdirSync(lib).filter((f) => f.endsWith('.jar')).map((f) => path.join(lib, f));
    if (!jars.some((j) => /zookeeper-\d.*\.jar$/.test(j))) return `no zookeeper jar in ${lib}`;
    const zkCli = path.join(home, 'bin', 'zkCli.sh');
    // The tarball ships logback; the client classpath keeps it (it is configured per process).
    return {
      clientClasspath: jars,
      serverClasspath: jars,
      zkCli: existsSync(zkCli) ? zkCli : null,
      description: `Apache tarball at ${home}`,
    };
  }
  const zkJar = path.join(DEBIAN_JAVA_DIR, 'zookeeper.jar');
  if (!existsSync(zkJar)) {
    return `${zkJar} not found (install the Debian 'zookeeper' package or set ZOOKEEPER_HOME)`;
  }
  // Debian's zkEnv.sh: CLASSPATH=/etc/zookeeper/conf:/usr/share/java/zookeeper.jar. We leave out
  // /etc/zookeeper/conf (our own logging config instead) and add log4j 1.2 + its slf4j binding,
  // so the server logs to a file rather than nowhere.
  const logging = ['slf4j-log4j12.jar', 'log4j-1.2.jar'].map((j) => path.join(DEBIAN_JAVA_DIR, j));
  const zkCli = path.join(DEBIAN_ZK_BIN, 'zkCli.sh');
  return {
    clientClasspath: [zkJar],
    serverClasspath: logging.every((j) => existsSync(j)) ? [zkJar, ...logging] : [zkJar],
    zkCli: existsSync(zkCli) ? zkCli : null,
    description: `Debian package (${zkJar})`,
  };
}

let cached: ApacheInstall | string | undefined;

/** The install, or a reason why there is none. Probed once per process. */
export function apacheInstall(): ApacheInstall | string {
  if (cached !== undefined) return cached;
  const java = findJava();
  const jars = findJars();
  if (typeof java === 'string') cached = java;
  else if (typeof jars === 'string') cached = jars;
  else cached = { ...java, ...jars };
  return cached;
}

export function apacheZooKeeperAvailable(): Availability {
  const install = apacheInstall();
  return typeof install === 'string' ? { ok: false, reason: install } : { ok: true };
}

function requireInstall(): ApacheInstall {
  const install = apacheInstall();
  if (typeof install === 'string') throw new Error(`Apache ZooKeeper unavailable: ${install}`);
  return install;
}

/** log4j 1.x settings that send Apache's server log to one file. */
export function log4jProperties(logFile: string): string {
  return [
    'log4j.rootLogger=INFO, FILE',
    'log4j.appender.FILE=org.apache.log4j.FileAppender',
    `log4j.appender.FILE.File=${logFile}`,
    'log4j.appender.FILE.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n',
    '',
  ].join('\n');
}

function logbackXml(logFile: string): string {
  return `<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${logFile}</file>
    <encoder><pattern>%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;
}

/** JVM flags that make short-lived test JVMs start faster. */
export const FAST_JVM_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto'];

export async function startApacheZooKeeper(options: ServerOptions = {}): Promise<RunningServer> {
  const install = requireInstall();
  return withPortRetry(async () => {
    const serverDir = await prepareServerDir('apache', options);
    const logFile = path.join(serverDir.dir, 'zookeeper.log');
    const log4jFile = path.join(serverDir.dir, 'log4j.properties');
    const logbackFile = path.join(serverDir.dir, 'logback.xml');
    await writeFile(log4jFile, log4jProperties(logFile));
    await writeFile(logbackFile, logbackXml(logFile));
    const args = [
      '-Xmx512m',
      ...FAST_JVM_FLAGS,
      '-Djava.net.preferIPv4Stack=true',
      `-Dzookeeper.log.dir=${serverDir.dir}`,
      '-Dzookeeper.log.file=zookeeper.log',
      `-Dlog4j.configuration=file:${log4jFile}`,
      `-Dlogback.configurationFile=${logbackFile}`,
      '-Dzookeeper.jmx.log4j.disable=true',
      '-cp',
      install.serverClasspath.join(path.delimiter),
      'org.apache.zookeeper.server.quorum.QuorumPeerMain',
      serverDir.cfgFile,
    ];
    return launchServer({
      name: 'apache',
      command: install.java,
      args,
      serverDir,
      logFile,
      stdioFile: path.join(serverDir.dir, 'stdout.log'),
      ...(options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    });
  });
}
