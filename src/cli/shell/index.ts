// `meerkat shell`: picks the mode (one command, stdin lines, or the prompt on a terminal) and
// wires the Shell to the client and the process's streams.
import { createClient } from '../../client/index.ts';
import { localTimeZone } from './java-format.ts';
import { PromptIo, runRepl } from './repl.ts';
import { runLines, runOneShot } from './script.ts';
import { Shell, type ShellIo } from './shell.ts';

export interface ShellRunOptions {
  readonly connectString: string;
  /** A command to run and exit; empty for a session. */
  readonly command: readonly string[];
  readonly sessionTimeoutMs: number;
  /** History across sessions (the prompt only); undefined: none. */
  readonly historyFile: string | undefined;
  readonly readOnly: boolean;
}

function streamIo(): ShellIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    event: (lines) => process.stdout.write(lines.map((line) => `${line}\n`).join('')),
  };
}

/** Runs the shell; resolves with the exit status. */
export async function runShell(options: ShellRunOptions): Promise<number> {
  // A prompt needs a terminal both ways; `meerkat shell | tee log` reads lines instead.
  const interactive = options.command.length === 0 && process.stdin.isTTY && process.stdout.isTTY;
  const io = interactive ? new PromptIo(process.stdout, process.stderr) : streamIo();
  const shell = new Shell({
    host: options.connectString,
    createClient: (host) =>
      createClient(host, {
        sessionTimeoutMs: options.sessionTimeoutMs,
        canBeReadOnly: options.readOnly,
      }),
    io,
    timeZone: localTimeZone(),
    quietConnection: !interactive,
  });
  if (options.command.length > 0) return runOneShot(shell, options.command);
  if (!(io instanceof PromptIo)) return runLines(shell, process.stdin);
  return runRepl({
    shell,
    io,
    input: process.stdin,
    output: process.stdout,
    historyFile: options.historyFile,
  });
}
