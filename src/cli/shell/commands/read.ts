// Commands that read: ls, get, stat, getAcl, getEphemerals, getAllChildrenNumber, sync, whoami.
import { ZooKeeperError } from '../../../client/index.ts';
import { ShellError } from '../errors.ts';
import { noOptions, rawWords, type CommandContext, type ShellCommand } from '../command.ts';
import { aclLines } from '../format.ts';
import { javaList } from '../java-format.ts';
import type { ParsedArgs } from '../options.ts';
import { pathArgument, printStat } from './arguments.ts';
import { visitSubtree } from './tree.ts';

/** zkCli's old `cmd path watch` form: a second argument means -w, after a warning that
 * names the old and the new form. */
function wantsWatch(
  context: CommandContext,
  input: ParsedArgs,
  forms: { old: string; current: string },
): boolean {
  if (input.args.length > 1) {
    context.note(`'${forms.old}' has been deprecated. Please use '${forms.current}' instead.`);
    return true;
  }
  return input.flags.has('w');
}

function watchOption(context: CommandContext, watch: boolean) {
  return watch ? { watch: context.watcher } : {};
}

const ls: ShellCommand = {
  name: 'ls',
  usage: '[-s] [-w] [-R] path',
  options: { flags: 'swR', valued: '' },
  minArgs: 1,
  needsSession: true,
  async run(context, input) {
    const watch = wantsWatch(context, input, {
      old: 'ls path [watch]',
      current: 'ls [-w] path',
    });
    const path = pathArgument(input, 0);
    const client = context.client();
    const options = watchOption(context, watch);
    if (input.flags.has('R')) {
      await visitSubtree(client, path, options, (p) => Promise.resolve(context.out(p)));
      return;
    }
    const { children, stat } = await client.getChildren(path, { ...options, stat: true });
    context.out(javaList([...children].sort()));
    if (input.flags.has('s')) printStat(context, stat);
  },
};

const get: ShellCommand = {
  name: 'get',
  usage: '[-s] [-w] path',
  options: { flags: 'sw', valued: '' },
  minArgs: 1,
  needsSession: true,
  async run(context, input) {
    const watch = wantsWatch(context, input, {
      old: 'get path [watch]',
      current: 'get [-s] [-w] path',
    });
    const path = pathArgument(input, 0);
    const { data, stat } = await context.client().getData(path, watchOption(context, watch));
    context.out(data === null ? 'null' : data.toString('utf8'));
    if (input.flags.has('s')) printStat(context, stat);
  },
};

const stat: ShellCommand = {
  name: 'stat',
  usage: '[-w] path',
  options: { flags: 'w', valued: '' },
  minArgs: 1,
  needsSession: true,
  async run(context, input) {
    const watch = wantsWatch(context, input, {
      old: 'stat path [watch]',
      current: 'stat [-w] path',
    });
    const path = pathArgument(input, 0);
    const result = await context.client().exists(path, watchOption(context, watch));
    if (result === null) throw new ShellError(`Node does not exist: ${path}`);
    printStat(context, result);
  },
};

const getAcl: ShellCommand = {
  name: 'getAcl',
  usage: '[-s] path',
  options: { flags: 's', valued: '' },
  minArgs: 1,
  needsSession: true,
  async run(context, input) {
    const { acl, stat } = await context.client().getACL(pathArgument(input, 0));
    aclLines(acl).forEach((l) => context.out(l));
    if (input.flags.has('s')) printStat(context, stat);
  },
};

const getEphemerals: ShellCommand = {
  name: 'getEphemerals',
  usage: 'path',
  options: noOptions,
  minArgs: 0,
  needsSession: true,
  async run(context, input) {
    const prefix = input.args.length === 0 ? '/' : pathArgument(input, 0);
    context.out(javaList(await context.client().getEphemerals(prefix)));
  },
};

const getAllChildrenNumber: ShellCommand = {
  name: 'getAllChildrenNumber',
  usage: 'path',
  options: noOptions,
  minArgs: 1,
  needsSession: true,
  async run(context, input) {
    const count = await context.client().getAllChildrenNumber(pathArgument(input, 0));
    context.out(String(count));
  },
};

const sync: ShellCommand = {
  name: 'sync',
  usage: 'path',
  options: noOptions,
  minArgs: 1,
  needsSession: true,
  async run(context, input) {
    const path = pathArgument(input, 0);
    const code = await context
      .client()
      .sync(path)
      .then(
        () => 0,
        (error: unknown) => {
          if (error instanceof ZooKeeperError) return error.code;
          throw error;
        },
      );
    if (code === 0) context.out('Sync is OK');
    else throw new ShellError(`Sync has failed. rc=${code}`);
  },
};

const whoami: ShellCommand = {
  name: 'whoami',
  usage: '',
  options: rawWords,
  minArgs: 0,
  needsSession: true,
  async run(context) {
    const infos = await context.client().whoAmI();
    context.out('Auth scheme: User');
    for (const info of infos) context.out(`${info.authScheme}: ${info.user}`);
  },
};

export const readCommands: readonly ShellCommand[] = [
  ls,
  get,
  stat,
  getAcl,
  getEphemerals,
  getAllChildrenNumber,
  sync,
  whoami,
];
