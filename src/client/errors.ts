// Typed errors for every ZooKeeper error code (KeeperException.Code). Each operation that fails
// rejects with an instance of the class for its code, so callers can write
// `catch (e) { if (e instanceof NoNodeError) ... }` or switch on `e.code`. `errorForCode` is the
// one place a wire error number becomes an error object.
import { ErrorCode, errorCodeName } from '../protocol/index.ts';

/** Base class of every error the client reports for a ZooKeeper error code. */
export class ZooKeeperError extends Error {
  override name = 'ZooKeeperError';
  /** The wire error number (negative), e.g. -101 for NoNode. */
  readonly code: number;
  /** The code's name as in `ErrorCode`, e.g. `'noNode'`. */
  readonly codeName: string;
  /** The client path (chroot stripped) the failed operation was about, when it had one. */
  readonly path: string | undefined;

  constructor(code: number, path?: string, message?: string) {
    const codeName = errorCodeName(code);
    const where = path === undefined ? '' : ` for ${path}`;
    super(message ?? `${codeName} (${code})${where}`);
    this.code = code;
    this.codeName = codeName;
    this.path = path;
  }
}

type ErrorClass = new (path?: string, message?: string) => ZooKeeperError;

function errorClass(code: number, className: string): ErrorClass {
  // A named class per code; `name` is set on the instance so stack traces show it.
  return class extends ZooKeeperError {
    override name = className;
    constructor(path?: string, message?: string) {
      super(code, path, message);
    }
  };
}

/** A server-side error with no more specific meaning (-1). */
export class SystemError extends errorClass(ErrorCode.systemError, 'SystemError') {}
/** A multi op after the failing one was not executed (-2). */
export class RuntimeInconsistencyError extends errorClass(
  ErrorCode.runtimeInconsistency,
  'RuntimeInconsistencyError',
) {}
/** The server found its data inconsistent (-3). */
export class DataInconsistencyError extends errorClass(
  ErrorCode.dataInconsistency,
  'DataInconsistencyError',
) {}
/**
 * The connection was lost while the request was in flight, or no connection came up in time
 * (-4). The operation may or may not have been applied; it is never retried by the client.
 */
export class ConnectionLossError extends errorClass(
  ErrorCode.connectionLoss,
  'ConnectionLossError',
) {}
/** The server could not decode the request (-5). */
export class MarshallingError extends errorClass(ErrorCode.marshallingError, 'MarshallingError') {}
/** The server does not implement the operation, e.g. TTL nodes while disabled (-6). */
export class UnimplementedError extends errorClass(ErrorCode.unimplemented, 'UnimplementedError') {}
/** The operation did not complete in time (-7). */
export class OperationTimeoutError extends errorClass(
  ErrorCode.operationTimeout,
  'OperationTimeoutError',
) {}
/** Invalid path, create mode, TTL or other argument (-8). */
export class BadArgumentsError extends errorClass(ErrorCode.badArguments, 'BadArgumentsError') {}
/** The server does not know the session (-12). */
export class UnknownSessionError extends errorClass(
  ErrorCode.unknownSession,
  'UnknownSessionError',
) {}
/** Reconfig: no quorum of the new configuration (-13). */
export class NewConfigNoQuorumError extends errorClass(
  ErrorCode.newConfigNoQuorum,
  'NewConfigNoQuorumError',
) {}
/** Reconfig: another reconfiguration is in progress (-14). */
export class ReconfigInProgressError extends errorClass(
  ErrorCode.reconfigInProgress,
  'ReconfigInProgressError',
) {}
/** API error range marker (-100). */
export class ApiError extends errorClass(ErrorCode.apiError, 'ApiError') {}
/** The node does not exist (-101). */
export class NoNodeError extends errorClass(ErrorCode.noNode, 'NoNodeError') {}
/** The ACLs of the node (or its parent) do not allow the operation (-102). */
export class NoAuthError extends errorClass(ErrorCode.noAuth, 'NoAuthError') {}
/** The expected version did not match (-103). */
export class BadVersionError extends errorClass(ErrorCode.badVersion, 'BadVersionError') {}
/** Ephemeral nodes may not have children (-108). */
export class NoChildrenForEphemeralsError extends errorClass(
  ErrorCode.noChildrenForEphemerals,
  'NoChildrenForEphemeralsError',
) {}
/** The node already exists (-110). */
export class NodeExistsError extends errorClass(ErrorCode.nodeExists, 'NodeExistsError') {}
/** The node has children and cannot be deleted (-111). */
export class NotEmptyError extends errorClass(ErrorCode.notEmpty, 'NotEmptyError') {}
/**
 * The session has expired (-112). Final: the client does not reconnect; create a new client.
 */
export class SessionExpiredError extends errorClass(
  ErrorCode.sessionExpired,
  'SessionExpiredError',
) {}
/** Invalid callback (-113). */
export class InvalidCallbackError extends errorClass(
  ErrorCode.invalidCallback,
  'InvalidCallbackError',
) {}
/** Empty ACL list, unknown scheme or malformed id (-114). */
export class InvalidAclError extends errorClass(ErrorCode.invalidACL, 'InvalidAclError') {}
/** The server rejected an auth packet; the client is dead (-115). */
export class AuthFailedError extends errorClass(ErrorCode.authFailed, 'AuthFailedError') {}
/** The session moved to another server (-118). */
export class SessionMovedError extends errorClass(ErrorCode.sessionMoved, 'SessionMovedError') {}
/** A write reached a read-only server (-119). */
export class NotReadOnlyError extends errorClass(ErrorCode.notReadOnly, 'NotReadOnlyError') {}
/** Ephemeral create on a local session (-120). */
export class EphemeralOnLocalSessionError extends errorClass(
  ErrorCode.ephemeralOnLocalSession,
  'EphemeralOnLocalSessionError',
) {}
/** No watch matched checkWatches/removeWatches (-121). */
export class NoWatcherError extends errorClass(ErrorCode.noWatcher, 'NoWatcherError') {}
/** The request timed out (-122). */
export class RequestTimeoutError extends errorClass(
  ErrorCode.requestTimeout,
  'RequestTimeoutError',
) {}
/** Reconfig is disabled on the server (-123). */
export class ReconfigDisabledError extends errorClass(
  ErrorCode.reconfigDisabled,
  'ReconfigDisabledError',
) {}
/** The server requires SASL authentication (-124). */
export class SessionClosedRequireSaslAuthError extends errorClass(
  ErrorCode.sessionClosedRequireSaslAuth,
  'SessionClosedRequireSaslAuthError',
) {}
/** A hard quota was exceeded (-125). */
export class QuotaExceededError extends errorClass(ErrorCode.quotaExceeded, 'QuotaExceededError') {}
/**
 * The request was throttled and not executed (-127). The client also uses it when its own
 * backlog of waiting requests (option `maxWaiting`) is full.
 */
export class ThrottledOpError extends errorClass(ErrorCode.throttledOp, 'ThrottledOpError') {}

/**
 * `close()` was called: the session is gone from this client's point of view. A subclass of
 * SessionExpiredError (code -112), as the Java client reports calls on a closed handle.
 */
export class ClientClosedError extends SessionExpiredError {
  override name = 'ClientClosedError';
  constructor(path?: string) {
    super(path, 'the client is closed');
  }
}

const classes = new Map<number, ErrorClass>([
  [ErrorCode.systemError, SystemError],
  [ErrorCode.runtimeInconsistency, RuntimeInconsistencyError],
  [ErrorCode.dataInconsistency, DataInconsistencyError],
  [ErrorCode.connectionLoss, ConnectionLossError],
  [ErrorCode.marshallingError, MarshallingError],
  [ErrorCode.unimplemented, UnimplementedError],
  [ErrorCode.operationTimeout, OperationTimeoutError],
  [ErrorCode.badArguments, BadArgumentsError],
  [ErrorCode.unknownSession, UnknownSessionError],
  [ErrorCode.newConfigNoQuorum, NewConfigNoQuorumError],
  [ErrorCode.reconfigInProgress, ReconfigInProgressError],
  [ErrorCode.apiError, ApiError],
  [ErrorCode.noNode, NoNodeError],
  [ErrorCode.noAuth, NoAuthError],
  [ErrorCode.badVersion, BadVersionError],
  [ErrorCode.noChildrenForEphemerals, NoChildrenForEphemeralsError],
  [ErrorCode.nodeExists, NodeExistsError],
  [ErrorCode.notEmpty, NotEmptyError],
  [ErrorCode.sessionExpired, SessionExpiredError],
  [ErrorCode.invalidCallback, InvalidCallbackError],
  [ErrorCode.invalidACL, InvalidAclError],
  [ErrorCode.authFailed, AuthFailedError],
  [ErrorCode.sessionMoved, SessionMovedError],
  [ErrorCode.notReadOnly, NotReadOnlyError],
  [ErrorCode.ephemeralOnLocalSession, EphemeralOnLocalSessionError],
  [ErrorCode.noWatcher, NoWatcherError],
  [ErrorCode.requestTimeout, RequestTimeoutError],
  [ErrorCode.reconfigDisabled, ReconfigDisabledError],
  [ErrorCode.sessionClosedRequireSaslAuth, SessionClosedRequireSaslAuthError],
  [ErrorCode.quotaExceeded, QuotaExceededError],
  [ErrorCode.throttledOp, ThrottledOpError],
]);

/** The typed error for a wire error code; unknown codes become a plain ZooKeeperError. */
export function errorForCode(code: number, path?: string, message?: string): ZooKeeperError {
  const Class = classes.get(code);
  return Class === undefined ? new ZooKeeperError(code, path, message) : new Class(path, message);
}
