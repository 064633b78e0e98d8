// The crash test: the real server as a child process (snapCount=200, so snapshots happen during
// the load) takes pipelined creates and setData from 4 raw clients, is SIGKILLed at a seeded
// moment and started again on the same dataDir. Every acknowledged write must be there with
// its data and a version >= the acknowledged one (== when nothing later was sent), and the txn
// log's zxids must be gapless. The torn-write variant also chops bytes off the written part of
// the newest segment before the restart: the state must then be exactly what the intact log
// prefix (and the newest snapshot) imply, and the torn tail must be reported.
// CRASH_SEEDS=1,2,3 and CRASH_TORN_SEEDS=7 choose the seeds (an empty list runs none).
import assert from 'node:assert/strict';
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { encodeRecords, logHeaderBytes, scanLog } from '../../src/server/persistence/log-format.ts';
import {
  TempDirs,
  checkGapless,
  newestIntactSnapshot,
  scanSegments,
} from '../support/durability-fs.ts';
import {
  dataFor,
  modelOf,
  readAll,
  seededRandom,
  WriteLoad,
  type ModelNode,
} from '../support/durability-load.ts';
import {
  logLines,
  spawnMeerkat,
  waitReady,
  writeZooCfg,
  type ChildServer,
} from '../support/durability-server.ts';
import { getFreePort } from '../support/free-port.ts';
import { RawClient, req } from '../support/raw-client.ts';

/** A comma-separated list from the environment (empty: none), else the fallback. */
const seedList = (env: string | undefined, fallback: number[]): number[] =>
  env === undefined
    ? fallback
    : env
        .split(',')
        .filter((s) => s.trim() !== '')
        .map((s) => Number(s.trim()));
const seeds = seedList(process.env['CRASH_SEEDS'], [1, 2, 3, 4, 5]);
const tornSeeds = seedList(process.env['CRASH_TORN_SEEDS'], [101, 102]);

const temp = new TempDirs();
const children: ChildServer[] = [];
after(async () => {
  for (const child of children) await child.kill('SIGKILL');
  await temp.removeAll();
});

interface Run {
  readonly dir: string;
  readonly dataDir: string;
  /** Where snapshots and log segments live. */
  readonly versionDir: string;
}

async function newRun(): Promise<Run> {
  const dir = await temp.create('meerkat-crash-');
  const dataDir = join(dir, 'data');
  return { dir, dataDir, versionDir: join(dataDir, 'version-2') };
}

async function start(
  run: Run,
  label: string,
): Promise<{ server: ChildServer; port: number; log: string }> {
  const port = await getFreePort();
  const cfg = await writeZooCfg(run.dir, run.dataDir, port, {
    snapCount: '200',
    preAllocSize: '64',
  });
  const log = join(run.dir, `${label}.log`);
  const server = spawnMeerkat(cfg, log);
  children.push(server);
  await waitReady(server, port, log);
  return { server, port, log };
}

/** Runs the load and SIGKILLs the server at a seeded moment 0.3-1.5 s into it. */
async function loadAndCrash(run: Run, seed: number) {
  const { server, port } = await start(run, 'first');
  const crashAtMs = 300 + Math.floor(seededRandom(seed)() * 1200);
  const load = new WriteLoad(seededRandom(seed ^ 0x5bd1e995));
  const clients = await Promise.all([0, 1, 2, 3].map(() => RawClient.connect(port)));
  const workers = clients.map((client, id) => load.run(client, id));
  await delay(crashAtMs);
  await server.kill('SIGKILL');
  load.stop();
  await Promise.all(workers);
  for (const client of clients) client.destroy();
  assert.deepStrictEqual(load.surprises, [], 'every reply before the crash was a success');
  return { load, crashAtMs };
}

/** Every log segment intact and its zxids gapless after the newest snapshot (and from 1). */
async function checkLog(run: Run, fromStart: boolean): Promise<{ last: bigint; summary: string }> {
  const segments = await scanSegments(run.versionDir);
  for (const s of segments) assert.equal(s.torn, undefined, `${s.name}: ${s.torn}`);
  const snapshot = await newestIntactSnapshot(run.versionDir);
  const base = snapshot?.zxid ?? 0n;
  const zxids = segments.flatMap((s) => s.txns.map((t) => t.zxid));
  checkGapless(
    zxids.filter((z) => z > base),
    base + 1n,
    'txn log after the newest snapshot',
  );
  if (fromStart) checkGapless(zxids, 1n, 'the whole txn log');
  const last = zxids.at(-1) ?? base;
  const hex = (z: bigint): string => `0x${z.toString(16)}`;
  const summary = `${segments.length} segments, snapshot ${hex(base)}, last ${hex(last)}`;
  return { last: last > base ? last : base, summary };
}

async function childrenOfRoot(client: RawClient): Promise<string[]> {
  const reply = await client.send(999, req.getChildren('/'));
  assert.ok(reply.body?.type === 'getChildren');
  return reply.body.children
    .filter((c) => c !== 'zookeeper')
    .map((c) => `/${c}`)
    .sort();
}

async function stopGracefully(server: ChildServer): Promise<void> {
  await server.kill('SIGTERM');
  assert.deepStrictEqual(await server.exited, { code: 0, signal: null });
}

void describe('crash: SIGKILL under load, restart on the same dataDir', { timeout: 60_000 }, () => {
  for (const seed of seeds) {
    const name = `seed ${seed}: every acknowledged write survives, zxids gapless`;
    void it(name, async (t: TestContext) => {
      const run = await newRun();
      const { load, crashAtMs } = await loadAndCrash(run, seed);
      const { server, port } = await start(run, 'second');
      const reader = await RawClient.connect(port);
      const problems: string[] = [];
      try {
        const got = await readAll(reader, [...load.paths.keys()]);
        for (const [path, state] of load.paths) {
          const node = got.get(path);
          if (node === undefined) {
            if (state.acked >= 0) problems.push(`${path}: acknowledged v${state.acked}, missing`);
            continue;
          }
          if (node.data !== dataFor(path, node.version)) problems.push(`${path}: ${node.data}`);
          if (node.version > state.sent) problems.push(`${path}: v${node.version} never sent`);
          if (node.version < state.acked) problems.push(`${path}: v${node.version} < acked`);
          if (state.sent === state.acked && node.version !== state.acked) {
            problems.push(`${path}: v${node.version}, last write acknowledged v${state.acked}`);
          }
        }
        for (const path of await childrenOfRoot(reader)) {
          if (!load.paths.has(path)) problems.push(`${path}: never written`);
        }
      } finally {
        reader.destroy();
        await stopGracefully(server);
      }
      assert.deepStrictEqual(problems.slice(0, 10), [], `${problems.length} problems`);
      const log = await checkLog(run, true);
      assert.ok(log.last >= load.maxAckedZxid, 'the log holds every acknowledged zxid');
      t.diagnostic(
        `seed ${seed}: crash at ${crashAtMs} ms, ${load.acks} acks on ${load.paths.size} ` +
          `paths, max acked 0x${load.maxAckedZxid.toString(16)}; ${log.summary}`,
      );
    });
  }
});

void describe(
  'crash with a torn tail: bytes chopped off the newest segment',
  { timeout: 60_000 },
  () => {
    for (const seed of tornSeeds) {
      const name = `seed ${seed}: the state of the intact prefix, torn tail reported`;
      void it(name, async (t: TestContext) => {
        const run = await newRun();
        const { load } = await loadAndCrash(run, seed);
        const random = seededRandom(seed * 31 + 7);
        let segments = await scanSegments(run.versionDir);
        const full = segments.flatMap((s) => s.txns);
        checkGapless(
          full.map((x) => x.zxid),
          1n,
          'the log at the crash',
        );
        // A segment with nothing in it (rolled just before the crash) is not where a write tore.
        const newest = segments.at(-1);
        if (newest !== undefined && newest.txns.length === 0 && segments.length > 1) {
          await rm(join(run.versionDir, newest.name));
          segments = segments.slice(0, -1);
        }
        const target = segments.at(-1);
        assert.ok(target !== undefined && target.txns.length > 0, 'a segment with records');
        const snapshotZxid = (await newestIntactSnapshot(run.versionDir))?.zxid ?? 0n;
        // Cut into one of the last records, preferably one the snapshot does not cover.
        const starts: number[] = [];
        let at = logHeaderBytes;
        for (const txn of target.txns) {
          starts.push(at);
          at += encodeRecords([txn]).length;
        }
        const uncovered = target.txns.findIndex((x) => x.zxid > snapshotZxid);
        const first = Math.max(uncovered < 0 ? 0 : uncovered, target.txns.length - 64);
        const index = first + Math.floor(random() * (target.txns.length - first));
        const recordStart = starts[index] as number;
        const recordEnd = starts[index + 1] ?? target.endOffset;
        const path = join(run.versionDir, target.name);
        const zeroFill = random() < 0.5;
        const cut = zeroFill
          ? recordStart + 4 + Math.floor(random() * 4)
          : recordStart + 4 + Math.floor(random() * (recordEnd - recordStart - 4));
        if (zeroFill) {
          const bytes = await readFile(path);
          bytes.fill(0, cut, target.endOffset);
          await writeFile(path, bytes);
        } else await truncate(path, cut);
        const chopped = scanLog(await readFile(path));
        assert.ok(chopped.torn !== undefined, 'the chopped segment has a torn tail');
        assert.equal(chopped.endOffset, recordStart);
        const intact = [...segments.slice(0, -1).flatMap((s) => s.txns), ...chopped.txns];
        const lastIntact = intact.at(-1)?.zxid ?? 0n;
        const upTo = lastIntact > snapshotZxid ? lastIntact : snapshotZxid;
        const expected = modelOf(full.filter((x) => x.zxid <= upTo));

        const { server, port, log } = await start(run, 'second');
        const reader = await RawClient.connect(port);
        const problems: string[] = [];
        try {
          const got = await readAll(reader, [...load.paths.keys()]);
          for (const path of load.paths.keys()) {
            const want: ModelNode | undefined = expected.get(path);
            const node = got.get(path);
            if (JSON.stringify(node) !== JSON.stringify(want)) {
              problems.push(`${path}: ${JSON.stringify(node)}, expected ${JSON.stringify(want)}`);
            }
          }
          assert.deepStrictEqual(await childrenOfRoot(reader), [...expected.keys()].sort());
        } finally {
          reader.destroy();
          await stopGracefully(server);
        }
        assert.deepStrictEqual(problems.slice(0, 10), [], `${problems.length} problems`);
        const torn = logLines(log, 'TORN TXN LOG TAIL');
        assert.equal(torn.length, 1, 'one TORN TXN LOG TAIL line');
        assert.equal(torn[0]?.['segment'], target.name);
        assert.equal(torn[0]?.['offset'], recordStart);
        const now = scanLog(await readFile(path));
        if (chopped.txns.length > 0) {
          assert.equal((await readFile(path)).length, recordStart, 'the torn bytes are gone');
        } else {
          // Nothing was left in it: the restarted server began its own segment under that name.
          assert.equal(now.txns[0]?.zxid, target.zxid, `${target.name} written afresh`);
        }
        assert.equal(now.torn, undefined);
        const checked = await checkLog(run, false);
        const lost = full.length - Number(upTo);
        t.diagnostic(
          `seed ${seed}: ${zeroFill ? 'zeroed' : 'cut'} ${target.endOffset - cut} bytes of ` +
            `${target.name} in record ${index + 1}/${target.txns.length}; ${lost} of ` +
            `${full.length} logged txns lost; ${checked.summary}`,
        );
      });
    }
  },
);
