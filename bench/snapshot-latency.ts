// The durability issue's target: "at 1 million znodes, p99 request latency during a snapshot
// stays within 2x of the latency without one". Meerkat runs in this thread (startServer, no
// automatic snapshots); the load generator runs in a worker thread with its own event loop:
// S connections x C outstanding, 90% getData / 10% setData on random existing znodes. Windows:
// 5 s without a snapshot, one from the start of running.store.snapshot() until it is done (at
// least 5 s), 5 s without again. Also the worst event-loop stall of this thread per window.
//
//   npm run bench:snapshot-latency -- --znodes 1000000 [--snapshots 1] [--window-s 5]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { silentLogger } from '../src/core/logger.ts';
import { configFromOptions } from '../src/server/config.ts';
import type { SnapshotResult } from '../src/server/persistence/snapshotter.ts';
import { startServer } from '../src/server/server.ts';
import type { FromWorker, ToWorker, WindowStats, WorkerInput } from './snapshot-latency-worker.ts';
import { Histogram, type HistogramSummary } from './support/histogram.ts';
import { machineInfo } from './support/servers.ts';
import { fmtBytes, fmtNumber, log } from './support/table.ts';
import { writeResultsFile } from './support/results-file.ts';

const { values: args } = parseArgs({
  options: {
    znodes: { type: 'string', default: '1000000' },
    connections: { type: 'string', default: '8' },
    depth: { type: 'string', default: '32' },
    'write-ratio': { type: 'string', default: '0.1' },
    'window-s': { type: 'string', default: '5' },
    'warmup-s': { type: 'string', default: '10' },
    snapshots: { type: 'string', default: '1' },
    'force-sync': { type: 'string', default: 'yes' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.help === true) {
  process.stdout.write(
    'usage: npm run bench:snapshot-latency -- [options]\n\n' +
      'p99 latency during a snapshot against without one, on an in-process Meerkat.\n\n' +
      '  --znodes N          znodes of 100 B populated first [1000000]\n' +
      '  --connections S     load connections [8]\n' +
      '  --depth C           outstanding requests per connection [32]\n' +
      '  --write-ratio R     share of setData in the load [0.1]\n' +
      '  --window-s N        each measured window without a snapshot [5]\n' +
      '  --warmup-s N        load before the first window [10]\n' +
      '  --snapshots N       snapshot windows [1]\n' +
      '  --force-sync yes|no forceSync of the server [yes]\n' +
      '  --out FILE          JSON results (default bench/results/snapshot-latency-<date>.json)\n',
  );
  process.exit(0);
}

interface WindowReport {
  label: string;
  snapshot: boolean;
  elapsedMs: number;
  opsPerSec: number;
  errors: number;
  all: HistogramSummary;
  reads: HistogramSummary;
  writes: HistogramSummary;
  /** This thread's event-loop delay (ms): max is the worst single stall. */
  loopDelayMs: { p50: number; p99: number; max: number };
  gc: { count: number; totalMs: number; maxMs: number };
  snapshotResult?: { nodes: number; bytes: number; durationMs: number; zxid: string };
}

async function main(): Promise<void> {
  const znodes = Number(args.znodes);
  const windowMs = Number(args['window-s']) * 1000;
  const machine = machineInfo();
  log(`machine: ${JSON.stringify(machine)}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'meerkat-bench-snaplat-'));
  const config = configFromOptions({
    dataDir: dir,
    dataLogDir: dir,
    clientPort: 0,
    clientPortAddress: '127.0.0.1',
    snapCount: 2_000_000_000, // no automatic snapshot during the bench
    forceSync: args['force-sync'] !== 'no',
  });
  const running = await startServer({ config, logger: silentLogger });
  const input: WorkerInput = {
    port: running.port,
    znodes,
    connections: Number(args.connections),
    depth: Number(args.depth),
    writeRatio: Number(args['write-ratio']),
    populateConnections: 4,
    populateDepth: 64,
  };
  const worker = new Worker(new URL('./snapshot-latency-worker.js', import.meta.url), {
    workerData: input,
  });
  const inbox: FromWorker[] = [];
  let wake: (() => void) | undefined;
  let workerError: string | undefined;
  worker.on('message', (m: FromWorker) => {
    inbox.push(m);
    wake?.();
  });
  worker.on('error', (error) => {
    workerError = String(error);
    wake?.();
  });
  const next = async <T extends FromWorker['type']>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<FromWorker, { type: T }>> => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const index = inbox.findIndex((m) => m.type === type || m.type === 'failed');
      const found = inbox[index];
      if (found !== undefined) {
        inbox.splice(index, 1);
        if (found.type === 'failed') throw new Error(`worker: ${found.error}`);
        return found as Extract<FromWorker, { type: T }>;
      }
      if (workerError !== undefined) throw new Error(`worker: ${workerError}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no '${type}' from the worker within ${timeoutMs} ms`);
      await Promise.race([new Promise<void>((r) => (wake = r)), delay(Math.min(left, 1000))]);
    }
  };
  const send = (m: ToWorker): void => worker.postMessage(m);

  const loop = monitorEventLoopDelay({ resolution: 1 });
  const gcPauses: number[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPauses.push(entry.duration);
  });
  gcObserver.observe({ entryTypes: ['gc'] });

  try {
    log(`populating ${fmtNumber(znodes)} znodes of 100 B (4 connections x 64 outstanding)`);
    const populated = (await next('populated', 420_000)).result;
    log(
      `populated in ${(populated.elapsedMs / 1000).toFixed(1)} s = ` +
        `${fmtNumber(populated.createsPerSec)} creates/s; ` +
        `tree ${fmtNumber(running.processor.state.tree.nodeCount)} nodes; ` +
        `rss ${fmtBytes(process.memoryUsage().rss)}, ` +
        `heap ${fmtBytes(process.memoryUsage().heapUsed)}`,
    );
    send({ type: 'load' });
    await next('loading', 30_000);
    log(`load: ${input.connections} connections x ${input.depth} outstanding, warming up`);
    await delay(Number(args['warmup-s']) * 1000);

    const windows: WindowReport[] = [];
    const raw = new Map<WindowReport, Histogram>();
    const runWindow = async (label: string, snapshot: boolean): Promise<WindowReport> => {
      gcPauses.length = 0;
      loop.reset();
      loop.enable();
      const started = performance.now();
      send({ type: 'window-start' });
      let result: SnapshotResult | undefined;
      if (snapshot) {
        result = await running.store.snapshot();
        if (result === undefined) throw new Error('snapshot failed');
      }
      const left = windowMs - (performance.now() - started);
      if (left > 0) await delay(left);
      send({ type: 'window-end' });
      loop.disable();
      const stats: WindowStats = (await next('window', 30_000)).stats;
      const all = Histogram.fromJSON(stats.histogram);
      const report: WindowReport = {
        label,
        snapshot,
        elapsedMs: stats.elapsedMs,
        opsPerSec: (all.count / stats.elapsedMs) * 1000,
        errors: stats.errors,
        all: all.summary(),
        reads: Histogram.fromJSON(stats.reads).summary(),
        writes: Histogram.fromJSON(stats.writes).summary(),
        loopDelayMs: {
          p50: loop.percentile(50) / 1e6,
          p99: loop.percentile(99) / 1e6,
          max: loop.max / 1e6,
        },
        gc: {
          count: gcPauses.length,
          totalMs: gcPauses.reduce((a, b) => a + b, 0),
          maxMs: Math.max(0, ...gcPauses),
        },
        ...(result === undefined
          ? {}
          : {
              snapshotResult: {
                nodes: result.nodes,
                bytes: result.bytes,
                durationMs: result.durationMs,
                zxid: `0x${result.zxid.toString(16)}`,
              },
            }),
      };
      log(
        `${label}: ${fmtNumber(report.opsPerSec)} ops/s, p99 ${fmtNumber(report.all.p99)} us, ` +
          `loop max ${report.loopDelayMs.max.toFixed(1)} ms` +
          (result === undefined ? '' : `, snapshot ${result.durationMs.toFixed(0)} ms`),
      );
      windows.push(report);
      raw.set(report, all);
      return report;
    };

    const rounds = Number(args.snapshots);
    const order: [string, boolean][] = [['no snapshot (before)', false]];
    for (let i = 1; i <= rounds; i++) {
      order.push([rounds === 1 ? 'during snapshot' : `during snapshot #${i}`, true]);
      order.push([i === rounds ? 'no snapshot (after)' : `no snapshot (between ${i})`, false]);
    }
    for (const [label, snapshot] of order) {
      await runWindow(label, snapshot);
    }
    printReport(windows, raw, populated, input, machine);
    const out = await writeResultsFile('snapshot-latency', args.out, {
      bench: 'snapshot-latency',
      date: new Date().toISOString(),
      machine,
      args,
      input,
      populated,
      windows,
    });
    process.stdout.write(`\nwrote ${out}\n`);
  } finally {
    gcObserver.disconnect();
    await worker.terminate();
    await running.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function printReport(
  windows: WindowReport[],
  raw: ReadonlyMap<WindowReport, Histogram>,
  populated: { createsPerSec: number; elapsedMs: number },
  input: WorkerInput,
  machine: ReturnType<typeof machineInfo>,
): void {
  const w = (s: string, n: number): string => s.padStart(n);
  const us = (v: number): string => fmtNumber(v);
  process.stdout.write(
    `\n== snapshot latency: ${fmtNumber(input.znodes)} znodes x 100 B, ` +
      `${input.connections} conns x ${input.depth} outstanding, ` +
      `${Math.round((1 - input.writeRatio) * 100)}/${Math.round(input.writeRatio * 100)} ` +
      `getData/setData, forceSync=${args['force-sync']}; ${machine.nproc} cores; ` +
      `Meerkat ${machine.source} ==\n`,
  );
  process.stdout.write(
    `populate: ${fmtNumber(populated.createsPerSec)} creates/s ` +
      `(${(populated.elapsedMs / 1000).toFixed(1)} s)\n\n`,
  );
  const labelWidth = Math.max(6, ...windows.map((r) => r.label.length));
  const head =
    `| ${'window'.padEnd(labelWidth)} | ${w('secs', 5)} | ${w('ops/s', 7)} | ${w('p50 us', 7)} | ` +
    `${w('p99 us', 8)} | ${w('p99.9 us', 9)} | ${w('max us', 9)} | ${w('write p99', 9)} | ` +
    `${w('loop max ms', 11)} | ${w('gc ms (n)', 12)} |\n`;
  process.stdout.write(head);
  process.stdout.write(head.replace(/[^|\n]/g, '-'));
  for (const r of windows) {
    process.stdout.write(
      `| ${r.label.padEnd(labelWidth)} | ${w((r.elapsedMs / 1000).toFixed(1), 5)} | ` +
        `${w(fmtNumber(r.opsPerSec), 7)} | ${w(us(r.all.p50), 7)} | ${w(us(r.all.p99), 8)} | ` +
        `${w(us(r.all.p999), 9)} | ${w(us(r.all.max), 9)} | ${w(us(r.writes.p99), 9)} | ` +
        `${w(r.loopDelayMs.max.toFixed(1), 11)} | ` +
        `${w(`${r.gc.totalMs.toFixed(0)} (${r.gc.count})`, 12)} |\n`,
    );
  }
  const without = windows.filter((r) => !r.snapshot);
  const pooled = new Histogram();
  for (const r of without) {
    const h = raw.get(r);
    if (h !== undefined) pooled.add(h);
  }
  const base = pooled.summary();
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  const baseOpsPerSec = (pooled.count / without.reduce((a, x) => a + x.elapsedMs, 0)) * 1000;
  process.stdout.write(
    `\nwithout a snapshot (both windows pooled): p50 ${us(base.p50)} us, p99 ${us(base.p99)} us, ` +
      `p99.9 ${us(base.p999)} us\n`,
  );
  const p99s = without.map((x) => x.all.p99);
  const unstable = Math.max(...p99s) > 2 * Math.min(...p99s);
  if (unstable) {
    process.stdout.write(
      `WARNING: the no-snapshot windows disagree (p99 ${p99s.map(us).join(' vs ')} us): the ` +
        'baseline is noisy on this machine; compare per window, or rerun (--snapshots 2+)\n',
    );
  }
  for (const r of windows.filter((x) => x.snapshot)) {
    const s = r.snapshotResult;
    if (s === undefined) continue;
    const p99Ratio = r.all.p99 / base.p99;
    const perWindow = without.map((x) => ratio(r.all.p99, x.all.p99)).join(', ');
    process.stdout.write(
      `${r.label}: snapshot of ${fmtNumber(s.nodes)} nodes, ${fmtBytes(s.bytes)} in ` +
        `${fmtNumber(s.durationMs)} ms (${fmtBytes((s.bytes / s.durationMs) * 1000)}/s); ` +
        `worst event-loop stall ${r.loopDelayMs.max.toFixed(1)} ms\n` +
        `  p99 during / p99 without = ${p99Ratio.toFixed(2)}x (per window: ${perWindow}); ` +
        `target <= 2x: ${p99Ratio <= 2 ? 'MET' : 'NOT MET'}${unstable ? ' (noisy baseline)' : ''}\n` +
        `  p50 ${ratio(r.all.p50, base.p50)}, p99.9 ${ratio(r.all.p999, base.p999)}, ` +
        `throughput ${ratio(r.opsPerSec, baseOpsPerSec)}` +
        ` (during / without)\n`,
    );
  }
}

await main();
