// The snapshot file format: encode/decode round trip (nodes written in several chunks, ACL lists
// shared by identity and by value), and damage detection: every truncation, every flipped byte
// and a missing end marker are a ProtocolError, never a half-read snapshot.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ProtocolError } from '../../../../src/protocol/jute/reader.ts';
import {
  SnapshotDecoder,
  SnapshotEncoder,
  decodeSnapshot,
  verifySnapshot,
  snapshotEndMagic,
  type SessionRecord,
} from '../../../../src/server/persistence/snapshot-format.ts';
import type { NodeRecord } from '../../../../src/server/tree/snapshot-cursor.ts';
import {
  aclPool,
  nodeRecordArb,
  sessionRecordArb,
} from '../../../support/durability-arbitraries.ts';
import { runParameters } from '../../../support/protocol-arbitraries.ts';

function encode(
  zxid: bigint,
  sessions: readonly SessionRecord[],
  chunks: readonly (readonly NodeRecord[])[],
): Buffer {
  const encoder = new SnapshotEncoder();
  const parts = [encoder.begin(zxid, sessions)];
  for (const chunk of chunks) parts.push(encoder.nodes(chunk));
  parts.push(encoder.end());
  return Buffer.concat(parts);
}

function decodeAll(bytes: Buffer): {
  zxid: bigint;
  sessions: SessionRecord[];
  nodes: NodeRecord[];
} {
  const decoded = decodeSnapshot(bytes);
  return { zxid: decoded.zxid, sessions: decoded.sessions, nodes: [...decoded.nodes()] };
}

const node = (path: string, n: number, acl: NodeRecord['acl']): NodeRecord => ({
  path,
  data: n % 3 === 0 ? null : Buffer.from(`data-${n}`),
  acl,
  czxid: BigInt(n),
  mzxid: BigInt(n + 1),
  pzxid: BigInt(n + 2),
  ctime: 1_700_000_000_000n + BigInt(n),
  mtime: 1_700_000_000_001n + BigInt(n),
  version: n,
  cversion: n * 2,
  aversion: -1,
  ephemeralOwner: n % 2 === 0 ? 0n : 0x100000000001n,
});

const shared = aclPool[0] as NodeRecord['acl'];
const fixedNodes: NodeRecord[] = [
  node('/', 0, shared),
  node('/a', 1, shared),
  node('/a/b', 2, aclPool[2] as NodeRecord['acl']),
  node('/a/c', 3, shared),
  node('/z', 4, [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }]),
];
const fixedSessions: SessionRecord[] = [
  { id: 0x100000000001n, timeoutMs: 4000 },
  { id: -5n, timeoutMs: 30_000 },
];
const fixed = encode(0x42n, fixedSessions, [fixedNodes.slice(0, 2), [], fixedNodes.slice(2)]);

void describe('snapshot format: round trip', () => {
  void it('gives back the zxid, the sessions and the nodes in order', () => {
    assert.deepStrictEqual(decodeAll(fixed), {
      zxid: 0x42n,
      sessions: fixedSessions,
      nodes: fixedNodes,
    });
  });

  void it('decodes a list written once and referred to later as the same list', () => {
    const nodes = decodeAll(fixed).nodes;
    assert.equal(nodes[0]?.acl, nodes[1]?.acl);
    assert.equal(nodes[0]?.acl, nodes[3]?.acl);
    assert.notEqual(nodes[0]?.acl, nodes[4]?.acl, 'an equal list of another identity');
  });

  void it('an empty snapshot (no sessions, no nodes)', () => {
    assert.deepStrictEqual(decodeAll(encode(0n, [], [])), { zxid: 0n, sessions: [], nodes: [] });
  });

  void it('any records in any chunks (seed 0x5a9)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
        fc.array(sessionRecordArb, { maxLength: 5 }),
        fc.array(fc.array(nodeRecordArb, { maxLength: 6 }), { maxLength: 4 }),
        (zxid, sessions, chunks) => {
          const decoded = decodeAll(encode(zxid, sessions, chunks));
          assert.deepStrictEqual(decoded, { zxid, sessions, nodes: chunks.flat() });
        },
      ),
      runParameters(0x5a9, 200),
    );
  });
});

/** Decodes as the bytes arrive, `step` more at a time (the file buffer is filled as it goes). */
function decodeArriving(bytes: Buffer, step: number): ReturnType<typeof decodeAll> {
  const file = Buffer.alloc(bytes.length);
  const decoder = new SnapshotDecoder(file);
  const nodes: NodeRecord[] = [];
  let available = 0;
  for (;;) {
    const next = Math.min(bytes.length, available + step);
    bytes.copy(file, available, available, next);
    available = next;
    if (decoder.decode(available, (record) => nodes.push(record))) break;
    assert.ok(available < bytes.length, 'done once every byte is there');
  }
  verifySnapshot(file);
  assert.ok(decoder.header !== undefined);
  return { ...decoder.header, nodes };
}

void describe('snapshot format: decoding while the file is read', () => {
  void it('gives the same records whatever the bytes arrive in (every step up to 64)', () => {
    // Steps of 1..64 bytes cut records at every offset, inside ACL lists too.
    for (let step = 1; step <= 64; step++) {
      assert.deepStrictEqual(decodeArriving(fixed, step), decodeAll(fixed), `step ${step}`);
    }
  });

  void it('any records, arriving in pieces (seed 0x5aa)', () => {
    fc.assert(
      fc.property(
        fc.array(sessionRecordArb, { maxLength: 5 }),
        fc.array(nodeRecordArb, { maxLength: 12 }),
        fc.integer({ min: 1, max: 200 }),
        (sessions, nodes, step) => {
          const bytes = encode(7n, sessions, [nodes]);
          assert.deepStrictEqual(decodeArriving(bytes, step), { zxid: 7n, sessions, nodes });
        },
      ),
      runParameters(0x5aa, 200),
    );
  });

  void it('a cut-off file is damage once every byte has arrived', () => {
    const cut = fixed.subarray(0, fixed.length - 20);
    const decoder = new SnapshotDecoder(cut);
    assert.throws(() => decoder.decode(cut.length, () => undefined), ProtocolError);
  });
});

void describe('snapshot format: damage is a ProtocolError', () => {
  const rejects = (bytes: Buffer, what: string, message?: RegExp): void => {
    assert.throws(
      () => decodeAll(bytes),
      (error: unknown) => {
        assert.ok(error instanceof ProtocolError, `${what}: ${String(error)}`);
        if (message !== undefined) assert.match(error.message, message, what);
        return true;
      },
    );
  };

  void it('truncated at every length', () => {
    for (let length = 0; length < fixed.length; length++) {
      rejects(fixed.subarray(0, length), `truncated to ${length}`);
    }
  });

  void it('every byte flipped', () => {
    for (let at = 0; at < fixed.length; at++) {
      const bytes = Buffer.from(fixed);
      bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
      rejects(bytes, `byte ${at} flipped`);
    }
  });

  void it('a single bit flipped in the body fails the checksum', () => {
    const bytes = Buffer.from(fixed);
    bytes.writeUInt8(bytes.readUInt8(30) ^ 0x01, 30);
    rejects(bytes, 'bit flip', /checksum/);
  });

  void it('no end marker (a write that stopped early), or a zeroed one', () => {
    rejects(fixed.subarray(0, fixed.length - 8), 'no trailer', /end marker/);
    const zeroed = Buffer.from(fixed);
    zeroed.fill(0, zeroed.length - 4);
    rejects(zeroed, 'zeroed marker', /end marker/);
    const encoder = new SnapshotEncoder();
    const noEnd = Buffer.concat([encoder.begin(1n, []), encoder.nodes(fixedNodes)]);
    rejects(noEnd, 'end() never written');
    assert.equal(fixed.readInt32BE(fixed.length - 4), snapshotEndMagic);
  });

  void it('zeros after a complete snapshot (a preallocated file) are refused', () => {
    rejects(Buffer.concat([fixed, Buffer.alloc(64)]), 'zero padding');
  });
});
