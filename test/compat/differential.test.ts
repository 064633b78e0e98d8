// Differential tests: the same client scenarios run against Apache ZooKeeper (the reference)
// and against Meerkat, through real third-party clients (the Apache Java client, the
// node-zookeeper-client package and zkCli.sh); normalised results must be deeply equal.
//
// MEERKAT_DIFF_TARGET=apache compares Apache with a second Apache instead (proves the harness).
// Without Apache ZooKeeper / Java the tests are skipped, loudly.
import { after, before, describe, it, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import {
  javaDriverAvailable,
  JavaDriver,
  type DriverOp,
  type DriverResult,
} from '../support/java-driver.ts';
import type { JsonObject } from '../support/json.ts';
import { connectNodeClient, type NodeZkSession } from '../support/node-zk-client.ts';
import type { RunningServer } from '../support/server-process.ts';
import {
  apacheSkipReason,
  assertExpectations,
  assertSameRun,
  diffTarget,
  outcomeName,
  startPair,
  type ServerPair,
} from '../support/differential.ts';
import {
  runZkCli,
  runZkCliSession,
  sortListLines,
  zkCliAvailable,
} from '../support/zkcli.ts';
import { DEFAULT_CONFIG_SCENARIO, JAVA_SCENARIO, type Step } from './scenarios/java-scenario.ts';
import { NODE_SCENARIO, type NodeStep } from './scenarios/node-scenario.ts';
import { UNORDERED_OUTPUT, ZKCLI_SESSION, ZKCLI_SINGLE } from './scenarios/zkcli-scenario.ts';

const target = diffTarget();
const skipAll = apacheSkipReason();
const TEST_TIMEOUT_MS = 90_000;
const STEP_TIMEOUT_MS = 10_000;
const CONNECTION_LOSS = -4;
const SESSION_EXPIRED = -112;
/** TTL nodes need extended types (off by default in Apache ZooKeeper). */
const MAIN_CONFIG = { extraConfig: { extendedTypesEnabled: 'true' } };

type Availability = { ok: true } | { ok: false; reason: string };

/** Skips (loudly) when a prerequisite is missing; returns true when the test should go on. */
function prerequisites(t: TestContext, extra?: Availability): boolean {
  const reason = skipAll ?? (extra && !extra.ok ? extra.reason : null);
  if (reason === null) return true;
  if (skipAll === null) console.warn(`SKIPPED: ${reason}`);
  t.skip(reason);
  return false;
}

async function timed<T>(t: TestContext, what: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await fn();
  } finally {
    t.diagnostic(`${what}: ${Date.now() - start} ms`);
  }
}

async function runJavaScript(
  server: RunningServer,
  steps: readonly Step[],
): Promise<DriverResult[]> {
  const driver = await JavaDriver.start(server.connectString);
  try {
    const results: DriverResult[] = [];
    for (const step of steps) {
      const op: DriverOp = { ...step };
      delete op['expect']; // checked by the harness, not an argument for the driver
      const result = await driver.run(op);
      results.push(result);
      // Lost the server (crashed?): every later step would wait for a request timeout.
      if (result['code'] === CONNECTION_LOSS || result['code'] === SESSION_EXPIRED) break;
    }
    while (results.length < steps.length) results.push({ ok: false, aborted: true });
    return results;
  } finally {
    await driver.close();
  }
}

async function runNodeScenario(server: RunningServer): Promise<JsonObject[]> {
  const sessions: NodeZkSession[] = [];
  try {
    sessions.push(await connectNodeClient(server.connectString));
    sessions.push(await connectNodeClient(server.connectString));
    const [a, b] = sessions;
    if (!a || !b) throw new Error('sessions missing');
    const results: JsonObject[] = [];
    for (const step of NODE_SCENARIO) {
      const timeout = delay(STEP_TIMEOUT_MS, null, { ref: false });
      const result = await Promise.race([step.run({ a, b }), timeout]);
      if (result === null) {
        results.push({ ok: false, error: `timed out after ${STEP_TIMEOUT_MS} ms` });
        break; // the session is in an unknown state: later steps would only add noise
      }
      results.push(result);
    }
    while (results.length < NODE_SCENARIO.length) results.push({ ok: false, aborted: true });
    return results;
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
  }
}

/** One result per session command, then one per single command (with its exit code). */
async function runZkCliScenario(server: RunningServer): Promise<JsonObject[]> {
  const session = await runZkCliSession(server.connectString, ZKCLI_SESSION);
  const results: JsonObject[] = session.outputs.map((output, i) => {
    const [first = '', ...rest] = sortListLines(output).split('\n');
    const unordered = UNORDERED_OUTPUT.has(ZKCLI_SESSION[i] ?? '');
    return { output: [first, ...(unordered ? rest.sort() : rest)] };
  });
  results.push({ sessionExitCode: session.code });
  for (const batch of ZKCLI_SINGLE) {
    results.push(...await Promise.all(batch.map(async (command) => {
      const result = await runZkCli(server.connectString, command.args);
      const lines = (text: string): string[] => {
        const all = text === '' ? [] : text.split('\n');
        return command.sortLines ? all.sort() : all;
      };
      return { code: result.code, stdout: lines(result.stdout), stderr: lines(result.stderr) };
    })));
  }
  return results;
}

const ZKCLI_STEPS = [
  ...ZKCLI_SESSION.map((command) => ({ label: `session: ${command}` })),
  { label: 'session exit code' },
  ...ZKCLI_SINGLE.flat().map((c) => ({ label: `zkCli.sh ${c.args.join(' ')}` })),
];

const SUITE = `differential: Apache ZooKeeper vs ${target}`;

void describe(SUITE, { timeout: 5 * TEST_TIMEOUT_MS }, () => {
  let pair: ServerPair | undefined;
  /** Every pair started here, stopped in after() even when a test failed or timed out. */
  const started: ServerPair[] = [];

  before(async () => {
    if (skipAll !== null) return;
    pair = await startPair(target, MAIN_CONFIG);
    started.push(pair);
  });

  after(async () => {
    await Promise.all(started.map((p) => p.stop()));
  });

  function servers(): ServerPair {
    if (!pair) throw new Error('servers not started');
    return pair;
  }

  void it('Java client: CRUD, errors, ACLs, multi, watches, ephemerals, containers, TTL', {
    timeout: TEST_TIMEOUT_MS,
  }, async (t) => {
    if (!prerequisites(t, javaDriverAvailable())) return;
    const { reference, other } = servers();
    const [ref, oth] = await timed(t, 'java scenario (both servers)', () => Promise.all([
      runJavaScript(reference, JAVA_SCENARIO),
      runJavaScript(other, JAVA_SCENARIO),
    ]));
    assertExpectations('java', JAVA_SCENARIO, ref);
    assertSameRun('java', target, JAVA_SCENARIO, ref, oth);
  });

  void it('node-zookeeper-client: CRUD, errors, ACLs, transactions, watches, ephemerals', {
    timeout: TEST_TIMEOUT_MS,
  }, async (t) => {
    if (!prerequisites(t)) return;
    const { reference, other } = servers();
    const [ref, oth] = await timed(t, 'node scenario (both servers)', () => Promise.all([
      runNodeScenario(reference),
      runNodeScenario(other),
    ]));
    const steps = NODE_SCENARIO.map((s: NodeStep) => ({ label: s.label, expect: s.expect }));
    assertExpectations('node-zookeeper-client', steps, ref);
    assertSameRun('node-zookeeper-client', target, steps, ref, oth);
  });

  void it('zkCli.sh: create, ls -R, get -s, stat, set -v, delete, deleteall, getAcl', {
    timeout: TEST_TIMEOUT_MS,
  }, async (t) => {
    if (!prerequisites(t, zkCliAvailable())) return;
    const { reference, other } = servers();
    const [ref, oth] = await timed(t, 'zkCli scenario (both servers)', () => Promise.all([
      runZkCliScenario(reference),
      runZkCliScenario(other),
    ]));
    // Guard the harness: Apache's answers to a few commands are known.
    const said = (i: number, text: string): { ok: boolean } =>
      ({ ok: JSON.stringify(ref[i]).includes(text) });
    const at = (label: string): number => ZKCLI_STEPS.findIndex((s) => s.label === label);
    assertExpectations('zkCli', [
      { label: 'create', expect: 'ok' },
      { label: 'stat missing', expect: 'ok' },
      { label: 'set -v stale', expect: 'ok' },
    ], [
      said(at('session: create /cli/a hello'), 'Created /cli/a'),
      said(at('zkCli.sh stat /cli/nope'), 'Node does not exist: /cli/nope'),
      said(at('session: set -v 1 /cli/a stale'), 'version No is not valid : /cli/a'),
    ]);
    assertSameRun('zkCli', target, ZKCLI_STEPS, ref, oth);
  });

  void it('default configuration: TTL nodes refused without extendedTypesEnabled', {
    timeout: TEST_TIMEOUT_MS,
  }, async (t) => {
    if (!prerequisites(t, javaDriverAvailable())) return;
    const defaults = await timed(t, 'start second pair', () => startPair(target, {}));
    started.push(defaults);
    try {
      const [ref, oth] = await Promise.all([
        runJavaScript(defaults.reference, DEFAULT_CONFIG_SCENARIO),
        runJavaScript(defaults.other, DEFAULT_CONFIG_SCENARIO),
      ]);
      assertExpectations('default config', DEFAULT_CONFIG_SCENARIO, ref);
      assertSameRun('default config', target, DEFAULT_CONFIG_SCENARIO, ref, oth);
      t.diagnostic(`TTL create on defaults: ${outcomeName(ref[0])}`);
    } finally {
      await defaults.stop();
    }
  });
});
