// Watches as async iterators: `client.watch(path, { mode })` registers a persistent (or
// persistent-recursive) watch at once and yields its events to `for await`. Leaving the loop
// (break, return, throw) removes this stream's listener and, when it was the last one on that
// path and mode, the server-side watch. Events wait in a bounded buffer; a consumer that falls
// more than `bufferMax` events behind gets an error instead of unbounded memory growth.
import { Fifo } from './fifo.ts';
import { isTerminalState, type WatchEvent, type WatchListener } from './types.ts';

export const watchBufferMaxDefault = 10_000;

export interface WatchStreamHooks {
  /** Registers the listener with the server (addWatch); resolves once registered. */
  start(listener: WatchListener): Promise<void>;
  /** Unregisters the listener (and the server watch when it was the last one). */
  stop(listener: WatchListener): void;
  readonly bufferMax: number;
}

export class WatchOverflowError extends Error {
  override name = 'WatchOverflowError';
}

type Waiter = {
  resolve: (result: IteratorResult<WatchEvent>) => void;
  reject: (error: Error) => void;
};

export class WatchStream implements AsyncIterableIterator<WatchEvent>, AsyncDisposable {
  /** Resolves when the server has registered the watch; rejects if it could not. */
  readonly ready: Promise<void>;
  private readonly hooks: WatchStreamHooks;
  private readonly buffer = new Fifo<WatchEvent>();
  private readonly listener: WatchListener = (event) => this.push(event);
  private waiter: Waiter | undefined;
  private failure: Error | undefined;
  private ended = false;
  private stopped = false;

  /** @internal Made by {@link ZooKeeperClient.watch}. */
  constructor(hooks: WatchStreamHooks) {
    this.hooks = hooks;
    this.ready = hooks.start(this.listener);
    this.ready.catch((error: unknown) => {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<WatchEvent>> {
    const event = this.buffer.shift();
    if (event !== undefined) return Promise.resolve({ value: event, done: false });
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      this.ended = true;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Ends the stream and removes its watch (what `break` in a for-await loop calls). */
  async return(): Promise<IteratorResult<WatchEvent>> {
    this.finish();
    await this.unregister();
    return { value: undefined, done: true };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  private finish(): void {
    this.ended = true;
    this.buffer.drain();
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve({ value: undefined, done: true });
  }

  private async unregister(): Promise<void> {
    await this.ready.catch(() => undefined);
    if (this.stopped) return;
    this.stopped = true;
    this.hooks.stop(this.listener);
  }

  /** The stream breaks: the next read throws (a for-await loop then exits without calling
   * return), so the watch is removed here. */
  private fail(error: Error): void {
    if (this.ended) return;
    void this.unregister();
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter !== undefined) {
      this.ended = true;
      waiter.reject(error);
    } else {
      this.failure = error;
    }
  }

  private push(event: WatchEvent): void {
    if (this.ended || this.failure !== undefined) return;
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter !== undefined) waiter.resolve({ value: event, done: false });
    else if (this.buffer.length >= this.hooks.bufferMax) {
      this.buffer.drain();
      this.fail(new WatchOverflowError(`more than ${this.hooks.bufferMax} unread watch events`));
      return;
    } else this.buffer.push(event);
    // After a final state (expired, closed, authFailed) the server watch is gone: end.
    if (event.type === 'state' && isTerminalState(event.state)) {
      this.ended = true;
      this.stopped = true;
    }
  }
}
