// Time is an injected port: pure cores never read the wall clock themselves.

export interface Clock {
  /** Wall-clock milliseconds since the epoch (znode ctime/mtime, TTL). */
  nowMs(): number;
  /** Monotonic milliseconds (timeouts, session expiry, latency). */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  // eslint-disable-next-line no-restricted-properties -- the one place cores' wall time comes from
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  private wallMs: number;
  private monoMs = 0;
  constructor(startWallMs = 1_700_000_000_000) {
    this.wallMs = startWallMs;
  }
  nowMs(): number {
    return this.wallMs;
  }
  monotonicMs(): number {
    return this.monoMs;
  }
  advance(ms: number): void {
    this.wallMs += ms;
    this.monoMs += ms;
  }
}
