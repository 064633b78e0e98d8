// How the stored ephemeralOwner encodes a node's kind (Apache's EphemeralType): a session id
// for ephemerals, Long.MIN_VALUE for containers, 0xFF in the top byte plus the TTL for TTL
// nodes. Clients only ever see a real session id or 0.

export const containerOwner = -0x8000000000000000n;
const ttlMarker = -0x100000000000000n; // 0xFF00_0000_0000_0000 as a signed long
export const ttlMaxMs = (1n << 40n) - 1n;

export type NodeKind = 'persistent' | 'ephemeral' | 'container' | 'ttl';

export function ownerForTtl(ttlMs: bigint): bigint {
  return ttlMarker | ttlMs;
}

/**
 * With extended types off (Apache's default) only 0 and the container marker are special:
 * any other owner is a session, even one with 0xFF in the top byte (server id 255).
 */
export function nodeKind(owner: bigint, extendedTypesEnabled: boolean): NodeKind {
  if (owner === 0n) return 'persistent';
  if (owner === containerOwner) return 'container';
  if (extendedTypesEnabled && (owner & ttlMarker) === ttlMarker) return 'ttl';
  return 'ephemeral';
}

export function ttlOf(owner: bigint): bigint {
  return owner & ttlMaxMs;
}

/** The ephemeralOwner clients see: the session for ephemerals, otherwise 0. */
export function visibleOwner(owner: bigint, extendedTypesEnabled: boolean): bigint {
  return nodeKind(owner, extendedTypesEnabled) === 'ephemeral' ? owner : 0n;
}
