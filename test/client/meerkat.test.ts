// The client suite against Meerkat, in process (tickTime 200 ms, TTL nodes enabled).
import { after, afterEach, before, describe } from 'node:test';
import { startInProcessServer } from '../support/in-process-server.ts';
import { crudTests } from './crud-suite.ts';
import { disconnectTests } from './disconnect-suite.ts';
import { ClientPool } from './harness.ts';
import { watchTests } from './watch-suite.ts';

void describe('client against Meerkat', { timeout: 60_000 }, () => {
  const pool = new ClientPool();
  before(async () => {
    const server = await startInProcessServer({ extendedTypesEnabled: true });
    pool.use({
      name: 'meerkat',
      host: server.host,
      port: server.port,
      tickTimeMs: server.tickTimeMs,
      persistentWatcherTypes: true,
      close: () => server.close(),
    });
  });
  afterEach(() => pool.closeAll());
  after(() => pool.server.close());

  void describe('operations', () => crudTests(pool));
  void describe('watches', () => watchTests(pool));
  void describe('disconnects', () => disconnectTests(pool));
});
