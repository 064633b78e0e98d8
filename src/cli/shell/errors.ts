// How failures read in the shell: zkCli's texts for ZooKeeper errors (CliWrapperException and
// KeeperException.getMessage) and for invalid paths (PathUtils), so that scripts that match
// on zkCli's messages keep working.
import { ClientClosedError, ZooKeeperError } from '../../client/index.ts';
import type { ErrorCodeName } from '../../protocol/index.ts';
import { invalidPathReason } from '../../core/path.ts';

/** A failure the shell reports with one message and an exit status (1, or 127 as zkCli). */
export class ShellError extends Error {
  override name = 'ShellError';
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

// KeeperException.getCodeMessage, for the codes a server or client can produce.
const codeMessages: Partial<Record<ErrorCodeName, string>> = {
  systemError: 'SystemError',
  runtimeInconsistency: 'RuntimeInconsistency',
  dataInconsistency: 'DataInconsistency',
  connectionLoss: 'ConnectionLoss',
  marshallingError: 'MarshallingError',
  newConfigNoQuorum: 'NewConfigNoQuorum',
  reconfigInProgress: 'ReconfigInProgress',
  unimplemented: 'Unimplemented',
  operationTimeout: 'OperationTimeout',
  badArguments: 'BadArguments',
  apiError: 'APIError',
  noNode: 'NoNode',
  noAuth: 'NoAuth',
  badVersion: 'BadVersion',
  noChildrenForEphemerals: 'NoChildrenForEphemerals',
  nodeExists: 'NodeExists',
  invalidACL: 'InvalidACL',
  authFailed: 'AuthFailed',
  notEmpty: 'Directory not empty',
  sessionExpired: 'Session expired',
  invalidCallback: 'Invalid callback',
  sessionMoved: 'Session moved',
  notReadOnly: 'Not a read-only call',
  ephemeralOnLocalSession: 'Ephemeral node on local session',
  noWatcher: 'No such watcher',
  reconfigDisabled: 'Reconfig is disabled',
  sessionClosedRequireSaslAuth: 'Session closed because client failed to authenticate',
  quotaExceeded: 'Quota has exceeded',
  throttledOp: 'Op throttled due to high load',
};

// CliWrapperException's friendlier texts; Java prints a missing path as "null".
const friendlyPrefixes: Partial<Record<ErrorCodeName, string>> = {
  noNode: 'Node does not exist: ',
  noChildrenForEphemerals: 'Ephemerals cannot have children: ',
  nodeExists: 'Node already exists: ',
  notEmpty: 'Node not empty: ',
  notReadOnly: 'Not a read-only call: ',
  invalidACL: 'Acl is not valid : ',
  noAuth: 'Insufficient permission : ',
  badArguments: 'Arguments are not valid : ',
  badVersion: 'version No is not valid : ',
  quotaExceeded: 'Quota has exceeded : ',
};

/** KeeperException.getMessage: "KeeperErrorCode = NoNode for /a". */
export function keeperMessage(codeName: string, path: string | undefined): string {
  const text = codeMessages[codeName as ErrorCodeName] ?? `Unknown error ${codeName.toUpperCase()}`;
  return path === undefined || path === ''
    ? `KeeperErrorCode = ${text}`
    : `KeeperErrorCode = ${text} for ${path}`;
}

/** What zkCli prints for a failed ZooKeeper call. */
export function zooKeeperErrorMessage(codeName: string, path: string | undefined): string {
  const prefix = friendlyPrefixes[codeName as ErrorCodeName];
  if (prefix !== undefined) return prefix + (path ?? 'null');
  if (codeName === 'reconfigInProgress') {
    return 'Another reconfiguration is in progress -- concurrent reconfigs not supported (yet)';
  }
  return keeperMessage(codeName, path);
}

/** The one line printed for any failure of a command. Never throws. */
export function failureMessage(error: unknown): string {
  if (error instanceof ShellError) return error.message;
  // The session was closed under the call (`close`, or no connection in time).
  if (error instanceof ClientClosedError) return 'Not connected';
  if (error instanceof ZooKeeperError) return zooKeeperErrorMessage(error.codeName, error.path);
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The exit status for a failure. */
export function failureExitCode(error: unknown): number {
  return error instanceof ShellError ? error.exitCode : 1;
}

/** PathUtils.validatePath's message for an invalid path, or undefined when valid. */
export function invalidPathMessage(path: string): string | undefined {
  const reason = invalidPathReason(path);
  if (reason === undefined || !reason.includes('@')) return reason;
  return `Invalid path string "${path}" caused by ${reason}`;
}

/** Throws zkCli's MalformedPathException for an invalid path (sequential: as the client
 * checks it, with the server's counter appended). */
export function checkShellPath(path: string, options: { sequential?: boolean } = {}): void {
  const message = invalidPathMessage(options.sequential === true ? `${path}1` : path);
  if (message !== undefined) throw new ShellError(message);
}
