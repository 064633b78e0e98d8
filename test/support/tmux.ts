// A pseudo-terminal driven like a person at a keyboard, through tmux: start a command in a
// detached session on a private tmux server (its own -L socket), type keys, read the screen.
// Every wait is bounded; kill() ends the private server and everything in it.
import { execFile, spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type Availability = { ok: true } | { ok: false; reason: string };

export function tmuxAvailable(): Availability {
  const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8', timeout: 5000 });
  if (probe.error !== undefined || probe.status !== 0) {
    return { ok: false, reason: `tmux not runnable (${probe.error?.message ?? probe.stderr})` };
  }
  return { ok: true };
}

let sockets = 0;

export interface TmuxOptions {
  readonly width?: number;
  readonly height?: number;
}

export class Tmux {
  /** The private server's socket name (tmux -L). */
  readonly socket: string;
  private readonly target = 'main';
  /** The socket file, which tmux leaves behind when its server ends. */
  private socketPath: string | undefined;

  private constructor(socket: string) {
    this.socket = socket;
  }

  /** Starts `command` (a shell command line) in a fresh terminal of the given size. */
  static async start(command: string, options: TmuxOptions = {}): Promise<Tmux> {
    const tmux = new Tmux(`meerkat-test-${process.pid}-${++sockets}`);
    const size = ['-x', String(options.width ?? 120), '-y', String(options.height ?? 40)];
    await tmux.tmux(['new-session', '-d', '-s', tmux.target, ...size, command]);
    tmux.socketPath = (await tmux.tmux(['display-message', '-p', '#{socket_path}'])).trim();
    return tmux;
  }

  private async tmux(args: readonly string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {
      timeout: 5000,
    });
    return stdout;
  }

  /** Sends keys by tmux name: 'Enter', 'Tab', 'Up', 'C-c', 'C-d'... */
  async keys(...keys: string[]): Promise<void> {
    await this.tmux(['send-keys', '-t', this.target, ...keys]);
  }

  /** Types text as it is (no key names). */
  async type(text: string): Promise<void> {
    await this.tmux(['send-keys', '-t', this.target, '-l', text]);
  }

  /** The screen, wrapped lines joined, trailing blank lines dropped. */
  async screen(): Promise<string> {
    const text = await this.tmux(['capture-pane', '-p', '-J', '-t', this.target]);
    return text.replace(/\s+$/, '');
  }

  /** Waits until `test` holds for the screen; returns that screen. Bounded by `timeoutMs`. */
  async waitFor(test: RegExp | ((screen: string) => boolean), timeoutMs = 5000): Promise<string> {
    const check = typeof test === 'function' ? test : (s: string) => test.test(s);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      if (check(screen)) return screen;
      if (Date.now() > deadline) {
        throw new Error(`screen never matched ${String(test)} within ${timeoutMs} ms:\n${screen}`);
      }
      await delay(50);
    }
  }

  /** Ends the private tmux server and the programs in it. Idempotent. */
  async kill(): Promise<void> {
    await this.tmux(['kill-server']).catch(() => undefined);
    if (this.socketPath) await rm(this.socketPath, { force: true });
  }
}
