// One server per data directory. On Linux the lock is an abstract-namespace socket named after
// the directory's real path: the kernel releases it when its process dies, kill -9 included,
// so there is never a stale lock. Elsewhere a pid file created exclusively is the fallback.
// Either way `meerkat.lock` in the directory names the owner's pid for operators.
import { createHash } from 'node:crypto';
import { open, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const lockFileName = 'meerkat.lock';

export interface DataDirLock {
  release(): Promise<void>;
}

async function ownerPid(path: string): Promise<string> {
  return (await readFile(path, 'utf8').catch(() => '?')).trim();
}

async function lockWithAbstractSocket(dir: string, pidFile: string): Promise<DataDirLock> {
  const key = createHash('sha1')
    .update(await realpath(dir))
    .digest('hex');
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path: `\0meerkat-data-dir-${key}` }, () => resolve());
  }).catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const owner = await ownerPid(pidFile);
    throw new Error(`data directory ${dir} is in use by another server (pid ${owner})`, {
      cause: error,
    });
  });
  server.unref();
  await writeFile(pidFile, `${process.pid}\n`);
  return {
    release: async () => {
      await rm(pidFile, { force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function lockWithPidFile(dir: string, pidFile: string): Promise<DataDirLock> {
  try {
    const handle = await open(pidFile, 'wx');
    await handle.writeFile(`${process.pid}\n`);
    await handle.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = await ownerPid(pidFile);
    throw new Error(
      `data directory ${dir} is in use by another server (pid ${owner}); ` +
        `if that process is gone, remove ${pidFile}`,
      { cause: error },
    );
  }
  return { release: () => rm(pidFile, { force: true }) };
}

export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const pidFile = join(dir, lockFileName);
  return process.platform === 'linux'
    ? lockWithAbstractSocket(dir, pidFile)
    : lockWithPidFile(dir, pidFile);
}
