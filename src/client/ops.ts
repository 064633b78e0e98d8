// Request building shared by the client methods and the transaction builder: client-side path
// validation (as the Java client's PathUtils does before sending), data normalisation, the
// create opcode/flags/TTL choice, and a typed check of the reply kind.
import {
  CreateMode,
  OpCode,
  openAclUnsafe,
  type CreateOpCode,
  type CreateRequest,
  type Response,
} from '../protocol/index.ts';
import { invalidPathReason } from '../core/path.ts';
import type { Chroot } from './chroot.ts';
import { BadArgumentsError, MarshallingError } from './errors.ts';
import type { CreateModeName, CreateOptions } from './types.ts';

/** Largest TTL ZooKeeper encodes (40 bits of milliseconds). */
export const ttlMsMax = 2 ** 40 - 1;

/** Data as sent: strings are UTF-8, undefined/null is a null buffer. */
export type DataInput = Buffer | Uint8Array | string | null | undefined;

export function toData(data: DataInput): Buffer | null {
  if (data === null || data === undefined) return null;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
}

/** Throws BadArgumentsError for an invalid client path. */
export function checkPath(path: string, options: { sequential?: boolean } = {}): void {
  // A sequential create may end in '/': the server appends the counter first.
  const checked = options.sequential === true ? `${path}0` : path;
  const reason = invalidPathReason(checked);
  if (reason !== undefined) throw new BadArgumentsError(path, `invalid path ${path}: ${reason}`);
}

export function checkVersion(version: number, path: string): void {
  if (!Number.isInteger(version) || version < -1 || version > 0x7fffffff) {
    throw new BadArgumentsError(path, `invalid version ${version}`);
  }
}

function isTtlMode(mode: CreateModeName): boolean {
  return mode === 'persistentWithTtl' || mode === 'persistentSequentialWithTtl';
}

export function isSequentialMode(mode: CreateModeName): boolean {
  return (
    mode === 'persistentSequential' ||
    mode === 'ephemeralSequential' ||
    mode === 'persistentSequentialWithTtl'
  );
}

/**
 * A CreateRequest for a client path. The opcode follows the Java client: container -> 19,
 * TTL modes -> 21, else 15 when a Stat is wanted and 1 when not.
 */
export function buildCreate(
  path: string,
  data: DataInput,
  options: CreateOptions,
  context: { chroot: Chroot; withStat: boolean },
): CreateRequest {
  const mode = options.mode ?? 'persistent';
  const flags: number | undefined = CreateMode[mode];
  if (flags === undefined) throw new BadArgumentsError(path, `unknown create mode ${mode}`);
  checkPath(path, { sequential: isSequentialMode(mode) });
  let ttl = -1n;
  if (isTtlMode(mode)) {
    const ttlMs = options.ttlMs;
    if (ttlMs === undefined || !Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > ttlMsMax) {
      throw new BadArgumentsError(path, `mode ${mode} needs ttlMs in [1, ${ttlMsMax}]`);
    }
    ttl = BigInt(ttlMs);
  } else if (options.ttlMs !== undefined) {
    throw new BadArgumentsError(path, `ttlMs is only allowed with the TTL create modes`);
  }
  let opcode: CreateOpCode = context.withStat ? OpCode.create2 : OpCode.create;
  if (mode === 'container') opcode = OpCode.createContainer;
  else if (ttl > 0n) opcode = OpCode.createTTL;
  return {
    type: 'create',
    opcode,
    path: context.chroot.toServer(path),
    data: toData(data),
    acl: options.acl ?? openAclUnsafe,
    flags,
    ttl,
  };
}

/** The reply narrowed to the kind the request expects (MarshallingError otherwise). */
export function expectResponse<K extends Response['type']>(
  response: Response | null,
  type: K,
  path?: string,
): Extract<Response, { type: K }> {
  if (response === null || response.type !== type) {
    const got = response === null ? 'null' : response.type;
    throw new MarshallingError(path, `expected a ${type} reply, got ${got}`);
  }
  return response as Extract<Response, { type: K }>;
}
