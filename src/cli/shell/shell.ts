// One shell session: the client, the numbered history, and the running of one command line at
// a time. It prints through a ShellIo only, so the prompt (repl.ts) and scripts (script.ts)
// share it; it never throws for a bad command, it reports and returns an exit status.
import {
  isTerminalState,
  type SessionState,
  type WatchEvent,
  type ZooKeeperClient,
} from '../../client/index.ts';
import { assert } from '../../core/assert.ts';
import { usageOf, type CommandContext, type ShellControl } from './command.ts';
import { commandTable, usageLines } from './commands/index.ts';
import { ShellError, failureExitCode, failureMessage } from './errors.ts';
import {
  clientStateName,
  keeperStateName,
  nodeEventLine,
  promptText,
  stateEventLine,
  watcherLines,
} from './format.ts';
import { parseOptions } from './options.ts';
import { splitCommandLine } from './tokenize.ts';

export interface ShellIo {
  /** A line of output (stdout). */
  out(line: string): void;
  /** A line of diagnostics (stderr). */
  err(line: string): void;
  /** Lines printed when something happens between commands (watch events, stdout). */
  event(lines: readonly string[]): void;
}

export interface ShellOptions {
  /** Connect string of the first session. */
  readonly host: string;
  readonly createClient: (host: string) => ZooKeeperClient;
  readonly io: ShellIo;
  readonly timeZone: string;
  /** Leave out connection chatter (SyncConnected, Closed events): for scripts. */
  readonly quietConnection: boolean;
}

/** Exit status of a command zkCli does not know (as zkCli's). */
export const unknownCommandExitCode = 127;
/** `history` shows this many earlier commands. */
const historyShown = 10;
/** Commands kept for `history` and `redo`; older ones are forgotten. */
export const historyEntriesMax = 10_000;
/** How long closing a session may take when the shell ends. */
const closeWaitMs = 3000;

export class Shell implements ShellControl {
  printWatches = true;
  private readonly options: ShellOptions;
  private host: string;
  private client: ZooKeeperClient | undefined;
  private readonly history = new Map<number, string>();
  private commandCount = 0;
  private quitRequested = false;
  readonly watcher = (event: WatchEvent): void => {
    // Session changes come once from the state listener, not from every watch.
    if (event.type === 'state') return;
    this.printEvent(nodeEventLine(event.type, event.path));
  };

  constructor(options: ShellOptions) {
    this.options = options;
    this.host = options.host;
  }

  get quitting(): boolean {
    return this.quitRequested;
  }

  prompt(): string {
    const state = this.client === undefined ? 'CLOSED' : clientStateName(this.client.state);
    return promptText(this.host, state, this.commandCount);
  }

  /** The current client, when its session is not over. */
  liveClient(): ZooKeeperClient | undefined {
    const client = this.client;
    return client !== undefined && !isTerminalState(client.state) ? client : undefined;
  }

  private printEvent(line: string): void {
    if (this.printWatches) this.options.io.event(watcherLines(line));
  }

  private onState(state: SessionState): void {
    const name = keeperStateName(state);
    if (name === undefined) return;
    if (this.options.quietConnection && (state === 'connected' || state === 'closed')) return;
    this.printEvent(stateEventLine(name));
  }

  /** Closes the session and starts one to `host` (default: the current one), without waiting
   * for it, as zkCli's `connect`: the next command's requests wait for it; `connected()` too. */
  async connect(host: string = this.host): Promise<void> {
    await this.close();
    this.host = host;
    const client = this.options.createClient(host);
    this.client = client;
    client.on('state', (state) => this.onState(state));
    const connected = client.connect();
    connected.catch((error: unknown) => {
      // The client's own words here ("no session with h:p within 30000 ms") say more.
      const message = error instanceof Error ? error.message : String(error);
      if (this.client === client) this.options.io.err(`Cannot connect: ${message}`);
    });
  }

  /** Waits for the current session (rejects when it cannot be opened). */
  async connected(): Promise<void> {
    if (this.client === undefined) throw new ShellError('Not connected');
    await this.client.connect();
  }

  async close(): Promise<void> {
    const client = this.client;
    if (client === undefined || isTerminalState(client.state)) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, closeWaitMs)));
    await Promise.race([client.close().catch(() => undefined), late]);
    clearTimeout(timer);
  }

  quit(): void {
    this.quitRequested = true;
  }

  historyLines(): string[] {
    const lines: string[] = [];
    for (let i = Math.max(0, this.commandCount - historyShown); i <= this.commandCount; i++) {
      lines.push(`${i} - ${this.history.get(i) ?? 'null'}`);
    }
    return lines;
  }

  usageLines(): string[] {
    return usageLines();
  }

  /** Runs one line; returns its exit status (0 for success and for a blank line). */
  executeLine(line: string): Promise<number> {
    // zkCli runs its previous command again for a blank line; we take it as nothing.
    const words = splitCommandLine(line);
    return words.length === 0 ? Promise.resolve(0) : this.executeWords(words, line);
  }

  /** Runs a command given as words (one-shot mode: no quote handling, as zkCli). */
  async executeWords(words: readonly string[], line = words.join(' ')): Promise<number> {
    assert(words.length > 0, 'a command has a name');
    this.history.set(this.commandCount, line);
    this.history.delete(this.commandCount - historyEntriesMax);
    try {
      return await this.execute(words);
    } finally {
      this.commandCount++;
    }
  }

  async redo(index: number): Promise<void> {
    if (index >= this.commandCount || index < 0) {
      throw new ShellError('Command index out of range');
    }
    const line = this.history.get(index);
    if (line === undefined) throw new ShellError('Command index out of range');
    const words = splitCommandLine(line);
    assert(words.length > 0, 'history holds commands only');
    if (words[0] === 'redo') throw new ShellError('No redoing redos');
    // History shows the command that ran, not "redo n".
    this.history.set(this.commandCount, line);
    const code = await this.execute(words);
    if (code !== 0) throw new SilentFailure(code);
  }

  private async execute(words: readonly string[]): Promise<number> {
    const { io } = this.options;
    const [name = '', ...rest] = words;
    const command = commandTable.get(name);
    if (command === undefined) {
      usageLines().forEach((l) => io.err(l));
      io.err(`Command not found: ${name}`);
      return unknownCommandExitCode;
    }
    // zkCli looks at the session before the arguments.
    if (command.needsSession && this.liveClient() === undefined) {
      io.err('Not connected');
      return 1;
    }
    const parsed = parseOptions(command.options, rest);
    if (!parsed.ok) {
      io.err(parsed.error);
      return 1;
    }
    const count = parsed.parsed.args.length;
    if (count < command.minArgs || count > (command.maxArgs ?? Infinity)) {
      io.err(usageOf(command));
      return 1;
    }
    let exitCode = 0;
    const context = this.context(() => (exitCode = 1));
    try {
      await command.run(context, parsed.parsed);
    } catch (error) {
      if (error instanceof SilentFailure) return error.exitCode;
      io.err(failureMessage(error));
      return failureExitCode(error);
    }
    return exitCode;
  }

  private context(failed: () => void): CommandContext {
    const { io } = this.options;
    return {
      client: () => {
        const client = this.liveClient();
        if (client === undefined) throw new ShellError('Not connected');
        return client;
      },
      watcher: this.watcher,
      shell: this,
      timeZone: this.options.timeZone,
      out: (line) => io.out(line),
      note: (line) => io.err(line),
      warn: (line) => {
        failed();
        io.err(line);
      },
    };
  }
}

/** A failure already reported (by the command `redo` ran). */
class SilentFailure extends ShellError {
  constructor(exitCode: number) {
    super('', exitCode);
  }
}
