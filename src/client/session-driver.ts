// The thin I/O driver around the pure ConnectionCore: it opens and closes transports, arms
// one timer, settles promises and calls listeners as the core's effects say, and writes the
// core's outbound frames once per event-loop turn (a setImmediate: every request made while
// the replies of one poll phase are handled leaves in a single write). Per request it
// allocates the promise and one settle token, nothing else.
import type { Request, Response } from '../protocol/index.ts';
import type { ConnectionCore } from './connection-core.ts';
import type { CoreEffect, WatchAction } from './core-types.ts';
import type { Transport, TransportFactory } from './transport.ts';
import type { SessionState, WatchEvent, WatchListener } from './types.ts';

/** How a request's promise is settled; the core holds it as an opaque token. */
export class Settle {
  readonly resolve: (response: Response | null) => void;
  readonly reject: (error: Error) => void;
  constructor(resolve: (response: Response | null) => void, reject: (error: Error) => void) {
    this.resolve = resolve;
    this.reject = reject;
  }
}

// The executor is a module-level function (no closure per request): it hands the promise's
// resolve/reject to `promiseWithSettle` through these two slots.
let capturedResolve: ((response: Response | null) => void) | undefined;
let capturedReject: ((error: Error) => void) | undefined;
function capture(resolve: (response: Response | null) => void, reject: (error: Error) => void) {
  capturedResolve = resolve;
  capturedReject = reject;
}

function promiseWithSettle(): { promise: Promise<Response | null>; settle: Settle } {
  const promise = new Promise<Response | null>(capture);
  const settle = new Settle(
    capturedResolve as Settle['resolve'],
    capturedReject as Settle['reject'],
  );
  capturedResolve = undefined;
  capturedReject = undefined;
  return { promise, settle };
}

export type StateListener = (state: SessionState) => void;

export interface DriverPorts {
  readonly transport: TransportFactory;
  /** Monotonic milliseconds. */
  readonly nowMs: () => number;
  /** Where exceptions thrown by watch or state listeners go. */
  readonly onListenerError: (error: unknown) => void;
}

export class SessionDriver {
  readonly core: ConnectionCore<Settle>;
  private readonly ports: DriverPorts;
  private readonly stateListeners = new Set<StateListener>();
  private transport: Transport | undefined;
  private transportId = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushScheduled = false;
  private applying = false;
  private readonly flushBound = (): void => this.flush();
  private readonly onTimerBound = (): void => {
    this.timer = undefined;
    this.core.tick(this.ports.nowMs());
    this.apply();
  };

  constructor(core: ConnectionCore<Settle>, ports: DriverPorts) {
    this.core = core;
    this.ports = ports;
  }

  onState(listener: StateListener): void {
    this.stateListeners.add(listener);
  }

  offState(listener: StateListener): void {
    this.stateListeners.delete(listener);
  }

  start(): void {
    this.core.start(this.ports.nowMs());
    this.apply();
  }

  /** Sends a request; resolves with its decoded reply (null: exists on a missing node). */
  call(request: Request, path: string | undefined, watch?: WatchAction): Promise<Response | null> {
    const { promise, settle } = promiseWithSettle();
    this.core.request(request, { token: settle, path, watch }, this.ports.nowMs());
    this.apply();
    return promise;
  }

  addAuth(scheme: string, data: Buffer): Promise<Response | null> {
    const { promise, settle } = promiseWithSettle();
    this.core.addAuth(scheme, data, settle, this.ports.nowMs());
    this.apply();
    return promise;
  }

  close(): Promise<Response | null> {
    const { promise, settle } = promiseWithSettle();
    this.core.close(settle, this.ports.nowMs());
    this.apply();
    return promise;
  }

  /** Applies the core's effects (re-entrant calls from listeners are folded into the loop). */
  private apply(): void {
    if (this.applying) return;
    this.applying = true;
    try {
      for (let effects = this.core.drain(); effects.length > 0; effects = this.core.drain()) {
        for (const effect of effects) this.applyEffect(effect);
      }
    } finally {
      this.applying = false;
    }
    if (!this.flushScheduled && this.core.outboundBytes > 0) {
      this.flushScheduled = true;
      setImmediate(this.flushBound);
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const bytes = this.core.takeOutbound();
    if (bytes !== undefined) this.transport?.write(bytes);
  }

  private applyEffect(effect: CoreEffect<Settle>): void {
    switch (effect.kind) {
      case 'reply':
        effect.token.resolve(effect.response);
        return;
      case 'fail':
        effect.token.reject(effect.error);
        return;
      case 'open':
        this.open(effect.transportId, effect);
        return;
      case 'close':
        if (effect.transportId === this.transportId) this.dropTransport();
        return;
      case 'armTimer':
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.timer = setTimeout(this.onTimerBound, Math.max(0, effect.atMs - this.ports.nowMs()));
        return;
      case 'state':
        this.tellState(effect.state);
        return;
      case 'watch':
        this.tellWatches(effect.listeners, effect.event);
        return;
    }
  }

  private open(id: number, effect: CoreEffect<Settle> & { kind: 'open' }): void {
    this.dropTransport();
    this.transportId = id;
    const core = this.core;
    const nowMs = this.ports.nowMs;
    this.transport = this.ports.transport(effect.host, {
      onConnect: () => {
        core.connected(id, nowMs());
        this.apply();
      },
      onData: (chunk) => {
        core.bytes(id, chunk, nowMs());
        this.apply();
      },
      onClose: () => {
        if (id === this.transportId) this.transport = undefined;
        core.closed(id, nowMs());
        this.apply();
      },
    });
  }

  private dropTransport(): void {
    const transport = this.transport;
    this.transport = undefined;
    transport?.destroy();
  }

  private tellState(state: SessionState): void {
    for (const listener of [...this.stateListeners]) {
      try {
        listener(state);
      } catch (error) {
        this.ports.onListenerError(error);
      }
    }
    if (state === 'expired' || state === 'authFailed' || state === 'closed') {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private tellWatches(listeners: Iterable<WatchListener>, event: WatchEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        this.ports.onListenerError(error);
      }
    }
  }
}
