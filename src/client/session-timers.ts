// The connection core's clock arithmetic, pure: the Java client's timeouts derived from the
// (negotiated) session timeout T — read timeout 2T/3, ping after T/3 idle (at most 10 s),
// connect timeout T / number of hosts — and the one deadline the driver's timer is armed for.
import { pingIntervalMsMax } from './core-types.ts';

/** Transport life: `new` before start, `idle` between attempts, `done` once final. */
export type Phase = 'new' | 'idle' | 'opening' | 'handshaking' | 'open' | 'done';

export class SessionTimers {
  /** When the current connection attempt began. */
  attemptStartMs = 0;
  /** When bytes last arrived. */
  lastRecvMs = 0;
  /** When the next attempt may start (phase idle). */
  reconnectAtMs = 0;
  /** When the last connection was lost (or the client started). */
  disconnectedAtMs = 0;
  private armedAtMs: number | undefined;
  private readonly session: { readonly timeoutMs: number };
  private readonly hostCount: number;

  constructor(session: { readonly timeoutMs: number }, hostCount: number) {
    this.session = session;
    this.hostCount = hostCount;
  }

  readTimeoutMs(): number {
    return Math.floor((this.session.timeoutMs * 2) / 3);
  }
  pingIntervalMs(): number {
    return Math.min(Math.floor(this.readTimeoutMs() / 2), pingIntervalMsMax);
  }
  connectTimeoutMs(): number {
    return Math.floor(this.session.timeoutMs / this.hostCount);
  }
  /** A request waits for a connection at most one session timeout. */
  waitDeadline(queuedAtMs: number): number {
    return Math.max(queuedAtMs, this.disconnectedAtMs) + this.session.timeoutMs;
  }

  /** The next time something is due in `phase`; undefined when nothing ever is. */
  deadline(
    phase: Phase,
    context: { lastSendMs: number; oldestQueuedAtMs?: number; closeDeadlineMs?: number },
  ): number | undefined {
    let at: number;
    switch (phase) {
      case 'opening':
      case 'handshaking':
        at = this.attemptStartMs + this.connectTimeoutMs();
        break;
      case 'open':
        at = Math.min(
          this.lastRecvMs + this.readTimeoutMs(),
          context.lastSendMs + this.pingIntervalMs(),
        );
        break;
      case 'idle':
        at = this.reconnectAtMs;
        break;
      case 'new':
      case 'done':
        return undefined;
    }
    const queued = context.oldestQueuedAtMs;
    if (phase !== 'open' && queued !== undefined) at = Math.min(at, this.waitDeadline(queued));
    if (context.closeDeadlineMs !== undefined) at = Math.min(at, context.closeDeadlineMs);
    return at;
  }

  /** The time to arm the timer for, when `deadline` is earlier than the armed one. */
  rearm(deadline: number | undefined): number | undefined {
    if (deadline === undefined) return undefined;
    if (this.armedAtMs !== undefined && deadline >= this.armedAtMs) return undefined;
    this.armedAtMs = deadline;
    return deadline;
  }

  /** The armed timer fired. */
  fired(): void {
    this.armedAtMs = undefined;
  }
}
