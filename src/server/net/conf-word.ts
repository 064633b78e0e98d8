// The `conf` four-letter word: the configuration as Apache 3.8 prints it.
import type { ServerConfig } from '../config.ts';

export interface ConfWordOptions {
  /** Bytes in dataDir/version-2 (sum of file sizes), as `dirs` reports. */
  readonly dataDirSizeBytes: number;
  /** Bytes in dataLogDir/version-2. */
  readonly dataLogSizeBytes: number;
  /** Directory relative paths resolve against (default process.cwd()). */
  readonly cwd?: string;
}

/** java.io.File#getAbsolutePath: joins to cwd, collapses `//`, drops a trailing `/`, keeps `.`. */
function javaAbsolutePath(path: string, cwd: string): string {
  const tidy = (p: string) => p.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  const p = tidy(path);
  if (p.startsWith('/')) return p;
  const base = tidy(cwd);
  return p === '' ? base : `${base === '/' ? '' : base}/${p}`;
}

/** Text of `conf` exactly as Apache 3.8 prints it for a standalone server (serverId=0). */
export function renderConfForFourLetterWord(
  config: ServerConfig,
  options: ConfWordOptions,
): string {
  const cwd = options.cwd ?? process.cwd();
  const versioned = (dir: string) => {
    const abs = javaAbsolutePath(dir, cwd);
    return `${abs === '/' ? '' : abs}/version-2`;
  };
  const lines = [
    `clientPort=${config.clientPort}`,
    `secureClientPort=${config.secureClientPort ?? -1}`,
    `dataDir=${versioned(config.dataDir)}`,
    `dataDirSize=${options.dataDirSizeBytes}`,
    `dataLogDir=${versioned(config.dataLogDir)}`,
    `dataLogSize=${options.dataLogSizeBytes}`,
    `tickTime=${config.tickTimeMs}`,
    `maxClientCnxns=${config.maxClientCnxns}`,
    `minSessionTimeout=${config.minSessionTimeoutMs}`,
    `maxSessionTimeout=${config.maxSessionTimeoutMs}`,
    `clientPortListenBacklog=${config.clientPortListenBacklog}`,
    'serverId=0',
  ];
  return lines.map((line) => `${line}\n`).join('');
}
