import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  configFromOptions,
  defaultServerConfig,
  loadZooCfgFile,
  parseZooCfg,
} from '../../../src/server/config.ts';
import { parseProperties } from '../../../src/server/config-properties.ts';
import { renderConfForFourLetterWord } from '../../../src/server/net/conf-word.ts';

const src = { sourceName: 'zoo.cfg' };
const parse = (text: string) => parseZooCfg(text, src);
const withDataDir = (text: string) => parse(`dataDir=/var/zk\n${text}`);

function throwsConfig(fn: () => unknown, message: string, key?: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    assert.equal(error.message, message);
    if (key !== undefined) assert.equal(error.key, key);
    return true;
  });
}

void describe('parseZooCfg defaults', () => {
  void it('fills every Apache 3.8 default from a file with only dataDir', () => {
    const { config, warnings } = parse('dataDir=/var/zk\n');
    assert.deepEqual(warnings, []);
    assert.equal(config.tickTimeMs, 3000);
    assert.equal(config.clientPort, 2181);
    assert.equal(config.clientPortAddress, undefined);
    assert.equal('clientPortAddress' in config, false);
    assert.equal(config.secureClientPort, undefined);
    assert.equal(config.clientPortListenBacklog, -1);
    assert.equal(config.dataDir, '/var/zk');
    assert.equal(config.dataLogDir, '/var/zk');
    assert.equal(config.maxClientCnxns, 60);
    assert.equal(config.maxCnxns, 0);
    assert.equal(config.minSessionTimeoutMs, 6000);
    assert.equal(config.maxSessionTimeoutMs, 60000);
    assert.equal(config.initLimit, undefined);
    assert.equal(config.syncLimit, undefined);
    assert.equal(config.electionAlg, 3);
    assert.equal(config.peerType, 'participant');
    assert.equal(config.snapCount, 100000);
    assert.equal(config.preAllocSizeKb, 65536);
    assert.equal(config.forceSync, true);
    assert.equal(config.globalOutstandingLimit, 1000);
    assert.deepEqual(config.fourLetterWordWhitelist, new Set(['srvr']));
    assert.equal(config.extendedTypesEnabled, false);
    assert.equal(config.juteMaxBufferBytes, 0xfffff);
    assert.equal(config.containerCheckIntervalMs, 60000);
    assert.equal(config.containerMaxPerMinute, 10000);
    assert.equal(config.containerMaxNeverUsedIntervalMs, 0);
    assert.deepEqual(config.admin, {
      enableServer: true,
      serverAddress: '0.0.0.0',
      serverPort: 8080,
      commandUrl: '/commands',
    });
    assert.deepEqual(config.autopurge, { snapRetainCount: 3, purgeIntervalHours: 0 });
    assert.equal(config.standaloneEnabled, true);
    assert.equal(config.reconfigEnabled, false);
    assert.equal(config.skipAcl, false);
    assert.equal(config.quorumListenOnAllIps, false);
    assert.equal(config.localSessionsEnabled, false);
    assert.equal(config.localSessionsUpgradingEnabled, false);
    assert.deepEqual(config.servers, []);
    assert.equal(config.superDigest, undefined);
    assert.deepEqual([...config.raw], [['dataDir', '/var/zk']]);
  });

  void it('derives session timeouts from tickTime and freezes the result', () => {
    const { config } = withDataDir('tickTime=2000');
    assert.equal(config.minSessionTimeoutMs, 4000);
    assert.equal(config.maxSessionTimeoutMs, 40000);
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.admin));
    assert.ok(Object.isFrozen(config.autopurge));
    assert.ok(Object.isFrozen(config.servers));
  });

  void it('requires dataDir, with the Apache message', () => {
    throwsConfig(() => parse('tickTime=2000\n'), 'zoo.cfg: dataDir is not set', 'dataDir');
  });

  void it('keeps a relative dataDir as given', () => {
    assert.equal(parse('dataDir=./data\n').config.dataDir, './data');
  });
});

void describe('parseZooCfg values', () => {
  void it('reads every typed key', () => {
    const { config, warnings } = parse(
      [
        'tickTime=2000',
        'clientPort=22181',
        'clientPortAddress=127.0.0.1',
        'secureClientPort=2281',
        'clientPortListenBacklog=50',
        'dataDir=/d',
        'dataLogDir=/l',
        'maxClientCnxns=0',
        'maxCnxns=500',
        'minSessionTimeout=3000',
        'maxSessionTimeout=9000',
        'initLimit=10',
        'syncLimit=5',
        'electionAlg=3',
        'peerType=Observer',
        'snapCount=10',
        'preAllocSize=1024',
        'forceSync=NO',
        'globalOutstandingLimit=7',
        'extendedTypesEnabled=TRUE',
        'jute.maxbuffer=4096',
        'znode.container.checkIntervalMs=5',
        'znode.container.maxPerMinute=6',
        'znode.container.maxNeverUsedIntervalMs=7',
        'admin.enableServer=false',
        'admin.serverAddress=127.0.0.1',
        'admin.serverPort=9090',
        'admin.commandURL=/cmd',
        'autopurge.snapRetainCount=5',
        'autopurge.purgeInterval=24',
        'standaloneEnabled=false',
        'reconfigEnabled=true',
        'skipACL=yes',
        'quorumListenOnAllIPs=true',
        'localSessionsEnabled=true',
        'localSessionsUpgradingEnabled=true',
        'superDigest=super:abc=',
      ].join('\n'),
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      [config.tickTimeMs, config.clientPort, config.clientPortAddress, config.secureClientPort],
      [2000, 22181, '127.0.0.1', 2281],
    );
    assert.deepEqual(
      [config.clientPortListenBacklog, config.dataDir, config.dataLogDir],
      [50, '/d', '/l'],
    );
    assert.deepEqual([config.maxClientCnxns, config.maxCnxns], [0, 500]);
    assert.deepEqual([config.minSessionTimeoutMs, config.maxSessionTimeoutMs], [3000, 9000]);
    assert.deepEqual([config.initLimit, config.syncLimit, config.electionAlg], [10, 5, 3]);
    assert.equal(config.peerType, 'observer');
    assert.deepEqual(
      [config.snapCount, config.preAllocSizeKb, config.forceSync],
      [10, 1024, false],
    );
    assert.equal(config.globalOutstandingLimit, 7);
    assert.equal(config.extendedTypesEnabled, true);
    assert.equal(config.juteMaxBufferBytes, 4096);
    assert.deepEqual(
      [
        config.containerCheckIntervalMs,
        config.containerMaxPerMinute,
        config.containerMaxNeverUsedIntervalMs,
      ],
      [5, 6, 7],
    );
    assert.deepEqual(config.admin, {
      enableServer: false,
      serverAddress: '127.0.0.1',
      serverPort: 9090,
      commandUrl: '/cmd',
    });
    assert.deepEqual(config.autopurge, { snapRetainCount: 5, purgeIntervalHours: 24 });
    assert.deepEqual(
      [config.standaloneEnabled, config.reconfigEnabled, config.skipAcl],
      [false, true, true],
    );
    assert.deepEqual(
      [
        config.quorumListenOnAllIps,
        config.localSessionsEnabled,
        config.localSessionsUpgradingEnabled,
      ],
      [true, true, true],
    );
    assert.equal(config.superDigest, 'super:abc=');
    assert.equal(config.raw.get('peerType'), 'Observer');
  });

  void it('accepts the full superDigest property name', () => {
    const key = 'zookeeper.DigestAuthenticationProvider.superDigest';
    assert.equal(withDataDir(`${key}=super:xyz`).config.superDigest, 'super:xyz');
  });

  void it('reads jute.maxbuffer in decimal or 0x hex', () => {
    assert.equal(withDataDir('jute.maxbuffer=0xfffff').config.juteMaxBufferBytes, 1048575);
    assert.equal(withDataDir('jute.maxbuffer=0X100000').config.juteMaxBufferBytes, 1048576);
    assert.equal(withDataDir('jute.maxbuffer=1048575').config.juteMaxBufferBytes, 1048575);
    throwsConfig(
      () => withDataDir('jute.maxbuffer=0xZZ'),
      'zoo.cfg: invalid value for jute.maxbuffer: "0xZZ" (expected a positive integer)',
      'jute.maxbuffer',
    );
  });

  void it('takes -1 session timeouts as the default, like Apache', () => {
    const { config } = withDataDir('minSessionTimeout=-1\nmaxSessionTimeout=-1');
    assert.deepEqual([config.minSessionTimeoutMs, config.maxSessionTimeoutMs], [6000, 60000]);
  });

  void it('clamps autopurge.snapRetainCount below 3 to 3 with a warning', () => {
    const { config, warnings } = withDataDir('autopurge.snapRetainCount=1');
    assert.equal(config.autopurge.snapRetainCount, 3);
    assert.deepEqual(warnings, ['invalid autopurge.snapRetainCount: 1 (using 3)']);
  });
});

void describe('parseZooCfg validation errors name the key and value', () => {
  const cases: Array<readonly [string, string, string]> = [
    ['tickTime', 'abc', 'a positive integer'],
    ['tickTime', '0', 'a positive integer'],
    ['tickTime', '1.5', 'a positive integer'],
    ['tickTime', '2147483648', 'a positive integer'],
    ['clientPort', '65536', 'a port number 0..65535'],
    ['clientPort', '-1', 'a port number 0..65535'],
    ['secureClientPort', 'x', 'a port number 0..65535'],
    ['clientPortListenBacklog', 'x', 'an integer'],
    ['clientPortAddress', '', 'a non-empty value'],
    ['dataLogDir', '', 'a non-empty value'],
    ['maxClientCnxns', '-1', 'a non-negative integer'],
    ['maxCnxns', '1e3', 'a non-negative integer'],
    ['minSessionTimeout', '0', 'a positive integer or -1'],
    ['maxSessionTimeout', 'ten', 'a positive integer or -1'],
    ['initLimit', '0', 'a positive integer'],
    ['syncLimit', '', 'a positive integer'],
    ['electionAlg', '-3', 'a non-negative integer'],
    ['peerType', 'leader', 'participant or observer'],
    ['snapCount', '0x10', 'a positive integer'],
    ['preAllocSize', '64M', 'a positive integer'],
    ['forceSync', 'true', 'yes or no'],
    ['globalOutstandingLimit', '0', 'a positive integer'],
    ['extendedTypesEnabled', 'yes', 'true or false'],
    ['jute.maxbuffer', '-1', 'a positive integer'],
    ['znode.container.checkIntervalMs', '0', 'a positive integer'],
    ['znode.container.maxPerMinute', 'x', 'a positive integer'],
    ['znode.container.maxNeverUsedIntervalMs', '-5', 'a non-negative integer'],
    ['admin.enableServer', '1', 'true or false'],
    ['admin.serverAddress', '', 'a non-empty value'],
    ['admin.serverPort', '80800', 'a port number 0..65535'],
    ['admin.commandURL', '', 'a non-empty value'],
    ['autopurge.snapRetainCount', 'x', 'an integer'],
    ['autopurge.purgeInterval', '1h', 'an integer'],
    ['standaloneEnabled', 'maybe', 'true or false'],
    ['reconfigEnabled', 'on', 'true or false'],
    ['skipACL', 'true', 'yes or no'],
    ['quorumListenOnAllIPs', 'x', 'true or false'],
    ['localSessionsEnabled', 'x', 'true or false'],
    ['localSessionsUpgradingEnabled', 'x', 'true or false'],
    ['superDigest', 'nocolon', 'user:digest'],
  ];
  for (const [key, value, expected] of cases) {
    void it(`${key}=${value}`, () => {
      throwsConfig(
        () => withDataDir(`${key}=${value}`),
        `zoo.cfg: invalid value for ${key}: ${JSON.stringify(value)} (expected ${expected})`,
        key,
      );
    });
  }

  void it('rejects an empty dataDir', () => {
    throwsConfig(
      () => parse('dataDir=\n'),
      'zoo.cfg: invalid value for dataDir: "" (expected a non-empty value)',
      'dataDir',
    );
  });

  void it('uses the source name given', () => {
    assert.throws(() => parseZooCfg('tickTime=x', { sourceName: '/etc/zk/zoo.cfg' }), {
      message: '/etc/zk/zoo.cfg: invalid value for tickTime: "x" (expected a positive integer)',
    });
  });

  void it('rejects minSessionTimeout > maxSessionTimeout, naming both keys', () => {
    const message =
      'zoo.cfg: minSessionTimeout (50000) must not be larger than maxSessionTimeout (4000)';
    throwsConfig(() => withDataDir('minSessionTimeout=50000\nmaxSessionTimeout=4000'), message);
    // The default max (20 ticks) counts too.
    throwsConfig(
      () => withDataDir('tickTime=2000\nminSessionTimeout=50000'),
      'zoo.cfg: minSessionTimeout (50000) must not be larger than maxSessionTimeout (40000)',
    );
  });
});

void describe('zoo.cfg syntax and unknown keys', () => {
  void it('warns about unknown keys and duplicates, and keeps them raw', () => {
    const { config, warnings } = withDataDir('foo=bar\ntickTime=1000\ntickTime=2000');
    assert.deepEqual(warnings, [
      'duplicate configuration key "tickTime" (last value wins)',
      'unknown configuration key "foo" (ignored)',
    ]);
    assert.equal(config.tickTimeMs, 2000);
    assert.equal(config.raw.get('foo'), 'bar');
  });

  void it('accepts known-but-ignored keys silently', () => {
    const { config, warnings } = withDataDir(
      [
        'dynamicConfigFile=/etc/zk/zoo.cfg.dynamic',
        'secureClientPortAddress=0.0.0.0',
        'sslQuorum=true',
        'portUnification=false',
        'serverCnxnFactory=x.NettyServerCnxnFactory',
        'ssl.keyStore.location=/k',
        'ssl.quorum.trustStore.password=p',
        'metricsProvider.className=x.PrometheusMetricsProvider',
        'metricsProvider.httpPort=7000',
        'group.1=1:2:3',
        'weight.1=1',
      ].join('\n'),
    );
    assert.deepEqual(warnings, []);
    assert.equal(config.raw.get('group.1'), '1:2:3');
    assert.equal(config.raw.get('ssl.keyStore.location'), '/k');
  });

  void it('reads Java properties syntax: comments, separators, continuations, escapes', () => {
    const text = [
      '# comment',
      '! also a comment',
      '',
      '   ',
      '  tickTime = 2000  ',
      'clientPort:22181',
      'maxClientCnxns 10',
      'dataDir=/very/\\',
      '    long/path',
      'win=C:\\\\zk\\\\data',
      'empty',
      'u=\\u0041b',
    ].join('\r\n');
    assert.deepEqual(parseProperties(text), [
      ['tickTime', '2000'],
      ['clientPort', '22181'],
      ['maxClientCnxns', '10'],
      ['dataDir', '/very/long/path'],
      ['win', 'C:\\zk\\data'],
      ['empty', ''],
      ['u', 'Ab'],
    ]);
    const { config } = parse(text);
    assert.deepEqual(
      [config.tickTimeMs, config.clientPort, config.maxClientCnxns],
      [2000, 22181, 10],
    );
  });

  void it('treats a trailing backslash on the last line as nothing', () => {
    assert.deepEqual(parseProperties('a=b\\'), [['a', 'b']]);
  });
});

void describe('server.N', () => {
  void it('parses the Apache 3.8 shapes', () => {
    const { config } = withDataDir(
      [
        'server.1=zk1:2888:3888',
        'server.2=zk2:2888:3888:observer;2181',
        'server.3=10.0.0.3:2888:3888:PARTICIPANT;0.0.0.0:2182',
        'server.4=[::1]:2888:3888;[::1]:2183',
      ].join('\n'),
    );
    assert.deepEqual(config.servers, [
      { id: 1, host: 'zk1', quorumPort: 2888, electionPort: 3888, role: 'participant' },
      {
        id: 2,
        host: 'zk2',
        quorumPort: 2888,
        electionPort: 3888,
        role: 'observer',
        clientPort: 2181,
      },
      {
        id: 3,
        host: '10.0.0.3',
        quorumPort: 2888,
        electionPort: 3888,
        role: 'participant',
        clientAddress: '0.0.0.0',
        clientPort: 2182,
      },
      {
        id: 4,
        host: '::1',
        quorumPort: 2888,
        electionPort: 3888,
        role: 'participant',
        clientAddress: '::1',
        clientPort: 2183,
      },
    ]);
  });

  const format = 'host:quorumPort:electionPort[:participant|observer][;[clientAddress:]clientPort]';
  const bad = [
    'zk1:2888',
    'zk1:abc:3888',
    'zk1:2888:3888:leader',
    'zk1:2888:3888:observer:x',
    ':2888:3888',
    'zk1:2888:3888;',
    'zk1:2888:3888;h:x',
    'zk1:2888:99999',
    'a|b:1:2',
    'zk1:2888:3888;2181;2182',
    '[::1:2888:3888',
  ];
  for (const value of bad) {
    void it(`rejects server.1=${value}`, () => {
      throwsConfig(
        () => withDataDir(`server.1=${value}`),
        `zoo.cfg: invalid value for server.1: ${JSON.stringify(value)} (expected ${format})`,
        'server.1',
      );
    });
  }

  void it('rejects a non-numeric server id', () => {
    throwsConfig(
      () => withDataDir('server.a=zk1:2888:3888'),
      'zoo.cfg: invalid value for server.a: "zk1:2888:3888" (expected server.N with N >= 0)',
      'server.a',
    );
  });
});

void describe('4lw.commands.whitelist', () => {
  const whitelist = (value: string) =>
    withDataDir(`4lw.commands.whitelist=${value}`).config.fourLetterWordWhitelist;

  void it('trims a comma list and always adds srvr, as Apache does', () => {
    assert.deepEqual(whitelist(' ruok , conf,,mntr '), new Set(['ruok', 'conf', 'mntr', 'srvr']));
    assert.deepEqual(whitelist(''), new Set(['srvr']));
  });

  void it('reads * as all commands', () => {
    assert.equal(whitelist('*'), 'all');
    assert.equal(whitelist('ruok, *'), 'all');
  });
});

void describe('configFromOptions and defaultServerConfig', () => {
  void it('applies defaults around CLI options', () => {
    const config = configFromOptions({
      clientPort: 2182,
      clientPortAddress: '127.0.0.1',
      dataDir: '/tmp/meerkat',
      tickTimeMs: 1000,
      secureClientPort: undefined,
      admin: { enableServer: false },
      fourLetterWordWhitelist: ['ruok'],
    });
    assert.equal(config.clientPort, 2182);
    assert.equal(config.clientPortAddress, '127.0.0.1');
    assert.equal('secureClientPort' in config, false);
    assert.equal(config.dataLogDir, '/tmp/meerkat');
    assert.deepEqual([config.minSessionTimeoutMs, config.maxSessionTimeoutMs], [2000, 20000]);
    assert.deepEqual(config.admin, { ...defaultServerConfig.admin, enableServer: false });
    assert.deepEqual(config.fourLetterWordWhitelist, new Set(['ruok', 'srvr']));
    assert.equal(config.raw.size, 0);
  });

  void it('validates options and names the field', () => {
    throwsConfig(
      () => configFromOptions({ clientPort: 70000 }),
      'options: invalid value for clientPort: 70000 (expected a port number 0..65535)',
      'clientPort',
    );
    throwsConfig(
      () => configFromOptions({ admin: { serverPort: 1.5 } }),
      'options: invalid value for admin.serverPort: 1.5 (expected a port number 0..65535)',
      'admin.serverPort',
    );
    throwsConfig(
      () => configFromOptions({ minSessionTimeoutMs: 9000, maxSessionTimeoutMs: 8000 }),
      'options: minSessionTimeout (9000) must not be larger than maxSessionTimeout (8000)',
    );
  });

  void it('lays defined options over a base config, re-deriving what was derived', () => {
    const { config: base } = parse(
      'tickTime=2000\ndataDir=/d\nclientPort=2200\nmaxSessionTimeout=30000\nadmin.serverPort=81',
    );
    const config = configFromOptions(
      { dataDir: '/e', clientPort: undefined, tickTimeMs: 1000, admin: { enableServer: false } },
      base,
    );
    assert.equal(config.clientPort, 2200);
    assert.equal(config.dataDir, '/e');
    assert.equal(config.dataLogDir, '/e');
    assert.equal(config.tickTimeMs, 1000);
    assert.deepEqual([config.minSessionTimeoutMs, config.maxSessionTimeoutMs], [2000, 30000]);
    assert.deepEqual(config.admin, { ...base.admin, enableServer: false, serverPort: 81 });
    assert.deepEqual([...config.raw], [...base.raw]);
    const explicitLog = parse('dataDir=/d\ndataLogDir=/l\n').config;
    assert.equal(configFromOptions({ dataDir: '/e' }, explicitLog).dataLogDir, '/l');
  });

  void it('has Apache defaults and the ./data dataDir', () => {
    assert.equal(defaultServerConfig.dataDir, './data');
    assert.equal(defaultServerConfig.tickTimeMs, 3000);
    assert.equal(defaultServerConfig.maxSessionTimeoutMs, 60000);
    assert.deepEqual(defaultServerConfig.fourLetterWordWhitelist, new Set(['srvr']));
  });
});

void describe('renderConfForFourLetterWord', () => {
  void it('matches Apache 3.8 output byte for byte', () => {
    const { config } = parse(
      'tickTime=2000\ndataDir=/tmp/zkcfg1/data\nclientPort=22181\nclientPortAddress=127.0.0.1\n',
    );
    const text = renderConfForFourLetterWord(config, {
      dataDirSizeBytes: 457,
      dataLogSizeBytes: 457,
    });
    // Captured from Apache ZooKeeper 3.8.0 with this configuration.
    const apache =
      'clientPort=22181\nsecureClientPort=-1\ndataDir=/tmp/zkcfg1/data/version-2\n' +
      'dataDirSize=457\ndataLogDir=/tmp/zkcfg1/data/version-2\ndataLogSize=457\n' +
      'tickTime=2000\nmaxClientCnxns=60\nminSessionTimeout=4000\nmaxSessionTimeout=40000\n' +
      'clientPortListenBacklog=-1\nserverId=0\n';
    assert.equal(text, apache);
  });

  void it('makes relative paths absolute the way java.io.File does', () => {
    const config = configFromOptions({
      dataDir: './data//',
      dataLogDir: '/logs/',
      secureClientPort: 2281,
    });
    const text = renderConfForFourLetterWord(config, {
      dataDirSizeBytes: 1,
      dataLogSizeBytes: 2,
      cwd: '/tmp/zkcfg4',
    });
    // Apache printed dataDir=/tmp/zkcfg4/./data/version-2 for dataDir=./data// in /tmp/zkcfg4.
    assert.match(text, /^dataDir=\/tmp\/zkcfg4\/\.\/data\/version-2$/m);
    assert.match(text, /^dataLogDir=\/logs\/version-2$/m);
    assert.match(text, /^secureClientPort=2281$/m);
  });
});

void describe('loadZooCfgFile', () => {
  void it('reads a file, names it in errors and keeps relative paths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meerkat-config-'));
    try {
      const path = join(dir, 'zoo.cfg');
      await writeFile(path, 'dataDir=relative/data\nclientPort=2190\n');
      const { config } = await loadZooCfgFile(path);
      assert.equal(config.dataDir, 'relative/data');
      assert.equal(config.clientPort, 2190);
      await writeFile(path, 'dataDir=/d\ntickTime=abc\n');
      await assert.rejects(loadZooCfgFile(path), {
        message: `${path}: invalid value for tickTime: "abc" (expected a positive integer)`,
      });
      await assert.rejects(loadZooCfgFile(join(dir, 'missing.cfg')), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /missing\.cfg: cannot read configuration file: ENOENT/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
