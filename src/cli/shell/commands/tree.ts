// Subtree walks of `ls -R`, `setAcl -R` and `deleteall`, in zkCli's orders (ZKUtil): depth
// first with each node's sorted children listed before any of them is entered, or breadth
// first in server order. Iterative, with a bound, so a huge or changing tree cannot run away.
import { NoNodeError, type WatchOption, type ZooKeeperClient } from '../../../client/index.ts';
import { childPath } from '../../../core/path.ts';
import { ShellError } from '../errors.ts';

/** Nodes visited by one walk at most. */
export const walkNodesMax = 10_000_000;

function checkBound(count: number): void {
  if (count > walkNodesMax) throw new ShellError(`more than ${walkNodesMax} nodes under the path`);
}

/**
 * ZKUtil.visitSubTreeDFS: `visit(root)` (after a getData that fails for a missing root), then
 * for each node, `visit` on its sorted children, then their subtrees in turn. A node that
 * vanishes during the walk is skipped.
 */
export async function visitSubtree(
  client: ZooKeeperClient,
  root: string,
  options: WatchOption,
  visit: (path: string) => Promise<void>,
): Promise<void> {
  await client.getData(root, options);
  await visit(root);
  const stack = [root];
  let count = 1;
  for (let path = stack.pop(); path !== undefined; path = stack.pop()) {
    let children: string[];
    try {
      children = await client.getChildren(path, options);
    } catch (error) {
      if (error instanceof NoNodeError) continue;
      throw error;
    }
    children.sort();
    count += children.length;
    checkBound(count);
    const paths = children.map((name) => childPath(path, name));
    for (const child of paths) await visit(child);
    stack.push(...paths.reverse());
  }
}

/** ZKUtil.listSubTreeBFS: the root and every descendant, breadth first, children in server
 * order. */
export async function listSubtree(client: ZooKeeperClient, root: string): Promise<string[]> {
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    const path = tree[i] ?? root;
    const children = await client.getChildren(path);
    tree.push(...children.map((name) => childPath(path, name)));
    checkBound(tree.length);
  }
  return tree;
}
