// Bytes in <dir>/version-2, as Apache's `dirs` and `conf` report them (0 when absent).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function versionDirectorySize(dir: string): number {
  const versioned = join(dir, 'version-2');
  let total = 0;
  try {
    for (const name of readdirSync(versioned)) total += statSync(join(versioned, name)).size;
  } catch {
    return 0;
  }
  return total;
}
