// The interactive shell on a real terminal (tmux), used like a person would: the prompt with
// its state and command number, Tab completion of command names and znode paths, arrow-key
// history (also from an earlier session, through the history file), a watch event arriving
// while a command is half typed, bad input, Ctrl-C, quit and Ctrl-D. The steps of a session
// build on each other. Without tmux the tests are skipped, loudly.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { createClient } from '../../src/client/index.ts';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { meerkatCliPath } from '../support/meerkat-server.ts';
import { Tmux, tmuxAvailable } from '../support/tmux.ts';

const availability = tmuxAvailable();
if (!availability.ok) console.warn(`SKIPPED: ${availability.reason}`);

function prerequisites(t: TestContext): boolean {
  if (availability.ok) return true;
  t.skip(availability.reason);
  return false;
}

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
const lastLine = (screen: string): string => screen.slice(screen.lastIndexOf('\n') + 1);

void describe('meerkat shell on a terminal', { timeout: 60_000 }, () => {
  let server: InProcessServer;
  let host: string;
  let dir: string;
  let historyFile: string;
  const terminals: Tmux[] = [];

  before(async () => {
    server = await startInProcessServer();
    host = `${server.host}:${server.port}`;
    dir = await mkdtemp(join(tmpdir(), 'meerkat-shell-pty-'));
    historyFile = join(dir, 'history');
  });
  after(async () => {
    await Promise.all(terminals.map((t) => t.kill()));
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A shell in a fresh terminal; "[exit N]" shows its status when it ends. */
  async function startShell(): Promise<Tmux> {
    const shell = [process.execPath, meerkatCliPath(), 'shell'].map(quote).join(' ');
    const history = `--history-file ${quote(historyFile)}`;
    const command = `${shell} ${history} ${host}; echo "[exit $?]"; sleep 120`;
    const terminal = await Tmux.start(command);
    terminals.push(terminal);
    return terminal;
  }

  const prompt = (n: number): RegExp =>
    new RegExp(`\\[zk: ${host.replace(/\./g, '\\.')}\\(CONNECTED\\) ${n}\\] $`);

  /** Types a line, presses Enter and waits for prompt number `n`. */
  async function enter(terminal: Tmux, line: string, n: number): Promise<string> {
    await terminal.type(line);
    await terminal.keys('Enter');
    return terminal.waitFor((screen) => prompt(n).test(`${lastLine(screen)} `));
  }

  void describe('one session', () => {
    let term: Tmux;

    void it('shows the prompt and runs commands', async (t) => {
      if (!prerequisites(t)) return;
      term = await startShell();
      const first = await term.waitFor((s) => prompt(0).test(`${lastLine(s)} `), 10_000);
      assert.match(first, /WatchedEvent state:SyncConnected type:None path:null/);
      const screen = await enter(term, 'create /app hello', 1);
      assert.match(screen, /\] create \/app hello\nCreated \/app\n\[zk: /);
      await enter(term, 'create /app/config x', 2);
      await enter(term, 'create /app/counter y', 3);
    });

    void it('completes command names and znode paths with Tab', async (t) => {
      if (!prerequisites(t)) return;
      await term.type('getAl');
      await term.keys('Tab');
      await term.waitFor((s) => lastLine(s).endsWith('] getAllChildrenNumber'));
      await term.type('/ap');
      await term.keys('Tab');
      await term.waitFor((s) => lastLine(s).endsWith('] getAllChildrenNumber /app'));
      const screen = await enter(term, '', 4);
      assert.match(screen, /getAllChildrenNumber \/app\n2\n\[zk: /);
      // Two matches: the second Tab lists them; more letters make one.
      await term.type('get /app/co');
      await term.keys('Tab');
      await term.keys('Tab');
      await term.waitFor(/\nconfig\s+counter\n/);
      await term.type('n');
      await term.keys('Tab');
      await term.waitFor((s) => lastLine(s).endsWith('] get /app/config'));
      assert.match(await enter(term, '', 5), /get \/app\/config\nx\n\[zk: /);
    });

    void it('goes back through history with the arrow keys, and lists it', async (t) => {
      if (!prerequisites(t)) return;
      await term.keys('Up');
      await term.waitFor((s) => lastLine(s).endsWith('] get /app/config'));
      await term.keys('Up');
      await term.waitFor((s) => lastLine(s).endsWith('] getAllChildrenNumber /app'));
      await term.keys('Down');
      await term.waitFor((s) => lastLine(s).endsWith('] get /app/config'));
      // Ctrl-C drops the recalled line and leaves the shell running.
      await term.keys('C-c');
      await term.waitFor((s) => prompt(5).test(`${lastLine(s)} `));
      const screen = await enter(term, 'history', 6);
      assert.match(
        screen,
        /\n0 - create \/app hello\n1 - create \/app\/config x\n2 - create \/app\/counter y\n3 - getAllChildrenNumber \/app\n4 - get \/app\/config\n5 - history\n/,
      );
    });

    void it('prints a watch event above the prompt and keeps what is typed', async (t) => {
      if (!prerequisites(t)) return;
      await enter(term, 'get -w /app', 7);
      await term.type('ls /ap');
      const client = createClient(host);
      try {
        await client.connect();
        await client.setData('/app', 'changed');
      } finally {
        await client.close();
      }
      const screen = await term.waitFor(/NodeDataChanged path:\/app\n/);
      assert.match(
        screen,
        /\nWATCHER::\n\nWatchedEvent state:SyncConnected type:NodeDataChanged path:\/app\n\[zk: /,
      );
      assert.match(lastLine(screen), /\(CONNECTED\) 7\] ls \/ap$/);
      await term.keys('C-c');
      await term.waitFor((s) => prompt(7).test(`${lastLine(s)} `));
    });

    void it('survives bad input and quits with status 0', async (t) => {
      if (!prerequisites(t)) return;
      assert.match(await enter(term, 'get "/app', 8), /get "\/app\nchanged\n/);
      assert.match(await enter(term, 'frob x', 9), /\nCommand not found: frob\n/);
      assert.match(await enter(term, 'get /app/nope', 10), /\nNode does not exist: \/app\/nope\n/);
      assert.match(
        await enter(term, 'create', 11),
        /\ncreate \[-s\] \[-e\] \[-c\] \[-t ttl\] path/,
      );
      await term.type('quit');
      await term.keys('Enter');
      await term.waitFor(/\n\[exit 0\]$/);
    });
  });

  void it('offers the last session’s commands, and leaves on Ctrl-D', async (t) => {
    if (!prerequisites(t)) return;
    const saved = await readFile(historyFile, 'utf8');
    assert.match(saved, /^create \/app hello\n[^]*\nfrob x\n[^]*\nquit\n$/);
    const term = await startShell();
    await term.waitFor((s) => prompt(0).test(`${lastLine(s)} `), 10_000);
    await term.keys('Up');
    await term.waitFor((s) => lastLine(s).endsWith('] quit'));
    await term.keys('Up');
    await term.waitFor((s) => lastLine(s).endsWith('] create'));
    await term.keys('C-c');
    await term.waitFor((s) => prompt(0).test(`${lastLine(s)} `));
    await term.keys('C-d');
    await term.waitFor(/\n\[exit 0\]$/);
  });
});
