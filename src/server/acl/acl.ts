// Permission checks and ACL fix-up, as Apache's ZooKeeper does them: no inheritance, no deny
// entries; world:anyone matches everyone, `super` bypasses everything, `auth` expands at
// create/setACL time into the caller's authenticated ids.
import { createHash } from 'node:crypto';
import { Perms } from '../../protocol/constants.ts';
import type { Acl, Id } from '../../protocol/records.ts';
import { ipMatches, isValidIpAcl } from './ip.ts';

/** A connection's authenticated identities (ip is always present). */
export type AuthIds = readonly Id[];

export function hasPermission(acl: readonly Acl[], required: number, authIds: AuthIds): boolean {
  if (acl.length === 0) return true;
  for (const id of authIds) if (id.scheme === 'super') return true;
  for (const entry of acl) {
    if ((entry.perms & required) === 0) continue;
    const { scheme, id } = entry.id;
    if (scheme === 'world' && id === 'anyone') return true;
    for (const auth of authIds) {
      if (auth.scheme !== scheme) continue;
      if (scheme === 'ip' ? ipMatches(id, auth.id) : auth.id === id) return true;
    }
  }
  return false;
}

/** True when everyone may read: `hasPermission(acl, READ, ids)` holds whatever the ids. */
export function isWorldReadable(acl: readonly Acl[]): boolean {
  if (acl.length === 0) return true;
  for (const entry of acl) {
    if ((entry.perms & Perms.read) !== 0 && entry.id.scheme === 'world' && entry.id.id === 'anyone')
      return true;
  }
  return false;
}

/** digest scheme id for "user:password": user:BASE64(SHA1("user:password")). */
export function digestId(userPassword: string): string {
  const colon = userPassword.indexOf(':');
  const user = colon < 0 ? userPassword : userPassword.slice(0, colon);
  const hash = createHash('sha1').update(userPassword, 'utf8').digest('base64');
  return `${user}:${hash}`;
}

function isValidId(scheme: string, id: string): boolean {
  switch (scheme) {
    case 'world':
      return id === 'anyone';
    case 'digest':
      return javaSplitCount(id, ':') === 2;
    case 'ip':
      return isValidIpAcl(id);
    default:
      // Only the providers a default Apache server has: world, digest, ip (and auth).
      return false;
  }
}

/** Java's String.split(sep).length: trailing empty strings are dropped. */
function javaSplitCount(text: string, separator: string): number {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.length;
}

/** Schemes `auth` expands to: authenticated providers (ip is not one; super has none). */
function isAuthenticatedScheme(scheme: string): boolean {
  return scheme === 'digest';
}

/** Validates and expands an ACL list; undefined means INVALIDACL. Duplicates are removed. */
export function fixupAcl(acl: readonly Acl[] | null, authIds: AuthIds): Acl[] | undefined {
  if (acl === null || acl.length === 0) return undefined;
  const result: Acl[] = [];
  const push = (entry: Acl): void => {
    const same = result.some(
      (r) => r.perms === entry.perms && r.id.scheme === entry.id.scheme && r.id.id === entry.id.id,
    );
    if (!same) result.push(entry);
  };
  for (const entry of acl) {
    if (entry.id.scheme === 'auth') {
      let expanded = false;
      for (const id of authIds) {
        if (!isAuthenticatedScheme(id.scheme)) continue;
        push({ perms: entry.perms, id: { scheme: id.scheme, id: id.id } });
        expanded = true;
      }
      if (!expanded) return undefined;
    } else {
      if (!isValidId(entry.id.scheme, entry.id.id)) return undefined;
      push(entry);
    }
  }
  return result;
}

/** getACL without ADMIN: digest ids are shown as `user:x`. */
export function maskDigests(acl: readonly Acl[]): Acl[] {
  return acl.map((entry) => {
    if (entry.id.scheme !== 'digest') return entry;
    const colon = entry.id.id.indexOf(':');
    const user = colon < 0 ? entry.id.id : entry.id.id.slice(0, colon);
    return { perms: entry.perms, id: { scheme: 'digest', id: `${user}:x` } };
  });
}

export const allPerms = Perms.all;
