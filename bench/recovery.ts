// Crash recovery, Apache ZooKeeper vs Meerkat, same zoo.cfg. For each size N and each server:
// a fresh data dir, cold start to the first session, populate N znodes of 100 bytes through
// pipelined connections, SIGKILL, then a cold restart on the same data dir timed to the first
// successful getData of the last-created znode, with resident memory and disk use.
//
//   npm run bench:recovery -- --znodes 100000,1000000 [--rounds N] [--keep]
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { getFreePort } from '../test/support/free-port.ts';
import { sendFourLetterWord } from '../test/support/four-letter-word.ts';
import { getDataAttempt, pollUntil, sessionAttempt } from './support/poll.ts';
import { populate } from './support/populate.ts';
import {
  crash,
  machineInfo,
  readMemory,
  renderBenchZooCfg,
  spawnServer,
  versionDirUsage,
  type BenchServer,
  type DirUsage,
  type MemoryReading,
  type ServerKind,
} from './support/servers.ts';
import { fmtBytes, fmtNumber, log, median, printTable, type Row } from './support/table.ts';
import { writeResultsFile } from './support/results-file.ts';

const DATA_BYTES = 100;

const { values: args } = parseArgs({
  options: {
    znodes: { type: 'string', default: '100000,1000000' },
    rounds: { type: 'string' },
    servers: { type: 'string', default: 'apache,meerkat' },
    connections: { type: 'string', default: '4' },
    depth: { type: 'string', default: '64' },
    'snap-count': { type: 'string', default: '100000' },
    'populate-deadline-s': { type: 'string', default: '150' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.help === true) {
  process.stdout.write(
    'usage: npm run bench:recovery -- [options]\n\n' +
      'Footprint, cold start and crash recovery, Apache ZooKeeper vs Meerkat, same zoo.cfg.\n\n' +
      '  --znodes N,M,...          sizes to populate (100 B each) [100000,1000000]\n' +
      '  --rounds N                rounds per size [3 below 1M, 2 at 1M]\n' +
      '  --servers a,b             apache,meerkat or one of them [apache,meerkat]\n' +
      '  --connections S --depth C  populate through S connections x C pipelined [4 x 64]\n' +
      '  --snap-count N            snapCount of both servers [100000]\n' +
      '  --populate-deadline-s N   give up populating after N s [150]\n' +
      '  --keep                    keep the data directories\n' +
      '  --out FILE                JSON results (default bench/results/recovery-<date>.json)\n',
  );
  process.exit(0);
}

interface RunResult {
  server: ServerKind;
  znodes: number;
  round: number;
  coldStartMs: number;
  memEmpty: MemoryReading;
  populate: {
    created: number;
    failed: number;
    elapsedMs: number;
    createsPerSec: number;
    lastPath: string;
    lastZxid: string;
    timedOut: boolean;
  };
  memAfterPopulate: MemoryReading;
  diskAfterPopulate: DirUsage;
  recoveryMs: number;
  recoveryAttempts: number;
  recoveryErrors: Record<string, number>;
  memAfterRecovery: MemoryReading;
  memSettled: MemoryReading;
  znodeCountAfterRecovery: number;
  diskAfterRecovery: DirUsage;
  /** Txns replayed from the log on top of the snapshot loaded at recovery. */
  txnsReplayed: number;
  /** A complete snapshot (Apache: the one it writes at start-up; Meerkat: the one it loaded). */
  completeSnapshot: { bytes: number; nodes: number };
  logNotes: string[];
}

/** Lines of the server log that say what recovery did. */
async function recoveryNotes(kind: ServerKind, logFile: string): Promise<string[]> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  const notes: string[] = [];
  for (const line of text.split('\n')) {
    if (kind === 'apache') {
      const m =
        /(Snapshot loaded in .*|\d+ txns loaded in .*|Snapshotting: .*|Snapshot taken.*)$/.exec(
          line,
        );
      if (m?.[1] !== undefined) notes.push(m[1]);
    } else if (/"msg":"(snapshot loaded|recovered|TORN[^"]*|empty txn log[^"]*)"/.test(line)) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      delete entry['level'];
      delete entry['time'];
      delete entry['pid'];
      delete entry['hostname'];
      notes.push(JSON.stringify(entry));
    }
  }
  return notes;
}

/**
 * What recovery replayed, from the server's log. Apache writes a snapshot of everything at
 * start-up (so its newest snapshot after recovery holds all `znodeCount` nodes); Meerkat does
 * not, and its newest snapshot is the one it loaded.
 */
function recoveryDetails(
  kind: ServerKind,
  notes: readonly string[],
  znodeCount: number,
): { txnsReplayed: number; snapshotNodes: number } {
  if (kind === 'apache') {
    const replayed = notes.map((n) => /^(\d+) txns loaded in/.exec(n)?.[1]).find((x) => x);
    return { txnsReplayed: Number(replayed ?? NaN), snapshotNodes: znodeCount };
  }
  let txnsReplayed = NaN;
  let snapshotNodes = NaN;
  for (const note of notes) {
    const entry = JSON.parse(note) as { msg?: string; nodes?: number; txnsReplayed?: number };
    if (entry.msg === 'snapshot loaded') snapshotNodes = Number(entry.nodes);
    if (entry.msg === 'recovered') txnsReplayed = Number(entry.txnsReplayed);
  }
  return { txnsReplayed, snapshotNodes };
}

async function znodeCount(port: number): Promise<number> {
  const mntr = await sendFourLetterWord('127.0.0.1', port, 'mntr', { timeoutMs: 10_000 });
  const m = /^zk_znode_count\s+(\d+)/m.exec(mntr);
  return m === null ? NaN : Number(m[1]);
}

async function runOne(kind: ServerKind, znodes: number, round: number): Promise<RunResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `meerkat-bench-${kind}-`));
  const dataDir = path.join(dir, 'data');
  const port = await getFreePort();
  const cfgFile = path.join(dir, 'zoo.cfg');
  const snapCount = Number(args['snap-count']);
  await writeFile(cfgFile, renderBenchZooCfg({ dataDir, port, snapCount }));
  let server: BenchServer | undefined;
  const died = (): string | undefined =>
    server?.hasExited() === true ? `${kind} exited (see ${server.logFile})` : undefined;
  try {
    // 1. Cold start of an empty server, to the first session.
    server = await spawnServer(kind, cfgFile, dir, 'populate');
    const ready = await pollUntil(sessionAttempt(port), { deadlineMs: 60_000, abandon: died });
    const coldStartMs = ready.at - server.spawnedAt;
    const memEmpty = readMemory(server.pid);
    log(`${kind} N=${fmtNumber(znodes)} round ${round}: empty start ${coldStartMs.toFixed(0)} ms`);

    // 2. Populate as fast as the server takes it.
    const filled = await populate({
      port,
      znodes,
      dataBytes: DATA_BYTES,
      connections: Number(args.connections),
      depth: Number(args.depth),
      deadlineMs: Number(args['populate-deadline-s']) * 1000,
      progress: (n) => log(`  ${kind}: ${fmtNumber(n)} created`),
    });
    log(
      `  ${kind}: populated ${fmtNumber(filled.created)} in ` +
        `${(filled.elapsedMs / 1000).toFixed(1)} s = ${fmtNumber(filled.createsPerSec)}/s` +
        `${filled.timedOut ? ' (TIMED OUT)' : ''}` +
        `, last ${filled.lastPath}`,
    );
    if (filled.failed > 0) throw new Error(`${filled.failed} creates failed`);
    const memAfterPopulate = readMemory(server.pid);

    // 3. Crash.
    await crash(server);
    const diskAfterPopulate = await versionDirUsage(path.join(dataDir, 'version-2'));

    // 4. Cold recovery: spawn to the first getData of the last-created znode.
    const errors = new Map<number, number>();
    let memAfterRecovery: MemoryReading | undefined;
    server = await spawnServer(kind, cfgFile, dir, 'recover');
    const pid = server.pid;
    const attempt = getDataAttempt(port, filled.lastPath, DATA_BYTES, errors, 5000, () => {
      memAfterRecovery ??= readMemory(pid);
    });
    const recovered = await pollUntil(attempt, { deadlineMs: 180_000, abandon: died });
    const recoveryMs = recovered.at - server.spawnedAt;
    memAfterRecovery ??= readMemory(pid);
    log(`  ${kind}: recovered in ${recoveryMs.toFixed(0)} ms (${recovered.attempts} attempts)`);
    await delay(2000);
    const memSettled = readMemory(pid);
    const count = await znodeCount(port).catch(() => NaN);
    const diskAfterRecovery = await versionDirUsage(path.join(dataDir, 'version-2'));
    await crash(server);
    const logNotes = await recoveryNotes(kind, server.logFile);
    const details = recoveryDetails(kind, logNotes, count);
    return {
      server: kind,
      znodes,
      round,
      coldStartMs,
      memEmpty,
      populate: { ...filled, lastZxid: `0x${filled.lastZxid.toString(16)}` },
      memAfterPopulate,
      diskAfterPopulate,
      recoveryMs,
      recoveryAttempts: recovered.attempts,
      recoveryErrors: Object.fromEntries(errors),
      memAfterRecovery,
      memSettled,
      znodeCountAfterRecovery: count,
      diskAfterRecovery,
      txnsReplayed: details.txnsReplayed,
      completeSnapshot: {
        bytes: diskAfterRecovery.snapshots.newestBytes,
        nodes: details.snapshotNodes,
      },
      logNotes,
    };
  } finally {
    if (server !== undefined) await crash(server).catch(() => undefined);
    if (args.keep) log(`  kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

const MB = 2 ** 20;

function rows(runs: RunResult[], znodes: number): Row[] {
  const of = (kind: ServerKind, pick: (r: RunResult) => number): number =>
    median(runs.filter((r) => r.server === kind && r.znodes === znodes).map(pick));
  const row = (
    metric: string,
    better: 'lower' | 'higher' | 'info',
    pick: (r: RunResult) => number,
    format: (v: number) => string,
  ): Row => ({ metric, better, apache: of('apache', pick), meerkat: of('meerkat', pick), format });
  const ms = (v: number): string => `${fmtNumber(v)} ms`;
  const mb = (v: number): string => `${(v / MB).toFixed(0)} MB`;
  const perNode = (r: RunResult): number => (r.memSettled.rss - r.memEmpty.rss) / znodes;
  return [
    row('populate throughput (creates/s)', 'higher', (r) => r.populate.createsPerSec, fmtNumber),
    row('cold recovery: spawn -> getData(last)', 'lower', (r) => r.recoveryMs, ms),
    row('  txns replayed from the log (varies)', 'info', (r) => r.txnsReplayed, fmtNumber),
    row('RSS right after recovery', 'lower', (r) => r.memAfterRecovery.rss, mb),
    row('RSS after 2 s settle', 'lower', (r) => r.memSettled.rss, mb),
    row('peak RSS during recovery (VmHWM)', 'lower', (r) => r.memSettled.hwm, mb),
    row('RSS per znode (settled - empty) / N', 'lower', perNode, (v) => `${v.toFixed(0)} B`),
    row('RSS after populate (before crash)', 'lower', (r) => r.memAfterPopulate.rss, mb),
    row(
      'disk: snapshots (sum of files)',
      'lower',
      (r) => r.diskAfterPopulate.snapshots.bytes,
      fmtBytes,
    ),
    row('disk: snapshot files', 'info', (r) => r.diskAfterPopulate.snapshots.files, fmtNumber),
    row(
      'disk: complete snapshot, bytes per znode',
      'lower',
      (r) => r.completeSnapshot.bytes / r.completeSnapshot.nodes,
      (v) => (Number.isFinite(v) ? `${v.toFixed(1)} B` : 'n/a'),
    ),
    row('disk: txn logs (apparent size)', 'lower', (r) => r.diskAfterPopulate.logs.bytes, fmtBytes),
    row(
      'disk: txn logs (allocated blocks)',
      'lower',
      (r) => r.diskAfterPopulate.logs.allocated,
      fmtBytes,
    ),
    row('disk: txn log files', 'info', (r) => r.diskAfterPopulate.logs.files, fmtNumber),
    row('cold start, empty -> first session', 'lower', (r) => r.coldStartMs, ms),
    row('RSS empty (at first session)', 'lower', (r) => r.memEmpty.rss, mb),
  ];
}

async function main(): Promise<void> {
  const sizes = args.znodes.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--znodes: whole numbers');
  const kinds = args.servers.split(',').map((s) => s.trim()) as ServerKind[];
  const machine = machineInfo();
  log(`machine: ${JSON.stringify(machine)}`);
  const runs: RunResult[] = [];
  const failures: { server: ServerKind; znodes: number; round: number; error: string }[] = [];
  for (const znodes of sizes) {
    const rounds = args.rounds !== undefined ? Number(args.rounds) : znodes >= 1_000_000 ? 2 : 3;
    for (let round = 1; round <= rounds; round++) {
      for (const kind of kinds) {
        try {
          runs.push(await runOne(kind, znodes, round));
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          log(`  ${kind} N=${znodes} round ${round} FAILED: ${message}`);
          failures.push({ server: kind, znodes, round, error: message });
        }
      }
    }
  }
  process.stdout.write(
    `\nMeerkat ${machine.source}; ${machine.nproc} cores ${machine.cpuModel}, ` +
      `${machine.memTotal}; node ${machine.node}; ${machine.java}\n`,
  );
  for (const znodes of sizes) {
    const n = runs.filter((r) => r.znodes === znodes).length;
    process.stdout.write(
      `\n== recovery, N = ${fmtNumber(znodes)} znodes x ${DATA_BYTES} B ` +
        `(medians of ${n / kinds.length} rounds, A/B interleaved) ==\n`,
    );
    printTable(rows(runs, znodes));
    for (const r of runs.filter((x) => x.znodes === znodes)) {
      const readErrors =
        Object.keys(r.recoveryErrors).length === 0
          ? ''
          : `, read errors ${JSON.stringify(r.recoveryErrors)}`;
      process.stdout.write(
        `  ${r.server} round ${r.round}: populate ${fmtNumber(r.populate.createsPerSec)}/s, ` +
          `recovery ${fmtNumber(r.recoveryMs)} ms, ` +
          `znodes after ${fmtNumber(r.znodeCountAfterRecovery)}${readErrors}\n` +
          r.logNotes.map((note) => `      ${note}\n`).join(''),
      );
    }
  }
  for (const f of failures) process.stdout.write(`FAILED: ${JSON.stringify(f)}\n`);
  const summary = Object.fromEntries(
    sizes.map((znodes) => [
      znodes,
      rows(runs, znodes).map((r) => ({
        metric: r.metric,
        better: r.better,
        apache: r.apache,
        meerkat: r.meerkat,
        ratio: r.meerkat / r.apache,
      })),
    ]),
  );
  const out = await writeResultsFile('recovery', args.out, {
    bench: 'recovery',
    date: new Date().toISOString(),
    machine,
    args,
    summary,
    runs,
    failures,
  });
  process.stdout.write(`\nwrote ${out}\n`);
  if (failures.length > 0) process.exitCode = 1;
}

await main();
