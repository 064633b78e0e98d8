// The pure connection core driven by hand with a manual clock (T = 3000 ms: ping after
// 1000 ms idle, read timeout 2000 ms, connect timeout T / hosts): handshake bytes, ping
// schedule, read timeout, the reconnect sequence, lastZxidSeen, expiry, ConnectionLoss for
// in-flight requests, the bounded queue and the close handshake.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, EventType, OpCode } from '../../../src/protocol/index.ts';
import {
  AuthFailedError,
  ClientClosedError,
  ConnectionLossError,
  NoNodeError,
  SessionExpiredError,
  ThrottledOpError,
} from '../../../src/client/errors.ts';
import type { WatchEvent } from '../../../src/client/types.ts';
import { CoreHarness, passwd, stat } from './core-harness.ts';

const getData = (path: string) => ({ type: 'getData', path, watch: false }) as const;

void describe('connection core: handshake', () => {
  void it('opens the first host and sends the exact ConnectRequest bytes', () => {
    const h = new CoreHarness().start();
    assert.deepEqual(h.opens, [{ transportId: 1, host: { host: 'h0', port: 2181 } }]);
    assert.deepEqual(h.states, []);
    assert.equal(h.core.state, 'connecting');
    h.transportUp();
    const bytes = h.core.takeOutbound();
    const expected = Buffer.concat([
      Buffer.from('0000002d', 'hex'), // frame length 45
      Buffer.from('00000000', 'hex'), // protocolVersion
      Buffer.from('0000000000000000', 'hex'), // lastZxidSeen
      Buffer.from('00000bb8', 'hex'), // timeOut 3000
      Buffer.from('0000000000000000', 'hex'), // sessionId 0: new session
      Buffer.from('00000010', 'hex'), // passwd: 16 zero bytes
      Buffer.alloc(16),
      Buffer.from('00', 'hex'), // readOnly false
    ]);
    assert.deepEqual(bytes, expected);
  });

  void it('holds requests until the handshake, then sends them in order from xid 1', () => {
    const h = new CoreHarness().start();
    const a = h.request(getData('/a'), '/a');
    const b = h.request(getData('/b'), '/b');
    h.transportUp();
    assert.deepEqual(h.sent(), [], 'only the ConnectRequest goes before the answer');
    h.connectResponse({ sessionId: 0x77n, timeOutMs: 4000 });
    assert.deepEqual(h.states, ['connected']);
    assert.equal(h.core.session.id, 0x77n);
    assert.equal(h.core.session.timeoutMs, 4000);
    const frames = h.sent();
    assert.deepEqual(
      frames.map((f) => [f.xid, f.opcode]),
      [
        [1, OpCode.getData],
        [2, OpCode.getData],
      ],
    );
    h.reply(1, { zxid: 5n, response: { type: 'getData', data: Buffer.from('x'), stat } });
    h.reply(2, { zxid: 5n, err: ErrorCode.noNode });
    assert.deepEqual(h.response(a), { type: 'getData', data: Buffer.from('x'), stat });
    assert.ok(h.error(b) instanceof NoNodeError);
    assert.equal(h.error(b).path, '/b');
  });

  void it('reports connectedReadOnly when the server says so', () => {
    const h = new CoreHarness({ canBeReadOnly: true }).start();
    h.transportUp();
    h.sent();
    assert.equal(h.connectRequest?.readOnly, true);
    h.connectResponse({ readOnly: true });
    assert.equal(h.core.state, 'connectedReadOnly');
  });

  void it('gives each host T / hosts to answer, then backs off after a full cycle', () => {
    const h = new CoreHarness({}, { hosts: 3 }).start();
    assert.equal(h.armedAtMs, 1000);
    h.advance(1000); // first host silent: the next one at once
    h.advance(1000);
    h.advance(1000);
    const tried = new Set(h.opens.map((o) => o.host.host));
    assert.deepEqual([...tried].sort(), ['h0', 'h1', 'h2'], 'each host once per cycle');
    assert.equal(h.opens.length, 3, 'after a full cycle: backoff (75 ms with random 0.5)');
    assert.deepEqual(h.closes, [1, 2, 3]);
    h.advance(74);
    assert.equal(h.opens.length, 3);
    h.advance(1);
    assert.equal(h.opens.length, 4);
    assert.equal(h.opens[3]?.host.host, h.opens[0]?.host.host, 'round-robin wraps');
    assert.equal(h.core.state, 'connecting', 'failed attempts are not disconnects');
  });
});

void describe('connection core: liveness', () => {
  void it('pings after T/3 idle and counts any request as activity', () => {
    const h = new CoreHarness().connect();
    h.advance(999);
    assert.deepEqual(h.sent(), []);
    h.advance(1);
    assert.deepEqual(h.sent(), [{ xid: -2, opcode: OpCode.ping, request: { type: 'ping' } }]);
    h.reply(-2, { zxid: 99n });
    assert.equal(h.core.session.lastZxidSeen, 0n, 'ping replies do not move lastZxidSeen');
    h.advance(500);
    h.request(getData('/a'), '/a');
    h.sent();
    h.advance(999);
    assert.deepEqual(h.sent(), [], 'the request at 1500 moved the next ping to 2500');
    h.advance(1);
    assert.equal(h.sent()[0]?.xid, -2);
  });

  void it('treats 2T/3 without bytes as a lost connection', () => {
    const h = new CoreHarness().connect();
    const inFlight = h.request(getData('/a'), '/a');
    h.advance(1999);
    assert.equal(h.core.state, 'connected');
    h.advance(1);
    assert.equal(h.core.state, 'disconnected');
    assert.deepEqual(h.closes, [1]);
    assert.ok(h.error(inFlight) instanceof ConnectionLossError);
    assert.equal(h.opens.length, 1, 'the reconnect waits the backoff (75 ms)');
    h.advance(75);
    assert.equal(h.opens.length, 2);
  });

  void it('fails in-flight requests with ConnectionLoss and never resends them', () => {
    const h = new CoreHarness().connect();
    const first = h.request(getData('/a'), '/a');
    assert.equal(h.sent().length, 1);
    h.transportDown();
    assert.deepEqual(h.states, ['connected', 'disconnected']);
    assert.ok(h.error(first) instanceof ConnectionLossError);
    const waiting = h.request(getData('/b'), '/b');
    h.advance(75);
    h.transportUp();
    h.sent();
    h.connectResponse({ sessionId: 0x1234n });
    const frames = h.sent();
    assert.deepEqual(
      frames.map((f) => f.request),
      [getData('/b')],
      'only the request made while disconnected goes out',
    );
    assert.equal(h.outcome(waiting), undefined);
  });

  void it('fails requests that wait longer than a session timeout for a connection', () => {
    const h = new CoreHarness().start();
    const waiting = h.request(getData('/a'), '/a');
    h.advance(2999);
    assert.equal(h.outcome(waiting), undefined);
    h.advance(1);
    assert.ok(h.error(waiting) instanceof ConnectionLossError);
  });

  void it('drops the connection on a reply whose xid is not the oldest pending one', () => {
    const h = new CoreHarness().connect();
    const a = h.request(getData('/a'), '/a');
    h.sent();
    h.reply(7, { response: { type: 'getData', data: null, stat } });
    assert.equal(h.core.state, 'disconnected');
    assert.ok(h.error(a) instanceof ConnectionLossError);
  });
});

void describe('connection core: reconnect and session resume', () => {
  void it('sends ConnectRequest(session, passwd, lastZxidSeen), auth, SetWatches, queue', () => {
    const h = new CoreHarness().connect({ sessionId: 0x42n });
    const auth = h.addAuth('digest', 'u:p');
    assert.deepEqual(h.sent(), [
      {
        xid: -4,
        opcode: OpCode.auth,
        request: { type: 'auth', authType: 0, scheme: 'digest', auth: Buffer.from('u:p') },
      },
    ]);
    h.reply(-4);
    assert.deepEqual(h.response(auth), { type: 'empty' });
    const listener = (): void => undefined;
    const watch = { op: 'add', table: 'data', path: '/w', listener } as const;
    h.request({ type: 'getData', path: '/w', watch: true }, '/w', watch);
    h.request({ type: 'addWatch', path: '/p', mode: 0 }, '/p', {
      op: 'add',
      table: 'persistent',
      path: '/p',
      listener,
    });
    h.sent();
    h.reply(1, { zxid: 9n, response: { type: 'getData', data: null, stat } });
    h.reply(2, { zxid: 7n, response: { type: 'number', value: 0 } });
    assert.equal(h.core.session.lastZxidSeen, 9n, 'the max reply zxid, not the last');
    h.transportDown();
    const queued = h.request(getData('/q'), '/q');
    h.advance(75);
    h.transportUp();
    h.sent();
    assert.equal(h.connectRequest?.sessionId, 0x42n);
    assert.deepEqual(h.connectRequest?.passwd, passwd);
    assert.equal(h.connectRequest?.lastZxidSeen, 9n);
    h.connectResponse({ sessionId: 0x42n });
    const frames = h.sent();
    assert.deepEqual(
      frames.map((f) => [f.xid, f.opcode]),
      [
        [-4, OpCode.auth],
        [-8, OpCode.setWatches2],
        [3, OpCode.getData],
      ],
    );
    assert.deepEqual(frames[1]?.request, {
      type: 'setWatches',
      opcode: OpCode.setWatches2,
      relativeZxid: 9n,
      dataWatches: ['/w'],
      existWatches: [],
      childWatches: [],
      persistentWatches: ['/p'],
      persistentRecursiveWatches: [],
    });
    h.reply(-4);
    h.reply(-8);
    h.notify(EventType.nodeDataChanged, '/w'); // catch-up event from SetWatches
    h.reply(3, { zxid: 10n, response: { type: 'getData', data: null, stat } });
    assert.ok(h.response(queued) !== undefined);
    const events = h.deliveries.map((d) => d.event);
    assert.deepEqual(events, [
      { type: 'state', state: 'disconnected' },
      { type: 'state', state: 'connected' },
      { type: 'nodeDataChanged', path: '/w' },
    ]);
  });

  void it('uses SetWatches (101) when no persistent watch exists', () => {
    const h = new CoreHarness().connect();
    const listener = (): void => undefined;
    h.request({ type: 'exists', path: '/e', watch: true }, '/e', {
      op: 'add',
      table: 'dataOrExist',
      path: '/e',
      listener,
    });
    h.sent();
    h.reply(1, { zxid: 3n, err: ErrorCode.noNode });
    assert.deepEqual(h.response(1), null, 'exists on a missing node answers null');
    h.transportDown();
    h.advance(75);
    h.transportUp();
    h.sent();
    h.connectResponse();
    const [frame] = h.sent();
    assert.equal(frame?.opcode, OpCode.setWatches);
    assert.ok(frame?.request?.type === 'setWatches');
    assert.deepEqual(frame.request.existWatches, ['/e']);
  });

  void it('reports expiry once: calls fail, watches get a final event, no reconnect', () => {
    const h = new CoreHarness().connect();
    const events: WatchEvent[] = [];
    h.request({ type: 'getData', path: '/w', watch: true }, '/w', {
      op: 'add',
      table: 'data',
      path: '/w',
      listener: (e) => events.push(e),
    });
    h.sent();
    h.reply(1, { response: { type: 'getData', data: null, stat } });
    h.transportDown();
    const queued = h.request(getData('/q'), '/q');
    h.advance(75);
    h.transportUp();
    h.connectResponse({ timeOutMs: 0, sessionId: 0n });
    assert.deepEqual(h.states, ['connected', 'disconnected', 'expired']);
    assert.ok(h.error(queued) instanceof SessionExpiredError);
    assert.deepEqual(
      h.deliveries.map((d) => d.event),
      [{ type: 'state', state: 'expired' }],
    );
    const opens = h.opens.length;
    h.advance(60_000);
    assert.equal(h.opens.length, opens, 'no reconnect after expiry');
    assert.equal(h.armedAtMs, undefined);
    const later = h.request(getData('/x'), '/x');
    assert.ok(h.error(later) instanceof SessionExpiredError);
    assert.deepEqual(h.states, ['connected', 'disconnected', 'expired'], 'expired only once');
  });

  void it('strips the chroot from events and prepends it in SetWatches', () => {
    const h = new CoreHarness({}, { chroot: '/app' }).connect();
    const events: WatchEvent[] = [];
    h.request({ type: 'getChildren', path: '/app/w', watch: true }, '/w', {
      op: 'add',
      table: 'child',
      path: '/w',
      listener: (e) => events.push(e),
    });
    h.sent();
    h.reply(1, { zxid: 2n, response: { type: 'getChildren', children: [] } });
    h.transportDown();
    h.advance(75);
    h.transportUp();
    h.connectResponse();
    const [setWatches] = h.sent();
    assert.ok(setWatches?.request?.type === 'setWatches');
    assert.deepEqual(setWatches.request.childWatches, ['/app/w']);
    h.reply(-8);
    h.notify(EventType.nodeChildrenChanged, '/app/w');
    assert.deepEqual(events, [{ type: 'nodeChildrenChanged', path: '/w' }]);
  });

  void it('ends the session with authFailed when an auth packet is rejected', () => {
    const h = new CoreHarness().connect();
    const auth = h.addAuth('bogus', 'x');
    const pending = h.request(getData('/a'), '/a');
    h.sent();
    h.reply(-4, { err: ErrorCode.authFailed });
    assert.equal(h.core.state, 'authFailed');
    assert.ok(h.error(auth) instanceof AuthFailedError);
    assert.ok(h.error(pending) instanceof AuthFailedError);
  });
});

void describe('connection core: queue bounds and close', () => {
  void it('keeps at most maxOutstanding in flight and refuses beyond maxWaiting', () => {
    const h = new CoreHarness({ maxOutstanding: 2, maxWaiting: 1 }).connect();
    h.request(getData('/1'), '/1');
    h.request(getData('/2'), '/2');
    const third = h.request(getData('/3'), '/3');
    const fourth = h.request(getData('/4'), '/4');
    assert.deepEqual(
      h.sent().map((f) => f.xid),
      [1, 2],
    );
    assert.equal(h.core.outstanding, 2);
    assert.equal(h.core.waiting, 1);
    assert.ok(h.error(fourth) instanceof ThrottledOpError);
    assert.equal(h.outcome(third), undefined);
    h.reply(1, { response: { type: 'getData', data: null, stat } });
    assert.deepEqual(
      h.sent().map((f) => f.request),
      [getData('/3')],
      'a reply frees a slot for the waiting request',
    );
  });

  void it('closes with closeSession, settles the close and refuses later calls', () => {
    const h = new CoreHarness().connect();
    const pending = h.request(getData('/a'), '/a');
    const close = h.close();
    const late = h.request(getData('/b'), '/b');
    assert.ok(h.error(late) instanceof ClientClosedError);
    assert.deepEqual(
      h.sent().map((f) => [f.xid, f.opcode]),
      [
        [1, OpCode.getData],
        [2, OpCode.closeSession],
      ],
    );
    h.reply(1, { response: { type: 'getData', data: null, stat } });
    assert.ok(h.response(pending) !== undefined);
    h.reply(2);
    assert.equal(h.core.state, 'closed');
    assert.deepEqual(h.response(close), { type: 'empty' });
    assert.deepEqual(h.closes, [1]);
  });

  void it('closes at once when not connected', () => {
    const h = new CoreHarness().start();
    const waiting = h.request(getData('/a'), '/a');
    const close = h.close();
    assert.equal(h.core.state, 'closed');
    assert.ok(h.error(waiting) instanceof ClientClosedError);
    assert.deepEqual(h.response(close), { type: 'empty' });
  });

  void it('rejects a request frame larger than maxFrameBytes without sending it', () => {
    const h = new CoreHarness({ maxFrameBytes: 100 }).connect();
    const big = h.request(
      { type: 'setData', path: '/a', data: Buffer.alloc(200), version: -1 },
      '/a',
    );
    assert.equal(h.error(big).code, ErrorCode.badArguments);
    assert.deepEqual(h.sent(), []);
    const small = h.request(getData('/a'), '/a');
    assert.equal(h.sent()[0]?.xid, 2);
    assert.equal(h.outcome(small), undefined);
  });

  void it('decodes replies and notifications split at every byte', () => {
    const h = new CoreHarness().connect();
    const events: WatchEvent[] = [];
    const listener = (e: WatchEvent): void => void events.push(e);
    const a = h.request({ type: 'getData', path: '/a', watch: true }, '/a', {
      op: 'add',
      table: 'data',
      path: '/a',
      listener,
    });
    h.sent();
    const bytes = Buffer.concat([
      h.replyBytes(1, { zxid: 4n, response: { type: 'getData', data: Buffer.from('abc'), stat } }),
      h.notifyBytes(EventType.nodeDataChanged, '/a'),
    ]);
    for (let i = 0; i < bytes.length; i++) h.feedBytes(bytes.subarray(i, i + 1));
    assert.deepEqual(h.response(a), { type: 'getData', data: Buffer.from('abc'), stat });
    assert.deepEqual(events, [{ type: 'nodeDataChanged', path: '/a' }]);
    assert.equal(h.core.session.lastZxidSeen, 4n);
  });
});
