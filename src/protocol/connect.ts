// The handshake records. Jute grammar:
//   ConnectRequest  { int protocolVersion; long lastZxidSeen; int timeOut; long sessionId;
//                     buffer passwd; [boolean readOnly] }
//   ConnectResponse { int protocolVersion; int timeOut; long sessionId; buffer passwd;
//                     [boolean readOnly] }
// The trailing readOnly byte is optional on the wire: old clients omit it, and the server
// mirrors its presence in the response.
import type { JuteReader } from './jute/reader.ts';
import type { JuteWriter } from './jute/writer.ts';

export interface ConnectRequest {
  readonly protocolVersion: number;
  readonly lastZxidSeen: bigint;
  readonly timeOutMs: number;
  readonly sessionId: bigint;
  readonly passwd: Buffer | null;
  /** undefined when the client did not send the byte. */
  readonly readOnly: boolean | undefined;
}

export interface ConnectResponse {
  readonly protocolVersion: number;
  readonly timeOutMs: number;
  readonly sessionId: bigint;
  readonly passwd: Buffer;
  readonly readOnly: boolean | undefined;
}

export function readConnectRequest(reader: JuteReader): ConnectRequest {
  const protocolVersion = reader.readInt();
  const lastZxidSeen = reader.readLong();
  const timeOutMs = reader.readInt();
  const sessionId = reader.readLong();
  const passwd = reader.readBuffer();
  const readOnly = reader.remaining > 0 ? reader.readBool() : undefined;
  return { protocolVersion, lastZxidSeen, timeOutMs, sessionId, passwd, readOnly };
}

export function writeConnectRequest(writer: JuteWriter, request: ConnectRequest): void {
  writer
    .writeInt(request.protocolVersion)
    .writeLong(request.lastZxidSeen)
    .writeInt(request.timeOutMs)
    .writeLong(request.sessionId)
    .writeBuffer(request.passwd);
  if (request.readOnly !== undefined) writer.writeBool(request.readOnly);
}

export function readConnectResponse(reader: JuteReader): ConnectResponse {
  const protocolVersion = reader.readInt();
  const timeOutMs = reader.readInt();
  const sessionId = reader.readLong();
  const passwd = reader.readBuffer() ?? Buffer.alloc(0);
  const readOnly = reader.remaining > 0 ? reader.readBool() : undefined;
  return { protocolVersion, timeOutMs, sessionId, passwd, readOnly };
}

export function writeConnectResponse(writer: JuteWriter, response: ConnectResponse): void {
  writer
    .writeInt(response.protocolVersion)
    .writeInt(response.timeOutMs)
    .writeLong(response.sessionId)
    .writeBuffer(response.passwd);
  if (response.readOnly !== undefined) writer.writeBool(response.readOnly);
}
