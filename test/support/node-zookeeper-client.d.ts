// Minimal types for node-zookeeper-client 1.1.3 (the package ships none): what the tests use.

declare module 'node-zookeeper-client' {
  /** Stat as the client decodes it: 64-bit fields are 8-byte big-endian Buffers. */
  export interface Stat {
    czxid: Buffer;
    mzxid: Buffer;
    ctime: Buffer;
    mtime: Buffer;
    version: number;
    cversion: number;
    aversion: number;
    ephemeralOwner: Buffer;
    dataLength: number;
    numChildren: number;
    pzxid: Buffer;
  }

  export class Id {
    constructor(scheme: string, id: string);
    scheme: string;
    id: string;
    static ANYONE_ID_UNSAFE: Id;
    static AUTH_IDS: Id;
  }

  export class ACL {
    constructor(permission: number, id: Id);
    permission: number;
    id: Id;
    static OPEN_ACL_UNSAFE: ACL[];
    static CREATOR_ALL_ACL: ACL[];
    static READ_ACL_UNSAFE: ACL[];
  }

  export const Permission: {
    READ: number;
    WRITE: number;
    CREATE: number;
    DELETE: number;
    ADMIN: number;
    ALL: number;
  };

  export const CreateMode: {
    PERSISTENT: number;
    PERSISTENT_SEQUENTIAL: number;
    EPHEMERAL: number;
    EPHEMERAL_SEQUENTIAL: number;
  };

  export interface Exception extends Error {
    code: number;
    path?: string;
    getCode(): number;
    getName(): string;
  }
  export const Exception: Record<string, number>;

  export interface Event {
    type: number;
    name: string;
    path: string;
    getType(): number;
    getName(): string;
    getPath(): string;
  }

  export interface State {
    name: string;
    code: number;
    getName(): string;
    getCode(): number;
  }

  export type Watcher = (event: Event) => void;
  type Done<T extends unknown[]> = (error: Exception | null, ...results: T) => void;

  export interface TransactionResult {
    type: number;
    path?: string;
    stat?: Stat;
    err?: number;
  }

  export interface Transaction {
    create(path: string, data?: Buffer | null, acls?: ACL[], mode?: number): Transaction;
    check(path: string, version?: number): Transaction;
    setData(path: string, data: Buffer | null, version?: number): Transaction;
    remove(path: string, version?: number): Transaction;
    commit(callback: Done<[TransactionResult[] | undefined]>): void;
  }

  export interface Client {
    connect(): void;
    close(): void;
    getState(): State;
    getSessionId(): Buffer;
    getSessionTimeout(): number;
    addAuthInfo(scheme: string, auth: Buffer): void;
    create(
      path: string,
      data: Buffer | null,
      acls: ACL[],
      mode: number,
      callback: Done<[string]>,
    ): void;
    remove(path: string, version: number, callback: Done<[]>): void;
    exists(path: string, watcher: Watcher | undefined, callback: Done<[Stat | null]>): void;
    getData(
      path: string,
      watcher: Watcher | undefined,
      callback: Done<[Buffer | null | undefined, Stat]>,
    ): void;
    setData(path: string, data: Buffer | null, version: number, callback: Done<[Stat]>): void;
    getChildren(
      path: string,
      watcher: Watcher | undefined,
      callback: Done<[string[], Stat]>,
    ): void;
    getACL(path: string, callback: Done<[ACL[], Stat]>): void;
    setACL(path: string, acls: ACL[], version: number, callback: Done<[Stat]>): void;
    transaction(): Transaction;
    once(event: 'connected' | 'disconnected' | 'expired', listener: () => void): Client;
    on(event: 'state', listener: (state: State) => void): Client;
  }

  export interface ClientOptions {
    sessionTimeout?: number;
    spinDelay?: number;
    retries?: number;
  }

  export function createClient(connectString: string, options?: ClientOptions): Client;
}
