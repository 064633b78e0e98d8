// The command table: every command of the shell by name, and the usage listing of `help`.
import { usageOf, type ShellCommand } from '../command.ts';
import { readCommands } from './read.ts';
import { sessionCommands } from './session.ts';
import { watchCommands } from './watch.ts';
import { writeCommands } from './write.ts';

export const commandTable: ReadonlyMap<string, ShellCommand> = new Map(
  [...readCommands, ...writeCommands, ...watchCommands, ...sessionCommands].map((c) => [c.name, c]),
);

/** Command names in zkCli's order (Java's String sort: upper case before lower case). */
export const commandNames: readonly string[] = [...commandTable.keys()].sort();

/** `help`: a synopsis line, then one tab-indented usage line per command, as zkCli lists them. */
export function usageLines(): string[] {
  const lines = ['meerkat shell [connect-string] [-- command args]'];
  for (const name of commandNames) {
    const command = commandTable.get(name);
    if (command !== undefined) lines.push(`\t${usageOf(command)}`);
  }
  return lines;
}
