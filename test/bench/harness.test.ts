// CI runs the benchmark harness once, tiny, to prove it works end to end: `bench:compare`
// starts Meerkat, the null server and (when installed) Apache ZooKeeper, runs every workload
// against each and prints the tables. No speed is asserted: only that every workload produced
// measurements without errors. Without Apache the Apache column is skipped, loudly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { allWorkloads, type WorkloadResult } from '../../bench/support/workloads.ts';
import { apacheSkipReason } from '../support/differential.ts';
import { repoRoot } from '../support/server-process.ts';

const tiny = [
  '--rounds=1',
  '--warmup-s=0.05',
  '--duration-s=0.2',
  '--sessions=2',
  '--depth=4',
  '--keys=50',
  '--connects=10',
  '--fanout-sessions=5',
  '--fanout-rounds=2',
];

function run(args: readonly string[], timeoutMs: number): Promise<{ code: number; out: string }> {
  const script = path.join(repoRoot(), 'dist', 'bench', 'compare.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench:compare did not finish in ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out: `${out}\n--- stderr ---\n${err}` });
    });
  });
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'meerkat-bench-test-'));
after(() => rm(dir, { recursive: true, force: true }));

void describe('bench:compare, tiny', () => {
  void it('measures every workload on every contender and prints the tables', async (t) => {
    const skipApache = apacheSkipReason();
    const contenders = skipApache === null ? 'apache,meerkat,null' : 'meerkat,null';
    if (skipApache !== null) t.diagnostic(`Apache column SKIPPED: ${skipApache}`);
    const out = path.join(dir, 'compare.json');
    const { code, out: output } = await run(
      [...tiny, `--contenders=${contenders}`, `--out=${out}`],
      120_000,
    );
    assert.equal(code, 0, output);
    for (const workload of allWorkloads) {
      assert.match(output, new RegExp(`^\\| ${workload} +\\|`, 'm'), `row for ${workload}`);
    }
    const json = JSON.parse(await readFile(out, 'utf8')) as {
      results: Record<string, WorkloadResult[]>;
    };
    for (const kind of contenders.split(',')) {
      const results = json.results[kind] ?? [];
      assert.deepEqual(
        results.map((r) => r.workload),
        allWorkloads,
        `${kind}: a result per workload`,
      );
      for (const r of results) {
        assert.equal(r.errors, 0, `${kind} ${r.workload}: no errors`);
        assert.ok(r.opsPerSec > 0 && r.latency.count > 0, `${kind} ${r.workload}: measured`);
      }
    }
  });
});
