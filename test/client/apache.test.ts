// The client suite against Apache ZooKeeper 3.8 (tickTime 200 ms, TTL nodes enabled), skipped
// with a visible message when Java or ZooKeeper is not installed.
import { after, afterEach, before, describe, it } from 'node:test';
import { apacheZooKeeperAvailable, startApacheZooKeeper } from '../support/apache-zookeeper.ts';
import { crudTests } from './crud-suite.ts';
import { disconnectTests } from './disconnect-suite.ts';
import { ClientPool } from './harness.ts';
import { watchTests } from './watch-suite.ts';

const tickTimeMs = 200;
const availability = apacheZooKeeperAvailable();

if (!availability.ok) {
  console.log(`SKIPPED: Apache ZooKeeper not installed: ${availability.reason}`);
  void it('client against Apache ZooKeeper', (t) => {
    t.skip(`Apache ZooKeeper not installed: ${availability.reason}`);
  });
} else {
  void describe('client against Apache ZooKeeper', { timeout: 90_000 }, () => {
    const pool = new ClientPool();
    before(async () => {
      const server = await startApacheZooKeeper({
        extraConfig: { extendedTypesEnabled: 'true', tickTime: String(tickTimeMs) },
      });
      pool.use({
        name: 'apache',
        host: server.host,
        port: server.port,
        tickTimeMs,
        persistentWatcherTypes: false, // 3.8
        close: () => server.stop(),
      });
    });
    afterEach(() => pool.closeAll());
    after(() => pool.server.close());

    void describe('operations', () => crudTests(pool));
    void describe('watches', () => watchTests(pool));
    void describe('disconnects', () => disconnectTests(pool));
  });
}
