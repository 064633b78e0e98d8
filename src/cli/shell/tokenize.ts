// Splits a shell line into words the way zkCli does (ZooKeeperMain.parseCommand): words are
// separated by whitespace; a word that starts with a quote runs to the same quote and loses
// both quotes. There are no escapes, a quote inside a word is an ordinary character, and an
// unmatched quote is skipped. Matching zkCli here keeps pasted zkCli commands working.

// Java's \s and \S (ASCII whitespace only), so that Unicode spaces stay inside words as in zkCli.
const space = '[ \\t\\n\\x0B\\f\\r]';
const nonSpace = '[^ \\t\\n\\x0B\\f\\r]';
const wordPattern = `${space}*([^"']${nonSpace}*|"[^"]*"|'[^']*')${space}*`;

/** The words of `line`; empty for a blank line. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  // A fresh RegExp per call: a shared /g pattern would carry lastIndex between calls.
  const pattern = new RegExp(wordPattern, 'g');
  for (const match of line.matchAll(pattern)) {
    const word = match[1];
    if (word === undefined) continue;
    const quoted = word.length >= 2 && (word[0] === '"' || word[0] === "'");
    words.push(quoted ? word.slice(1, -1) : word);
  }
  return words;
}
