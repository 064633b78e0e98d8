// `npm run bench`: the workloads of bench/support/workloads.ts against one server and a table
// of the results. Without --target it starts a Meerkat server (this build, a temp data
// directory, forceSync=yes) on a free port and measures that.
//
//   npm run bench -- [--target host:port] [--workloads get,set] [--duration-s 5] ...
import { startContender, type RunningContender } from './support/contenders.ts';
import {
  loadFlagsHelp,
  loadOptionsFrom,
  parseBenchArgs,
  workloadsFrom,
} from './support/options.ts';
import { singleServerTable, unitOf } from './support/report.ts';
import { machineInfo, processCpuMs } from './support/servers.ts';
import { fmtNumber, log } from './support/table.ts';
import { writeResultsFile } from './support/results-file.ts';
import { runWorkloads } from './support/workloads.ts';

const args = parseBenchArgs({ target: { type: 'string' } });
if (args.help === true) {
  process.stdout.write(
    'usage: npm run bench -- [--target host:port] [load options]\n\n' +
      'Measures one ZooKeeper-compatible server; without --target, a Meerkat server of this\n' +
      'build started on a free port.\n\n' +
      loadFlagsHelp,
  );
  process.exit(0);
}

const workloads = workloadsFrom(args);
let server: RunningContender | undefined;
try {
  let connectString = args.target;
  if (connectString === undefined) {
    server = await startContender('meerkat');
    connectString = `127.0.0.1:${server.port}`;
    log(`started Meerkat pid ${server.pid} on ${connectString}`);
  }
  const pid = server?.pid;
  const options = {
    ...loadOptionsFrom(args, connectString, `run-${Date.now().toString(36)}`),
    ...(pid === undefined ? {} : { serverCpuMs: () => processCpuMs(pid) }),
  };
  const results = await runWorkloads(options, workloads, (r) =>
    log(`${r.workload}: ${fmtNumber(r.opsPerSec)}/s, p99 ${fmtNumber(r.latency.p99)} us`),
  );
  process.stdout.write(
    `\n== bench: ${connectString}${server === undefined ? '' : ' (Meerkat, this build)'}; ` +
      `${options.sessions} sessions x ${options.depth} outstanding; ` +
      `${options.durationMs / 1000} s windows after ${options.warmupMs / 1000} s warm-up ==\n\n`,
  );
  process.stdout.write(singleServerTable(results));
  process.stdout.write(
    `\nconnect: ${unitOf('connect')}; watch-fanout: ${unitOf('watch-fanout')}\n`,
  );
  const out = await writeResultsFile('bench', args.out, {
    machine: machineInfo(),
    target: connectString,
    options,
    results,
  });
  log(`wrote ${out}`);
} finally {
  await server?.stop();
}
