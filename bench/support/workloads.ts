// The workloads of `npm run bench`, the same for every server, driven through meerkat/client:
// S sessions x C outstanding requests (each of the S*C loops sends its next request as soon as
// its reply arrives), a warm-up, then a fixed measured window; latency per request into an
// HDR-style histogram in microseconds. Plus connect (open and close sessions) and watch
// fan-out (many sessions watch one znode; one setData; time until every event arrived).
import { createClient, NodeExistsError, type ZooKeeperClient } from '../../src/client/index.ts';
import { Histogram, type HistogramSummary } from './histogram.ts';

export type WorkloadName =
  | 'create'
  | 'get'
  | 'set'
  | 'mixed'
  | 'delete'
  | 'create-serial'
  | 'get-serial'
  | 'set-serial'
  | 'mixed-serial'
  | 'delete-serial'
  | 'connect'
  | 'watch-fanout';

export const allWorkloads: readonly WorkloadName[] = [
  'create',
  'get',
  'set',
  'mixed',
  'delete',
  'create-serial',
  'get-serial',
  'set-serial',
  'mixed-serial',
  'delete-serial',
  'connect',
  'watch-fanout',
];

export interface LoadOptions {
  readonly connectString: string;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Sessions and outstanding requests per session of the parallel workloads. */
  readonly sessions: number;
  readonly depth: number;
  /** Znodes the get/set/mixed workloads pick from. */
  readonly keys: number;
  readonly dataBytes: number;
  /** Sessions opened and closed by `connect`, at least (the window lasts `durationMs` too). */
  readonly connects: number;
  /** Watching sessions and rounds (at least, as `connects`) of `watch-fanout`. */
  readonly fanoutSessions: number;
  readonly fanoutRounds: number;
  /** A fresh prefix per run, so servers that keep state never see a name twice. */
  readonly runId: string;
  /** The server's cumulative CPU time in ms (all its threads), when it is a local process. */
  readonly serverCpuMs?: () => number;
}

export interface WorkloadResult {
  readonly workload: WorkloadName;
  /** Operations per second in the measured window (sessions/s for connect, rounds/s for
   * fan-out). */
  readonly opsPerSec: number;
  /** Microseconds: per request; per open+close for connect; per round for fan-out. */
  readonly latency: HistogramSummary;
  readonly errors: number;
  readonly measuredMs: number;
  /** This process's CPU (user + system) in the measured window, % of one core. */
  readonly generatorCpuPct: number;
  /** The server's CPU in the measured window, % of one core (NaN when not measurable). */
  readonly serverCpuPct: number;
}

/** CPU use over a window: this process and, when known, the server. */
class CpuWindow {
  private readonly process = process.cpuUsage();
  private readonly serverCpuMs: (() => number) | undefined;
  private readonly server: number;
  private readonly started = performance.now();

  constructor(serverCpuMs: (() => number) | undefined) {
    this.serverCpuMs = serverCpuMs;
    this.server = serverCpuMs?.() ?? NaN;
  }

  end(): { ms: number; generatorCpuPct: number; serverCpuPct: number } {
    const ms = performance.now() - this.started;
    const own = process.cpuUsage(this.process);
    const server = (this.serverCpuMs?.() ?? NaN) - this.server;
    return {
      ms,
      generatorCpuPct: ((own.user + own.system) / 1000 / ms) * 100,
      serverCpuPct: (server / ms) * 100,
    };
  }
}

const root = '/meerkat-bench';

async function openClients(options: LoadOptions, count: number): Promise<ZooKeeperClient[]> {
  const clients = Array.from({ length: count }, () =>
    createClient(options.connectString, { sessionTimeoutMs: 30_000, maxOutstanding: 4096 }),
  );
  await Promise.all(clients.map((c) => c.connect()));
  return clients;
}

async function closeAll(clients: readonly ZooKeeperClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
}

function ignoreExisting(error: unknown): void {
  if (!(error instanceof NodeExistsError)) throw error;
}

async function ensurePath(client: ZooKeeperClient, path: string): Promise<void> {
  let at = '';
  for (const part of path.split('/').slice(1)) {
    at += `/${part}`;
    await client.create(at).catch(ignoreExisting);
  }
}

/** Runs `op` from S*C loops: warm-up, then the measured window. */
async function closedLoop(
  options: LoadOptions,
  clients: readonly ZooKeeperClient[],
  depth: number,
  op: (client: ZooKeeperClient, loop: number) => Promise<unknown>,
  /** Stop early when an op says there is no more work (delete runs out of znodes). */
  exhausted: () => boolean = () => false,
  /** End the warm-up early (delete: it must not use up the znodes the window needs). */
  warmedUp: () => boolean = () => false,
): Promise<LoopRun> {
  const histogram = new Histogram();
  let measuring = false;
  let stopped = false;
  let ops = 0;
  let errors = 0;
  const loops: Promise<void>[] = [];
  clients.forEach((client, c) => {
    for (let d = 0; d < depth; d++) {
      const loop = c * depth + d;
      loops.push(
        (async () => {
          while (!stopped && !exhausted()) {
            const started = performance.now();
            try {
              await op(client, loop);
            } catch {
              if (measuring) errors++;
              continue;
            }
            if (measuring && !stopped) {
              histogram.record((performance.now() - started) * 1000);
              ops++;
            }
          }
        })(),
      );
    }
  });
  await raceStop(options.warmupMs, () => exhausted() || warmedUp());
  measuring = true;
  const window = new CpuWindow(options.serverCpuMs);
  await raceStop(options.durationMs, exhausted);
  stopped = true;
  const cpu = window.end();
  await Promise.all(loops);
  return { histogram, ops, errors, ...cpu };
}

interface LoopRun {
  readonly histogram: Histogram;
  readonly ops: number;
  readonly errors: number;
  readonly ms: number;
  readonly generatorCpuPct: number;
  readonly serverCpuPct: number;
}

/** Waits `ms`, or less when `exhausted` becomes true (checked every 10 ms). */
async function raceStop(ms: number, exhausted: () => boolean): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until && !exhausted()) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(10, until - performance.now())));
  }
}

function result(workload: WorkloadName, run: LoopRun): WorkloadResult {
  return {
    workload,
    opsPerSec: (run.ops / run.ms) * 1000,
    latency: run.histogram.summary(),
    errors: run.errors,
    measuredMs: run.ms,
    generatorCpuPct: run.generatorCpuPct,
    serverCpuPct: run.serverCpuPct,
  };
}

/** Creates the znodes get/set/mixed read and write (once per run). */
async function prepareKeys(options: LoadOptions, client: ZooKeeperClient): Promise<string[]> {
  const dir = `${root}/${options.runId}/keys`;
  await ensurePath(client, dir);
  const data = Buffer.alloc(options.dataBytes, 0x61);
  const keys = Array.from({ length: options.keys }, (_, i) => `${dir}/k${i}`);
  for (let i = 0; i < keys.length; i += 500) {
    await Promise.all(
      keys.slice(i, i + 500).map((key) => client.create(key, data).catch(ignoreExisting)),
    );
  }
  return keys;
}

/**
 * One server's side of a run: an admin session, the keys get/set/mixed use (made on first
 * need) and what the create workloads made, which `delete` removes (run create first; without
 * it delete has nothing to do and reports 0). Workloads run one at a time, in any order.
 */
export class WorkloadRunner {
  private readonly options: LoadOptions;
  private readonly admin: ZooKeeperClient;
  private keys: string[] | undefined;
  /** Made by create and not yet deleted, oldest first; and the next name's number. */
  private readonly created = { parallel: [] as string[], serial: [] as string[] };
  private readonly nextSeq = { parallel: 0, serial: 0 };

  private constructor(options: LoadOptions, admin: ZooKeeperClient) {
    this.options = options;
    this.admin = admin;
  }

  static async open(options: LoadOptions): Promise<WorkloadRunner> {
    const admin = createClient(options.connectString, { sessionTimeoutMs: 30_000 });
    await admin.connect();
    return new WorkloadRunner(options, admin);
  }

  async close(): Promise<void> {
    await this.admin.close();
  }

  /** Nodes the next `delete` (or `delete-serial`) would remove: what create made and left. */
  pendingDeletes(workload: 'delete' | 'delete-serial'): number {
    return this.deleteQueue(workload).length;
  }

  /** Leaves the next delete at most `count` nodes (the oldest), so that every server of a
   * comparison deletes as many; the others stay in the tree. */
  limitDeletes(workload: 'delete' | 'delete-serial', count: number): void {
    const queue = this.deleteQueue(workload);
    if (queue.length > count) queue.length = count;
  }

  private deleteQueue(workload: 'delete' | 'delete-serial'): string[] {
    return this.created[workload === 'delete' ? 'parallel' : 'serial'];
  }

  async run(name: WorkloadName): Promise<WorkloadResult> {
    const options = this.options;
    const admin = this.admin;
    if (name === 'connect') return connectWorkload(options);
    if (name === 'watch-fanout') return fanoutWorkload(options, admin);
    const base = name.replace('-serial', '');
    if (['get', 'set', 'mixed'].includes(base)) this.keys ??= await prepareKeys(options, admin);
    const keys = this.keys ?? [];
    const serial = name.endsWith('-serial');
    const kind = serial ? 'serial' : 'parallel';
    const depth = serial ? 1 : options.depth;
    const data = Buffer.alloc(options.dataBytes, 0x62);
    const clients = await openClients(options, serial ? 1 : options.sessions);
    try {
      const pick = (): string => keys[Math.floor(Math.random() * keys.length)] as string;
      let run;
      if (base === 'create') {
        const dir = `${root}/${options.runId}/${kind}`;
        await ensurePath(admin, dir);
        const made = this.created[kind];
        run = await closedLoop(options, clients, depth, async (client) => {
          const path = `${dir}/n${this.nextSeq[kind]++}`;
          await client.create(path, data);
          made.push(path);
        });
      } else if (base === 'delete') {
        const queue = this.created[kind];
        let next = 0;
        run = await closedLoop(
          options,
          clients,
          depth,
          async (client) => {
            const path = queue[next++];
            if (path !== undefined) await client.delete(path);
          },
          () => next >= queue.length,
          () => next >= queue.length / 10,
        );
        queue.splice(0, next);
      } else if (base === 'get') {
        run = await closedLoop(options, clients, depth, (client) => client.getData(pick()));
      } else if (base === 'set') {
        run = await closedLoop(options, clients, depth, (c) => c.setData(pick(), data));
      } else {
        run = await closedLoop(options, clients, depth, (client) =>
          Math.random() < 0.1 ? client.setData(pick(), data) : client.getData(pick()),
        );
      }
      return result(name, run);
    } finally {
      await closeAll(clients);
    }
  }
}

/** Runs the named workloads in order against one server. */
export async function runWorkloads(
  options: LoadOptions,
  names: readonly WorkloadName[],
  onResult: (result: WorkloadResult) => void = () => undefined,
): Promise<WorkloadResult[]> {
  const runner = await WorkloadRunner.open(options);
  const results: WorkloadResult[] = [];
  try {
    for (const name of names) {
      const outcome = await runner.run(name);
      results.push(outcome);
      onResult(outcome);
    }
  } finally {
    await runner.close();
  }
  return results;
}

/** Runs `task` in 8 loops at once while `more()` says so. */
async function eightAtATime(more: () => boolean, task: () => Promise<void>): Promise<void> {
  const loop = async (): Promise<void> => {
    while (more()) await task();
  };
  await Promise.all(Array.from({ length: 8 }, loop));
}

/**
 * A measured window of at least `count` operations and at least `durationMs`: a few hundred
 * sessions or rounds take well under a second, a window in which one stall of the machine
 * moved a rate by half.
 */
function countAndDuration(count: number, durationMs: number): () => boolean {
  const until = performance.now() + durationMs;
  let started = 0;
  return () => started++ < count || performance.now() < until;
}

/**
 * Opens and closes sessions 8 at a time: for the warm-up, then measured for at least
 * `connects` sessions and the window's duration; latency is open + close.
 */
async function connectWorkload(options: LoadOptions): Promise<WorkloadResult> {
  const histogram = new Histogram();
  let errors = 0;
  const openClose = async (measured: boolean): Promise<void> => {
    const t0 = performance.now();
    const client = createClient(options.connectString, { sessionTimeoutMs: 30_000 });
    try {
      await client.connect();
      await client.close();
      if (measured) histogram.record((performance.now() - t0) * 1000);
    } catch {
      if (measured) errors++;
      await client.close().catch(() => undefined);
    }
  };
  const warmUntil = performance.now() + options.warmupMs;
  await eightAtATime(
    () => performance.now() < warmUntil,
    () => openClose(false),
  );
  const window = new CpuWindow(options.serverCpuMs);
  await eightAtATime(countAndDuration(options.connects, options.durationMs), () => openClose(true));
  return result('connect', { histogram, ops: histogram.count, errors, ...window.end() });
}

/**
 * `fanoutSessions` sessions each set a data watch on one znode; one setData; the round ends
 * when every session has its event. Rounds for the warm-up, then measured for at least
 * `fanoutRounds` rounds and the window's duration.
 * Latency is per round (setData sent -> last event).
 */
async function fanoutWorkload(
  options: LoadOptions,
  admin: ZooKeeperClient,
): Promise<WorkloadResult> {
  const path = `${root}/${options.runId}/fanout`;
  await ensurePath(admin, path);
  const watchers = await openClients(options, options.fanoutSessions);
  let sequence = 0;
  /** One round; its latency in ms, or undefined when not every event came within 10 s. */
  const round = async (): Promise<number | undefined> => {
    let arrived = 0;
    let allArrived: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allArrived = resolve));
    await Promise.all(
      watchers.map((client) =>
        client.exists(path, {
          watch: () => {
            if (++arrived === watchers.length) allArrived();
          },
        }),
      ),
    );
    const t0 = performance.now();
    await admin.setData(path, Buffer.from(String(sequence++)));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      done.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 10_000))),
    ]);
    clearTimeout(timer);
    return timedOut ? undefined : performance.now() - t0;
  };
  const histogram = new Histogram();
  let errors = 0;
  try {
    const warmUntil = performance.now() + options.warmupMs;
    while (performance.now() < warmUntil) await round();
    const window = new CpuWindow(options.serverCpuMs);
    const more = countAndDuration(options.fanoutRounds, options.durationMs);
    while (more()) {
      const ms = await round();
      if (ms === undefined) errors++;
      else histogram.record(ms * 1000);
    }
    return result('watch-fanout', { histogram, ops: histogram.count, errors, ...window.end() });
  } finally {
    await closeAll(watchers);
  }
}
