// The driver over an in-memory transport: requests made in one turn of the event loop leave in
// one write, replies arriving in one chunk settle every promise, listeners that throw are
// reported, and close() sends closeSession and settles when the server answers.
import assert from 'node:assert/strict';
import { setImmediate as immediate } from 'node:timers/promises';
import { describe, it } from 'node:test';
import {
  JuteReader,
  JuteWriter,
  OpCode,
  encodeResponse,
  writeConnectResponse,
  writeReplyHeader,
  writeWatcherEvent,
  type Response,
} from '../../src/protocol/index.ts';
import { createClient, type TransportHandlers } from '../../src/client/index.ts';
import { stat } from '../unit/client/core-harness.ts';

/** Lets the driver's per-turn flush (a setImmediate queued after ours) run. */
async function nextTurn(): Promise<void> {
  await immediate();
  await immediate();
}

class FakeServer {
  readonly writes: Buffer[] = [];
  handlers: TransportHandlers | undefined;
  destroyed = 0;

  readonly factory = (_host: unknown, handlers: TransportHandlers) => {
    this.handlers = handlers;
    queueMicrotask(() => handlers.onConnect());
    return {
      write: (bytes: Buffer) => void this.writes.push(bytes),
      destroy: () => void this.destroyed++,
    };
  };

  /** Frames of one write: [xid, opcode] of each request (the ConnectRequest is [0, 0]). */
  frames(write: Buffer | undefined): [number, number][] {
    assert.ok(write !== undefined, 'a write happened');
    const frames: [number, number][] = [];
    for (let offset = 0; offset < write.length;) {
      const length = write.readInt32BE(offset);
      const reader = new JuteReader(write, { offset: offset + 4, end: offset + 4 + length });
      frames.push([reader.readInt(), reader.readInt()]);
      offset += 4 + length;
    }
    return frames;
  }

  send(write: (writer: JuteWriter) => void): void {
    const writer = new JuteWriter();
    write(writer);
    this.handlers?.onData(Buffer.from(writer.view()));
  }

  static frame(writer: JuteWriter, body: (writer: JuteWriter) => void): void {
    const at = writer.beginFrame();
    body(writer);
    writer.endFrame(at);
  }

  accept(): void {
    this.send((w) =>
      FakeServer.frame(w, (f) =>
        writeConnectResponse(f, {
          protocolVersion: 0,
          timeOutMs: 30_000,
          sessionId: 0x99n,
          passwd: Buffer.alloc(16, 1),
          readOnly: false,
        }),
      ),
    );
  }

  reply(xids: number[], response?: Response): void {
    this.send((w) => {
      for (const xid of xids) {
        FakeServer.frame(w, (f) => {
          writeReplyHeader(f, { xid, zxid: 1n, err: 0 });
          if (response !== undefined) encodeResponse(f, response);
        });
      }
    });
  }
}

void describe('session driver', () => {
  void it('writes a turn of requests at once and settles a chunk of replies', async () => {
    const server = new FakeServer();
    const client = createClient('fake:2181', { transport: server.factory });
    const connecting = client.connect();
    await nextTurn();
    assert.deepEqual(server.frames(server.writes[0]), [[0, 0]]);
    server.accept();
    await connecting;
    assert.equal(client.sessionId, 0x99n);
    const count = 50;
    const replies = Array.from({ length: count }, (_, i) => client.exists(`/n${i}`));
    await nextTurn();
    assert.equal(server.writes.length, 2, 'one write for the whole turn');
    const frames = server.frames(server.writes[1]);
    assert.equal(frames.length, count);
    assert.deepEqual(frames[0], [1, OpCode.exists]);
    server.reply(
      frames.map(([xid]) => xid),
      { type: 'stat', stat },
    );
    const stats = await Promise.all(replies);
    assert.equal(stats.length, count);
    assert.deepEqual(stats[count - 1], stat);

    const closing = client.close();
    await nextTurn();
    const closeFrames = server.frames(server.writes[2]);
    assert.deepEqual(closeFrames, [[count + 1, OpCode.closeSession]]);
    server.reply([count + 1]);
    await closing;
    assert.equal(client.state, 'closed');
    assert.equal(server.destroyed, 1);
  });

  void it('reports exceptions thrown by watch listeners and keeps going', async () => {
    const server = new FakeServer();
    const errors: unknown[] = [];
    const client = createClient('fake:2181', {
      transport: server.factory,
      onListenerError: (error) => errors.push(error),
    });
    const connecting = client.connect();
    await nextTurn();
    server.accept();
    await connecting;
    const seen: string[] = [];
    const watched = client.getData('/w', {
      watch: () => {
        throw new Error('listener bug');
      },
    });
    const second = client.getData('/w', { watch: (e) => seen.push(e.type) });
    await nextTurn();
    server.reply([1, 2], { type: 'getData', data: null, stat });
    await Promise.all([watched, second]);
    server.send((w) =>
      FakeServer.frame(w, (f) => {
        writeReplyHeader(f, { xid: -1, zxid: -1n, err: 0 });
        writeWatcherEvent(f, { type: 3, state: 3, path: '/w' });
      }),
    );
    assert.equal(errors.length, 1);
    assert.deepEqual(seen, ['nodeDataChanged']);
    server.handlers?.onClose();
    assert.equal(client.state, 'disconnected');
    await client.close();
    assert.equal(client.state, 'closed');
  });
});
