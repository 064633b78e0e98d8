// The interactive edge: node:readline on a terminal with zkCli's prompt, Tab completion of
// command names and znode paths, arrow-key history (kept in a file across sessions), and
// events printed above the prompt without disturbing what is being typed.
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import { complete, type Completion } from './completion.ts';
import { commandNames } from './commands/index.ts';
import { appendHistory, historyLinesMax, loadHistory } from './history-file.ts';
import type { Shell, ShellIo } from './shell.ts';

/** How long Tab waits for the server's list of children. */
const completionWaitMs = 2000;

/**
 * ShellIo for a terminal. While a command runs, lines are written as they come; between
 * commands the prompt is on screen, so a line (a watch event) is written over it and the prompt
 * is drawn again below, with the half-typed input.
 */
export class PromptIo implements ShellIo {
  busy = true;
  private lines: Interface | undefined;
  private promptText: () => string = () => '';
  private readonly output: NodeJS.WriteStream;
  private readonly errors: NodeJS.WritableStream;

  constructor(output: NodeJS.WriteStream, errors: NodeJS.WritableStream) {
    this.output = output;
    this.errors = errors;
  }

  attach(lines: Interface, promptText: () => string): void {
    this.lines = lines;
    this.promptText = promptText;
  }

  out(line: string): void {
    this.write(this.output, [line]);
  }
  err(line: string): void {
    this.write(this.errors, [line]);
  }
  event(lines: readonly string[]): void {
    this.write(this.output, lines);
  }

  /** Shows the prompt (with the current state and command number) and takes input. */
  showPrompt(): void {
    this.busy = false;
    this.lines?.setPrompt(this.promptText());
    this.lines?.prompt();
  }

  private write(stream: NodeJS.WritableStream, lines: readonly string[]): void {
    const text = lines.map((line) => `${line}\n`).join('');
    if (this.busy || this.lines === undefined) {
      stream.write(text);
      return;
    }
    clearLine(this.output, 0);
    cursorTo(this.output, 0);
    stream.write(text);
    this.lines.setPrompt(this.promptText());
    this.lines.prompt(true);
  }
}

function childrenOf(shell: Shell): (path: string) => Promise<readonly string[]> {
  return async (path) => {
    const client = shell.liveClient();
    if (client === undefined) return [];
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('no answer')), completionWaitMs);
    });
    try {
      return await Promise.race([client.getChildren(path), late]);
    } finally {
      clearTimeout(timer);
    }
  };
}

export interface ReplOptions {
  readonly shell: Shell;
  readonly io: PromptIo;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WriteStream;
  /** Where history is kept across sessions; undefined: nowhere. */
  readonly historyFile: string | undefined;
}

/** Runs the prompt until `quit`, Ctrl-D, or Ctrl-C on an empty line. */
export async function runRepl(options: ReplOptions): Promise<number> {
  const { shell, io, historyFile } = options;
  const lookup = childrenOf(shell);
  const lines = createInterface({
    input: options.input,
    output: options.output,
    terminal: true,
    history: historyFile === undefined ? [] : loadHistory(historyFile),
    historySize: historyLinesMax,
    removeHistoryDuplicates: true,
    completer: (line: string, callback: (error: Error | null, result: Completion) => void) => {
      complete(line, commandNames, lookup).then(
        (result) => callback(null, result),
        () => callback(null, [[], line]),
      );
    },
  });
  io.attach(lines, () => shell.prompt());
  let open = true;
  const closed = new Promise<void>((resolve) =>
    lines.once('close', () => {
      open = false;
      resolve();
    }),
  );
  let queue = Promise.resolve();
  lines.on('line', (line: string) => {
    queue = queue.then(async () => {
      if (!open) return;
      await runLine(options, line);
      if (shell.quitting) lines.close();
      else if (open) io.showPrompt();
    });
  });
  lines.on('SIGINT', () => {
    // Ctrl-C drops a half-typed line; on an empty line (or during a command) it leaves.
    if (!io.busy && lines.line !== '') {
      lines.write(null, { ctrl: true, name: 'e' });
      lines.write(null, { ctrl: true, name: 'u' });
      return;
    }
    lines.close();
  });
  await shell.connect();
  io.showPrompt();
  await closed;
  io.busy = true;
  // Ctrl-D / Ctrl-C leave the cursor after the prompt.
  if (!shell.quitting) options.output.write('\n');
  await shell.close();
  return 0;
}

async function runLine(options: ReplOptions, line: string): Promise<void> {
  options.io.busy = true;
  if (options.historyFile !== undefined) appendHistory(options.historyFile, line);
  await options.shell.executeLine(line);
}
