// Connection strings and server choice. `parseConnectString` reads 'h1:2181,h2:2181/chroot'
// (IPv6 as '[::1]:2181'); `HostProvider` shuffles the hosts once with an injected random, hands
// them out round-robin, and says how long to wait before the next attempt: no wait while it
// walks through the list, then exponential backoff per full failed cycle (capped, jittered).
// Pure: no timers, no Math.random.
import { invalidPathReason } from '../core/path.ts';
import { assert } from '../core/assert.ts';

export interface HostAddress {
  readonly host: string;
  readonly port: number;
}

export interface ConnectString {
  readonly hosts: readonly HostAddress[];
  /** The chroot ('/app'), or undefined for none ('' or '/'). */
  readonly chroot: string | undefined;
}

export const defaultClientPort = 2181;
const hostsMax = 1000;

function parseHost(entry: string): HostAddress {
  let host = entry;
  let portText: string | undefined;
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0) throw new TypeError(`unterminated IPv6 address in '${entry}'`);
    host = entry.slice(1, close);
    const rest = entry.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw new TypeError(`bad host entry '${entry}'`);
      portText = rest.slice(1);
    }
  } else {
    const colon = entry.lastIndexOf(':');
    if (colon >= 0) {
      host = entry.slice(0, colon);
      portText = entry.slice(colon + 1);
    }
  }
  if (host === '') throw new TypeError(`empty host in '${entry}'`);
  const port = portText === undefined ? defaultClientPort : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || portText === '') {
    throw new TypeError(`bad port in '${entry}'`);
  }
  return { host, port };
}

/** Parses 'h1:2181,h2:2181/chroot'. Throws a TypeError for malformed input. */
export function parseConnectString(connectString: string): ConnectString {
  const slash = connectString.indexOf('/');
  const hostPart = slash < 0 ? connectString : connectString.slice(0, slash);
  const chrootPart = slash < 0 ? '' : connectString.slice(slash);
  const entries = hostPart
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new TypeError(`no hosts in '${connectString}'`);
  if (entries.length > hostsMax) throw new TypeError(`more than ${hostsMax} hosts`);
  const hosts = entries.map(parseHost);
  if (chrootPart === '' || chrootPart === '/') return { hosts, chroot: undefined };
  const reason = invalidPathReason(chrootPart);
  if (reason !== undefined) throw new TypeError(`bad chroot '${chrootPart}': ${reason}`);
  return { hosts, chroot: chrootPart };
}

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

export interface BackoffOptions {
  /** Wait after the first full cycle of failed attempts. */
  readonly baseMs: number;
  /** The cap of the exponential backoff. */
  readonly maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 50, maxMs: 1000 };

/** Fisher-Yates with the given random source; returns a new array. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const result = items.slice();
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    const item = result[i] as T;
    result[i] = result[j] as T;
    result[j] = item;
  }
  return result;
}

export class HostProvider {
  readonly hosts: readonly HostAddress[];
  private readonly random: Random;
  private readonly backoff: BackoffOptions;
  private cursor = 0;
  /** Attempts that failed since the last successful handshake. */
  private failures = 0;

  constructor(hosts: readonly HostAddress[], random: Random, backoff = defaultBackoff) {
    assert(hosts.length > 0, 'at least one host');
    assert(backoff.baseMs >= 0 && backoff.maxMs >= backoff.baseMs, 'backoff bounds');
    this.hosts = shuffled(hosts, random);
    this.random = random;
    this.backoff = backoff;
  }

  get size(): number {
    return this.hosts.length;
  }

  /** The host for the next attempt (round-robin over the shuffled list). */
  next(): HostAddress {
    const host = this.hosts[this.cursor] as HostAddress;
    this.cursor = (this.cursor + 1) % this.hosts.length;
    return host;
  }

  /** A handshake completed: the next loss reconnects at once. */
  connected(): void {
    this.failures = 0;
  }

  /**
   * An attempt failed or a connection was lost; returns how long to wait before the next one.
   * Zero while untried hosts remain in this cycle; after each full cycle, base * 2^(cycle-1)
   * capped at max, with jitter drawn from [delay/2, delay].
   */
  failed(): number {
    this.failures++;
    if (this.failures % this.hosts.length !== 0) return 0;
    const cycle = this.failures / this.hosts.length;
    const exponent = Math.min(cycle - 1, 30);
    const delayMs = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** exponent);
    return Math.round(delayMs / 2 + (this.random() * delayMs) / 2);
  }
}
