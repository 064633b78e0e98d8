// The shape of a shell command: its name and usage as zkCli prints them, its options, and a
// `run` that talks to the server through a CommandContext. Commands print through the context
// only, so that the same code serves the prompt, stdin scripts and one-shot runs.
import type { WatchListener, ZooKeeperClient } from '../../client/index.ts';
import type { OptionSpec, ParsedArgs } from './options.ts';

/** What the shell offers commands about itself (history, connections, settings). */
export interface ShellControl {
  /** Closes the current session (if any) and opens one to `host` (default: the last host). */
  connect(host?: string): Promise<void>;
  /** Closes the session; the shell stays (commands then say "Not connected"). */
  close(): Promise<void>;
  /** Ends the shell after this command. */
  quit(): void;
  /** "n - command" lines for `history`. */
  historyLines(): string[];
  /** Runs history entry `index` again (as `redo`). */
  redo(index: number): Promise<void>;
  printWatches: boolean;
  /** The `help` listing. */
  usageLines(): string[];
}

export interface CommandContext {
  /** The live session's client; throws "Not connected" when there is none. */
  client(): ZooKeeperClient;
  /** The listener every watch of the shell uses (it prints the event, as zkCli does). */
  readonly watcher: WatchListener;
  readonly shell: ShellControl;
  /** Time zone for dates in Stats. */
  readonly timeZone: string;
  /** A line of normal output (stdout). */
  out(line: string): void;
  /** A line on stderr that is not a failure ("Created /a", deprecation notes). */
  note(line: string): void;
  /** A line on stderr that makes the command fail, without stopping it. */
  warn(line: string): void;
}

export interface ShellCommand {
  readonly name: string;
  /** zkCli's option string, e.g. "[-s] [-w] path". */
  readonly usage: string;
  readonly options: OptionSpec;
  /** Positional arguments needed; fewer print the usage as the error. */
  readonly minArgs: number;
  /** Positional arguments allowed, when more are an error (zkCli ignores extra ones mostly). */
  readonly maxArgs?: number;
  /** Whether it needs a live session (most do; `history`, `connect`... do not). */
  readonly needsSession: boolean;
  run(context: CommandContext, input: ParsedArgs): Promise<void>;
}

/** No options: a word starting with '-' is an error. */
export const noOptions: OptionSpec = { flags: '', valued: '' };

/** Words taken as they are, without option parsing (as zkCli treats these commands). */
export const rawWords: OptionSpec = { flags: '', valued: '', raw: true };

/** "name usage", as zkCli prints a command's usage. */
export function usageOf(command: Pick<ShellCommand, 'name' | 'usage'>): string {
  return `${command.name} ${command.usage}`;
}
