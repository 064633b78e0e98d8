// The ceiling of `npm run bench:compare`: a server that keeps no tree and answers every
// request at once with a canned success reply of the same shape a real server sends (a
// getData reply carries 100 bytes and a Stat), so its throughput is what the load generator
// and loopback allow on this machine. Its one piece of state is a table of armed watches
// (exists/getData with watch set): a setData fires NodeDataChanged to the sockets armed on
// its path, as a real server does, so watch fan-out has a ceiling too.
//
//   node dist/bench/null-server.js --port 2199 [--host 127.0.0.1]
import net from 'node:net';
import { parseArgs } from 'node:util';

const OP = { create: 1, delete: 2, exists: 3, getData: 4, setData: 5, closeSession: -11 };
const STAT_BYTES = 68; // czxid mzxid ctime mtime version cversion aversion owner len nkids pzxid

/** Reply bodies by opcode, after the 16-byte reply header. */
function cannedBodies(dataBytes: number): Map<number, Buffer> {
  const stat = Buffer.alloc(STAT_BYTES);
  stat.writeInt32BE(dataBytes, 52); // dataLength
  const data = Buffer.alloc(4 + dataBytes, 0x61);
  data.writeInt32BE(dataBytes, 0);
  const path = Buffer.from('\0\0\0\x05/null', 'latin1');
  return new Map([
    [OP.create, path],
    [OP.getData, Buffer.concat([data, stat])],
    [OP.exists, stat],
    [OP.setData, stat],
  ]);
}

/** xid -1, zxid 0, err 0, then WatcherEvent { type NodeDataChanged, SyncConnected, path }. */
function dataChangedEvent(path: Buffer): Buffer {
  const frame = Buffer.alloc(4 + 16 + 8 + 4 + path.length);
  frame.writeInt32BE(frame.length - 4, 0);
  frame.writeInt32BE(-1, 4);
  frame.writeInt32BE(3, 20); // NodeDataChanged
  frame.writeInt32BE(3, 24); // SyncConnected
  frame.writeInt32BE(path.length, 28);
  path.copy(frame, 32);
  return frame;
}

function connectReply(sessionId: bigint, timeoutMs: number): Buffer {
  const frame = Buffer.alloc(4 + 4 + 4 + 8 + 4 + 16 + 1);
  frame.writeInt32BE(frame.length - 4, 0);
  frame.writeInt32BE(timeoutMs, 8);
  frame.writeBigInt64BE(sessionId, 12);
  frame.writeInt32BE(16, 20);
  return frame;
}

export function startNullServer(port: number, host: string): Promise<net.Server> {
  const bodies = cannedBodies(100);
  const empty = Buffer.alloc(0);
  let sessions = 0n;
  /** Armed one-shot watches: path (latin1) -> sockets. */
  const watches = new Map<string, Set<net.Socket>>();
  const arm = (path: string, socket: net.Socket): void => {
    let sockets = watches.get(path);
    if (sockets === undefined) watches.set(path, (sockets = new Set()));
    sockets.add(socket);
  };
  const fire = (path: string): void => {
    const armed = watches.get(path);
    if (armed === undefined) return;
    watches.delete(path);
    const event = dataChangedEvent(Buffer.from(path, 'latin1'));
    for (const watcher of armed) if (!watcher.destroyed) watcher.write(event);
  };
  const server = net.createServer({ noDelay: true }, (socket) => {
    let carry: Buffer | undefined;
    let handshaken = false;
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      const data = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
      carry = undefined;
      const replies: Buffer[] = [];
      let at = 0;
      let close = false;
      while (data.length - at >= 4) {
        const length = data.readInt32BE(at);
        if (length < 0 || length > 0xfffff) {
          socket.destroy();
          return;
        }
        if (data.length - at - 4 < length) break;
        if (!handshaken) {
          handshaken = true;
          replies.push(connectReply(++sessions, data.readInt32BE(at + 16)));
        } else if (length >= 8) {
          const xid = data.readInt32BE(at + 4);
          const op = data.readInt32BE(at + 8);
          if ((op === OP.exists || op === OP.getData || op === OP.setData) && length >= 12) {
            // Body: path (int length + bytes), then for the reads the watch flag.
            const pathEnd = at + 16 + data.readInt32BE(at + 12);
            if (pathEnd >= at + 16 && pathEnd <= at + 4 + length) {
              if (op === OP.setData) fire(data.toString('latin1', at + 16, pathEnd));
              else if (data[pathEnd] === 1) arm(data.toString('latin1', at + 16, pathEnd), socket);
            }
          }
          const body = bodies.get(op) ?? empty;
          const header = Buffer.allocUnsafe(20);
          header.writeInt32BE(16 + body.length, 0);
          header.writeInt32BE(xid, 4);
          header.writeBigInt64BE(0n, 8); // zxid
          header.writeInt32BE(0, 16); // err: ok
          replies.push(header, body);
          if (op === OP.closeSession) close = true;
        }
        at += 4 + length;
      }
      if (at < data.length) carry = Buffer.from(data.subarray(at));
      if (replies.length > 0) socket.write(Buffer.concat(replies));
      if (close) socket.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '2199' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(
      'usage: node dist/bench/null-server.js [--port 2199] [--host 127.0.0.1]\n',
    );
    process.exit(0);
  }
  await startNullServer(Number(values.port), values.host);
  process.stderr.write(`null server on ${values.host}:${values.port}\n`);
}
