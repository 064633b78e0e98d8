// node-zookeeper-client (a third-party pure-JS client) behind promises, with results turned into
// JSON shaped like the Java driver's: Stat with "0x..." hex longs, data as UTF-8 strings.
import {
  ACL,
  createClient,
  Id,
  type Client,
  type Event,
  type Exception,
  type Stat,
  type Transaction,
  type TransactionResult,
} from 'node-zookeeper-client';
import { setTimeout as delay } from 'node:timers/promises';
import type { JsonObject, JsonValue } from './json.ts';

export { ACL, CreateMode, Id, Permission } from 'node-zookeeper-client';

function hex(buf: Buffer): string {
  return '0x' + buf.readBigUInt64BE(0).toString(16);
}

export function statToJson(stat: Stat): JsonObject {
  return {
    czxid: hex(stat.czxid),
    mzxid: hex(stat.mzxid),
    ctime: Number(stat.ctime.readBigInt64BE(0)),
    mtime: Number(stat.mtime.readBigInt64BE(0)),
    version: stat.version,
    cversion: stat.cversion,
    aversion: stat.aversion,
    ephemeralOwner: hex(stat.ephemeralOwner),
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
    pzxid: hex(stat.pzxid),
  };
}

export function aclToJson(acl: readonly ACL[]): JsonObject[] {
  return acl.map((a) => ({ perms: a.permission, scheme: a.id.scheme, id: a.id.id }));
}

export function digestAcl(perms: number, user: string, digest: string): ACL {
  return new ACL(perms, new Id('digest', `${user}:${digest}`));
}

function isZkException(err: unknown): err is Exception {
  return err instanceof Error && typeof (err as Partial<Exception>).getCode === 'function';
}

/** Runs `fn`, turning a ZooKeeper error into {ok: false, code, name} (others: {error}). */
export async function outcome(fn: () => Promise<JsonValue | void>): Promise<JsonObject> {
  try {
    const value = await fn();
    return value === undefined ? { ok: true } : { ok: true, value };
  } catch (err) {
    if (isZkException(err)) return { ok: false, code: err.getCode(), name: err.getName() };
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

type Callback<T> = (error: Exception | null, value: T) => void;

function promised<T>(call: (done: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    call((error, value) => {
      if (error) reject(error);
      else resolve(value);
    });
  });
}

function data(text: string | null | undefined): Buffer | null {
  return text === null || text === undefined ? null : Buffer.from(text, 'utf8');
}

export interface WatchEventJson extends JsonObject {
  type: string;
  path: string;
}

export interface CreateOptions {
  data?: string | null;
  acl?: ACL[];
  mode?: number;
}

export class NodeZkSession {
  readonly client: Client;
  readonly #events: WatchEventJson[] = [];
  #closed = false;
  readonly #watcher = (event: Event): void => {
    this.#events.push({ type: event.getName(), path: event.getPath() });
  };

  constructor(client: Client) {
    this.client = client;
  }

  get sessionId(): string {
    return hex(this.client.getSessionId());
  }

  #watch(watch: boolean): ((event: Event) => void) | undefined {
    return watch ? this.#watcher : undefined;
  }

  create(path: string, options: CreateOptions = {}): Promise<string> {
    return promised<string>((done) => {
      this.client.create(path, data(options.data), options.acl ?? ACL.OPEN_ACL_UNSAFE,
        options.mode ?? 0, done);
    });
  }

  remove(path: string, version = -1): Promise<void> {
    return promised<undefined>((done) => {
      this.client.remove(path, version, (error) => done(error, undefined));
    });
  }

  async exists(path: string, watch = false): Promise<JsonObject | null> {
    const stat = await promised<Stat | null>((done) => {
      this.client.exists(path, this.#watch(watch), done);
    });
    return stat ? statToJson(stat) : null;
  }

  getData(path: string, watch = false): Promise<JsonObject> {
    return new Promise((resolve, reject) => {
      this.client.getData(path, this.#watch(watch), (error, buf, stat) => {
        if (error) reject(error);
        else resolve({ data: buf ? buf.toString('utf8') : null, stat: statToJson(stat) });
      });
    });
  }

  async setData(path: string, text: string | null, version = -1): Promise<JsonObject> {
    const stat = await promised<Stat>((done) => {
      this.client.setData(path, data(text), version, done);
    });
    return statToJson(stat);
  }

  getChildren(path: string, watch = false): Promise<JsonObject> {
    return new Promise((resolve, reject) => {
      this.client.getChildren(path, this.#watch(watch), (error, children, stat) => {
        if (error) reject(error);
        else resolve({ children: [...children].sort(), stat: statToJson(stat) });
      });
    });
  }

  getACL(path: string): Promise<JsonObject> {
    return new Promise((resolve, reject) => {
      this.client.getACL(path, (error, acl, stat) => {
        if (error) reject(error);
        else resolve({ acl: aclToJson(acl), stat: statToJson(stat) });
      });
    });
  }

  async setACL(path: string, acl: ACL[], version = -1): Promise<JsonObject> {
    const stat = await promised<Stat>((done) => this.client.setACL(path, acl, version, done));
    return statToJson(stat);
  }

  /** Commits a transaction; failures resolve too: {ok: false, code, name, results}. */
  transaction(build: (tx: Transaction) => Transaction): Promise<JsonObject> {
    return new Promise((resolve) => {
      build(this.client.transaction()).commit((error, results) => {
        const json = (results ?? []).map((r: TransactionResult) => ({
          type: r.type,
          ...(r.path !== undefined ? { path: r.path } : {}),
          ...(r.stat !== undefined ? { stat: statToJson(r.stat) } : {}),
          ...(r.err !== undefined ? { err: r.err } : {}),
        }));
        resolve(error
          ? { ok: false, code: error.getCode(), name: error.getName(), results: json }
          : { ok: true, results: json });
      });
    });
  }

  addAuthInfo(scheme: string, auth: string): void {
    this.client.addAuthInfo(scheme, Buffer.from(auth, 'utf8'));
  }

  /** Waits (bounded) for `count` watch events plus `settleMs`, then returns and drains them. */
  async waitEvents(count: number, timeoutMs = 5000, settleMs = 150): Promise<JsonObject> {
    const deadline = Date.now() + timeoutMs;
    while (this.#events.length < count && Date.now() < deadline) await delay(20);
    await delay(settleMs);
    const complete = this.#events.length >= count;
    return { complete, events: this.#events.splice(0) };
  }

  /** Closes the session and waits (bounded) for the connection to go away. Idempotent. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new Promise<void>((resolve) => this.client.once('disconnected', resolve));
    this.client.close();
    await Promise.race([closed, delay(timeoutMs, undefined, { ref: false })]);
  }
}

export interface ConnectOptions {
  sessionTimeout?: number;
  timeoutMs?: number;
}

/** Connects a node-zookeeper-client session (bounded wait). */
export async function connectNodeClient(
  connectString: string,
  options: ConnectOptions = {},
): Promise<NodeZkSession> {
  const client = createClient(connectString, {
    sessionTimeout: options.sessionTimeout ?? 30_000,
    spinDelay: 200,
    retries: 0,
  });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const connected = new Promise<boolean>((resolve) => {
    client.once('connected', () => resolve(true));
  });
  client.connect();
  const timeout = delay(timeoutMs, false, { ref: false });
  const ok = await Promise.race([connected, timeout]);
  if (!ok) {
    client.close();
    throw new Error(`node-zookeeper-client: not connected to ${connectString} in ${timeoutMs} ms`);
  }
  return new NodeZkSession(client);
}
