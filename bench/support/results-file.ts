// Where every bench script leaves its JSON: `--out FILE`, else bench/results/<bench>-<date>.json.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../../test/support/server-process.ts';

/** Writes `data` as indented JSON (bigints as decimal strings); returns the file's path. */
export async function writeResultsFile(
  bench: string,
  out: string | undefined,
  data: unknown,
): Promise<string> {
  const dir = path.join(repoRoot(), 'bench', 'results');
  const file = out ?? path.join(dir, `${bench}-${new Date().toISOString().slice(0, 10)}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  const json = JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v), 2);
  await writeFile(file, `${json}\n`);
  return file;
}
