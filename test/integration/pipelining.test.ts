// Reply ordering (protocol doc §3): a connection's replies leave in exactly the order its
// requests arrived, even when writes (which commit in batches) and reads (answered from applied
// state) are interleaved, and a read behind a write of the same connection sees that write.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, EventType, type Request } from '../../src/protocol/index.ts';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { RawClient, req, type RawReply } from '../support/raw-client.ts';

/** The request at position `i` and what its reply must show. */
function step(i: number): { request: Request; check: (reply: RawReply) => void } {
  const node = `/pipe/n${Math.floor(i / 4)}`;
  switch (i % 4) {
    case 0:
      return {
        request: req.create(node, `c${i}`),
        check: (r) => assert.ok(r.body?.type === 'path' && r.body.path === node),
      };
    case 1:
      return {
        request: req.getData(node),
        check: (r) => {
          assert.ok(r.body?.type === 'getData', `getData ${node}`);
          assert.equal(r.body.data?.toString(), `c${i - 1}`, 'the read sees the create before it');
          assert.equal(r.body.stat.version, 0);
        },
      };
    case 2:
      return {
        request: req.setData(node, `s${i}`, 0),
        check: (r) => assert.ok(r.body?.type === 'stat' && r.body.stat.version === 1),
      };
    default:
      return {
        request: req.exists(node),
        check: (r) => {
          assert.ok(r.body?.type === 'stat', `exists ${node}`);
          assert.equal(r.body.stat.version, 1, 'exists sees the setData before it');
          assert.equal(r.body.stat.dataLength, `s${i - 1}`.length);
        },
      };
  }
}

void describe('pipelining', { timeout: 20_000 }, () => {
  let server: InProcessServer;
  let client: RawClient;

  before(async () => {
    server = await startInProcessServer();
    client = await RawClient.connect(server.port);
    assert.equal((await client.send(1, req.create('/pipe'))).header.err, ErrorCode.ok);
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  void it('answers 200 mixed requests sent without waiting in request order', async () => {
    const count = 200;
    const firstXid = 10;
    const arrived: number[] = [];
    const steps = Array.from({ length: count }, (_, i) => step(i));
    client.socket.cork();
    const replies = steps.map((s, i) =>
      client.send(firstXid + i, s.request).then((reply) => {
        arrived.push(reply.header.xid);
        return reply;
      }),
    );
    client.socket.uncork();
    const settled = await Promise.all(replies);
    assert.deepEqual(client.outOfOrder, []);
    assert.deepEqual(
      arrived,
      steps.map((_, i) => firstXid + i),
      'replies arrive in request order',
    );
    let lastZxid = 0n;
    settled.forEach((reply, i) => {
      assert.equal(reply.header.xid, firstXid + i);
      assert.equal(reply.header.err, ErrorCode.ok, `request ${i} failed: ${reply.header.err}`);
      assert.ok(reply.header.zxid >= lastZxid, `zxid went backwards at request ${i}`);
      lastZxid = reply.header.zxid;
      steps[i]?.check(reply);
    });
  });

  void it('keeps order across errors: failed writes and reads of missing nodes', async () => {
    const requests: Request[] = [
      req.create('/pipe/dup', 'a'),
      req.create('/pipe/dup', 'b'), // NODEEXISTS
      req.getData('/pipe/dup'),
      req.delete('/pipe/missing'), // NONODE
      req.setData('/pipe/dup', 'c', 7), // BADVERSION
      req.getData('/pipe/missing'),
      req.delete('/pipe/dup'),
      req.exists('/pipe/dup'),
    ];
    const expected = [
      ErrorCode.ok,
      ErrorCode.nodeExists,
      ErrorCode.ok,
      ErrorCode.noNode,
      ErrorCode.badVersion,
      ErrorCode.noNode,
      ErrorCode.ok,
      ErrorCode.noNode,
    ];
    client.socket.cork();
    const replies = requests.map((r, i) => client.send(1000 + i, r));
    client.socket.uncork();
    const settled = await Promise.all(replies);
    assert.deepEqual(
      settled.map((r) => r.header.err),
      expected,
    );
    assert.deepEqual(
      settled.map((r) => r.header.xid),
      requests.map((_, i) => 1000 + i),
    );
    const read = settled[2]?.body;
    assert.ok(read?.type === 'getData' && read.data?.toString() === 'a');
    assert.deepEqual(client.outOfOrder, []);
  });

  void it("a watch event caused by the connection's own write precedes its reply", async () => {
    assert.equal((await client.send(2000, req.exists('/pipe/n0', true))).header.err, 0);
    const changed = await client.send(2001, req.setData('/pipe/n0', 'changed'));
    assert.equal(changed.header.err, ErrorCode.ok);
    const event = client.notifications.find((e) => e.path === '/pipe/n0');
    assert.deepEqual(event, { type: EventType.nodeDataChanged, state: 3, path: '/pipe/n0' });
    const order = client.arrivals.slice(client.arrivals.indexOf(2000));
    assert.deepEqual(order, [2000, -1, 2001], 'notification, then the setData reply');
  });

  void it("a second connection sees the first one's committed writes", async () => {
    const other = await RawClient.connect(server.port);
    try {
      const reply = await other.send(1, req.getData('/pipe/n49'));
      assert.equal(reply.header.err, ErrorCode.ok);
      assert.ok(reply.body?.type === 'getData' && reply.body.data?.toString() === 's198');
    } finally {
      other.destroy();
    }
  });
});
