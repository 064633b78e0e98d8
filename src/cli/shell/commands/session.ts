// Commands about the shell itself: connect, close, quit, history, redo, help, version.
import { versionLine } from '../../../server/version.ts';
import { rawWords, type ShellCommand } from '../command.ts';
import { ShellError } from '../errors.ts';
import { argument } from './arguments.ts';

const connect: ShellCommand = {
  name: 'connect',
  usage: 'host:port',
  options: rawWords,
  minArgs: 0,
  needsSession: false,
  run: (context, input) => context.shell.connect(input.args[0]),
};

const close: ShellCommand = {
  name: 'close',
  usage: '',
  options: rawWords,
  minArgs: 0,
  needsSession: false,
  run: (context) => context.shell.close(),
};

const quit: ShellCommand = {
  name: 'quit',
  usage: '',
  options: rawWords,
  minArgs: 0,
  needsSession: false,
  run(context) {
    context.shell.quit();
    return Promise.resolve();
  },
};

const history: ShellCommand = {
  name: 'history',
  usage: '',
  options: rawWords,
  minArgs: 0,
  needsSession: false,
  run(context) {
    context.shell.historyLines().forEach((line) => context.out(line));
    return Promise.resolve();
  },
};

/** Integer.decode, as zkCli reads the number: decimal, 0x/# hex, leading-zero octal. */
export function decodeJavaInteger(text: string): number | undefined {
  const match = /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|#([0-9a-fA-F]+)|(0[0-7]+)|(\d+))$/.exec(text);
  if (match === null) return undefined;
  const [, sign, hex1, hex2, octal, decimal] = match;
  const hex = hex1 ?? hex2;
  let value: number;
  if (hex !== undefined) value = parseInt(hex, 16);
  else if (octal !== undefined) value = parseInt(octal, 8);
  else value = parseInt(decimal ?? '', 10);
  value = sign === '-' ? -value : value;
  return Number.isSafeInteger(value) ? value : undefined;
}

const redo: ShellCommand = {
  name: 'redo',
  usage: 'cmdno',
  options: rawWords,
  minArgs: 1,
  needsSession: false,
  run(context, input) {
    const index = decodeJavaInteger(argument(input, 0));
    if (index === undefined) throw new ShellError('redo cmdno');
    return context.shell.redo(index);
  },
};

const help: ShellCommand = {
  name: 'help',
  usage: '',
  options: rawWords,
  minArgs: 0,
  needsSession: false,
  run(context) {
    context.shell.usageLines().forEach((line) => context.out(line));
    return Promise.resolve();
  },
};

const version: ShellCommand = {
  name: 'version',
  usage: '',
  options: rawWords,
  minArgs: 0,
  maxArgs: 0,
  needsSession: false,
  run(context) {
    context.out(`ZooKeeper CLI version: ${versionLine}`);
    return Promise.resolve();
  },
};

export const sessionCommands: readonly ShellCommand[] = [
  connect,
  close,
  quit,
  history,
  redo,
  help,
  version,
];
