// Session life on one server: the handshake (new session through a createSession txn, resume
// by id + password), liveness touches, and expiry through closeSession txns. Expiry runs on
// tick boundaries of the bucketed session table.
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import { sessionPasswordBytes } from '../../core/limits.ts';
import type { ConnectRequest } from '../../protocol/connect.ts';
import type { ConnectionLink, RequestProcessor } from './request-processor.ts';

const hex = (id: bigint): string => `0x${BigInt.asUintN(64, id).toString(16)}`;

export class SessionService {
  private readonly processor: RequestProcessor;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(processor: RequestProcessor, ports: { clock: Clock; logger: Logger }) {
    this.processor = processor;
    this.clock = ports.clock;
    this.logger = ports.logger;
  }

  negotiateTimeoutMs(requestedMs: number): number {
    const { minSessionTimeoutMs, maxSessionTimeoutMs } = this.processor.options;
    return Math.max(minSessionTimeoutMs, Math.min(maxSessionTimeoutMs, requestedMs));
  }

  /** Handles a ConnectRequest; the ConnectResponse goes out once the session exists. */
  connect(link: ConnectionLink, request: ConnectRequest): void {
    const state = this.processor.state;
    if (request.lastZxidSeen > state.lastAppliedZxid) {
      this.logger.info(
        { client: link.conn.remoteAddress, clientZxid: hex(request.lastZxidSeen) },
        'refusing session: client has seen a newer zxid than this server',
      );
      link.conn.close('client zxid ahead of server');
      return;
    }
    const timeOutMs = this.negotiateTimeoutMs(request.timeOutMs);
    const readOnly = request.readOnly === undefined ? undefined : false;
    if (request.sessionId === 0n) {
      this.createSession(link, timeOutMs, readOnly);
    } else {
      this.resumeSession(link, request, timeOutMs, readOnly);
    }
  }

  private createSession(
    link: ConnectionLink,
    timeOutMs: number,
    readOnly: boolean | undefined,
  ): void {
    const sessionId = this.processor.state.sessions.allocateId();
    const onApplied = (): void => {
      const session = this.processor.state.sessions.get(sessionId);
      if (link.closed || session === undefined) return;
      this.processor.bind(link, sessionId);
      // Debug, as Apache logs it: a line per session costs a sync write on the one thread.
      this.logger.debug(
        { session: hex(sessionId), timeOutMs, client: link.conn.remoteAddress },
        'session established',
      );
      link.conn.sendConnectResponse({
        protocolVersion: 0,
        timeOutMs,
        sessionId,
        passwd: session.passwd,
        readOnly,
      });
    };
    const onFailed = (): void => link.conn.close('session could not be created');
    this.processor.propose(sessionId, 0, () => ({ type: 'createSession', timeoutMs: timeOutMs }), {
      kind: 'callback',
      onApplied,
      onFailed,
    });
  }

  private resumeSession(
    link: ConnectionLink,
    request: ConnectRequest,
    timeOutMs: number,
    readOnly: boolean | undefined,
  ): void {
    const sessions = this.processor.state.sessions;
    const session = sessions.get(request.sessionId);
    const passwordOk =
      session !== undefined && request.passwd !== null && session.passwd.equals(request.passwd);
    if (session === undefined || session.closing || !passwordOk) {
      this.logger.info(
        { session: hex(request.sessionId) },
        'invalid session: expired or bad password',
      );
      link.conn.sendConnectResponse({
        protocolVersion: 0,
        timeOutMs: 0,
        sessionId: 0n,
        passwd: Buffer.alloc(sessionPasswordBytes),
        readOnly,
      });
      link.conn.close('invalid session');
      return;
    }
    const previous = this.processor.linkBySession.get(session.id);
    if (previous !== undefined && previous !== link) previous.conn.close('session moved');
    session.timeoutMs = timeOutMs;
    sessions.touch(session, this.clock.monotonicMs());
    this.processor.bind(link, session.id);
    link.conn.sendConnectResponse({
      protocolVersion: 0,
      timeOutMs,
      sessionId: session.id,
      passwd: session.passwd,
      readOnly,
    });
  }

  /** Any packet from the client keeps its session alive. */
  touch(link: ConnectionLink): void {
    if (link.sessionId === undefined) return;
    const session = this.processor.state.sessions.get(link.sessionId);
    if (session !== undefined)
      this.processor.state.sessions.touch(session, this.clock.monotonicMs());
  }

  /** The client closes its session: reply, then the socket closes. */
  close(link: ConnectionLink, xid: number, opcode: number): void {
    const session =
      link.sessionId === undefined ? undefined : this.processor.state.sessions.get(link.sessionId);
    if (session !== undefined) session.closing = true;
    this.processor.submit(link, xid, opcode, { type: 'closeSession' }, true);
  }

  /** Expires every session whose bucket is due. */
  expire(): void {
    const now = this.clock.monotonicMs();
    for (const session of this.processor.state.sessions.expired(now)) {
      session.closing = true;
      this.logger.info(
        { session: hex(session.id), timeoutMs: session.timeoutMs },
        'expiring session: timeout exceeded',
      );
      const onFailed = (): void => this.processor.reopenSession(session.id);
      const body = (zxid: bigint) => this.processor.closeSessionBody(session.id, zxid);
      this.processor.propose(session.id, 0, body, {
        kind: 'callback',
        onApplied: () => undefined,
        onFailed,
      });
    }
  }
}
