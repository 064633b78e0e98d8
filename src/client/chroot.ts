// Chroot mapping: every path the client sends is prefixed with the chroot, every path it
// receives (events, create results, getEphemerals) has it stripped. A server path outside the
// chroot (which the server should never send) is passed through unchanged, as Java does.

export class Chroot {
  /** '/app', or undefined for no chroot. */
  readonly prefix: string | undefined;

  constructor(prefix: string | undefined) {
    this.prefix = prefix === '/' ? undefined : prefix;
  }

  /** Client path -> server path. '/' maps to the chroot itself. */
  toServer(path: string): string {
    const prefix = this.prefix;
    if (prefix === undefined) return path;
    return path === '/' ? prefix : prefix + path;
  }

  /** Server path -> client path. */
  toClient(path: string): string {
    const prefix = this.prefix;
    if (prefix === undefined || !path.startsWith(prefix)) return path;
    if (path.length === prefix.length) return '/';
    return path.charCodeAt(prefix.length) === 0x2f ? path.slice(prefix.length) : path;
  }
}
