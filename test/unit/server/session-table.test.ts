// Sessions (§9): bucketed expiry like Apache's ExpiryQueue, id allocation like
// SessionTrackerImpl, and passwords derived from the id with java.util.Random as
// ZooKeeperServer.generatePasswd does (so every server of an ensemble can check them).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { javaRandomBytes } from '../../../src/server/session/java-random.ts';
import {
  initialSessionId,
  sessionPassword,
  SessionTable,
} from '../../../src/server/session/session-table.ts';

const minLong = -(2n ** 63n);
const maxLong = 2n ** 63n - 1n;

void describe('expiry buckets', () => {
  void it('a session expires at roundUp(now + timeout, tick), the next tick on a boundary', () => {
    const table = new SessionTable({ tickMs: 2000, firstSessionId: 1n });
    assert.equal(table.add(1n, 5000, 0).expiresAtMs, 6000);
    assert.equal(table.add(2n, 5000, 1000).expiresAtMs, 8000, '6000 is a boundary: next tick');
    assert.equal(table.add(3n, 5000, 1999).expiresAtMs, 8000);
    assert.equal(table.add(4n, 4000, 2001).expiresAtMs, 8000);
  });

  void it('expired(now) returns due sessions once, and nothing before the bucket', () => {
    const table = new SessionTable({ tickMs: 2000, firstSessionId: 1n });
    table.add(1n, 5000, 1000);
    table.add(2n, 5000, 1500);
    table.add(3n, 9000, 1000);
    assert.deepEqual(table.expired(7999), []);
    assert.deepEqual(
      table
        .expired(8000)
        .map((s) => s.id)
        .sort(),
      [1n, 2n],
    );
    assert.deepEqual(table.expired(8000), [], 'each session is reported once');
    assert.deepEqual(table.expired(11999), []);
    assert.deepEqual(
      table.expired(60000).map((s) => s.id),
      [3n],
      'late sweeps catch up',
    );
    assert.equal(table.size, 3, 'expired() does not remove: the closeSession txn does');
  });

  void it('touch moves the session to a later bucket', () => {
    const table = new SessionTable({ tickMs: 2000, firstSessionId: 1n });
    const s = table.add(1n, 5000, 0);
    table.touch(s, 3000);
    assert.equal(s.expiresAtMs, 10000);
    assert.deepEqual(table.expired(6000), []);
    assert.deepEqual(table.expired(9999), []);
    assert.deepEqual(
      table.expired(10000).map((x) => x.id),
      [1n],
    );
  });

  void it('skips closing and removed sessions', () => {
    const table = new SessionTable({ tickMs: 1000, firstSessionId: 1n });
    const a = table.add(1n, 3000, 0);
    table.add(2n, 3000, 0);
    a.closing = true;
    table.add(3n, 3000, 0);
    table.remove(3n);
    assert.deepEqual(
      table.expired(4000).map((s) => s.id),
      [2n],
    );
    assert.equal(table.get(3n), undefined);
    table.remove(99n);
  });

  void it('add is idempotent on replay: it keeps the first registration', () => {
    const table = new SessionTable({ tickMs: 1000, firstSessionId: 1n });
    const first = table.add(5n, 3000, 0);
    const again = table.add(5n, 9000, 500);
    assert.equal(again, first);
    assert.equal(again.timeoutMs, 3000);
    assert.equal(again.expiresAtMs, 4000);
    assert.equal(table.size, 1);
  });
});

void describe('session ids', () => {
  void it('are allocated in sequence and never Long.MIN_VALUE (the container marker)', () => {
    const table = new SessionTable({ tickMs: 1000, firstSessionId: 100n });
    assert.deepEqual([table.allocateId(), table.allocateId()], [100n, 101n]);
    const atMin = new SessionTable({ tickMs: 1000, firstSessionId: minLong });
    assert.equal(atMin.allocateId(), minLong + 1n);
    assert.equal(atMin.allocateId(), minLong + 2n);
    const atMax = new SessionTable({ tickMs: 1000, firstSessionId: maxLong });
    assert.equal(atMax.allocateId(), maxLong);
    assert.equal(atMax.allocateId(), minLong + 1n, 'wraps like a Java long, skipping MIN');
  });

  void it('never reuse an id registered by replay', () => {
    const table = new SessionTable({ tickMs: 1000, firstSessionId: 10n });
    table.add(15n, 3000, 0);
    assert.equal(table.allocateId(), 16n);
  });

  // Expected values from SessionTrackerImpl.initializeNextSessionId's arithmetic, run with
  // `java Pw.java` (OpenJDK 17): ((t << 24) >>> 8) | (serverId << 56), t = 1_700_000_000_000.
  void it('start with the server id in the top byte and the clock below it', () => {
    const t = 1_700_000_000_000;
    assert.equal(initialSessionId(0, t), 39353605962072064n);
    assert.equal(initialSessionId(1, t), 111411200000000000n);
    assert.equal(initialSessionId(255, t), -32703988075855872n);
    for (const serverId of [0, 1, 7, 255]) {
      const id = BigInt.asUintN(64, initialSessionId(serverId, t));
      assert.equal(id >> 56n, BigInt(serverId));
      assert.equal(id & 0xffffn, 0n, 'the low 16 bits start at 0');
      assert.equal((id >> 16n) & (2n ** 40n - 1n), BigInt(t) & (2n ** 40n - 1n));
    }
  });
});

void describe('session passwords', () => {
  // Expected bytes from Apache's generatePasswd: new java.util.Random(id ^ 0xB3415C00L)
  // .nextBytes(new byte[16]), run with `java Pw.java` on OpenJDK 17.0.15.
  const vectors: [bigint, string][] = [
    [0x1_0000_0000n, 'f22a606497e6346320a4e6f138eacad9'],
    [0x0123_4567_89ab_cdefn, 'f7cd1b8b3f946c477425d41be3f667c6'],
    [-9223372036854775807n, '054cc74a37327db215e702e20c73f005'],
    [0x0100_0186_a0a0_0000n, 'd206cca3f7c42c3e0093ba1f98df243c'],
    [0n, 'f22acd4a97e69d6d20a49bb638eadb38'],
  ];
  for (const [id, hex] of vectors) {
    void it(`match java.util.Random for session 0x${BigInt.asUintN(64, id).toString(16)}`, () => {
      assert.equal(sessionPassword(id).toString('hex'), hex);
    });
  }

  void it('are 16 bytes and stored on the session', () => {
    const table = new SessionTable({ tickMs: 1000, firstSessionId: 1n });
    const s = table.add(0x0123_4567_89ab_cdefn, 3000, 0);
    assert.equal(s.passwd.length, 16);
    assert.deepEqual(s.passwd, sessionPassword(s.id));
  });

  void it('javaRandomBytes fills a partial last int like Random.nextBytes', () => {
    // `new java.util.Random(42L).nextBytes(new byte[7])` on OpenJDK 17.
    assert.equal(javaRandomBytes(42n, 7).toString('hex'), '359d41baf78afe');
    assert.equal(javaRandomBytes(42n, 0).length, 0);
  });
});
