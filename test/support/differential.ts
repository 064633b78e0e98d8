// Differential-testing plumbing: which server is compared with Apache ZooKeeper, starting and
// stopping a pair of servers, and comparing two runs step by step after normalisation.
import assert from 'node:assert/strict';
import { apacheZooKeeperAvailable, startApacheZooKeeper } from './apache-zookeeper.ts';
import { isJsonObject, type JsonValue } from './json.ts';
import { startMeerkat } from './meerkat-server.ts';
import { normalizePair, type NormalizeOptions } from './normalize.ts';
import type { RunningServer, ServerOptions } from './server-process.ts';

export type DiffTarget = 'meerkat' | 'apache';

/** MEERKAT_DIFF_TARGET=apache compares Apache with a second Apache (to test the harness). */
export function diffTarget(): DiffTarget {
  const value = process.env['MEERKAT_DIFF_TARGET'] ?? 'meerkat';
  if (value !== 'meerkat' && value !== 'apache') {
    throw new Error(`MEERKAT_DIFF_TARGET must be 'meerkat' or 'apache', not '${value}'`);
  }
  return value;
}

export function startTarget(target: DiffTarget, options: ServerOptions): Promise<RunningServer> {
  return target === 'apache' ? startApacheZooKeeper(options) : startMeerkat(options);
}

/** Null when Apache ZooKeeper can run here; else the reason, announced loudly once. */
export function apacheSkipReason(): string | null {
  const available = apacheZooKeeperAvailable();
  if (available.ok) return null;
  console.warn(`SKIPPED: Apache ZooKeeper not installed: ${available.reason}`);
  return `Apache ZooKeeper not installed: ${available.reason}`;
}

export interface ServerPair {
  reference: RunningServer;
  other: RunningServer;
  stop(): Promise<void>;
}

/** Starts Apache (the reference) and the target in parallel; neither leaks if one fails. */
export async function startPair(target: DiffTarget, options: ServerOptions): Promise<ServerPair> {
  const [reference, other] = await Promise.allSettled([
    startApacheZooKeeper(options),
    startTarget(target, options),
  ]);
  if (reference.status === 'rejected' || other.status === 'rejected') {
    await Promise.all([reference, other].map((r) =>
      r.status === 'fulfilled' ? r.value.stop() : Promise.resolve()));
    const failure = reference.status === 'rejected' ? reference : other;
    throw failure.status === 'rejected' ? failure.reason : new Error('unreachable');
  }
  const pair = { reference: reference.value, other: other.value };
  return {
    ...pair,
    stop: async () => {
      await Promise.all([pair.reference.stop(), pair.other.stop()]);
    },
  };
}

/** The outcome name of a result: 'ok', an error name, or a client exception class. */
export function outcomeName(result: JsonValue | undefined): string {
  if (!isJsonObject(result)) return 'missing';
  if (result['ok'] === true) return 'ok';
  for (const key of ['name', 'exception']) {
    const value = result[key];
    if (typeof value === 'string') return value;
  }
  return 'error';
}

export interface Labelled {
  label?: string | undefined;
  expect?: string | undefined;
  /**
   * A deliberate, documented difference from the reference server: Meerkat must give the
   * `meerkat` outcome here. Used only where Debian's Apache 3.8.0 predates a later 3.8.x fix
   * that Meerkat follows.
   */
  divergence?: { readonly reason: string; readonly meerkat: string } | undefined;
}

/** Checks the declared divergences and blanks those steps in both runs before comparing. */
function settleDivergences(
  targetName: string,
  steps: readonly Labelled[],
  reference: JsonValue[],
  other: JsonValue[],
): string[] {
  const wrong: string[] = [];
  steps.forEach((step, i) => {
    if (step.divergence === undefined || targetName !== 'meerkat') return;
    const got = outcomeName(other[i]);
    if (got !== step.divergence.meerkat) {
      wrong.push(`${describeStep(step, i)}: expected ${step.divergence.meerkat} ` +
        `(${step.divergence.reason}), Meerkat gave ${JSON.stringify(other[i])}`);
    }
    reference[i] = { divergence: step.divergence.reason };
    other[i] = { divergence: step.divergence.reason };
  });
  return wrong;
}

function describeStep(step: Labelled | undefined, index: number): string {
  const shown: Record<string, unknown> = { ...step };
  delete shown['expect'];
  return `#${index} ${JSON.stringify(shown)}`;
}

/** The reference run must show the expected outcomes (this guards the harness itself). */
export function assertExpectations(
  scenario: string,
  steps: readonly Labelled[],
  results: readonly JsonValue[],
): void {
  const wrong: string[] = [];
  steps.forEach((step, i) => {
    if (step.expect === undefined) return;
    const got = outcomeName(results[i]);
    if (got !== step.expect) {
      wrong.push(`${describeStep(step, i)}: expected ${step.expect}, Apache gave ` +
        JSON.stringify(results[i]));
    }
  });
  assert.equal(wrong.length, 0, `${scenario}: reference run off script:\n${wrong.join('\n')}`);
}

/**
 * Normalises both runs (each as a whole; the other run's zxids and sessions named after the
 * reference values at the same places) and asserts they are equal, reporting up to 10
 * differing steps with both results. Zxids must also be ordered alike in both runs.
 */
export function assertSameRun(
  scenario: string,
  targetName: string,
  steps: readonly Labelled[],
  reference: readonly JsonValue[],
  other: readonly JsonValue[],
  options: NormalizeOptions = {},
): void {
  const referenceRun = [...reference];
  const otherRun = [...other];
  const divergent = settleDivergences(targetName, steps, referenceRun, otherRun);
  assert.deepStrictEqual(divergent, [], `${scenario}: declared divergences not met`);
  const normalized = normalizePair(referenceRun, otherRun, options);
  const ref = normalized.reference;
  const oth = normalized.other;
  assert.ok(Array.isArray(ref) && Array.isArray(oth));
  const diffs: string[] = [];
  for (let i = 0; i < Math.max(ref.length, oth.length); i++) {
    try {
      assert.deepStrictEqual(oth[i], ref[i]);
    } catch {
      diffs.push(`${describeStep(steps[i], i)}\n    apache:  ${JSON.stringify(ref[i])}\n` +
        `    ${targetName}: ${JSON.stringify(oth[i])}`);
    }
  }
  if (diffs.length > 0) {
    const shown = diffs.slice(0, 10).join('\n');
    const more = diffs.length > 10 ? `\n  ... and ${diffs.length - 10} more` : '';
    assert.fail(`${scenario}: ${targetName} differs from Apache ZooKeeper in ${diffs.length} ` +
      `step(s) (after normalisation):\n${shown}${more}`);
  }
  assert.deepStrictEqual(normalized.orderProblems, [],
    `${scenario}: ${targetName} orders zxids unlike Apache ZooKeeper`);
}
