// Sessions and their expiry. Expiry is bucketed by tickTime like Apache's ExpiryQueue: a
// session expires at roundUp(lastTouch + timeout, tick), so one sweep per tick finds all
// due sessions without scanning the table. Time comes from the caller (monotonic ms).
import { assert } from '../../core/assert.ts';
import { sessionPasswordBytes } from '../../core/limits.ts';
import { javaRandomBytes } from './java-random.ts';

export interface Session {
  readonly id: bigint;
  timeoutMs: number;
  readonly passwd: Buffer;
  /** Monotonic ms bucket at which the session expires unless touched. */
  expiresAtMs: number;
  /** Set once a closeSession txn is prepared: requests then get SESSIONEXPIRED. */
  closing: boolean;
}

const passwordSeedXor = 0xb3415c00n;

export function sessionPassword(sessionId: bigint): Buffer {
  return javaRandomBytes(sessionId ^ passwordSeedXor, sessionPasswordBytes);
}

/** Apache's first session id: server id in the top byte, then the low 40 bits of the clock. */
export function initialSessionId(serverId: number, wallMs: number): bigint {
  const time = (BigInt(wallMs) << 24n) & ((1n << 64n) - 1n);
  return BigInt.asIntN(64, (BigInt(serverId) << 56n) | (time >> 8n));
}

export class SessionTable {
  private readonly sessions = new Map<bigint, Session>();
  private readonly buckets = new Map<number, Set<bigint>>();
  private nextId: bigint;

  private readonly tickMs: number;

  constructor(options: { tickMs: number; firstSessionId: bigint }) {
    assert(options.tickMs > 0, 'tickMs must be positive');
    this.tickMs = options.tickMs;
    this.nextId = options.firstSessionId;
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: bigint): Session | undefined {
    return this.sessions.get(id);
  }

  all(): IterableIterator<Session> {
    return this.sessions.values();
  }

  /** Allocates the id for a new session (the createSession txn carries it). */
  allocateId(): bigint {
    let id = this.nextId;
    if (id === -0x8000000000000000n) id++; // the container marker is never a session id
    this.nextId = BigInt.asIntN(64, id + 1n);
    return id;
  }

  /** Registers a session (applying createSession); idempotent for replay. */
  add(id: bigint, timeoutMs: number, nowMs: number): Session {
    const existing = this.sessions.get(id);
    if (existing !== undefined) return existing;
    const session: Session = {
      id,
      timeoutMs,
      passwd: sessionPassword(id),
      expiresAtMs: 0,
      closing: false,
    };
    this.sessions.set(id, session);
    this.touch(session, nowMs);
    if (id >= this.nextId) this.nextId = BigInt.asIntN(64, id + 1n);
    return session;
  }

  private bucketFor(timeMs: number): number {
    return (Math.floor(timeMs / this.tickMs) + 1) * this.tickMs;
  }

  touch(session: Session, nowMs: number): void {
    const expiresAtMs = this.bucketFor(nowMs + session.timeoutMs);
    if (expiresAtMs === session.expiresAtMs) return;
    this.buckets.get(session.expiresAtMs)?.delete(session.id);
    session.expiresAtMs = expiresAtMs;
    let bucket = this.buckets.get(expiresAtMs);
    if (bucket === undefined) this.buckets.set(expiresAtMs, (bucket = new Set()));
    bucket.add(session.id);
  }

  remove(id: bigint): void {
    const session = this.sessions.get(id);
    if (session === undefined) return;
    this.buckets.get(session.expiresAtMs)?.delete(id);
    this.sessions.delete(id);
  }

  /** Sessions whose bucket is due at `nowMs` and that are not already closing. */
  expired(nowMs: number): Session[] {
    const due: Session[] = [];
    for (const [at, ids] of this.buckets) {
      if (at > nowMs) continue;
      for (const id of ids) {
        const session = this.sessions.get(id);
        if (session !== undefined && !session.closing) due.push(session);
      }
      this.buckets.delete(at);
    }
    return due;
  }
}
