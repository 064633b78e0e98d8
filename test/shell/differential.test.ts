// `meerkat shell` against Apache's own zkCli.sh: the same commands (zkcli-scenario.ts) through
// both shells, against one Apache ZooKeeper server, one shell after the other (each cleans up
// after itself). Outputs must be equal after normalisation (zxids, times, session ids), except
// for the differences chosen on purpose, which are written down in `deliberate` below.
//
// Without Java or Apache ZooKeeper the test is skipped, loudly.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { startApacheZooKeeper, type RunningServer } from '../support/apache-zookeeper.ts';
import { apacheSkipReason, assertSameRun } from '../support/differential.ts';
import type { JsonObject } from '../support/json.ts';
import { runMeerkatShell, runMeerkatShellSession } from '../support/meerkat-shell.ts';
import {
  runZkCli,
  runZkCliSession,
  sortListLines,
  stripZkCliNoise,
  zkCliAvailable,
} from '../support/zkcli.ts';
import { ONE_SHOT, SESSION } from './zkcli-scenario.ts';

/**
 * zkCli output made to read as ours where we differ on purpose: commons-cli's exception class
 * names are left out of option errors ("Unrecognized option: -x").
 */
function deliberate(text: string): string {
  return text.replace(/^org\.apache\.commons\.cli\.\w+Exception: /gm, '');
}

/** Both shells print a Date in the process's zone; one zone makes the texts comparable. */
process.env['TZ'] = 'UTC';

function skipReason(): string | null {
  const apache = apacheSkipReason();
  if (apache !== null) return apache;
  const zkCli = zkCliAvailable();
  if (zkCli.ok) return null;
  console.warn(`SKIPPED: ${zkCli.reason}`);
  return zkCli.reason;
}

const reason = skipReason();

function prerequisites(t: TestContext): boolean {
  if (reason === null) return true;
  t.skip(reason);
  return false;
}

const isEvent = (line: string): boolean => line.startsWith('WatchedEvent ');

/**
 * One command's own output for comparison. Watch events are printed by the event thread
 * (zkCli) or as they arrive (ours), so which command's output they land in is timing: they are
 * compared apart, as one sequence over the whole run (`eventsOf`).
 */
function asResult(output: string): JsonObject {
  // Without its events a command may have printed nothing: '' and no line are the same.
  const lines = sortListLines(output)
    .split('\n')
    .filter((l) => !isEvent(l));
  return { output: lines.length === 1 && lines[0] === '' ? [] : lines };
}

/** Every event of the run, sorted: WatchRemoved events are made by the client itself, so
 * their place among the server's events is timing too. */
function eventsOf(outputs: readonly string[]): string[] {
  const racy = 'type:NodeDataChanged path:/sh/q'; // set while printwatches is off (scenario)
  return outputs
    .flatMap((o) => o.split('\n').filter((l) => isEvent(l) && !l.endsWith(racy)))
    .sort();
}

void describe('meerkat shell vs zkCli.sh (Apache ZooKeeper 3.8)', { timeout: 120_000 }, () => {
  let server: RunningServer | undefined;
  before(async () => {
    if (reason !== null) return;
    server = await startApacheZooKeeper({ extraConfig: { extendedTypesEnabled: 'true' } });
  });
  after(() => server?.stop());

  void it('prints what zkCli prints, command by command', async (t) => {
    if (!prerequisites(t) || server === undefined) return;
    const zkCli = await runZkCliSession(server.connectString, SESSION);
    const ours = await runMeerkatShellSession(server.connectString, SESSION, stripZkCliNoise);
    const steps = SESSION.map((command) => ({ label: command }));
    // Guard the harness: a few of Apache's answers are known.
    const at = (command: string): string => zkCli.outputs[SESSION.indexOf(command)] ?? '';
    assert.equal(at('create /sh/a hello'), 'Created /sh/a');
    assert.equal(at('get /sh/q'), 'two words');
    assert.ok(
      eventsOf(zkCli.outputs).some((e) => /type:NodeDataChanged path:\/sh\/a$/.test(e)),
      'zkCli printed the data watch event',
    );
    assertSameRun(
      'meerkat shell',
      'meerkat',
      steps,
      zkCli.outputs.map((o) => asResult(deliberate(o))),
      ours.outputs.map(asResult),
    );
    assert.deepEqual(
      eventsOf(ours.outputs),
      eventsOf(zkCli.outputs.map(deliberate)),
      'the same watch events, each as often',
    );
    // zkCli's status is that of its last command; ours says whether any failed.
    assert.equal(ours.code, 1);
  });

  void it('one-shot runs: the same stdout, stderr and exit status', async (t) => {
    if (!prerequisites(t) || server === undefined) return;
    const connect = server.connectString;
    const [zkCli, ours] = await Promise.all([
      Promise.all(ONE_SHOT.map((command) => runZkCli(connect, command))),
      Promise.all(ONE_SHOT.map((command) => runMeerkatShell([connect, '--', ...command]))),
    ]);
    const steps = ONE_SHOT.map((command) => ({ label: command.join(' ') }));
    const shape = (run: { code: number | null; stdout: string; stderr: string }): JsonObject => ({
      code: run.code,
      stdout: stripZkCliNoise(run.stdout).split('\n'),
      stderr: stripZkCliNoise(run.stderr).split('\n'),
    });
    assertSameRun(
      'meerkat shell -- (one-shot)',
      'meerkat',
      steps,
      zkCli.map(shape),
      ours.map(shape),
    );
  });
});
