// The command-line options `npm run bench` and `npm run bench:compare` share.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { allWorkloads, type LoadOptions, type WorkloadName } from './workloads.ts';

export const loadFlags = {
  workloads: { type: 'string', default: allWorkloads.join(',') },
  'warmup-s': { type: 'string', default: '2' },
  'duration-s': { type: 'string', default: '5' },
  sessions: { type: 'string', default: '8' },
  depth: { type: 'string', default: '32' },
  keys: { type: 'string', default: '10000' },
  'data-bytes': { type: 'string', default: '100' },
  connects: { type: 'string', default: '500' },
  'fanout-sessions': { type: 'string', default: '200' },
  'fanout-rounds': { type: 'string', default: '50' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const loadFlagsHelp = `Load options (defaults in brackets):
  --workloads a,b,...     [${allWorkloads.join(',')}]
  --warmup-s N            warm-up before each measured window [2]
  --duration-s N          measured window per workload [5]
  --sessions S --depth C  sessions x outstanding requests of the parallel workloads [8 x 32]
  --keys N                znodes that get/set/mixed pick from [10000]
  --data-bytes N          znode data size [100]
  --connects N            'connect' opens and closes at least N sessions, and goes on
                          for the whole measured window [500]
  --fanout-sessions N     watchers in 'watch-fanout' [200]
  --fanout-rounds N       'watch-fanout' runs at least N setData rounds, and goes on
                          for the whole measured window [50]
  --out FILE              JSON results (default bench/results/<bench>-<date>.json)
`;

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number`);
  return n;
}

export type LoadFlagValues = {
  [K in keyof typeof loadFlags]?: (typeof loadFlags)[K]['type'] extends 'boolean'
    ? boolean
    : string;
};

export function workloadsFrom(values: LoadFlagValues): WorkloadName[] {
  const names = (values.workloads ?? '').split(',').filter((n) => n !== '');
  for (const name of names) {
    if (!(allWorkloads as readonly string[]).includes(name)) {
      throw new Error(
        `--workloads: unknown workload '${name}' (known: ${allWorkloads.join(', ')})`,
      );
    }
  }
  return names as WorkloadName[];
}

export function loadOptionsFrom(
  values: LoadFlagValues,
  connectString: string,
  runId: string,
): LoadOptions {
  type NumberFlag = Exclude<keyof typeof loadFlags, 'workloads' | 'out' | 'help'>;
  const get = (name: NumberFlag): number => positive(name, values[name] ?? loadFlags[name].default);
  return {
    connectString,
    runId,
    warmupMs: get('warmup-s') * 1000,
    durationMs: get('duration-s') * 1000,
    sessions: Math.round(get('sessions')),
    depth: Math.round(get('depth')),
    keys: Math.round(get('keys')),
    dataBytes: Math.round(get('data-bytes')),
    connects: Math.round(get('connects')),
    fanoutSessions: Math.round(get('fanout-sessions')),
    fanoutRounds: Math.round(get('fanout-rounds')),
  };
}

/** The load flags plus a command's own string flags. */
export function parseBenchArgs<K extends string>(
  extra: Record<K, { type: 'string'; default?: string }>,
): LoadFlagValues & Partial<Record<K, string>> {
  const { values } = parseArgs({ options: { ...loadFlags, ...extra }, strict: true });
  return values;
}
