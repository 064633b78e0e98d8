// A Shell (src/cli/shell) driven in process with its output recorded per command, for tests
// that exercise commands against a real server without spawning processes.
import { createClient } from '../../src/client/index.ts';
import { Shell, type ShellIo } from '../../src/cli/shell/shell.ts';

export interface CommandRecord {
  readonly code: number;
  /** stdout lines of the command. */
  readonly out: string[];
  /** stderr lines of the command. */
  readonly err: string[];
}

export class ShellRecorder {
  readonly shell: Shell;
  /** Lines of asynchronous events, in arrival order. */
  readonly events: string[] = [];
  private out: string[] = [];
  private err: string[] = [];

  constructor(connectString: string, options: { quietConnection?: boolean } = {}) {
    const io: ShellIo = {
      out: (line) => this.out.push(line),
      err: (line) => this.err.push(line),
      event: (lines) => this.events.push(...lines.filter((l) => l !== '' && l !== 'WATCHER::')),
    };
    this.shell = new Shell({
      host: connectString,
      createClient: (host) => createClient(host, { sessionTimeoutMs: 10_000 }),
      io,
      timeZone: 'UTC',
      quietConnection: options.quietConnection ?? true,
    });
  }

  async open(): Promise<this> {
    await this.shell.connect();
    await this.shell.connected();
    return this;
  }

  async run(line: string): Promise<CommandRecord> {
    this.out = [];
    this.err = [];
    const code = await this.shell.executeLine(line);
    return { code, out: this.out, err: this.err };
  }

  /** Waits (bounded) until an event line matching `pattern` has arrived. */
  async event(pattern: RegExp, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((line) => pattern.test(line));
      if (found !== undefined) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `no event ${String(pattern)} within ${timeoutMs} ms: ${this.events.join(' | ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): Promise<void> {
    return this.shell.close();
  }
}
