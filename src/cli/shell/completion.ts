// Tab completion as zkCli's JLineZNodeCompleter does it: the word under the cursor completes
// to a command name when it is the first word, and to a child of its parent znode when it
// starts with '/' (the children are asked from the server through `children`). Pure apart from
// that lookup, so it is tested without a server.

/** Children of a znode; may reject (no such node, no session), which means no completions. */
export type ChildrenLookup = (path: string) => Promise<readonly string[]>;

/** node:readline's completer result: candidates, and the text they replace. */
export type Completion = [string[], string];

/** The word being typed: after the last space ('' right after a space). */
function lastWord(line: string): string {
  return line.slice(line.lastIndexOf(' ') + 1);
}

async function completeZnode(word: string, children: ChildrenLookup): Promise<Completion> {
  const slash = word.lastIndexOf('/');
  const prefix = word.slice(slash + 1);
  // Only the root may end in '/': "/a/" lists the children of "/a".
  const parent = slash === 0 ? '/' : word.slice(0, slash);
  let names: readonly string[];
  try {
    names = await children(parent);
  } catch {
    return [[], prefix];
  }
  return [names.filter((name) => name.startsWith(prefix)).sort(), prefix];
}

/**
 * Completions for `line` (the text before the cursor). A single command match gets a trailing
 * space, so the next word can follow at once.
 */
export async function complete(
  line: string,
  commands: readonly string[],
  children: ChildrenLookup,
): Promise<Completion> {
  const word = lastWord(line);
  if (word.startsWith('/')) return completeZnode(word, children);
  if (line.trimStart() !== word) return [[], word];
  const hits = commands.filter((name) => name.startsWith(word));
  return [hits.length === 1 ? [`${hits[0] ?? ''} `] : hits, word];
}
