// fast-check arbitraries for what the durability layer stores: txns of every TxnBody kind (as
// the log records them) and snapshot node records. Values round-trip exactly through jute:
// ints are int32, longs int64, paths well-formed non-null strings.
import fc from 'fast-check';
import { OpCode } from '../../src/protocol/constants.ts';
import type { Acl } from '../../src/protocol/records.ts';
import type { CreateOpCode } from '../../src/protocol/requests.ts';
import type { SessionRecord } from '../../src/server/persistence/snapshot-format.ts';
import type { NodeRecord } from '../../src/server/tree/snapshot-cursor.ts';
import type { Txn, TxnBody } from '../../src/server/txn/txn.ts';
import {
  aclListArb,
  int32Arb,
  int64Arb,
  nullableBufferArb,
  stringArb,
} from './protocol-arbitraries.ts';

type Kind = TxnBody['type'];
type BodyOf<K extends Kind> = Extract<TxnBody, { type: K }>;

const createOpcodes: readonly CreateOpCode[] = [
  OpCode.create,
  OpCode.create2,
  OpCode.createContainer,
  OpCode.createTTL,
];

const obj = { noNullPrototype: true } as const;

const createArb: fc.Arbitrary<BodyOf<'create'>> = fc
  .record(
    {
      opcode: fc.constantFrom(...createOpcodes),
      path: stringArb,
      data: nullableBufferArb,
      acl: aclListArb,
      ephemeralOwner: int64Arb,
      parentCVersion: int32Arb,
    },
    obj,
  )
  .map((b) => ({ type: 'create', ...b }));

/** Every kind except multi (multi holds these; a nested multi is refused by the decoder). */
const flatArbs: { [K in Exclude<Kind, 'multi'>]: fc.Arbitrary<BodyOf<K>> } = {
  create: createArb,
  delete: stringArb.map((path) => ({ type: 'delete', path })),
  setData: fc
    .record({ path: stringArb, data: nullableBufferArb, version: int32Arb }, obj)
    .map((b) => ({ type: 'setData', ...b })),
  setACL: fc
    .record({ path: stringArb, acl: aclListArb, version: int32Arb }, obj)
    .map((b) => ({ type: 'setACL', ...b })),
  check: stringArb.map((path) => ({ type: 'check', path })),
  error: int32Arb.map((err) => ({ type: 'error', err })),
  createSession: int32Arb.map((timeoutMs) => ({ type: 'createSession', timeoutMs })),
  closeSession: fc
    .array(stringArb, { maxLength: 6 })
    .map((paths) => ({ type: 'closeSession', paths })),
};

const flatBodyArb: fc.Arbitrary<TxnBody> = fc.oneof(...Object.values(flatArbs));

export const txnBodyArbs: { readonly [K in Kind]: fc.Arbitrary<TxnBody> } = {
  ...flatArbs,
  multi: fc.array(flatBodyArb, { maxLength: 20 }).map((ops) => ({ type: 'multi', ops })),
};

export const txnBodyArb: fc.Arbitrary<TxnBody> = fc.oneof(...Object.values(txnBodyArbs));

export function txnArbWith(body: fc.Arbitrary<TxnBody>): fc.Arbitrary<Txn> {
  return fc.record(
    { zxid: int64Arb, sessionId: int64Arb, cxid: int32Arb, time: int64Arb, body },
    obj,
  );
}

export const txnArb: fc.Arbitrary<Txn> = txnArbWith(txnBodyArb);

/** A few ACL lists to draw from, so that snapshots reuse lists (by identity) and by value. */
export const aclPool: readonly (readonly Acl[])[] = [
  [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
  [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
  [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }],
  [],
  [
    { perms: 3, id: { scheme: 'digest', id: 'u:abc=' } },
    { perms: 16, id: { scheme: 'ip', id: '127.0.0.1' } },
  ],
];

export const nodeRecordArb: fc.Arbitrary<NodeRecord> = fc.record(
  {
    path: stringArb,
    data: nullableBufferArb,
    acl: fc.oneof(fc.constantFrom(...aclPool), aclListArb),
    czxid: int64Arb,
    mzxid: int64Arb,
    pzxid: int64Arb,
    ctime: int64Arb,
    mtime: int64Arb,
    version: int32Arb,
    cversion: int32Arb,
    aversion: int32Arb,
    ephemeralOwner: int64Arb,
  },
  obj,
);

export const sessionRecordArb: fc.Arbitrary<SessionRecord> = fc.record(
  { id: int64Arb, timeoutMs: int32Arb },
  obj,
);
