// Wire fuzzing: a seeded PRNG builds 300 frames (valid requests, bit flips, truncations, random
// opcodes, random length prefixes, random bytes) and sends them over 12 connections, some
// before the handshake and some after. The server may close any of those connections, but it
// must not crash, and afterwards a well-behaved client must still get correct answers.
// Reproduce a failure with FUZZ_SEED=<seed> (printed in the diagnostics and every assertion);
// FUZZ_ROUNDS=<n> runs n consecutive seeds.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import {
  CreateMode,
  ErrorCode,
  JuteWriter,
  OpCode,
  encodeRequest,
  requestOpCode,
  writeConnectRequest,
  type MultiWriteOp,
  type Request,
} from '../../src/protocol/index.ts';
import { sendFourLetterWord } from '../support/four-letter-word.ts';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { RawClient, req } from '../support/raw-client.ts';

type Random = () => number;

/** mulberry32: a tiny, well-mixed 32-bit PRNG; returns floats in [0, 1). */
function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rand: Random, below: number): number => Math.floor(rand() * below);
const pick = <T>(rand: Random, items: readonly T[]): T => items[int(rand, items.length)] as T;
const int32 = (rand: Random): number => int(rand, 0x100000000) | 0;

const paths = ['/fz', '/fz/a', '/fz/b', '/fz/a/c', '/', '/zookeeper', '', 'fz', '/fz/', '/fz\0'];

function randomWriteOp(rand: Random): MultiWriteOp {
  const path = pick(rand, paths);
  switch (int(rand, 4)) {
    case 0:
      return req.create(path, 'x', { flags: int(rand, 8) - 1 }) as MultiWriteOp;
    case 1:
      return { type: 'delete', path, version: int(rand, 3) - 1 };
    case 2:
      return { type: 'setData', path, data: Buffer.from('y'), version: -1 };
    default:
      return { type: 'check', path, version: int(rand, 3) - 1 };
  }
}

function randomRequest(rand: Random): Request {
  const path = pick(rand, paths);
  const watch = rand() < 0.5;
  const choices: Array<() => Request> = [
    () => randomWriteOp(rand),
    () => req.create(path, 'c', { opcode: OpCode.createContainer, flags: CreateMode.container }),
    () => req.create(path, 't', { opcode: OpCode.createTTL, flags: 5, ttl: BigInt(int(rand, 9)) }),
    () => ({ type: pick(rand, ['exists', 'getData', 'getChildren', 'getChildren2']), path, watch }),
    () => ({ type: pick(rand, ['getACL', 'sync', 'getAllChildrenNumber']), path }),
    () => ({ type: 'getEphemerals', prefixPath: path }),
    () => ({ type: 'addWatch', path, mode: int(rand, 3) }),
    () => ({
      type: pick(rand, ['checkWatches', 'removeWatches']),
      path,
      watcherType: int(rand, 6),
    }),
    () => req.auth(pick(rand, ['digest', 'ip', 'bogus']), 'u:p'),
    () => ({ type: pick(rand, ['ping', 'whoAmI']) }),
    () => ({ type: 'multi', ops: Array.from({ length: int(rand, 4) }, () => randomWriteOp(rand)) }),
    () => ({ type: 'multiRead', ops: [{ type: 'getData', path, watch: false }] }),
    () => ({
      type: 'setWatches',
      opcode: OpCode.setWatches2,
      relativeZxid: BigInt(int(rand, 100)),
      dataWatches: [path],
      existWatches: [path],
      childWatches: [],
      persistentWatches: [path],
      persistentRecursiveWatches: [],
    }),
  ];
  return pick(rand, choices)();
}

/** A well-formed request frame: length, xid, opcode, body. */
function requestFrame(rand: Random): Buffer {
  const request = randomRequest(rand);
  const writer = new JuteWriter();
  const at = writer.beginFrame();
  writer.writeInt(rand() < 0.1 ? pick(rand, [-2, -4, -8, 0]) : 1 + int(rand, 1000));
  writer.writeInt(requestOpCode(request));
  encodeRequest(writer, request);
  writer.endFrame(at);
  return Buffer.from(writer.view());
}

function connectFrame(rand: Random): Buffer {
  const writer = new JuteWriter();
  const at = writer.beginFrame();
  writeConnectRequest(writer, {
    protocolVersion: 0,
    lastZxidSeen: rand() < 0.8 ? 0n : BigInt(int(rand, 50)),
    timeOutMs: 400 + int(rand, 4000),
    sessionId: 0n,
    passwd: Buffer.alloc(16),
    readOnly: rand() < 0.5 ? undefined : rand() < 0.5,
  });
  writer.endFrame(at);
  return Buffer.from(writer.view());
}

/** One fuzz frame: a valid frame, possibly mutated. Returns the bytes and a label. */
function fuzzFrame(rand: Random, base: Buffer): [string, Buffer] {
  const bytes = Buffer.from(base);
  const withLength = (payload: Buffer): Buffer => {
    const out = Buffer.alloc(4 + payload.length);
    out.writeInt32BE(payload.length, 0);
    payload.copy(out, 4);
    return out;
  };
  switch (int(rand, 6)) {
    case 0:
      return ['valid', bytes];
    case 1: {
      const flips = 1 + int(rand, 8);
      for (let i = 0; i < flips; i++) {
        const at = 4 + int(rand, bytes.length - 4);
        bytes[at] = (bytes[at] ?? 0) ^ (1 << int(rand, 8));
      }
      return ['bit flips', bytes];
    }
    case 2:
      return ['truncated', withLength(bytes.subarray(4, 4 + int(rand, bytes.length - 4)))];
    case 3: {
      const opcode = rand() < 0.5 ? int(rand, 150) - 20 : int32(rand);
      if (bytes.length >= 12) bytes.writeInt32BE(opcode, 8);
      return ['random opcode', bytes];
    }
    case 4:
      bytes.writeInt32BE(rand() < 0.5 ? int32(rand) : bytes.length - 4 + int(rand, 9) - 4, 0);
      return ['random length', bytes];
    default: {
      const noise = Buffer.alloc(int(rand, 64));
      for (let i = 0; i < noise.length; i++) noise[i] = int(rand, 256);
      return ['random bytes', rand() < 0.5 ? withLength(noise) : noise];
    }
  }
}

const connectionCount = 12;
const framesPerConnection = 25; // 12 x 25 = 300 frames

async function fuzzConnection(port: number, rand: Random, log: string[]): Promise<void> {
  const early = rand() < 0.4;
  const client = early ? await RawClient.open(port) : await RawClient.connect(port);
  try {
    const frames: Buffer[] = [];
    for (let i = 0; i < framesPerConnection; i++) {
      const base = early && i === 0 ? connectFrame(rand) : requestFrame(rand);
      const [label, bytes] = fuzzFrame(rand, base);
      log.push(`${early ? 'pre' : 'post'}:${label}:${bytes.subarray(0, 24).toString('hex')}`);
      frames.push(bytes);
    }
    // Several TCP writes of random sizes, so frames also straddle chunk boundaries.
    const all = Buffer.concat(frames);
    for (let at = 0; at < all.length && !client.closed;) {
      const size = 1 + int(rand, 256);
      client.writeRaw(all.subarray(at, at + size));
      at += size;
      if (rand() < 0.2) await sleep(1);
    }
    await client.waitClosed(150);
  } finally {
    client.destroy();
  }
}

const firstSeed = Number(process.env['FUZZ_SEED'] ?? Date.now() % 0x7fffffff);
const rounds = Math.min(1000, Math.max(1, Number(process.env['FUZZ_ROUNDS'] ?? 1)));

void describe('wire fuzzing', { timeout: 20_000 + 1000 * rounds }, () => {
  let server: InProcessServer;
  let bystander: RawClient;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown): void => {
    crashes.push(error);
  };

  before(async () => {
    server = await startInProcessServer();
    bystander = await RawClient.connect(server.port);
    assert.equal((await bystander.send(1, req.create('/bystander'))).header.err, ErrorCode.ok);
    process.on('uncaughtException', onCrash);
  });
  after(async () => {
    process.off('uncaughtException', onCrash);
    bystander.destroy();
    await server.close();
  });

  void it(`survives 300 random frames (FUZZ_SEED=${firstSeed}, ${rounds} round(s))`, async (t) => {
    for (let round = 0; round < rounds; round++) {
      const seed = (firstSeed + round) >>> 0;
      t.diagnostic(`fuzz seed ${seed}`);
      const rand = mulberry32(seed);
      const log: string[] = [];
      const seeds = Array.from({ length: connectionCount }, () => int32(rand));
      const tag = `FUZZ_SEED=${seed}`;
      try {
        await Promise.all(seeds.map((s) => fuzzConnection(server.port, mulberry32(s), log)));
        assert.equal(log.length, connectionCount * framesPerConnection, tag);
        assert.deepEqual(crashes.map(String), [], `${tag}: the server threw`);
        await assertServing(seed, tag);
      } catch (error) {
        t.diagnostic(`${tag} failed; first frames sent:\n${log.slice(0, 30).join('\n')}`);
        throw error;
      }
    }
  });

  /** A fresh client and the long-lived bystander both get correct answers. */
  async function assertServing(seed: number, tag: string): Promise<void> {
    const client = await RawClient.connect(server.port);
    try {
      const path = `/bystander/check-${seed}`;
      const created = await client.send(1, req.create(path, `v${seed}`));
      assert.equal(created.header.err, ErrorCode.ok, tag);
      const read = await bystander.send(2, req.getData(path));
      assert.ok(read.body?.type === 'getData', tag);
      assert.equal(read.body.data?.toString(), `v${seed}`, tag);
      assert.equal((await client.send(2, req.delete(path))).header.err, ErrorCode.ok, tag);
      assert.equal((await bystander.send(3, req.exists(path))).header.err, ErrorCode.noNode, tag);
      assert.deepEqual(bystander.outOfOrder, [], tag);
      const ruok = await sendFourLetterWord(server.host, server.port, 'ruok', { timeoutMs: 2000 });
      assert.equal(ruok, 'imok', tag);
    } finally {
      client.destroy();
    }
  }
});
