// The normaliser and the zkCli output filters the differential tests rely on (no servers).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalize, normalizePair } from '../support/normalize.ts';
import { sortListLines, stripZkCliNoise } from '../support/zkcli.ts';

const now = Date.now();

function stat(czxid: string, mzxid: string, owner = '0x0'): Record<string, string | number> {
  return { czxid, mzxid, pzxid: czxid, ctime: now, mtime: now, ephemeralOwner: owner };
}

void describe('normalize', () => {
  void it('names zxids by first appearance, keeps zero, marks times', () => {
    const out = normalize([stat('0x1a', '0x1a'), stat('0x5', '0x1a'), { zxid: '0x0', ctime: 0 }]);
    assert.deepEqual(out, [
      { czxid: 'z1', mzxid: 'z1', pzxid: 'z1', ctime: 't', mtime: 't', ephemeralOwner: '0x0' },
      { czxid: 'z2', mzxid: 'z1', pzxid: 'z2', ctime: 't', mtime: 't', ephemeralOwner: '0x0' },
      { zxid: '0x0', ctime: 0 },
    ]);
  });

  void it('ranks zxids numerically on request', () => {
    assert.deepEqual(normalize([{ zxid: '0x9' }, { zxid: '0x3' }], { zxids: 'rank' }), [
      { zxid: 'z2' },
      { zxid: 'z1' },
    ]);
  });

  void it('names sessions, keeps container and TTL owners, flags implausible times', () => {
    const out = normalize([
      { sessionId: '0x100000abc0001', ephemeralOwner: '0x100000abc0001' },
      { ephemeralOwner: '0x8000000000000000', ctime: 1234 },
      { ephemeralOwner: '0xff0000000000ea60', mtime: now },
    ]);
    assert.deepEqual(out, [
      { sessionId: 's1', ephemeralOwner: 's1' },
      { ephemeralOwner: '0x8000000000000000', ctime: 't?1234' },
      { ephemeralOwner: '0xff0000000000ea60', mtime: 't' },
    ]);
  });

  void it('rewrites zkCli stat text and can drop times', () => {
    const text = 'cZxid = 0x7\nctime = ' + new Date(now).toString() +
      '\nmZxid = 0x9\nctime = Thu Jan 01 00:00:00 UTC 1970\nephemeralOwner = 0x10000aa\n';
    assert.equal(normalize(text), 'cZxid = z1\nctime = t\nmZxid = z2\nctime = 0\n' +
      'ephemeralOwner = s1\n');
    assert.deepEqual(normalize({ ctime: now, version: 1 }, { times: 'drop' }), { version: 1 });
  });

  void it('keeps sequential suffixes and other values exactly', () => {
    const value = { path: '/a/seq-0000000007', version: 3, data: null };
    assert.deepEqual(normalize(value), value);
  });
});

void describe('normalizePair', () => {
  void it('names the other run after the reference, without cascading a missing stat', () => {
    const reference = [{ stat: stat('0x10', '0x10') }, { stat: stat('0x11', '0x12') }];
    const other = [{ ok: false }, { stat: stat('0x20', '0x21') }];
    const { reference: ref, other: oth, orderProblems } = normalizePair(reference, other);
    assert.ok(Array.isArray(ref) && Array.isArray(oth));
    assert.deepEqual(oth[1], ref[1]);
    assert.notDeepEqual(oth[0], ref[0]);
    assert.deepEqual(orderProblems, []);
  });

  void it('exposes zxids the other run merges or splits', () => {
    const merged = normalizePair([stat('0x1', '0x2')], [stat('0x5', '0x5')]);
    assert.notDeepEqual(merged.other, merged.reference);
    const split = normalizePair([stat('0x1', '0x1')], [stat('0x5', '0x6')]);
    assert.notDeepEqual(split.other, split.reference);
  });

  void it('reports zxids ordered unlike the reference', () => {
    const { orderProblems } = normalizePair([{ zxid: '0x1' }, { zxid: '0x2' }],
      [{ zxid: '0x9' }, { zxid: '0x8' }]);
    assert.equal(orderProblems.length, 1);
  });
});

void describe('zkCli output filters', () => {
  void it('strips connection chatter, logging and prompts', () => {
    const raw = [
      'Connecting to 127.0.0.1:2181',
      'SLF4J: Failed to load class "org.slf4j.impl.StaticLoggerBinder".',
      '2026-01-01 10:00:00,123 [myid:] - INFO  [main:Foo@1] - hello',
      'Welcome to ZooKeeper!',
      'JLine support is disabled',
      '',
      'WATCHER::',
      'WatchedEvent state:SyncConnected type:None path:null',
      '[zk: 127.0.0.1:2181(CONNECTED) 0] [a, zookeeper]',
      'WatchedEvent state:SyncConnected type:NodeDataChanged path:/a',
    ].join('\n');
    assert.equal(stripZkCliNoise(raw),
      '[a, zookeeper]\nWatchedEvent state:SyncConnected type:NodeDataChanged path:/a');
  });

  void it('sorts list lines only', () => {
    assert.equal(sortListLines('[b, a]\nx, y\n[]'), '[a, b]\nx, y\n[]');
  });
});
