// Connection strings, the seeded shuffle, round-robin and reconnect backoff; the chroot map.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chroot } from '../../../src/client/chroot.ts';
import { HostProvider, parseConnectString, shuffled } from '../../../src/client/host-provider.ts';

/** A deterministic random source: a fixed cycle of values. */
function sequence(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

void describe('parseConnectString', () => {
  void it('reads hosts, default ports, IPv6 and a chroot', () => {
    assert.deepEqual(parseConnectString('h1:2181, h2:2182,h3/app/x'), {
      hosts: [
        { host: 'h1', port: 2181 },
        { host: 'h2', port: 2182 },
        { host: 'h3', port: 2181 },
      ],
      chroot: '/app/x',
    });
    assert.deepEqual(parseConnectString('[::1]:2181,[fe80::1]'), {
      hosts: [
        { host: '::1', port: 2181 },
        { host: 'fe80::1', port: 2181 },
      ],
      chroot: undefined,
    });
    assert.equal(parseConnectString('h:1/').chroot, undefined, "'/' is no chroot");
  });

  void it('rejects malformed strings', () => {
    for (const bad of ['', ',', 'h:0', 'h:65536', 'h:x', ':2181', 'h:2181/a/', '[::1', 'h:']) {
      assert.throws(() => parseConnectString(bad), TypeError, bad);
    }
  });
});

void describe('HostProvider', () => {
  void it('shuffles with the injected random source, then goes round-robin', () => {
    const hosts = ['a', 'b', 'c', 'd'].map((host) => ({ host, port: 1 }));
    assert.deepEqual(
      shuffled([1, 2, 3, 4], sequence([0])),
      [2, 3, 4, 1],
      'random 0 always swaps with index 0',
    );
    const provider = new HostProvider(hosts, sequence([0.99]));
    assert.deepEqual(
      provider.hosts.map((h) => h.host),
      ['a', 'b', 'c', 'd'],
      'random ~1 keeps the order',
    );
    const order = Array.from({ length: 6 }, () => provider.next().host);
    assert.deepEqual(order, ['a', 'b', 'c', 'd', 'a', 'b']);
  });

  void it('waits only after a full cycle, doubling up to the cap, with jitter', () => {
    const hosts = [
      { host: 'a', port: 1 },
      { host: 'b', port: 1 },
    ];
    const provider = new HostProvider(hosts, sequence([0.99, 0, 1, 0, 1]), {
      baseMs: 100,
      maxMs: 300,
    });
    // Jitter draws from [delay/2, delay]: random 0 gives the half, random 1 the whole delay.
    const delays = Array.from({ length: 8 }, () => provider.failed());
    assert.deepEqual(delays, [0, 50, 0, 200, 0, 150, 0, 300]);
    provider.connected();
    assert.equal(provider.failed(), 0, 'a handshake resets the backoff');
  });
});

void describe('Chroot', () => {
  void it('prefixes sent paths and strips received ones', () => {
    const chroot = new Chroot('/app');
    assert.equal(chroot.toServer('/'), '/app');
    assert.equal(chroot.toServer('/a/b'), '/app/a/b');
    assert.equal(chroot.toClient('/app'), '/');
    assert.equal(chroot.toClient('/app/a'), '/a');
    assert.equal(chroot.toClient('/apple'), '/apple', 'not inside the chroot: unchanged');
    const none = new Chroot(undefined);
    assert.equal(none.toServer('/a'), '/a');
    assert.equal(none.toClient('/a'), '/a');
  });
});
