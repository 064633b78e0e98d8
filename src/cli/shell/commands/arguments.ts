// Small readers of parsed command arguments, with zkCli's messages for bad values, and the
// Stat printout the commands share.
import type { Stat } from '../../../client/index.ts';
import type { CommandContext } from '../command.ts';
import { ShellError, checkShellPath } from '../errors.ts';
import { statLines } from '../format.ts';
import type { ParsedArgs } from '../options.ts';

/** Positional argument `index` (the command checked there are enough). */
export function argument(input: ParsedArgs, index: number): string {
  const value = input.args[index];
  if (value === undefined) throw new ShellError(`missing argument ${index + 1}`);
  return value;
}

/** Positional argument `index` as a znode path, validated as the Java client does. */
export function pathArgument(input: ParsedArgs, index: number): string {
  const path = argument(input, index);
  checkShellPath(path);
  return path;
}

const javaInteger = /^[+-]?\d+$/;

/** Integer.parseInt / Long.parseLong: decimal, optional sign, within the type's range. */
export function parseJavaInteger(text: string, bits: 32 | 64): bigint | undefined {
  if (!javaInteger.test(text)) return undefined;
  const value = BigInt(text);
  return BigInt.asIntN(bits, value) === value ? value : undefined;
}

/** The `-v version` option (-1, any version, without it). zkCli dies on a bad number; we
 * say what is wrong instead, in the words zkCli uses for `-b` and `-t`. */
export function versionOption(input: ParsedArgs): number {
  const text = input.values.get('v');
  if (text === undefined) return -1;
  const value = parseJavaInteger(text, 32);
  if (value === undefined) throw new ShellError('-v argument must be an int value');
  return Number(value);
}

/** Prints a Stat as zkCli's StatPrinter does. */
export function printStat(context: CommandContext, stat: Stat): void {
  for (const line of statLines(stat, context.timeZone)) context.out(line);
}
