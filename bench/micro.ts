// `npm run bench:micro`: the hot paths on their own, with tinybench: the codec (encode a
// getData reply, decode a create request), the tree's apply (create, setData) and the txn
// log's append with group commit (one txn per commit vs 100, with and without fdatasync).
// Absolute numbers depend on the machine; compare runs of two commits on one machine.
//
//   npm run bench:micro -- [--time-ms 500]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { silentLogger } from '../src/core/logger.ts';
import { OpCode } from '../src/protocol/constants.ts';
import { JuteReader } from '../src/protocol/jute/reader.ts';
import { JuteWriter } from '../src/protocol/jute/writer.ts';
import { openAclUnsafe, type Stat } from '../src/protocol/records.ts';
import { decodeRequest, encodeRequest } from '../src/protocol/requests.ts';
import { encodeResponse, writeReplyHeader } from '../src/protocol/responses.ts';
import { FileTxnLog } from '../src/server/persistence/file-txn-log.ts';
import { DataTree } from '../src/server/tree/data-tree.ts';
import type { Txn } from '../src/server/txn/txn.ts';

const { values: args } = parseArgs({
  options: { 'time-ms': { type: 'string', default: '500' }, help: { type: 'boolean', short: 'h' } },
});
if (args.help === true) {
  process.stdout.write('usage: npm run bench:micro -- [--time-ms 500]\n');
  process.exit(0);
}

const data = Buffer.alloc(100, 0x61);
const stat: Stat = {
  czxid: 0x100000001n,
  mzxid: 0x100000002n,
  ctime: 1_700_000_000_000n,
  mtime: 1_700_000_000_001n,
  version: 1,
  cversion: 0,
  aversion: 0,
  ephemeralOwner: 0n,
  dataLength: 100,
  numChildren: 0,
  pzxid: 0x100000001n,
};

// Codec.
const replyWriter = new JuteWriter(1024);
const createBytes = (() => {
  const w = new JuteWriter(256);
  encodeRequest(w, {
    type: 'create',
    opcode: OpCode.create,
    path: '/bench/c1/n1',
    data,
    acl: openAclUnsafe,
    flags: 0,
    ttl: -1n,
  });
  return Buffer.from(w.view());
})();

// Tree.
let tree = new DataTree();
let zxid = 1n;
let created = 0;
function freshTree(): void {
  tree = new DataTree();
  tree.createNode({
    path: '/b',
    data: null,
    acl: openAclUnsafe,
    ephemeralOwner: 0n,
    parentCVersion: 1,
    zxid: zxid++,
    time: 0n,
  });
  created = 0;
}
freshTree();

// Txn log.
const dir = await mkdtemp(path.join(os.tmpdir(), 'meerkat-micro-'));
const logs = {
  sync: new FileTxnLog({
    dir: path.join(dir),
    preAllocBytes: 64 << 20,
    forceSync: true,
    logger: silentLogger,
  }),
  nosync: new FileTxnLog({
    dir: await mkdtemp(path.join(dir, 'n')),
    preAllocBytes: 64 << 20,
    forceSync: false,
    logger: silentLogger,
  }),
};
const logZxid = { sync: 1n, nosync: 1n };
function txnBatch(kind: 'sync' | 'nosync', count: number): Txn[] {
  return Array.from({ length: count }, () => ({
    zxid: logZxid[kind]++,
    sessionId: 0x100000000001n,
    cxid: 1,
    time: 1_700_000_000_000n,
    body: { type: 'setData', path: '/bench/c1/n1', data, version: 1 },
  }));
}
function commit(kind: 'sync' | 'nosync', count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    logs[kind].commit(txnBatch(kind, count), (error) => (error ? reject(error) : resolve()));
  });
}

const bench = new Bench({ time: Number(args['time-ms']) });
bench
  .add('codec: encode getData reply (100 B + Stat)', () => {
    replyWriter.reset();
    const at = replyWriter.beginFrame();
    writeReplyHeader(replyWriter, { xid: 7, zxid: 0x100000002n, err: 0 });
    encodeResponse(replyWriter, { type: 'getData', data, stat });
    replyWriter.endFrame(at);
  })
  .add('codec: decode create request (100 B)', () => {
    decodeRequest(OpCode.create, new JuteReader(createBytes));
  })
  .add('tree: createNode (1k children per parent)', () => {
    if (created === 200_000) freshTree();
    const i = created++;
    tree.createNode({
      path: i % 1000 === 0 ? `/b/p${i / 1000}` : `/b/p${Math.floor(i / 1000)}/n${i % 1000}`,
      data,
      acl: openAclUnsafe,
      ephemeralOwner: 0n,
      parentCVersion: i + 2,
      zxid: zxid++,
      time: 1_700_000_000_000n,
    });
  })
  .add('tree: setData', () => {
    tree.setData('/b', data, 1, zxid++, 1_700_000_000_000n);
  })
  .add('log: commit 1 txn, forceSync=yes', () => commit('sync', 1))
  .add('log: commit 100 txns, forceSync=yes', () => commit('sync', 100))
  .add('log: commit 1 txn, forceSync=no', () => commit('nosync', 1))
  .add('log: commit 100 txns, forceSync=no', () => commit('nosync', 100));

try {
  await bench.run();
  console.table(bench.table());
} finally {
  await logs.sync.close();
  await logs.nosync.close();
  await rm(dir, { recursive: true, force: true });
}
