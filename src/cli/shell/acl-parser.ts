// zkCli's ACL syntax (AclParser): "scheme:id:perms[,scheme:id:perms...]", where the id is
// everything between the first and the last colon (digest ids contain one) and perms are
// letters of "cdrwa". Malformed entries are skipped with a warning, as zkCli does; an empty
// result is then refused by the caller like the Java client refuses an empty ACL.
import type { Acl } from '../../client/index.ts';
import { permLetters } from './format.ts';

export interface ParsedAcl {
  readonly acl: Acl[];
  /** zkCli's messages for skipped entries and unknown permission letters. */
  readonly warnings: string[];
}

function permBits(text: string, warnings: string[]): number {
  let perms = 0;
  for (const letter of text) {
    const entry = permLetters.find(([, l]) => l === letter);
    if (entry === undefined) warnings.push(`Unknown perm type: ${letter}`);
    else perms |= entry[0];
  }
  return perms;
}

export function parseAcl(text: string): ParsedAcl {
  const acl: Acl[] = [];
  const warnings: string[] = [];
  // Java's String.split drops trailing empty strings ("a,b," has two entries), except that
  // a string without any comma is its own single entry, even "".
  const entries = text.split(',');
  while (entries.length > 1 && entries[entries.length - 1] === '') entries.pop();
  if (entries.length === 1 && entries[0] === '' && text !== '') entries.pop();
  for (const entry of entries) {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first === -1 || first === last) {
      warnings.push(`${entry} does not have the form scheme:id:perm`);
      continue;
    }
    const id = { scheme: entry.slice(0, first), id: entry.slice(first + 1, last) };
    acl.push({ id, perms: permBits(entry.slice(last + 1), warnings) });
  }
  return { acl, warnings };
}
