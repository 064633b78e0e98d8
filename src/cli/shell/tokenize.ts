// Splits a shell line into words the way zkCli does (ZooKeeperMain.parseCommand): words are
// separated by whitespace; a word that starts with a quote runs to the same quote and loses
// both quotes. There are no escapes, a quote inside a word is an ordinary character, and an
// unmatched quote is skipped. Matching zkCli here keeps pasted zkCli commands working.

// Java's \s and \S (ASCII whitespace only), so that Unicode spaces stay inside words as in zkCli.
const space = '[ \\t\\n\\x0B\\f\\r]';
const nonSpace = '[^ \\t\\n\\x0B\\f\\r]';
const wordPattern = `${space}*([^"']${nonSpace}*|"[^"]*"|'[^']*')${space}*`;
const leadingSpace = new RegExp(`^${space}+`);

/** The words of `line`; empty for a blank line. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  // A fresh RegExp per call: a shared /g pattern would carry lastIndex between calls.
  const pattern = new RegExp(wordPattern, 'g');
  for (const match of line.matchAll(pattern)) {
    const raw = match[1] ?? '';
    if (raw.length >= 2 && (raw[0] === '"' || raw[0] === "'")) {
      words.push(raw.slice(1, -1));
      continue;
    }
    // Java's backtracking can start a word with spaces (a blank line becomes the word " ");
    // such words are trimmed or dropped here, so a blank line is no command at all.
    const word = raw.replace(leadingSpace, '');
    if (word !== '') words.push(word);
  }
  return words;
}
