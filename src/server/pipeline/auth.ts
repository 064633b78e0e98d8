// Auth packets (xid -4): digest adds digest:<user:hash> (and super when it matches the
// configured superDigest); ip re-adds the connection's address. Anything else fails, which
// Apache answers with AUTHFAILED and a closed connection.
import { ErrorCode } from '../../protocol/constants.ts';
import type { Id } from '../../protocol/records.ts';
import type { AuthRequest } from '../../protocol/requests.ts';
import { digestId } from '../acl/acl.ts';

function addId(authIds: Id[], id: Id): void {
  if (!authIds.some((known) => known.scheme === id.scheme && known.id === id.id)) authIds.push(id);
}

/** Applies an auth packet to the connection's ids; returns the reply's error code. */
export function authenticate(
  request: AuthRequest,
  authIds: Id[],
  context: { remoteAddress: string; superDigest: string | undefined },
): number {
  switch (request.scheme) {
    case 'digest': {
      const id = digestId((request.auth ?? Buffer.alloc(0)).toString('utf8'));
      if (context.superDigest !== undefined && id === context.superDigest) {
        addId(authIds, { scheme: 'super', id: '' });
      }
      addId(authIds, { scheme: 'digest', id });
      return ErrorCode.ok;
    }
    case 'ip':
      addId(authIds, { scheme: 'ip', id: context.remoteAddress });
      return ErrorCode.ok;
    default:
      return ErrorCode.authFailed;
  }
}
