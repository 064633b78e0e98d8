// The RequestProcessor and pending changes: writes prepared in one batch see each other,
// replies leave in request order with the txn's zxid (failed writes included), a read waits
// behind the connection's own writes, and closeSession removes every ephemeral of the session,
// including ones still pending.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateMode, ErrorCode, EventType } from '../../../src/protocol/constants.ts';
import { Core, create, del, multi, Pipeline, setData } from './harness.ts';
import { writesRefusedAfterFailureMs } from '../../../src/server/pipeline/request-processor.ts';

const E = ErrorCode;

void describe('pending changes', () => {
  void it('two writes prepared before either is applied see each other', () => {
    const core = new Core();
    const t1 = core.prepare(create('/x'));
    const t2 = core.prepare(create('/x/y'));
    const t3 = core.prepare(create('/x'));
    const t4 = core.prepare(setData('/x/y', 'v', 0));
    const t5 = core.prepare(del('/x'));
    assert.deepEqual(
      [t1, t2, t3, t4, t5].map((t) => (t.body.type === 'error' ? t.body.err : t.body.type)),
      ['create', 'create', E.nodeExists, 'setData', E.notEmpty],
    );
    for (const txn of [t1, t2, t3, t4, t5]) core.apply(txn);
    assert.equal(core.stat('/x/y').version, 1);
    assert.equal(core.state.pending.size, 0, 'every change released once applied');
  });

  void it('sequential creates in one batch get consecutive suffixes', () => {
    const core = new Core();
    core.ok(create('/q'));
    const seq = { flags: CreateMode.persistentSequential };
    const a = core.prepare(create('/q/n-', seq));
    const b = core.prepare(create('/q/n-', seq));
    const paths = [a, b].map((t) => (t.body.type === 'create' ? t.body.path : t.body.type));
    assert.deepEqual(paths, ['/q/n-0000000000', '/q/n-0000000001']);
  });

  void it('a pending delete hides the node from later prepares', () => {
    const core = new Core();
    core.ok(create('/x'));
    const d = core.prepare(del('/x'));
    assert.equal(core.prepare(setData('/x')).body.type, 'error');
    const c = core.prepare(create('/x', { data: 'again' }));
    assert.equal(c.body.type, 'create');
    core.apply(d);
    assert.equal(core.prepare(create('/x/child')).body.type, 'create', 'sees pending /x');
    core.apply(c);
    assert.equal(core.tree.get('/x')?.data?.toString(), 'again');
  });
});

void describe('RequestProcessor', () => {
  void it('batches the writes of one turn; the second sees the first', () => {
    const p = new Pipeline();
    const client = p.connect();
    const x1 = p.submit(client, create('/x'));
    const x2 = p.submit(client, create('/x/y'));
    assert.equal(client.conn.replies.length, 0, 'nothing is answered before the commit');
    p.run();
    assert.equal(p.committed.length, 1, 'one commit batch');
    assert.equal(p.committed[0]?.length, 2);
    assert.deepEqual(client.conn.log, [`reply:${x1}:0`, `reply:${x2}:0`]);
  });

  void it('replies carry the txn zxid, failed writes included', () => {
    const p = new Pipeline();
    const client = p.connect();
    const a = p.call(client, create('/a'));
    const b = p.call(client, create('/a'));
    const c = p.call(client, multi(create('/m'), create('/a')));
    const d = p.call(client, { type: 'exists', path: '/a', watch: false });
    assert.deepEqual([a.header.zxid, b.header.zxid, c.header.zxid], [1n, 2n, 3n]);
    assert.deepEqual([a.header.err, b.header.err, c.header.err], [0, E.nodeExists, 0]);
    assert.deepEqual(b.response, { type: 'empty' }, 'an error reply has no body');
    assert.ok(c.response.type === 'multi');
    assert.deepEqual(c.response.results, [
      { type: 'error', err: 0 },
      { type: 'error', err: -110 },
    ]);
    assert.equal(d.header.zxid, 3n, 'a read reports the last applied zxid');
  });

  void it("a read waits behind the connection's own writes but not behind others'", () => {
    const p = new Pipeline();
    const writer = p.connect();
    const other = p.connect();
    const w = p.submit(writer, create('/x', { data: 'v' }));
    const r = p.submit(writer, { type: 'getData', path: '/x', watch: false });
    const o = p.submit(other, { type: 'getData', path: '/x', watch: false });
    assert.equal(other.conn.reply(o).header.err, E.noNode, 'answered at once, before the commit');
    assert.equal(writer.conn.replies.length, 0);
    p.run();
    assert.deepEqual(writer.conn.log, [`reply:${w}:0`, `reply:${r}:0`]);
    const got = writer.conn.reply(r).response;
    assert.ok(got.type === 'getData');
    assert.equal(got.data?.toString(), 'v');
  });

  void it("a watch event for a write goes out before that write's reply", () => {
    const p = new Pipeline();
    const client = p.connect();
    p.call(client, { type: 'exists', path: '/w', watch: true });
    const xid = p.submit(client, create('/w'));
    p.run();
    assert.deepEqual(client.conn.log.slice(-2), [
      `event:${EventType.nodeCreated}:/w`,
      `reply:${xid}:0`,
    ]);
    assert.equal(
      client.conn.events[0]?.zxid,
      client.conn.reply(xid).header.zxid,
      '3.9: the notification carries the txn zxid',
    );
  });
});

void describe('a failed commit', () => {
  void it('fails the batch with SYSTEMERROR, applies nothing and keeps the connection', () => {
    const p = new Pipeline();
    const client = p.connect();
    p.failCommits = true;
    const xid = p.submit(client, create('/x'));
    p.run();
    assert.equal(p.state.tree.get('/x'), undefined);
    assert.equal(client.conn.reply(xid).header.err, E.systemError);
    assert.equal(client.conn.closedReason, undefined);
    assert.equal(p.state.lastProposedZxid, p.state.lastAppliedZxid, 'zxids are handed out again');
  });

  void it('refuses writes for a while, keeps serving reads, then accepts writes again', () => {
    const p = new Pipeline();
    const client = p.connect();
    p.failCommits = true;
    p.submit(client, create('/x'));
    p.run();
    p.failCommits = false;
    assert.equal(p.call(client, create('/y')).header.err, E.systemError, 'refused outright');
    assert.equal(p.call(client, { type: 'exists', path: '/', watch: false }).header.err, E.ok);
    p.clock.advance(writesRefusedAfterFailureMs);
    assert.equal(p.call(client, create('/y')).header.err, E.ok);
  });

  // Everything prepared on top of the failed batch fails with it; nothing of it is left in
  // the pending changes that later writes are prepared against.
  void it('leaves no trace in what later writes are prepared against', () => {
    const p = new Pipeline();
    const first = p.connect();
    p.failCommits = true;
    p.submit(first, create('/x'));
    p.run();
    p.failCommits = false;
    p.clock.advance(writesRefusedAfterFailureMs);
    const second = p.connect();
    assert.equal(p.call(second, create('/x/y')).header.err, E.noNode);
    assert.equal(p.call(second, create('/x')).header.err, E.ok);
  });
});
