// Apache's zkCli.sh as a test client: one command per JVM (`zkCli.sh -server h:p cmd args`), or
// a session feeding several commands through stdin. Connection chatter and logging noise is
// stripped from the output.
import { spawn } from 'node:child_process';
import { apacheInstall, FAST_JVM_FLAGS, type Availability } from './apache-zookeeper.ts';
import { trackChild } from './server-process.ts';

export interface ZkCliResult {
  /** Exit code (null when killed). */
  code: number | null;
  stdout: string;
  stderr: string;
}

export function zkCliAvailable(): Availability {
  const install = apacheInstall();
  if (typeof install === 'string') return { ok: false, reason: install };
  if (install.zkCli === null) return { ok: false, reason: 'zkCli.sh not found' };
  return { ok: true };
}

function zkCliPath(): string {
  const install = apacheInstall();
  if (typeof install === 'string' || install.zkCli === null) {
    throw new Error(`zkCli.sh unavailable: ${typeof install === 'string' ? install : 'not found'}`);
  }
  return install.zkCli;
}

const NOISE: readonly RegExp[] = [
  /^SLF4J: /,
  /^log4j:(WARN|ERROR|INFO)/,
  /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d[,.]\d+ /, // a log line
  /^Connecting to \S+$/,
  /^Welcome to ZooKeeper!$/,
  /^JLine support is (disabled|enabled)$/,
  /^WATCHER::$/,
  /^WatchedEvent state:\w+ type:None path:null$/, // connection state changes
  /^\s*$/,
];
const PROMPT = /^\[zk: [^\]]*\] ?/;

/** Removes logging and connection chatter (and blank lines) from zkCli output. */
export function stripZkCliNoise(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(PROMPT, '').trimEnd())
    .filter((line) => !NOISE.some((re) => re.test(line)))
    .join('\n');
}

interface RunSpec {
  command: string;
  args: string[];
  input: string | null;
  timeoutMs: number;
}

function run(spec: RunSpec): Promise<ZkCliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.command, spec.args, {
      stdio: [spec.input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, CLIENT_JVMFLAGS: ['-Xmx256m', ...FAST_JVM_FLAGS].join(' ') },
    });
    trackChild(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, spec.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === null) {
        reject(new Error(`zkCli timed out after ${spec.timeoutMs} ms: ${spec.args.join(' ')}\n` +
          `${stdout}\n${stderr}`));
      } else {
        resolve({ code, stdout, stderr });
      }
    });
    if (spec.input !== null) child.stdin?.end(spec.input);
  });
}

export interface ZkCliOptions {
  timeoutMs?: number;
}

/** `zkCli.sh -server <connectString> <command...>`; output with the noise stripped. */
export async function runZkCli(
  connectString: string,
  command: readonly string[],
  options: ZkCliOptions = {},
): Promise<ZkCliResult> {
  const result = await run({
    command: zkCliPath(),
    args: ['-server', connectString, ...command],
    input: null,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  return {
    code: result.code,
    stdout: stripZkCliNoise(result.stdout),
    stderr: stripZkCliNoise(result.stderr),
  };
}

const MARKER_PREFIX = '/zookeeper/zkcli-marker-';
const MARKER_LINE = /^Node does not exist: \/zookeeper\/zkcli-marker-(\d+)$/;

export interface ZkCliSession {
  code: number | null;
  /** Everything the session printed (noise stripped), stdout and stderr merged in order. */
  transcript: string;
  /** The output of each command, split from the transcript by marker commands. */
  outputs: string[];
}

/**
 * Feeds `commands` (then `quit`) to one interactive zkCli session. stdout and stderr are merged
 * in order (through the shell's 2>&1), so error messages appear next to their command. After
 * each command a marker command (`ls` of a missing node under /zookeeper, a harmless read) is
 * sent; its "Node does not exist" line splits the transcript into per-command outputs.
 */
export async function runZkCliSession(
  connectString: string,
  commands: readonly string[],
  options: ZkCliOptions = {},
): Promise<ZkCliSession> {
  const input = commands.flatMap((c, i) => [c, `ls ${MARKER_PREFIX}${i}`]);
  const result = await run({
    command: 'bash',
    args: ['-c', 'exec "$0" "$@" 2>&1', zkCliPath(), '-server', connectString],
    input: [...input, 'quit', ''].join('\n'),
    timeoutMs: options.timeoutMs ?? 60_000,
  });
  const transcript = stripZkCliNoise(result.stdout);
  const outputs: string[] = [];
  let current: string[] = [];
  for (const line of transcript === '' ? [] : transcript.split('\n')) {
    const marker = MARKER_LINE.exec(line);
    if (marker === null) {
      current.push(line);
      continue;
    }
    if (Number(marker[1]) !== outputs.length) {
      throw new Error(`zkCli session out of step at marker ${marker[1]}:\n${transcript}`);
    }
    outputs.push(current.join('\n'));
    current = [];
  }
  if (outputs.length !== commands.length || current.length > 0) {
    throw new Error(`zkCli session: ${outputs.length} of ${commands.length} markers seen` +
      ` (exit code ${String(result.code)}):\n${transcript}`);
  }
  return { code: result.code, transcript, outputs };
}

/** Sorts the items of "[a, b, c]" lines (zkCli prints some lists in server order). */
export function sortListLines(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const m = /^\[(.*)\]$/.exec(line);
      return m?.[1] ? `[${m[1].split(', ').sort().join(', ')}]` : line;
    })
    .join('\n');
}
