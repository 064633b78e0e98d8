// `npm run bench:compare`: Apache ZooKeeper 3.8 (Debian's package; installed with apt-get when
// missing and this runs as root), Meerkat (this build) and the null server, each started from
// the same settings on a free loopback port, all running through a round; each workload
// against each in turn (A M N, then M N A, ...) for --rounds rounds, quiet servers before
// every window; one table of medians with ratios, server CPU and the generator's CPU.
//
//   npm run bench:compare -- [--rounds 3] [--workloads ...] [--duration-s 5] ...
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { apacheInstall } from '../test/support/apache-zookeeper.ts';
import { startContender, type RunningContender } from './support/contenders.ts';
import {
  loadFlagsHelp,
  loadOptionsFrom,
  parseBenchArgs,
  workloadsFrom,
} from './support/options.ts';
import {
  comparisonTables,
  mediansOf,
  unitOf,
  type ComparisonRow,
  type Contender,
} from './support/report.ts';
import { machineInfo, processCpuMs, waitUntilIdle } from './support/servers.ts';
import { fmtNumber, log } from './support/table.ts';
import { writeResultsFile } from './support/results-file.ts';
import { WorkloadRunner, type WorkloadName, type WorkloadResult } from './support/workloads.ts';

const args = parseBenchArgs({
  rounds: { type: 'string', default: '3' },
  contenders: { type: 'string', default: 'apache,meerkat,null' },
});
if (args.help === true) {
  process.stdout.write(
    'usage: npm run bench:compare -- [--rounds 3] [--contenders apache,meerkat,null] ' +
      '[load options]\n\n' +
      'Apache ZooKeeper 3.8, Meerkat and a null server (the ceiling) side by side.\n\n' +
      loadFlagsHelp,
  );
  process.exit(0);
}

/** Debian's zookeeper package, as .ci/run installs it, when missing and we may. */
function ensureApache(): void {
  const missing = apacheInstall();
  if (typeof missing !== 'string') return;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `Apache ZooKeeper not found (${missing}); install Debian's zookeeper package or set ` +
        'ZOOKEEPER_HOME',
    );
  }
  log('installing Apache ZooKeeper (apt-get install zookeeper)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', 'zookeeper'], {
    stdio: 'inherit',
    env,
  });
  if (install.status !== 0 || typeof apacheInstall() === 'string') {
    throw new Error('apt-get install zookeeper failed');
  }
}

const contenders = (args.contenders ?? '').split(',').filter((c) => c !== '') as Contender[];
for (const c of contenders) {
  if (!['apache', 'meerkat', 'null'].includes(c)) throw new Error(`--contenders: unknown '${c}'`);
}
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds: a whole number >= 1');
const workloads = workloadsFrom(args);
if (contenders.includes('apache')) ensureApache();

const results = new Map<Contender, WorkloadResult[]>(contenders.map((c) => [c, []]));
for (let round = 1; round <= rounds; round++) {
  // Every contender runs for the whole round, and each workload is measured on all of them
  // back to back (the order rotating by round), so that drift of this machine over minutes
  // (disk latency, a neighbour's load) lands on all of them alike rather than on one.
  const started: { kind: Contender; server: RunningContender; runner: WorkloadRunner }[] = [];
  try {
    for (const kind of contenders) {
      const server = await startContender(kind);
      log(`round ${round}/${rounds}: ${kind} (pid ${server.pid}, port ${server.port})`);
      const options = {
        ...loadOptionsFrom(args, `127.0.0.1:${server.port}`, `r${round}`),
        serverCpuMs: () => processCpuMs(server.pid),
      };
      const runner = await WorkloadRunner.open(options).catch(async (error: unknown) => {
        await server.stop();
        throw error;
      });
      started.push({ kind, server, runner });
    }
    const shift = (round - 1) % started.length;
    const order = [...started.slice(shift), ...started.slice(0, shift)];
    for (const workload of workloads) {
      if (workload === 'delete' || workload === 'delete-serial') {
        // Each server deletes nodes its own create made, as many as the fewest any of them
        // made: otherwise the fastest creator deletes the most, in the longest window. (The
        // null server keeps no tree; its ceiling stays unlimited.)
        const servers = started.filter((s) => s.kind !== 'null');
        const count = Math.min(...servers.map((s) => s.runner.pendingDeletes(workload)));
        for (const s of servers) s.runner.limitDeletes(workload, count);
      }
      for (const entry of order) {
        if (!(await waitUntilIdle(started.map((s) => s.server.pid)))) {
          log('  (servers still busy after 15 s; measuring anyway)');
        }
        const r = await entry.runner.run(workload);
        log(`  ${entry.kind} ${r.workload}: ${fmtNumber(r.opsPerSec)}/s, p99 ${r.latency.p99} us`);
        results.get(entry.kind)?.push(r);
      }
    }
  } finally {
    for (const { server, runner } of started) {
      await runner.close().catch(() => undefined);
      await server.stop();
    }
  }
}

const rows: ComparisonRow[] = workloads.map((workload: WorkloadName) => {
  const row: Partial<Record<Contender, ReturnType<typeof mediansOf>>> = {};
  for (const kind of contenders) {
    const mine = (results.get(kind) ?? []).filter((r) => r.workload === workload);
    if (mine.length > 0) row[kind] = mediansOf(mine);
  }
  return { workload, ...row };
});

const options = loadOptionsFrom(args, '', '');
const machine = machineInfo();
process.stdout.write(
  `\n== bench:compare: ${contenders.join(' / ')}, ${rounds} round(s), medians; ` +
    `${options.sessions} sessions x ${options.depth} outstanding (serial: 1 x 1); ` +
    `${options.durationMs / 1000} s windows after ${options.warmupMs / 1000} s warm-up; ` +
    `${options.dataBytes} B data, ${options.keys} keys ==\n` +
    `Meerkat ${machine.source}; ${machine.nproc} cores ${machine.cpuModel}; ` +
    `node ${machine.node}; ${machine.java}\n\n`,
);
process.stdout.write(comparisonTables(rows));
process.stdout.write(
  `\nconnect: ${unitOf('connect')}. watch-fanout: ${unitOf('watch-fanout')}.\n` +
    'null ceiling: a stateless server with canned replies; what the generator and loopback ' +
    'allow here.\n',
);
const out = await writeResultsFile('compare', args.out, {
  machine,
  options,
  rounds,
  rows,
  results: Object.fromEntries(results),
});
log(`wrote ${out}`);
