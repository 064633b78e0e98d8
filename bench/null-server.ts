// The ceiling of `npm run bench:compare`: a server that keeps no state and answers every
// request at once with a canned success reply of the same shape a real server sends (a
// getData reply carries 100 bytes and a Stat), so its throughput is what the load generator
// and loopback allow on this machine. Watches are never fired: it has no fan-out figure.
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
