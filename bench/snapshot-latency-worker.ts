// The load generator of bench/snapshot-latency.ts, in its own thread so that the server keeps
// the main thread's event loop to itself. Populates first, then runs S connections x C
// outstanding getData/setData on random existing znodes until told to stop; the main thread
// opens and closes measurement windows with messages.
import { parentPort, workerData } from 'node:worker_threads';
import { Histogram } from './support/histogram.ts';
import { leafPath, populate, type PopulateResult } from './support/populate.ts';
import { getDataFrame, PipelinedConnection, setDataFrame } from './support/wire.ts';

export interface WorkerInput {
  readonly port: number;
  readonly znodes: number;
  readonly connections: number;
  readonly depth: number;
  readonly writeRatio: number;
  readonly populateConnections: number;
  readonly populateDepth: number;
}

export type ToWorker = { type: 'load' } | { type: 'window-start' } | { type: 'window-end' };

type HistogramData = ReturnType<Histogram['toJSON']>;

export interface WindowStats {
  readonly histogram: HistogramData;
  readonly reads: HistogramData;
  readonly writes: HistogramData;
  readonly elapsedMs: number;
  readonly errors: number;
}

export type FromWorker =
  | { type: 'populated'; result: Omit<PopulateResult, 'lastZxid'> & { lastZxid: string } }
  | { type: 'loading' }
  | { type: 'window'; stats: WindowStats }
  | { type: 'failed'; error: string };

const input = workerData as WorkerInput;
const port = parentPort;
if (port === null) throw new Error('run as a worker');
const post = (message: FromWorker): void => port.postMessage(message);

const all = new Histogram();
const reads = new Histogram();
const writes = new Histogram();
let windowOpen = false;
let windowStart = 0;
let errors = 0;
let stopping = false;
const conns: PipelinedConnection[] = [];
const payload = Buffer.alloc(100, 0x62);

function issue(conn: PipelinedConnection): void {
  if (stopping || conn.closed) return;
  const path = leafPath(Math.floor(Math.random() * input.znodes));
  const write = Math.random() < input.writeRatio;
  const frame = write ? setDataFrame(1, path, payload) : getDataFrame(1, path);
  const sent = performance.now();
  conn.send(frame, (err) => {
    if (windowOpen) {
      const us = (performance.now() - sent) * 1000;
      all.record(us);
      (write ? writes : reads).record(us);
      if (err !== 0) errors++;
    }
    issue(conn);
  });
}

async function startLoad(): Promise<void> {
  for (let i = 0; i < input.connections; i++) {
    conns.push(await PipelinedConnection.connect(input.port, { sessionTimeoutMs: 60_000 }));
  }
  for (const conn of conns) for (let i = 0; i < input.depth; i++) issue(conn);
  post({ type: 'loading' });
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'load':
      startLoad().catch((error: unknown) => post({ type: 'failed', error: String(error) }));
      break;
    case 'window-start':
      all.reset();
      reads.reset();
      writes.reset();
      errors = 0;
      windowStart = performance.now();
      windowOpen = true;
      break;
    case 'window-end':
      windowOpen = false;
      post({
        type: 'window',
        stats: {
          histogram: all.toJSON(),
          reads: reads.toJSON(),
          writes: writes.toJSON(),
          elapsedMs: performance.now() - windowStart,
          errors,
        },
      });
      break;
  }
});

// The main thread ends this worker with terminate(); until then the load runs.
populate({
  port: input.port,
  znodes: input.znodes,
  connections: input.populateConnections,
  depth: input.populateDepth,
  deadlineMs: 400_000,
})
  .then((result) => {
    if (result.timedOut || result.failed > 0) {
      post({
        type: 'failed',
        error: `populate: ${result.created} created, ${result.failed} failed`,
      });
      return;
    }
    post({
      type: 'populated',
      result: { ...result, lastZxid: `0x${result.lastZxid.toString(16)}` },
    });
  })
  .catch((error: unknown) => post({ type: 'failed', error: String(error) }));

port.once('close', () => {
  stopping = true;
  for (const conn of conns) conn.destroy();
});
