// `meerkat shell` as a child process (the compiled CLI): one-shot commands, or lines on stdin;
// or merged output (2>&1 through bash) so errors sit next to their command, as
// runZkCliSession reads zkCli. Every run is bounded and killed on timeout.
import { spawn } from 'node:child_process';
import { meerkatCliPath } from './meerkat-server.ts';
import { trackChild } from './server-process.ts';

export interface ShellRun {
  /** Exit code (null when killed). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ShellRunOptions {
  /** Lines for stdin; without it stdin is empty (not a terminal). */
  readonly input?: string;
  /** Merge stderr into stdout, in order. */
  readonly merged?: boolean;
  readonly timeoutMs?: number;
}

export function runMeerkatShell(args: readonly string[], options: ShellRunOptions = {}) {
  const cli = [process.execPath, meerkatCliPath(), 'shell', '--no-history-file', ...args];
  const [command, spawnArgs] = options.merged
    ? ['bash', ['-c', 'exec "$0" "$@" 2>&1', ...cli]]
    : [cli[0] ?? 'node', cli.slice(1)];
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise<ShellRun>((resolve, reject) => {
    const child = spawn(command, spawnArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    trackChild(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === null) {
        reject(
          new Error(`meerkat shell ${args.join(' ')}: killed after ${timeoutMs} ms\n${stdout}`),
        );
      } else {
        resolve({ code, stdout, stderr });
      }
    });
    child.stdin.end(options.input ?? '');
  });
}

const markerPrefix = '/zookeeper/zkcli-marker-';
const markerLine = /^Node does not exist: \/zookeeper\/zkcli-marker-(\d+)$/;

/**
 * Feeds `commands` to one `meerkat shell` reading stdin, exactly as runZkCliSession feeds
 * zkCli (the same marker commands after each, so `history` numbers match), and splits the
 * merged output into one string per command. `strip` removes what the caller does not compare.
 */
export async function runMeerkatShellSession(
  connectString: string,
  commands: readonly string[],
  strip: (text: string) => string,
): Promise<{ code: number | null; outputs: string[] }> {
  const input = commands.flatMap((command, i) => [command, `ls ${markerPrefix}${i}`]);
  const run = await runMeerkatShell([connectString], {
    input: [...input, 'quit', ''].join('\n'),
    merged: true,
    timeoutMs: 60_000,
  });
  const outputs: string[] = [];
  let current: string[] = [];
  const text = strip(run.stdout);
  for (const line of text === '' ? [] : text.split('\n')) {
    const marker = markerLine.exec(line);
    if (marker === null) {
      current.push(line);
      continue;
    }
    if (Number(marker[1]) !== outputs.length) {
      throw new Error(`meerkat shell session out of step at marker ${marker[1]}:\n${text}`);
    }
    outputs.push(current.join('\n'));
    current = [];
  }
  if (outputs.length !== commands.length || current.length > 0) {
    throw new Error(
      `meerkat shell session: ${outputs.length} of ${commands.length} markers:\n${text}`,
    );
  }
  return { code: run.code, outputs };
}
