// Every shell command against a Meerkat server in this process, through the Shell class with
// its output recorded: what each prints on stdout and stderr, its exit status, and the
// session-level commands (history, redo, close, connect, printwatches, quit). The same
// commands are compared with Apache's zkCli.sh in differential.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { ShellRecorder } from '../support/shell-recorder.ts';

const statPattern = [
  /^cZxid = 0x[0-9a-f]+$/,
  /^ctime = \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}$/,
  /^mZxid = 0x[0-9a-f]+$/,
  /^mtime = \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}$/,
  /^pZxid = 0x[0-9a-f]+$/,
  /^cversion = \d+$/,
  /^dataVersion = \d+$/,
  /^aclVersion = \d+$/,
  /^ephemeralOwner = 0x[0-9a-f]+$/,
  /^dataLength = \d+$/,
  /^numChildren = \d+$/,
];

function assertStat(lines: readonly string[], fields: Record<string, string> = {}): void {
  assert.equal(lines.length, statPattern.length, lines.join('\n'));
  lines.forEach((line, i) => assert.match(line, statPattern[i] ?? /^$/));
  for (const [name, value] of Object.entries(fields)) {
    assert.ok(lines.includes(`${name} = ${value}`), `${name} = ${value} in\n${lines.join('\n')}`);
  }
}

function digest(user: string, password: string): string {
  return `${user}:${createHash('sha1').update(`${user}:${password}`).digest('base64')}`;
}

void describe('shell commands against Meerkat', { timeout: 30_000 }, () => {
  let server: InProcessServer;
  let sh: ShellRecorder;
  before(async () => {
    server = await startInProcessServer({ extendedTypesEnabled: true });
    sh = await new ShellRecorder(`${server.host}:${server.port}`).open();
  });
  after(async () => {
    await sh.close();
    await server.close();
  });

  void it('creates, reads and lists nodes in zkCli formats', async () => {
    assert.deepEqual(await sh.run('create /app "hello world"'), {
      code: 0,
      out: [],
      err: ['Created /app'],
    });
    assert.deepEqual((await sh.run('create -s /app/s- x')).err, ['Created /app/s-0000000000']);
    assert.deepEqual((await sh.run('create /app/b')).err, ['Created /app/b']);
    assert.deepEqual((await sh.run('get /app')).out, ['hello world']);
    assert.deepEqual((await sh.run('get /app/b')).out, ['null']);
    assert.deepEqual((await sh.run('ls /app')).out, ['[b, s-0000000000]']);
    const ls = await sh.run('ls -s /app');
    assert.equal(ls.out[0], '[b, s-0000000000]');
    assertStat(ls.out.slice(1), { numChildren: '2', dataLength: '11' });
    const get = await sh.run('get -s /app');
    assert.equal(get.out[0], 'hello world');
    assertStat(get.out.slice(1), { dataVersion: '0' });
    assertStat((await sh.run('stat /app')).out, { cversion: '2' });
    assert.deepEqual((await sh.run('ls -R /app')).out, ['/app', '/app/b', '/app/s-0000000000']);
    assert.deepEqual((await sh.run('getAllChildrenNumber /app')).out, ['2']);
  });

  void it('reports failures with zkCli texts and exit status 1', async () => {
    const cases: [string, string][] = [
      ['get /nope', 'Node does not exist: /nope'],
      ['stat /nope', 'Node does not exist: /nope'],
      ['ls -R /nope', 'Node does not exist: /nope'],
      ['create /app', 'Node already exists: /app'],
      ['create /x/y', 'Node does not exist: /x/y'],
      ['delete /app', 'Node not empty: /app'],
      ['set -v 9 /app x', 'version No is not valid : /app'],
      ['get app', 'Path must start with / character'],
      ['ls /app/', 'Path must not end with / character'],
      ['get', 'get [-s] [-w] path'],
      ['set /app', 'set [-s] [-v version] path data'],
      ['ls -x /', 'Unrecognized option: -x'],
      ['set -v', 'Missing argument for option: v'],
      ['set -v x /app d', '-v argument must be an int value'],
      [
        'create -c -e /c',
        '-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.',
      ],
      ['create -t x /t', '-t argument must be a long value'],
      ['create -t 0 /t', 'ttl must be positive and cannot be larger than: 1099511627775'],
      ['create -t 10 -e /t', 'TTLs cannot be used with Ephemeral znodes'],
      ['deleteall /app -b x', '-b argument must be an int value'],
      [
        'addWatch -m sometimes /app',
        'addWatch [-m mode] path # optional mode is one of ' +
          '[PERSISTENT, PERSISTENT_RECURSIVE] - default is PERSISTENT_RECURSIVE',
      ],
      ['removewatches /app', 'KeeperErrorCode = No such watcher for /app'],
      ['redo 99', 'Command index out of range'],
      ['addauth digest', 'addauth scheme auth'],
    ];
    for (const [line, message] of cases) {
      assert.deepEqual(await sh.run(line), { code: 1, out: [], err: [message] }, line);
    }
  });

  void it('lists the commands for help and for an unknown command (exit 127)', async () => {
    const help = await sh.run('help');
    assert.equal(help.code, 0);
    assert.ok(help.out.includes('\tls [-s] [-w] [-R] path'), help.out.join('\n'));
    assert.ok(help.out.includes('\tcreate [-s] [-e] [-c] [-t ttl] path [data] [acl]'));
    const unknown = await sh.run('frobnicate /a');
    assert.equal(unknown.code, 127);
    assert.deepEqual(unknown.err.slice(1), [...help.out.slice(1), 'Command not found: frobnicate']);
  });

  void it('creates every kind of node', async () => {
    assert.deepEqual((await sh.run('create -e /app/e')).err, ['Created /app/e']);
    // The sequence number is the parent's cversion: two children so far, then /app/e.
    assert.deepEqual((await sh.run('create -e -s /app/es- v')).err, ['Created /app/es-0000000003']);
    assert.deepEqual((await sh.run('create -c /app/c')).err, ['Created /app/c']);
    assert.deepEqual((await sh.run('create -t 60000 /app/t')).err, ['Created /app/t']);
    assert.deepEqual((await sh.run('create -t 60000 -s /app/ts-')).err, [
      'Created /app/ts-0000000006',
    ]);
    assertStat((await sh.run('stat /app/t')).out);
    assert.deepEqual((await sh.run('create /app/e/child')).err, [
      'Ephemerals cannot have children: /app/e/child',
    ]);
    assert.deepEqual((await sh.run('getEphemerals /app/e')).out, ['[/app/e, /app/es-0000000003]']);
    assert.deepEqual((await sh.run('getEphemerals')).out, ['[/app/e, /app/es-0000000003]']);
    assert.equal((await sh.run('deleteall /app/e')).code, 0);
  });

  void it('sets data and ACLs, with versions and stats', async () => {
    assert.deepEqual(await sh.run('set /app/b one'), { code: 0, out: [], err: [] });
    assertStat((await sh.run('set -s -v 1 /app/b two')).out, { dataVersion: '2' });
    assert.deepEqual((await sh.run('getAcl /app/b')).out, ["'world,'anyone", ': cdrwa']);
    assert.equal((await sh.run('setAcl /app/b world:anyone:cdr')).code, 0);
    const acl = await sh.run('getAcl -s /app/b');
    assert.deepEqual(acl.out.slice(0, 2), ["'world,'anyone", ': cdr']);
    assertStat(acl.out.slice(2), { aclVersion: '1' });
    assert.deepEqual((await sh.run('set /app/b three')).err, ['Insufficient permission : /app/b']);
    assert.deepEqual((await sh.run('setAcl -v 0 /app/b world:anyone:cdrwa')).err, [
      'Insufficient permission : /app/b',
    ]);
    assert.deepEqual(await sh.run('setAcl /app/b world:anyone'), {
      code: 1,
      out: [],
      err: ['world:anyone does not have the form scheme:id:perm', 'Acl is not valid : null'],
    });
    assert.deepEqual(await sh.run('create /app/bad x world:anyone:rq'), {
      code: 1,
      out: [],
      err: ['Unknown perm type: q', 'Created /app/bad'],
    });
    assert.deepEqual((await sh.run('create /app/bad2 x nope:x:r')).err, [
      'KeeperErrorCode = InvalidACL for /app/bad2',
      'Acl is not valid : /app/bad2',
    ]);
  });

  void it('sets ACLs recursively and reports each node that refuses', async () => {
    await sh.run('create /tree');
    await sh.run('create /tree/a');
    await sh.run('create /tree/a/deep');
    await sh.run('create /tree/b');
    await sh.run('setAcl /tree/b world:anyone:r');
    const result = await sh.run('setAcl -R /tree world:anyone:cdrw');
    assert.deepEqual(result, {
      code: 1,
      out: [],
      err: ['KeeperErrorCode = NoAuth for /tree/b'],
    });
    assert.deepEqual((await sh.run('getAcl /tree/a/deep')).out, ["'world,'anyone", ': cdrw']);
  });

  void it('authenticates and shows who the session is', async () => {
    const id = digest('dave', 'pw');
    assert.equal((await sh.run(`create /mine x digest:${id}:cdrwa`)).code, 0);
    assert.deepEqual((await sh.run('get /mine')).err, ['Insufficient permission : /mine']);
    assert.equal((await sh.run('addauth digest dave:pw')).code, 0);
    assert.deepEqual((await sh.run('get /mine')).out, ['x']);
    const who = await sh.run('whoami');
    assert.equal(who.out[0], 'Auth scheme: User');
    assert.deepEqual(who.out.slice(1).sort(), ['digest: dave', 'ip: 127.0.0.1']);
    assert.deepEqual((await sh.run('sync /mine')).out, ['Sync is OK']);
  });

  void it('deletes with versions, and whole trees in batches', async () => {
    await sh.run('create /del');
    assert.deepEqual((await sh.run('delete -v 3 /del')).err, ['version No is not valid : /del']);
    assert.deepEqual(await sh.run('delete -v 0 /del'), { code: 0, out: [], err: [] });
    for (const p of ['/d', '/d/1', '/d/2', '/d/2/x', '/d/3']) await sh.run(`create ${p}`);
    assert.deepEqual(await sh.run('deleteall /d -b 2'), { code: 0, out: [], err: [] });
    assert.deepEqual((await sh.run('stat /d')).err, ['Node does not exist: /d']);
    assert.deepEqual((await sh.run('deleteall /d')).err, ['Node does not exist: /d']);
  });

  void it('prints watch events like zkCli, unless printwatches is off', async () => {
    await sh.run('create /w a');
    await sh.run('get -w /w');
    await sh.run('set /w b');
    await sh.event(/^WatchedEvent state:SyncConnected type:NodeDataChanged path:\/w$/);
    await sh.run('stat -w /w/new');
    await sh.run('create /w/new');
    await sh.event(/type:NodeCreated path:\/w\/new$/);
    await sh.run('ls -w /w');
    await sh.run('create /w/other');
    await sh.event(/type:NodeChildrenChanged path:\/w$/);
    await sh.run('addWatch -m persistent /w');
    await sh.run('set /w c');
    await sh.run('removewatches /w -a');
    await sh.event(/type:PersistentWatchRemoved path:\/w$/);
    assert.deepEqual((await sh.run('printwatches')).out, ['printwatches is on']);
    await sh.run('printwatches off');
    await sh.run('get -w /w');
    const before = sh.events.length;
    await sh.run('set /w d');
    await sh.run('sync /w');
    assert.equal(sh.events.length, before, 'no event printed with printwatches off');
    await sh.run('printwatches on');
  });

  void it('numbers commands, lists history and redoes entries', async () => {
    const own = await new ShellRecorder(`${server.host}:${server.port}`).open();
    try {
      assert.match(own.shell.prompt(), /^\[zk: 127\.0\.0\.1:\d+\(CONNECTED\) 0\] $/);
      await own.run('create /h one');
      await own.run('get /h');
      await own.run('   ');
      // A redo is listed as the command it ran; one that failed stays a redo.
      assert.deepEqual((await own.run('redo 1')).out, ['one']);
      assert.deepEqual((await own.run('redo 99')).err, ['Command index out of range']);
      assert.deepEqual((await own.run('redo 3')).err, ['No redoing redos']);
      assert.deepEqual((await own.run('history')).out, [
        '0 - create /h one',
        '1 - get /h',
        '2 - get /h',
        '3 - redo 99',
        '4 - redo 3',
        '5 - history',
      ]);
      assert.match(own.shell.prompt(), /\(CONNECTED\) 6\] $/);
      assert.deepEqual((await own.run('redo 0')).err, ['Node already exists: /h']);
      assert.equal((await own.run('redo 0')).code, 1);
      await own.run('delete /h');
    } finally {
      await own.close();
    }
  });

  void it('closes, says "Not connected", connects again and quits', async () => {
    const own = await new ShellRecorder(`${server.host}:${server.port}`).open();
    try {
      assert.equal((await own.run('close')).code, 0);
      assert.match(own.shell.prompt(), /\(CLOSED\) 1\] $/);
      assert.deepEqual(await own.run('ls /'), { code: 1, out: [], err: ['Not connected'] });
      assert.deepEqual(await own.run('ls'), { code: 1, out: [], err: ['Not connected'] });
      await own.run(`connect ${server.host}:${server.port}`);
      assert.equal((await own.run('ls /zookeeper')).out[0], '[config, quota]');
      assert.match((await own.run('version')).out[0] ?? '', /^ZooKeeper CLI version: \S+-meerkat-/);
      assert.equal(own.shell.quitting, false);
      await own.run('quit');
      assert.equal(own.shell.quitting, true);
    } finally {
      await own.close();
    }
  });
});
