// Commands about watches: addWatch, removewatches, printwatches. Every watch the shell sets
// uses one listener that prints the event (zkCli's default watcher), so events read alike
// whatever command left the watch.
import type { PersistentWatchMode, WatcherKind } from '../../../client/index.ts';
import { rawWords, type ShellCommand } from '../command.ts';
import { ShellError } from '../errors.ts';
import { argument, pathArgument } from './arguments.ts';

const addWatchUsage =
  '[-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - ' +
  'default is PERSISTENT_RECURSIVE';

const watchModes: Record<string, PersistentWatchMode> = {
  PERSISTENT: 'persistent',
  PERSISTENT_RECURSIVE: 'persistentRecursive',
};

const addWatch: ShellCommand = {
  name: 'addWatch',
  usage: addWatchUsage,
  options: { flags: '', valued: 'm' },
  minArgs: 1,
  maxArgs: 1,
  needsSession: true,
  async run(context, input) {
    const modeText = input.values.get('m');
    const mode =
      modeText === undefined ? 'persistentRecursive' : watchModes[modeText.toUpperCase()];
    if (mode === undefined) throw new ShellError(`addWatch ${addWatchUsage}`);
    await context.client().addWatch(pathArgument(input, 0), mode, context.watcher);
  },
};

const removeWatches: ShellCommand = {
  name: 'removewatches',
  usage: 'path [-c|-d|-a] [-l]',
  // -l (remove locally while disconnected) is accepted; the removal always goes to the server.
  options: { flags: 'cdal', valued: '' },
  minArgs: 1,
  needsSession: true,
  async run(context, input) {
    let kind: WatcherKind = 'any';
    if (input.flags.has('c')) kind = 'children';
    else if (input.flags.has('d')) kind = 'data';
    await context.client().removeWatches(pathArgument(input, 0), kind);
  },
};

const printWatches: ShellCommand = {
  name: 'printwatches',
  usage: 'on|off',
  options: rawWords,
  minArgs: 0,
  needsSession: false,
  run(context, input) {
    if (input.args.length === 0) {
      context.out(`printwatches is ${context.shell.printWatches ? 'on' : 'off'}`);
    } else {
      context.shell.printWatches = argument(input, 0) === 'on';
    }
    return Promise.resolve();
  },
};

export const watchCommands: readonly ShellCommand[] = [addWatch, removeWatches, printWatches];
