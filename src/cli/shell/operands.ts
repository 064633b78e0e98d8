// The operands of `meerkat shell`: an optional connect string, then an optional command.
// commander drops the `--` that lets a command carry options (`-- ls -R /`), so the raw argv
// tells whether the words after it include the connect string or not.

export interface ShellOperands {
  readonly connectString: string;
  /** The one-shot command's words; empty for an interactive or stdin session. */
  readonly command: readonly string[];
}

/**
 * `operands` are commander's operands of the subcommand, `argv` the process's arguments.
 * `shell`, `shell h:p`, `shell h:p ls /`, `shell -- ls -R /` and `shell h:p -- ls -R /` all
 * mean what they say.
 */
export function shellOperands(
  operands: readonly string[],
  argv: readonly string[],
  defaultConnectString: string,
): ShellOperands {
  const dash = argv.indexOf('--');
  const afterDash = dash === -1 ? [] : argv.slice(dash + 1);
  const before = operands.slice(0, operands.length - afterDash.length);
  return {
    connectString: before[0] ?? defaultConnectString,
    command: [...before.slice(1), ...afterDash],
  };
}
