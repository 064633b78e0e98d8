// Readiness fallback for servers without four letter words: open a session with a raw
// ConnectRequest, and close it again at once with a closeSession request.
import net from 'node:net';

const CLOSE_SESSION_OPCODE = -11;

function connectRequest(timeoutMs: number): Buffer {
  const body = Buffer.alloc(4 + 8 + 4 + 8 + 4 + 16 + 1);
  let at = 0;
  at = body.writeInt32BE(0, at); // protocolVersion
  at = body.writeBigInt64BE(0n, at); // lastZxidSeen
  at = body.writeInt32BE(timeoutMs, at); // timeOut
  at = body.writeBigInt64BE(0n, at); // sessionId
  at = body.writeInt32BE(16, at); // passwd length, then 16 zero bytes
  body.writeUInt8(0, at + 16); // readOnly = false
  const frame = Buffer.alloc(4);
  frame.writeInt32BE(body.length, 0);
  return Buffer.concat([frame, body]);
}

function closeSessionRequest(): Buffer {
  const frame = Buffer.alloc(12);
  frame.writeInt32BE(8, 0);
  frame.writeInt32BE(1, 4); // xid
  frame.writeInt32BE(CLOSE_SESSION_OPCODE, 8);
  return frame;
}

/** True when the server answered a ConnectRequest with a session (id != 0). */
export function probeClientHandshake(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let settled = false;
    const socket = net.createConnection({ host, port });
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (ok) {
        socket.write(closeSessionRequest(), () => {
          // Give the server a moment to read the close before the socket goes away.
          setTimeout(() => socket.destroy(), 50);
        });
      } else {
        socket.destroy();
      }
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('connect', () => socket.write(connectRequest(30_000)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // length(4) protocolVersion(4) timeOut(4) sessionId(8)
      if (received.length >= 20) {
        const negotiated = received.readInt32BE(8);
        const sessionId = received.readBigInt64BE(12);
        finish(negotiated > 0 && sessionId !== 0n);
      }
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}
