// The shell without a prompt: one command from the command line, or commands from stdin (one
// per line). Output is only what the commands print: no banner, no prompt, no connection
// events. The exit status is non-zero when the command (or any line) failed: unlike zkCli,
// whose exit status only reflects some failures (and only the last command's).
import { createInterface } from 'node:readline';
import type { Shell } from './shell.ts';

/** Opens the first session; false (the reason printed) when there is none. */
async function open(shell: Shell): Promise<boolean> {
  await shell.connect();
  return shell.connected().then(
    () => true,
    () => false,
  );
}

export async function runOneShot(shell: Shell, words: readonly string[]): Promise<number> {
  if (!(await open(shell))) return 1;
  try {
    return await shell.executeWords(words);
  } finally {
    await shell.close();
  }
}

export async function runLines(shell: Shell, input: NodeJS.ReadableStream): Promise<number> {
  if (!(await open(shell))) return 1;
  let exitCode = 0;
  const lines = createInterface({ input, terminal: false, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const code = await shell.executeLine(line);
      if (code !== 0) exitCode = code;
      if (shell.quitting) break;
    }
  } finally {
    lines.close();
    await shell.close();
  }
  return exitCode;
}
