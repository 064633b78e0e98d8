// A request the connection core tracks from submission to reply: the decoded request (encoded
// only when sent), its opcode, the caller's settle token (undefined for the core's own
// requests: SetWatches, closeSession), the client path for error messages and the watch change
// to apply on success. Also the stored auth records, re-sent after every reconnect.
import { requestOpCode, type Request } from '../protocol/index.ts';
import type { RequestMeta, WatchAction } from './core-types.ts';

export class Pending<T> {
  /** Assigned when the request is written to a connection. */
  xid = 0;
  readonly request: Request;
  readonly opcode: number;
  readonly token: T | undefined;
  readonly path: string | undefined;
  readonly watch: WatchAction | undefined;
  readonly queuedAtMs: number;

  constructor(request: Request, meta: Partial<RequestMeta<T>>, queuedAtMs: number) {
    this.request = request;
    this.opcode = requestOpCode(request);
    this.token = meta.token;
    this.path = meta.path;
    this.watch = meta.watch;
    this.queuedAtMs = queuedAtMs;
  }
}

export interface AuthRecord<T> {
  readonly scheme: string;
  readonly data: Buffer;
  /** addAuth calls waiting for the server's answer. */
  waiting: T[];
}
