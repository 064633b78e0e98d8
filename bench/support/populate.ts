// Fills a server with N znodes of `dataBytes` bytes each, /bench/c<i>/n<j> with `perParent`
// children per parent, through several pipelined connections, as fast as the server takes them.
import { createFrame, PipelinedConnection } from './wire.ts';

export interface PopulateOptions {
  readonly port: number;
  readonly host?: string;
  /** Leaf znodes to create (parents /bench and /bench/c<i> come on top). */
  readonly znodes: number;
  readonly perParent?: number;
  readonly dataBytes?: number;
  readonly connections?: number;
  /** Outstanding requests per connection. */
  readonly depth?: number;
  /** Give up (and say so) after this long; default 180 s. */
  readonly deadlineMs?: number;
  /** Called now and then with the number created so far. */
  readonly progress?: (created: number) => void;
}

export interface PopulateResult {
  readonly created: number;
  readonly parents: number;
  readonly failed: number;
  readonly elapsedMs: number;
  /** Leaf creates per second (parents excluded; they are 0.1% of the work). */
  readonly createsPerSec: number;
  /** The znode whose create got the highest zxid: the last one the server applied. */
  readonly lastPath: string;
  readonly lastZxid: bigint;
  readonly timedOut: boolean;
}

export function leafPath(k: number, perParent = 1000): string {
  return `/bench/c${Math.floor(k / perParent)}/n${k % perParent}`;
}

/** Sends every frame through one connection, `depth` at a time; resolves with error count. */
function pump(
  conns: readonly PipelinedConnection[],
  total: number,
  frameFor: (k: number) => Buffer,
  depth: number,
  deadline: number,
  onReply: (k: number, err: number, zxid: bigint) => void,
): Promise<{ done: number; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    let finished = false;
    const finish = (timedOut: boolean): void => {
      if (finished) return;
      finished = true;
      clearInterval(watchdog);
      for (const conn of conns) conn.whenClosed(undefined);
      resolve({ done, timedOut });
    };
    const watchdog = setInterval(() => {
      if (performance.now() > deadline) finish(true);
    }, 250);
    const issue = (conn: PipelinedConnection): void => {
      if (finished || next >= total || performance.now() > deadline) return;
      const k = next++;
      conn.send(frameFor(k), (err, zxid) => {
        done++;
        onReply(k, err, zxid);
        if (done === total) finish(false);
        else issue(conn);
      });
    };
    for (const conn of conns) {
      conn.whenClosed((error) => {
        clearInterval(watchdog);
        if (!finished) reject(error);
        finished = true;
      });
      for (let i = 0; i < depth; i++) issue(conn);
    }
    if (total === 0) finish(false);
  });
}

export async function populate(options: PopulateOptions): Promise<PopulateResult> {
  const perParent = options.perParent ?? 1000;
  const data = Buffer.alloc(options.dataBytes ?? 100, 0x61);
  const depth = options.depth ?? 64;
  const deadline = performance.now() + (options.deadlineMs ?? 180_000);
  const host = options.host ?? '127.0.0.1';
  const conns = await Promise.all(
    Array.from({ length: options.connections ?? 4 }, () =>
      PipelinedConnection.connect(options.port, { host }),
    ),
  );
  try {
    const started = performance.now();
    const parents = Math.ceil(options.znodes / perParent);
    const first = conns.slice(0, 1);
    let failed = 0;
    const countFailure = (_k: number, err: number): void => {
      if (err !== 0) failed++;
    };
    await pump(
      first,
      1,
      () => createFrame(0, '/bench', Buffer.alloc(0)),
      1,
      deadline,
      (k, e) => countFailure(k, e),
    );
    const parentFrame = (i: number): Buffer => createFrame(i, `/bench/c${i}`, Buffer.alloc(0));
    await pump(first, parents, parentFrame, depth, deadline, countFailure);
    if (failed > 0) throw new Error(`${failed} parent creates failed (is the server fresh?)`);
    let lastZxid = -1n;
    let lastK = -1;
    let created = 0;
    let progressAt = 0;
    const leaves = await pump(
      conns,
      options.znodes,
      (k) => createFrame(k, leafPath(k, perParent), data),
      depth,
      deadline,
      (k, err, zxid) => {
        if (err !== 0) {
          failed++;
          return;
        }
        created++;
        if (zxid > lastZxid) {
          lastZxid = zxid;
          lastK = k;
        }
        if (options.progress !== undefined && created - progressAt >= 100_000) {
          progressAt = created;
          options.progress(created);
        }
      },
    );
    const elapsedMs = performance.now() - started;
    return {
      created,
      parents,
      failed,
      elapsedMs,
      createsPerSec: (created / elapsedMs) * 1000,
      lastPath: lastK < 0 ? '/bench' : leafPath(lastK, perParent),
      lastZxid,
      timedOut: leaves.timedOut,
    };
  } finally {
    for (const conn of conns) conn.destroy();
  }
}
