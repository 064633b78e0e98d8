// Shared plumbing for the client suites: a Target is a running server (in-process Meerkat or
// Apache ZooKeeper 3.8) with tickTime 200 ms; clients made through `connect()` are closed after
// each test; `EventLog` collects watch events and waits (bounded) for the ones a test expects.
import assert from 'node:assert/strict';
import { createClient, type ClientOptions, type ZooKeeperClient } from '../../src/client/index.ts';
import type { WatchEvent } from '../../src/client/index.ts';

export interface Target {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Server tick time; the shortest session is two ticks. */
  readonly tickTimeMs: number;
  /** removeWatches/checkWatches accept types 4/5 (persistent, persistentRecursive) and one
   * connection may hold several watch modes on a path: 3.9+ (ZOOKEEPER-4472, -4466). */
  readonly persistentWatcherTypes: boolean;
  close(): Promise<void>;
}

export type TargetFactory = () => Promise<Target>;

/** The clients a suite opened; closed (bounded) in afterEach. */
export class ClientPool {
  private readonly clients: ZooKeeperClient[] = [];
  private target: Target | undefined;

  use(target: Target): void {
    this.target = target;
  }

  get server(): Target {
    assert.ok(this.target !== undefined, 'the target server is running');
    return this.target;
  }

  /** A connected client; `address` defaults to the server, `chroot` is appended. */
  async connect(
    options: ClientOptions & { address?: string; chroot?: string } = {},
  ): Promise<ZooKeeperClient> {
    const { address, chroot, ...clientOptions } = options;
    const base = address ?? `${this.server.host}:${this.server.port}`;
    const client = createClient(base + (chroot ?? ''), {
      sessionTimeoutMs: 4000,
      connectTimeoutMs: 10_000,
      ...clientOptions,
    });
    this.clients.push(client);
    await client.connect();
    return client;
  }

  async closeAll(): Promise<void> {
    const clients = this.clients.splice(0);
    await Promise.all(clients.map((c) => withTimeout(c.close(), 5000, 'client close')));
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Collects watch events; `next()` waits for the next unseen one (bounded). */
export class EventLog {
  readonly events: WatchEvent[] = [];
  private seen = 0;
  private wake: (() => void) | undefined;
  readonly listener = (event: WatchEvent): void => {
    this.events.push(event);
    this.wake?.();
  };

  async next(timeoutMs = 5000): Promise<WatchEvent> {
    const deadline = Date.now() + timeoutMs;
    while (this.seen >= this.events.length) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no watch event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.events[this.seen++] as WatchEvent;
  }

  /** The next node event, skipping state events. */
  async nextNodeEvent(timeoutMs = 5000): Promise<WatchEvent> {
    for (let i = 0; i < 100; i++) {
      const event = await this.next(timeoutMs);
      if (event.type !== 'state') return event;
    }
    throw new Error('only state events');
  }
}

let counter = 0;
/** A path unique within this process, so suites can share one server. */
export function uniquePath(prefix: string): string {
  counter++;
  return `/${prefix}-${process.pid}-${counter}`;
}

/** Waits (bounded) until `check` returns true. */
export async function eventually(check: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
