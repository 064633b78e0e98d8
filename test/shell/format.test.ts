// zkCli's output formats: Stat lines (Java's Date.toString and Long.toHexString), ACL lines
// (jute's escaped Id dump), events, the prompt, and the error texts of CliWrapperException.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorForCode } from '../../src/client/errors.ts';
import { ClientClosedError } from '../../src/client/index.ts';
import {
  ShellError,
  failureMessage,
  invalidPathMessage,
  keeperMessage,
} from '../../src/cli/shell/errors.ts';
import {
  aclLines,
  nodeEventLine,
  permString,
  promptText,
  stateEventLine,
  statLines,
  watcherLines,
} from '../../src/cli/shell/format.ts';
import { javaDate, javaHexLong, javaList } from '../../src/cli/shell/java-format.ts';
import { ErrorCode } from '../../src/protocol/index.ts';

void describe('shell: Java formats', () => {
  void it("prints dates like Java's Date.toString", () => {
    assert.equal(javaDate(0, 'UTC'), 'Thu Jan 01 00:00:00 UTC 1970');
    assert.equal(
      javaDate(Date.UTC(2026, 10, 22, 9, 45, 36), 'UTC'),
      'Sun Nov 22 09:45:36 UTC 2026',
    );
    // Midnight is 00, not 24.
    assert.equal(javaDate(Date.UTC(2026, 0, 5, 0, 0, 7), 'UTC'), 'Mon Jan 05 00:00:07 UTC 2026');
    assert.equal(
      javaDate(Date.UTC(2026, 6, 1, 12, 0, 0), 'America/Los_Angeles'),
      'Wed Jul 01 05:00:00 PDT 2026',
    );
  });
  void it('prints longs in hex as two’s complement', () => {
    assert.equal(javaHexLong(0n), '0');
    assert.equal(javaHexLong(0x1f4n), '1f4');
    assert.equal(javaHexLong(-1n), 'ffffffffffffffff');
    assert.equal(javaHexLong(-0x8000000000000000n), '8000000000000000');
  });
  void it('prints lists like List.toString', () => {
    assert.equal(javaList([]), '[]');
    assert.equal(javaList(['a', 'b']), '[a, b]');
  });
});

void describe('shell: zkCli formats', () => {
  void it('prints a Stat field by field', () => {
    const stat = {
      czxid: 2n,
      mzxid: 0x10n,
      ctime: 0n,
      mtime: BigInt(Date.UTC(2026, 10, 22, 9, 45, 36)),
      version: 3,
      cversion: 4,
      aversion: 5,
      ephemeralOwner: 0x100000abcn,
      dataLength: 6,
      numChildren: 7,
      pzxid: 0x11n,
    };
    assert.deepEqual(statLines(stat, 'UTC'), [
      'cZxid = 0x2',
      'ctime = Thu Jan 01 00:00:00 UTC 1970',
      'mZxid = 0x10',
      'mtime = Sun Nov 22 09:45:36 UTC 2026',
      'pZxid = 0x11',
      'cversion = 4',
      'dataVersion = 3',
      'aclVersion = 5',
      'ephemeralOwner = 0x100000abc',
      'dataLength = 6',
      'numChildren = 7',
    ]);
  });
  void it('prints permissions in cdrwa order', () => {
    assert.equal(permString(31), 'cdrwa');
    assert.equal(permString(1 | 16), 'ra');
    assert.equal(permString(0), '');
  });
  void it("prints ACL entries as jute's Id dump, two lines each", () => {
    assert.deepEqual(
      aclLines([
        { id: { scheme: 'world', id: 'anyone' }, perms: 31 },
        { id: { scheme: 'x', id: 'a,b}c%d' }, perms: 1 },
      ]),
      ["'world,'anyone", ': cdrwa', "'x,'a%2Cb%7Dc%25d", ': r'],
    );
  });
  void it('prints events and the prompt like zkCli', () => {
    assert.deepEqual(watcherLines(nodeEventLine('nodeDataChanged', '/a')), [
      '',
      'WATCHER::',
      '',
      'WatchedEvent state:SyncConnected type:NodeDataChanged path:/a',
    ]);
    assert.equal(stateEventLine('Expired'), 'WatchedEvent state:Expired type:None path:null');
    assert.equal(promptText('h:2181', 'CONNECTED', 3), '[zk: h:2181(CONNECTED) 3] ');
  });
});

void describe('shell: error texts', () => {
  void it("uses CliWrapperException's words where zkCli has them", () => {
    const cases: [number, string][] = [
      [ErrorCode.noNode, 'Node does not exist: /x'],
      [ErrorCode.nodeExists, 'Node already exists: /x'],
      [ErrorCode.notEmpty, 'Node not empty: /x'],
      [ErrorCode.badVersion, 'version No is not valid : /x'],
      [ErrorCode.noAuth, 'Insufficient permission : /x'],
      [ErrorCode.invalidACL, 'Acl is not valid : /x'],
      [ErrorCode.noChildrenForEphemerals, 'Ephemerals cannot have children: /x'],
      [ErrorCode.noWatcher, 'KeeperErrorCode = No such watcher for /x'],
      [ErrorCode.unimplemented, 'KeeperErrorCode = Unimplemented for /x'],
    ];
    for (const [code, text] of cases) assert.equal(failureMessage(errorForCode(code, '/x')), text);
    assert.equal(failureMessage(errorForCode(ErrorCode.invalidACL)), 'Acl is not valid : null');
    assert.equal(keeperMessage('connectionLoss', undefined), 'KeeperErrorCode = ConnectionLoss');
  });
  void it('says "Not connected" for a closed client and never throws', () => {
    assert.equal(failureMessage(new ClientClosedError('/a')), 'Not connected');
    assert.equal(failureMessage(new ShellError('plain')), 'plain');
    assert.equal(failureMessage('odd'), 'odd');
  });
  void it("words invalid paths like Java's PathUtils", () => {
    assert.equal(invalidPathMessage('/a/b'), undefined);
    assert.equal(invalidPathMessage('a'), 'Path must start with / character');
    assert.equal(invalidPathMessage('/a/'), 'Path must not end with / character');
    assert.equal(
      invalidPathMessage('/a//b'),
      'Invalid path string "/a//b" caused by empty node name specified @3',
    );
  });
});
