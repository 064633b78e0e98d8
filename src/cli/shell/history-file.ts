// The history kept across sessions (~/.meerkat_shell_history): one command per line, oldest
// first. Losing it is never worth failing the shell for, so every error here is ignored.
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Lines of history offered to the arrow keys, at most. */
export const historyLinesMax = 1000;

export function defaultHistoryFile(): string {
  return join(homedir(), '.meerkat_shell_history');
}

/** The last lines of the file, most recent first (node:readline's order). */
export function loadHistory(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines.slice(-historyLinesMax).reverse();
}

/** Lines never written to the file: `addauth` carries a password. */
const secret = /^\s*addauth\s/;

export function appendHistory(file: string, line: string): void {
  if (line.trim() === '' || line.includes('\n') || secret.test(line)) return;
  try {
    appendFileSync(file, `${line}\n`, { mode: 0o600 });
  } catch {
    // A read-only home or a full disk must not break the shell.
  }
}
