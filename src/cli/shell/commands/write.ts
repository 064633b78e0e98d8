// Commands that write: create, set, delete, deleteall, setAcl, addauth.
import {
  InvalidAclError,
  TransactionError,
  ZooKeeperError,
  openAclUnsafe,
  type Acl,
  type CreateModeName,
} from '../../../client/index.ts';
import { parseAcl } from '../acl-parser.ts';
import type { CommandContext, ShellCommand } from '../command.ts';
import { ShellError, checkShellPath, keeperMessage } from '../errors.ts';
import type { ParsedArgs } from '../options.ts';
import { argument, parseJavaInteger, pathArgument, printStat, versionOption } from './arguments.ts';
import { listSubtree, visitSubtree } from './tree.ts';

/** Largest TTL (40 bits of milliseconds), as EphemeralType.TTL checks it. */
const ttlMaxMs = 0xff_ffff_ffffn;

/** The ACL argument: zkCli's warnings count as failures; an empty list is refused as the
 * Java client refuses it (InvalidACL without a path). */
function aclArgument(context: CommandContext, text: string): Acl[] {
  const { acl, warnings } = parseAcl(text);
  warnings.forEach((w) => context.warn(w));
  return acl;
}

/** CreateCommand's checks, in its order, and the mode they lead to. */
function createMode(input: ParsedArgs): { mode: CreateModeName; ttlMs?: number } {
  const [e, s, c, t] = ['e', 's', 'c', 't'].map((f) => input.flags.has(f) || input.values.has(f));
  if (c && (e || s)) {
    throw new ShellError(
      '-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.',
    );
  }
  const ttl = t ? parseJavaInteger(input.values.get('t') ?? '', 64) : 0n;
  if (ttl === undefined) throw new ShellError('-t argument must be a long value');
  if (t && e) throw new ShellError('TTLs cannot be used with Ephemeral znodes');
  if (t && c) throw new ShellError('TTLs cannot be used with Container znodes');
  if (t && (ttl <= 0n || ttl > ttlMaxMs)) {
    throw new ShellError(`ttl must be positive and cannot be larger than: ${ttlMaxMs}`);
  }
  if (e) return { mode: s ? 'ephemeralSequential' : 'ephemeral' };
  if (t)
    return { mode: s ? 'persistentSequentialWithTtl' : 'persistentWithTtl', ttlMs: Number(ttl) };
  if (s) return { mode: 'persistentSequential' };
  return { mode: c ? 'container' : 'persistent' };
}

const create: ShellCommand = {
  name: 'create',
  usage: '[-s] [-e] [-c] [-t ttl] path [data] [acl]',
  options: { flags: 'esc', valued: 't' },
  minArgs: 1,
  needsSession: true,
  async run(context, input) {
    const { mode, ttlMs } = createMode(input);
    const path = argument(input, 0);
    const data = input.args[1] ?? null;
    const aclText = input.args[2];
    const acl = aclText === undefined ? openAclUnsafe : aclArgument(context, aclText);
    checkShellPath(path, { sequential: input.flags.has('s') });
    if (acl.length === 0) {
      context.warn(keeperMessage('invalidACL', undefined));
      throw new ShellError('Acl is not valid : null');
    }
    const options = ttlMs === undefined ? { mode, acl } : { mode, acl, ttlMs };
    try {
      context.note(`Created ${await context.client().create(path, data, options)}`);
    } catch (error) {
      // zkCli prints the raw KeeperException first for this one.
      if (error instanceof InvalidAclError) context.warn(keeperMessage('invalidACL', error.path));
      throw error;
    }
  },
};

const set: ShellCommand = {
  name: 'set',
  usage: '[-s] [-v version] path data',
  options: { flags: 's', valued: 'v' },
  minArgs: 2,
  needsSession: true,
  async run(context, input) {
    const path = pathArgument(input, 0);
    const version = versionOption(input);
    const stat = await context.client().setData(path, argument(input, 1), { version });
    if (input.flags.has('s')) printStat(context, stat);
  },
};

const del: ShellCommand = {
  name: 'delete',
  usage: '[-v version] path',
  options: { flags: '', valued: 'v' },
  minArgs: 1,
  needsSession: true,
  async run(context, input) {
    let version = versionOption(input);
    const old = input.args[1];
    if (old !== undefined) {
      context.note(
        "'delete path [version]' has been deprecated. " +
          "Please use 'delete [-v version] path' instead.",
      );
      // zkCli 3.8 ignores the old version argument; honouring it is the safe reading.
      const parsed = parseJavaInteger(old, 32);
      if (parsed !== undefined) version = Number(parsed);
    }
    await context.client().delete(pathArgument(input, 0), { version });
  },
};

const deleteAll: ShellCommand = {
  name: 'deleteall',
  usage: 'path [-b batch size]',
  options: { flags: '', valued: 'b' },
  minArgs: 1,
  needsSession: true,
  async run(context, input) {
    const batchText = input.values.get('b');
    const batch = batchText === undefined ? 1000n : parseJavaInteger(batchText, 32);
    if (batch === undefined) throw new ShellError('-b argument must be an int value');
    const client = context.client();
    const tree = await listSubtree(client, pathArgument(input, 0));
    // Leaves first, `batch` deletes per multi; a batch size below 1 means one multi.
    const size = batch < 1n ? tree.length : Number(batch);
    for (let end = tree.length; end > 0; end -= size) {
      const transaction = client.transaction();
      for (let i = end - 1; i >= Math.max(0, end - size); i--) transaction.delete(tree[i] ?? '/');
      try {
        await transaction.commit();
      } catch (error) {
        if (!(error instanceof TransactionError)) throw error;
        context.warn('Failed to delete some node(s) in the subtree!');
        return;
      }
    }
  },
};

const setAcl: ShellCommand = {
  name: 'setAcl',
  usage: '[-s] [-v version] [-R] path acl',
  options: { flags: 'sR', valued: 'v' },
  minArgs: 2,
  needsSession: true,
  async run(context, input) {
    const path = pathArgument(input, 0);
    const acl = aclArgument(context, argument(input, 1));
    const version = versionOption(input);
    if (acl.length === 0) throw new ShellError('Acl is not valid : null');
    const client = context.client();
    if (!input.flags.has('R')) {
      const stat = await client.setACL(path, acl, { version });
      if (input.flags.has('s')) printStat(context, stat);
      return;
    }
    // zkCli reports each node that fails and goes on with the rest of the tree.
    await visitSubtree(client, path, {}, async (node) => {
      await client.setACL(node, acl, { version }).catch((error: unknown) => {
        if (!(error instanceof ZooKeeperError)) throw error;
        context.warn(keeperMessage(error.codeName, node));
      });
    });
  },
};

const addAuth: ShellCommand = {
  name: 'addauth',
  usage: 'scheme auth',
  options: { flags: '', valued: '' },
  // zkCli sends no credentials for `addauth digest`, and the server then ends the session
  // (AuthFailed); asking for them is kinder.
  minArgs: 2,
  needsSession: true,
  async run(context, input) {
    await context.client().addAuth(argument(input, 0), Buffer.from(argument(input, 1), 'utf8'));
  },
};

export const writeCommands: readonly ShellCommand[] = [
  create,
  set,
  del,
  deleteAll,
  setAcl,
  addAuth,
];
