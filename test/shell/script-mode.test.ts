// `meerkat shell` as scripts use it, as a process against a Meerkat server in this process:
// one command after `--` (exit status 0, 1 or 127; data on stdout, messages on stderr), lines
// on stdin (no prompt or banner; non-zero when any line failed; `quit` stops), --help, and a
// server that is not there.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getFreePort } from '../support/free-port.ts';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { runMeerkatShell } from '../support/meerkat-shell.ts';

// Each process costs ~0.4 s of Node start-up, so the runs are few.
void describe('meerkat shell in scripts', { timeout: 30_000 }, () => {
  let server: InProcessServer;
  let host: string;
  before(async () => {
    server = await startInProcessServer();
    host = `${server.host}:${server.port}`;
  });
  after(() => server.close());

  void it('runs one command after -- and exits 0 with only its output', async () => {
    assert.deepEqual(await runMeerkatShell([host, '--', 'create', '/one', 'v 1']), {
      code: 0,
      stdout: '',
      stderr: 'Created /one\n',
    });
    const recursive = await runMeerkatShell([host, '--', 'ls', '-R', '/one']);
    assert.deepEqual(recursive, { code: 0, stdout: '/one\n', stderr: '' });
  });

  void it('exits 1 on a failed command and 127 on an unknown one', async () => {
    const [missing, unknown] = await Promise.all([
      runMeerkatShell([host, '--', 'get', '/missing']),
      runMeerkatShell([host, '--', 'frob']),
    ]);
    assert.deepEqual(missing, { code: 1, stdout: '', stderr: 'Node does not exist: /missing\n' });
    assert.equal(unknown.code, 127);
    assert.match(
      unknown.stderr,
      /\n\tls \[-s\] \[-w\] \[-R\] path\n[^]*Command not found: frob\n$/,
    );
  });

  void it('reads stdin lines without any prompt and fails if any line failed', async () => {
    const input = ['create /two a', 'get /missing', '', 'get /two', 'ls /two', ''].join('\n');
    const run = await runMeerkatShell([host], { input, merged: true });
    assert.deepEqual(run, {
      code: 1,
      stdout: 'Created /two\nNode does not exist: /missing\na\n[]\n',
      stderr: '',
    });
  });

  void it('exits 0 when every line succeeded, and stops reading at quit', async () => {
    const input = 'create /three x\nhistory\nquit\nget /missing\n';
    const run = await runMeerkatShell([host], { input });
    assert.deepEqual(run, {
      code: 0,
      stdout: '0 - create /three x\n1 - history\n',
      stderr: 'Created /three\n',
    });
  });

  void it('explains itself with --help', async () => {
    const run = await runMeerkatShell(['--help']);
    assert.equal(run.code, 0);
    assert.match(
      run.stdout,
      /^Usage: meerkat shell \[options\] \[connect-string\] \[command\.\.\.\]/,
    );
    assert.match(run.stdout, /meerkat shell 127\.0\.0\.1:2181 -- ls -R \/app/);
    assert.match(run.stdout, /zkCli\.sh exits 0 after some failures; this\nshell does not\./);
  });

  void it('gives up on a server that is not there, with a message', async () => {
    const port = await getFreePort();
    const run = await runMeerkatShell(['--timeout', '500', `127.0.0.1:${port}`, '--', 'ls', '/']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^Cannot connect: no session with 127\.0\.0\.1:\d+ within 500 ms\n$/);
  });
});
