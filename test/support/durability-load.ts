// A seeded write load for crash tests: each raw client pipelines creates of its own paths and
// setData on the ones it has created (~32 requests in flight), with data that names the version
// it will have ("<path>:v<version>"), so whatever survives a crash can be checked exactly.
// Every reply is recorded as an acknowledgement; a closed connection just ends the client.
import { ErrorCode, OpCode } from '../../src/protocol/constants.ts';
import type { Txn } from '../../src/server/txn/txn.ts';
import { req, type RawClient } from './raw-client.ts';

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const dataFor = (path: string, version: number): string => `${path}:v${version}`;

export interface PathState {
  /** Highest version a request was sent for (0 = only the create). */
  sent: number;
  /** Highest acknowledged version; -1 while the create is unacknowledged. */
  acked: number;
  ackedZxid: bigint;
}

export class WriteLoad {
  readonly paths = new Map<string, PathState>();
  /** Replies that were not what the load expected (must stay empty). */
  readonly surprises: string[] = [];
  acks = 0;
  maxAckedZxid = 0n;
  private stopped = false;
  private readonly random: () => number;
  private readonly inFlight: number;

  constructor(random: () => number, inFlight = 32) {
    this.random = random;
    this.inFlight = inFlight;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Runs one client until stop() or until its connection closes. */
  async run(client: RawClient, id: number): Promise<void> {
    const own: string[] = [];
    const pending = new Set<Promise<void>>();
    let xid = 1;
    let created = 0;
    while (!this.stopped && !client.closed) {
      while (pending.size < this.inFlight && !client.closed) {
        const create = own.length === 0 || this.random() < 0.4;
        const pick = (): string => own[Math.floor(this.random() * own.length)] as string;
        const path = create ? `/c${id}-${created++}` : pick();
        const state = this.paths.get(path) ?? { sent: -1, acked: -1, ackedZxid: 0n };
        this.paths.set(path, state);
        const version = ++state.sent;
        const data = dataFor(path, version);
        const request = create
          ? req.create(path, data, { opcode: OpCode.create2 })
          : req.setData(path, data);
        const reply = client.send(xid++, request).then(
          ({ header, body }) => {
            const stat = body?.type === 'stat' || body?.type === 'create2' ? body.stat : undefined;
            const version_ = stat?.version;
            if (header.err !== ErrorCode.ok || version_ !== version) {
              this.surprises.push(`${path} v${version}: err ${header.err}, v${version_}`);
              return;
            }
            state.acked = Math.max(state.acked, version);
            state.ackedZxid = header.zxid;
            if (header.zxid > this.maxAckedZxid) this.maxAckedZxid = header.zxid;
            this.acks++;
            if (create) own.push(path);
          },
          () => undefined, // the server died: this write is unacknowledged
        );
        const tracked: Promise<void> = reply.finally(() => pending.delete(tracked));
        pending.add(tracked);
      }
      if (pending.size > 0) await Promise.race(pending);
    }
    await Promise.all(pending);
  }
}

export interface ModelNode {
  readonly data: string;
  readonly version: number;
}

/** The nodes under "/" that `txns` (in zxid order) create and change. */
export function modelOf(txns: readonly Txn[]): Map<string, ModelNode> {
  const nodes = new Map<string, ModelNode>();
  for (const { body } of txns) {
    if (body.type === 'create') {
      nodes.set(body.path, { data: body.data?.toString() ?? '', version: 0 });
    } else if (body.type === 'setData') {
      nodes.set(body.path, { data: body.data?.toString() ?? '', version: body.version });
    } else if (body.type === 'delete') {
      nodes.delete(body.path);
    } else if (body.type === 'multi' || body.type === 'setACL') {
      throw new Error(`the crash load never writes ${body.type}`);
    }
  }
  return nodes;
}

export interface ReadBack {
  readonly data: string;
  readonly version: number;
}

/** getData of every path, pipelined; undefined for NONODE. */
export async function readAll(
  client: RawClient,
  paths: readonly string[],
): Promise<Map<string, ReadBack | undefined>> {
  const out = new Map<string, ReadBack | undefined>();
  let xid = 1_000_000;
  for (let i = 0; i < paths.length; i += 256) {
    const chunk = paths.slice(i, i + 256);
    const replies = await Promise.all(chunk.map((p) => client.send(xid++, req.getData(p))));
    replies.forEach(({ header, body }, j) => {
      const path = chunk[j] as string;
      if (header.err === ErrorCode.noNode) out.set(path, undefined);
      else if (body?.type !== 'getData') throw new Error(`getData ${path}: err ${header.err}`);
      else out.set(path, { data: body.data?.toString() ?? '', version: body.stat.version });
    });
  }
  return out;
}
