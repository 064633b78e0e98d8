// Disconnects through a TCP proxy: after a cut the client resumes its session (same id, its
// ephemerals kept), re-registers its watches with SetWatches and receives the events that
// happened while it was away; requests in flight fail with ConnectionLoss. A partition longer
// than the session timeout ends in `expired`, reported exactly once, after which every call
// rejects with SessionExpiredError.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import {
  ConnectionLossError,
  NoAuthError,
  SessionExpiredError,
  creatorAllAcl,
  type SessionState,
  type WatchEvent,
} from '../../src/client/index.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { EventLog, eventually, type ClientPool, uniquePath, withTimeout } from './harness.ts';

async function withProxy<T>(pool: ClientPool, body: (proxy: TcpProxy) => Promise<T>): Promise<T> {
  const proxy = await startTcpProxy({ host: pool.server.host, port: pool.server.port });
  try {
    return await body(proxy);
  } finally {
    await pool.closeAll(); // while the proxy still forwards their closeSession
    await proxy.close();
  }
}

function stateLog(states: SessionState[]): (state: SessionState) => void {
  return (state) => void states.push(state);
}

export function disconnectTests(pool: ClientPool): void {
  void it('resumes the session after a cut and delivers what changed meanwhile', async () => {
    await withProxy(pool, async (proxy) => {
      const client = await pool.connect({ address: proxy.address, sessionTimeoutMs: 4000 });
      const other = await pool.connect();
      const states: SessionState[] = [];
      client.on('state', stateLog(states));
      const base = uniquePath('cut');
      await client.create(base, 'v0');
      const ephemeral = await client.create(`${base}-eph`, null, { mode: 'ephemeral' });
      await client.addAuth('digest', 'carol:pw');
      const secret = await client.create(`${base}-secret`, 's', { acl: creatorAllAcl });
      const data = new EventLog();
      const exist = new EventLog();
      const child = new EventLog();
      const persistent = new EventLog();
      await client.getData(base, { watch: data.listener });
      await client.exists(`${base}/new`, { watch: exist.listener });
      await client.getChildren(base, { watch: child.listener });
      await client.addWatch(base, 'persistent', persistent.listener);
      const sessionId = client.sessionId;

      proxy.pause();
      const inFlight = client.getData(base).catch((e: unknown) => e);
      await other.setData(base, 'changed while away');
      await other.create(`${base}/new`);
      proxy.cut(); // the notifications the server sent are lost with the connection
      proxy.resume();
      assert.ok((await inFlight) instanceof ConnectionLossError, 'in-flight fails, not retried');

      // SetWatches (relativeZxid = last zxid seen) makes the server send the missed events.
      assert.deepEqual(await data.next(), { type: 'nodeDataChanged', path: base });
      assert.deepEqual(await exist.next(), { type: 'nodeCreated', path: `${base}/new` });
      assert.deepEqual(await child.next(), { type: 'nodeChildrenChanged', path: base });
      assert.equal(client.sessionId, sessionId, 'the same session');
      assert.deepEqual(states, ['disconnected', 'connected']);
      assert.deepEqual(
        persistent.events.filter((e) => e.type === 'state'),
        [
          { type: 'state', state: 'disconnected' },
          { type: 'state', state: 'connected' },
        ],
      );
      assert.equal((await other.exists(ephemeral))?.ephemeralOwner, sessionId, 'ephemeral kept');
      // The persistent watch was re-registered: a new change reaches it.
      await other.setData(base, 'after');
      assert.deepEqual(await persistent.nextNodeEvent(), { type: 'nodeDataChanged', path: base });
      assert.deepEqual((await client.getData(base)).data, Buffer.from('after'));
      // Auth ids belong to a connection: this works only because the client re-sent its auth.
      assert.deepEqual((await client.getData(secret)).data, Buffer.from('s'));
      await assert.rejects(other.getData(secret), NoAuthError);
    });
  });

  void it('keeps streaming a watch across a cut', async () => {
    await withProxy(pool, async (proxy) => {
      const client = await pool.connect({ address: proxy.address });
      const other = await pool.connect();
      const path = uniquePath('stream-cut');
      await client.create(path);
      const stream = client.watch(path);
      await stream.ready;
      proxy.cut();
      const seen: WatchEvent[] = [];
      const reading = withTimeout(
        (async () => {
          for await (const event of stream) {
            seen.push(event);
            if (event.type === 'nodeDataChanged') break;
          }
        })(),
        // Covers the reconnect (up to 5 s below) and then the event: one budget for both
        // failed once on a loaded CI machine against Apache (reconnect took most of it).
        10_000,
        'streamed change after the cut',
      );
      await eventually(() => client.state === 'connected' && seen.length >= 2, 5000, 'reconnect');
      await other.setData(path, 'x');
      await reading;
      assert.deepEqual(seen, [
        { type: 'state', state: 'disconnected' },
        { type: 'state', state: 'connected' },
        { type: 'nodeDataChanged', path },
      ]);
    });
  });

  void it('reports an expired session exactly once and refuses later calls', async () => {
    await withProxy(pool, async (proxy) => {
      const timeoutMs = 4 * pool.server.tickTimeMs;
      const client = await pool.connect({ address: proxy.address, sessionTimeoutMs: timeoutMs });
      const other = await pool.connect();
      assert.equal(client.sessionTimeoutMs, timeoutMs);
      const states: SessionState[] = [];
      client.on('state', stateLog(states));
      const path = uniquePath('expire');
      await client.create(path, null, { mode: 'ephemeral' });
      const watch = new EventLog();
      await client.getData(path, { watch: watch.listener });

      proxy.pause(); // a partition: the server expires the session, the client cannot tell
      await eventually(() => client.state === 'disconnected', 2 * timeoutMs, 'read timeout');
      await eventually(nodeGone(other, path), 4 * timeoutMs, 'the server expires the session');
      proxy.resume();

      await eventually(() => client.state === 'expired', 5000, 'expiry reported');
      assert.deepEqual(states, ['disconnected', 'expired']);
      assert.deepEqual(watch.events, [{ type: 'state', state: 'expired' }]);
      await assert.rejects(client.getData('/'), SessionExpiredError);
      const accepted = proxy.accepted;
      await sleep(3 * timeoutMs);
      assert.equal(proxy.accepted, accepted, 'no reconnect attempts after expiry');
      assert.deepEqual(states, ['disconnected', 'expired'], 'expired only once');
      await client.close();
      assert.equal(client.state, 'expired');
    });
  });
}

/** A check for `eventually` that polls whether `path` is gone (bounded by the caller). */
function nodeGone(client: Awaited<ReturnType<ClientPool['connect']>>, path: string): () => boolean {
  let gone = false;
  let asking = false;
  return () => {
    if (!asking) {
      asking = true;
      void client.exists(path).then(
        (stat) => {
          gone = stat === null;
          asking = false;
        },
        () => {
          asking = false;
        },
      );
    }
    return gone;
  };
}
