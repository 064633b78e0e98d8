// Apache ZooKeeper's zoo.cfg (java.util.Properties syntax) and CLI options -> frozen ServerConfig.
// Defaults and meanings follow Apache ZooKeeper 3.8. The parser does no I/O; loadZooCfgFile does.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { juteMaxBufferBytesDefault } from '../core/limits.ts';
import { parseProperties } from './config-properties.ts';

/** Thrown for an invalid configuration; the message names the key and the value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  /** The offending zoo.cfg key (or option name), when one key is to blame. */
  readonly key: string | undefined;
  constructor(message: string, key?: string, options?: ErrorOptions) {
    super(message, options);
    this.key = key;
  }
}

export type PeerRole = 'participant' | 'observer';

/** One `server.N=host:quorumPort:electionPort[:role][;[clientAddress:]clientPort]` line. */
export interface QuorumServerSpec {
  /** The N of `server.N` (the server's myid). */
  readonly id: number;
  /** Host name or IP (IPv6 given as `[addr]` in zoo.cfg, stored without brackets). */
  readonly host: string;
  /** Port followers use to talk to the leader. */
  readonly quorumPort: number;
  /** Port used for leader election. */
  readonly electionPort: number;
  /** `participant` (default) or `observer`. */
  readonly role: PeerRole;
  /** Client address after the `;`, when given. */
  readonly clientAddress?: string;
  /** Client port after the `;`, when given. */
  readonly clientPort?: number;
}

export interface AdminServerConfig {
  /** admin.enableServer: run the embedded HTTP admin server (default true). */
  readonly enableServer: boolean;
  /** admin.serverAddress: address the admin server binds (default 0.0.0.0). */
  readonly serverAddress: string;
  /** admin.serverPort: admin server port (default 8080). */
  readonly serverPort: number;
  /** admin.commandURL: URL path of the command endpoint (default /commands). */
  readonly commandUrl: string;
}

export interface AutopurgeConfig {
  /** autopurge.snapRetainCount: snapshots kept by purge (default 3; lower values become 3). */
  readonly snapRetainCount: number;
  /** autopurge.purgeInterval: hours between purges; 0 = purging off (default 0). */
  readonly purgeIntervalHours: number;
}

/** Enabled four-letter words; `srvr` is always enabled, as in Apache. */
export type FourLetterWordWhitelist = ReadonlySet<string> | 'all';

export interface ServerConfig {
  /** tickTime: the basic time unit in ms (default 3000). */
  readonly tickTimeMs: number;
  /** clientPort: TCP port for clients (default 2181). */
  readonly clientPort: number;
  /** clientPortAddress: address to listen on; undefined = unspecified (Apache: all). */
  readonly clientPortAddress?: string;
  /** secureClientPort: TLS client port; stored only, undefined = none. */
  readonly secureClientPort?: number;
  /** clientPortListenBacklog: listen backlog; -1 = OS default (default -1). */
  readonly clientPortListenBacklog: number;
  /** dataDir: snapshot directory, as given (relative paths resolve against the cwd). */
  readonly dataDir: string;
  /** dataLogDir: transaction log directory (default: dataDir). */
  readonly dataLogDir: string;
  /** maxClientCnxns: connections per client IP; 0 = unlimited (default 60). */
  readonly maxClientCnxns: number;
  /** maxCnxns: total client connections; 0 = unlimited (default 0). */
  readonly maxCnxns: number;
  /** minSessionTimeout: lowest negotiated session timeout in ms (default 2 * tickTime). */
  readonly minSessionTimeoutMs: number;
  /** maxSessionTimeout: highest negotiated session timeout in ms (default 20 * tickTime). */
  readonly maxSessionTimeoutMs: number;
  /** initLimit: ticks a follower may take to sync with the leader (quorum only). */
  readonly initLimit?: number;
  /** syncLimit: ticks a follower may lag the leader (quorum only). */
  readonly syncLimit?: number;
  /** electionAlg: leader election algorithm (default 3). */
  readonly electionAlg: number;
  /** peerType: this server's role in a quorum (default participant). */
  readonly peerType: PeerRole;
  /** snapCount: transactions between snapshots (default 100000). */
  readonly snapCount: number;
  /** preAllocSize: transaction log preallocation block in KB (default 65536). */
  readonly preAllocSizeKb: number;
  /** forceSync: fsync the transaction log before acknowledging (yes/no, default yes). */
  readonly forceSync: boolean;
  /** globalOutstandingLimit: queued requests before throttling (default 1000). */
  readonly globalOutstandingLimit: number;
  /** 4lw.commands.whitelist: enabled four-letter words (default srvr; `*` = all). */
  readonly fourLetterWordWhitelist: FourLetterWordWhitelist;
  /** extendedTypesEnabled: allow TTL nodes (default false). */
  readonly extendedTypesEnabled: boolean;
  /** jute.maxbuffer: largest request or znode data in bytes (default 0xfffff). */
  readonly juteMaxBufferBytes: number;
  /** znode.container.checkIntervalMs: container/TTL sweep interval in ms (default 60000). */
  readonly containerCheckIntervalMs: number;
  /** znode.container.maxPerMinute: containers deleted per minute at most (default 10000). */
  readonly containerMaxPerMinute: number;
  /** znode.container.maxNeverUsedIntervalMs: age to delete never-used containers; 0 = never. */
  readonly containerMaxNeverUsedIntervalMs: number;
  /** admin.*: the HTTP admin server. */
  readonly admin: AdminServerConfig;
  /** autopurge.*: background purge of old snapshots and logs. */
  readonly autopurge: AutopurgeConfig;
  /** standaloneEnabled: allow a one-server ensemble to run standalone (default true). */
  readonly standaloneEnabled: boolean;
  /** reconfigEnabled: allow dynamic reconfiguration (default false). */
  readonly reconfigEnabled: boolean;
  /** skipACL: skip all ACL checks (yes/no, default no). */
  readonly skipAcl: boolean;
  /** quorumListenOnAllIPs: quorum/election ports listen on all addresses (default false). */
  readonly quorumListenOnAllIps: boolean;
  /** localSessionsEnabled: sessions local to one server (default false). */
  readonly localSessionsEnabled: boolean;
  /** localSessionsUpgradingEnabled: upgrade local sessions on ephemeral create (default false). */
  readonly localSessionsUpgradingEnabled: boolean;
  /** server.N lines, in file order. */
  readonly servers: readonly QuorumServerSpec[];
  /** superDigest or zookeeper.DigestAuthenticationProvider.superDigest: `super:<digest>`. */
  readonly superDigest?: string;
  /** Every zoo.cfg key with its trimmed value, as given (empty for CLI options). */
  readonly raw: ReadonlyMap<string, string>;
}

type Loose<T> = { readonly [K in keyof T]?: T[K] | undefined };
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** ServerConfig fields for CLI use; anything absent or undefined takes its default. */
export type ServerConfigInput = Loose<
  Omit<ServerConfig, 'admin' | 'autopurge' | 'fourLetterWordWhitelist'>
> & {
  readonly admin?: Loose<AdminServerConfig> | undefined;
  readonly autopurge?: Loose<AutopurgeConfig> | undefined;
  readonly fourLetterWordWhitelist?: readonly string[] | ReadonlySet<string> | 'all' | undefined;
};

export interface ParsedZooCfg {
  readonly config: ServerConfig;
  /** Unknown or duplicate keys and clamped values, one sentence each. */
  readonly warnings: string[];
}

/** dataDir used when CLI options give none (Apache has no default; a file must set it). */
export const defaultDataDir = './data';

// ---- value kinds: each checks a zoo.cfg string and a typed CLI option the same way ----

const int32Max = 2_147_483_647;
interface IntRule {
  readonly min: number;
  readonly max: number;
  readonly expected: string;
  readonly hex?: boolean;
}
const positive: IntRule = { min: 1, max: int32Max, expected: 'a positive integer' };
const nonNegative: IntRule = { min: 0, max: int32Max, expected: 'a non-negative integer' };
const anyInt: IntRule = { min: -int32Max - 1, max: int32Max, expected: 'an integer' };
const port: IntRule = { min: 0, max: 65_535, expected: 'a port number 0..65535' };
const bytes: IntRule = { ...positive, hex: true };
/** -1 means "the default", as in Apache. */
const timeout: IntRule = { min: -1, max: int32Max, expected: 'a positive integer or -1' };

function intSchema(rule: IntRule) {
  const error = rule.expected;
  return z
    .number({ error })
    .int({ error })
    .min(rule.min, { error })
    .max(rule.max, { error })
    .refine((n) => n !== 0 || rule !== timeout, { error });
}
const nonEmpty = z.string({ error: 'a non-empty string' }).min(1, { error: 'a non-empty string' });
const roleSchema = z.enum(['participant', 'observer'], { error: 'participant or observer' });
const booleanSchema = z.boolean({ error: 'true or false' });
const digestError = { error: 'user:digest' };
const digestSchema = z.string(digestError).regex(/^[^:]+:.+$/, digestError);

/** How one kind of value is checked: as zoo.cfg text, and as a typed CLI option. */
interface KindSchemas {
  readonly text: z.ZodType<unknown, string>;
  readonly value: z.ZodType;
  readonly expected: string;
}
const kinds = (text: z.ZodType<unknown, string>, value: z.ZodType, expected: string) => ({
  text,
  value,
  expected,
});
const namedKinds = {
  bool: kinds(z.stringbool({ truthy: ['true'], falsy: ['false'] }), booleanSchema, 'true or false'),
  yesNo: kinds(z.stringbool({ truthy: ['yes'], falsy: ['no'] }), booleanSchema, 'yes or no'),
  text: kinds(nonEmpty, nonEmpty, 'a non-empty value'),
  role: kinds(z.string().toLowerCase().pipe(roleSchema), roleSchema, 'participant or observer'),
  digest: kinds(digestSchema, digestSchema, 'user:digest'),
} satisfies Record<string, KindSchemas>;
type Kind = IntRule | keyof typeof namedKinds;

/** Integer.parseInt syntax (plus 0x hex where Apache uses Integer.decode). */
function javaInt(text: string): number {
  return (/^0x/i.test(text) ? parseInt(text.slice(2), 16) : parseInt(text, 10)) + 0;
}

const intKinds = new Map<IntRule, KindSchemas>();
function kindSchemas(kind: Kind): KindSchemas {
  if (typeof kind === 'string') return namedKinds[kind];
  const cached = intKinds.get(kind);
  if (cached !== undefined) return cached;
  const syntax = kind.hex === true ? /^([+-]?[0-9]+|0[xX][0-9a-fA-F]+)$/ : /^[+-]?[0-9]+$/;
  const value = intSchema(kind);
  const made = kinds(z.string().regex(syntax).transform(javaInt).pipe(value), value, kind.expected);
  intKinds.set(kind, made);
  return made;
}

type FieldPath =
  | Exclude<keyof ServerConfigInput, 'admin' | 'autopurge'>
  | `admin.${keyof AdminServerConfig}`
  | `autopurge.${keyof AutopurgeConfig}`;

/** zoo.cfg key -> [ServerConfigInput field, kind]. */
const scalarKeys: ReadonlyMap<string, readonly [FieldPath, Kind]> = new Map([
  ['tickTime', ['tickTimeMs', positive]],
  ['clientPort', ['clientPort', port]],
  ['clientPortAddress', ['clientPortAddress', 'text']],
  ['secureClientPort', ['secureClientPort', port]],
  ['clientPortListenBacklog', ['clientPortListenBacklog', anyInt]],
  ['dataDir', ['dataDir', 'text']],
  ['dataLogDir', ['dataLogDir', 'text']],
  ['maxClientCnxns', ['maxClientCnxns', nonNegative]],
  ['maxCnxns', ['maxCnxns', nonNegative]],
  ['minSessionTimeout', ['minSessionTimeoutMs', timeout]],
  ['maxSessionTimeout', ['maxSessionTimeoutMs', timeout]],
  ['initLimit', ['initLimit', positive]],
  ['syncLimit', ['syncLimit', positive]],
  ['electionAlg', ['electionAlg', nonNegative]],
  ['peerType', ['peerType', 'role']],
  ['snapCount', ['snapCount', positive]],
  ['preAllocSize', ['preAllocSizeKb', positive]],
  ['forceSync', ['forceSync', 'yesNo']],
  ['globalOutstandingLimit', ['globalOutstandingLimit', positive]],
  ['extendedTypesEnabled', ['extendedTypesEnabled', 'bool']],
  ['jute.maxbuffer', ['juteMaxBufferBytes', bytes]],
  ['znode.container.checkIntervalMs', ['containerCheckIntervalMs', positive]],
  ['znode.container.maxPerMinute', ['containerMaxPerMinute', positive]],
  ['znode.container.maxNeverUsedIntervalMs', ['containerMaxNeverUsedIntervalMs', nonNegative]],
  ['admin.enableServer', ['admin.enableServer', 'bool']],
  ['admin.serverAddress', ['admin.serverAddress', 'text']],
  ['admin.serverPort', ['admin.serverPort', port]],
  ['admin.commandURL', ['admin.commandUrl', 'text']],
  ['autopurge.snapRetainCount', ['autopurge.snapRetainCount', anyInt]],
  ['autopurge.purgeInterval', ['autopurge.purgeIntervalHours', anyInt]],
  ['standaloneEnabled', ['standaloneEnabled', 'bool']],
  ['reconfigEnabled', ['reconfigEnabled', 'bool']],
  ['skipACL', ['skipAcl', 'yesNo']],
  ['quorumListenOnAllIPs', ['quorumListenOnAllIps', 'bool']],
  ['localSessionsEnabled', ['localSessionsEnabled', 'bool']],
  ['localSessionsUpgradingEnabled', ['localSessionsUpgradingEnabled', 'bool']],
  ['superDigest', ['superDigest', 'digest']],
  ['zookeeper.DigestAuthenticationProvider.superDigest', ['superDigest', 'digest']],
] as const);

/** Known keys Meerkat does not act on: kept in `raw`, no warning. */
const rawOnlyKeys = new Set([
  'dynamicConfigFile',
  'secureClientPortAddress',
  'sslQuorum',
  'portUnification',
  'serverCnxnFactory',
]);
const rawOnlyPattern = /^(ssl\.|metricsProvider\.|(group|weight)\.[0-9]+$)/;

const serverSchema = z.object({
  id: intSchema(nonNegative),
  host: nonEmpty.regex(/^[^\s|]+$/, { error: 'a host name without spaces or |' }),
  quorumPort: intSchema(port),
  electionPort: intSchema(port),
  role: roleSchema,
  clientAddress: nonEmpty.optional(),
  clientPort: intSchema(port).optional(),
});

function buildInputSchema() {
  const groups: Record<string, Record<string, z.ZodType>> = { '': {}, admin: {}, autopurge: {} };
  for (const [path, kind] of scalarKeys.values()) {
    const [group, field] = path.includes('.') ? path.split('.') : ['', path];
    const target = groups[group ?? ''];
    if (target !== undefined && field !== undefined) {
      target[field] = kindSchemas(kind).value.optional();
    }
  }
  const listError = { error: '"all" or a list of command names' };
  return z.object({
    ...groups[''],
    admin: z.object(groups['admin'] ?? {}).optional(),
    autopurge: z.object(groups['autopurge'] ?? {}).optional(),
    fourLetterWordWhitelist: z
      .union([z.literal('all'), z.array(z.string()), z.set(z.string())], listError)
      .optional(),
    servers: z.array(serverSchema).optional(),
    raw: z.map(z.string(), z.string(), { error: 'a Map of strings' }).optional(),
  });
}
const inputSchema = buildInputSchema();

function validateInput(input: ServerConfigInput, source: string): void {
  const result = inputSchema.safeParse(input);
  if (result.success) return;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  let value: unknown = input;
  for (const step of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[step];
  const shown = value instanceof Set ? [...(value as Set<unknown>)] : value;
  const name = path.map(String).join('.');
  throw new ConfigError(
    `${source}: invalid value for ${name}: ${JSON.stringify(shown) ?? String(shown)}` +
      ` (expected ${issue?.message ?? 'a valid value'})`,
    name,
  );
}

// ---- zoo.cfg ----

type Draft = Record<string, unknown> & {
  admin: Record<string, unknown>;
  autopurge: Record<string, unknown>;
  servers: QuorumServerSpec[];
};

function invalidValue(source: string, key: string, value: string, expected: string): ConfigError {
  const shown = JSON.stringify(value);
  const message = `${source}: invalid value for ${key}: ${shown} (expected ${expected})`;
  return new ConfigError(message, key);
}

const serverFormat =
  'host:quorumPort:electionPort[:participant|observer][;[clientAddress:]clientPort]';

function portOf(text: string | undefined): number | undefined {
  return text !== undefined && /^[0-9]{1,5}$/.test(text) ? Number(text) : undefined;
}

/** server.N=host:quorumPort:electionPort[:role][;[clientAddress:]clientPort]; [v6] hosts. */
function parseServer(id: number, value: string): QuorumServerSpec | undefined {
  const [serverPart = '', clientPart, extra] = value.split(';');
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(serverPart.trim());
  const [host = '', ...parts] =
    v6 === null ? serverPart.trim().split(':') : [v6[1], ...(v6[2] ?? '').split(':')];
  const [quorumPort, electionPort, role = 'participant', ...more] = parts;
  if (extra !== undefined || more.length > 0) return undefined;
  const candidate: Record<string, unknown> = {
    id,
    host,
    quorumPort: portOf(quorumPort),
    electionPort: portOf(electionPort),
    role: role.toLowerCase(),
  };
  if (clientPart !== undefined) {
    const client = clientPart.trim();
    const colon = client.lastIndexOf(':');
    candidate['clientPort'] = portOf(client.slice(colon + 1)) ?? -1; // -1 fails validation
    if (colon >= 0) candidate['clientAddress'] = client.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  }
  const result = serverSchema.safeParse(candidate);
  return result.success ? (result.data as QuorumServerSpec) : undefined;
}

function applyKey(draft: Draft, key: string, value: string, source: string): boolean {
  const scalar = scalarKeys.get(key);
  if (scalar !== undefined) {
    const [path, kind] = scalar;
    const schemas = kindSchemas(kind);
    const result = schemas.text.safeParse(value);
    if (!result.success) throw invalidValue(source, key, value, schemas.expected);
    const [group, field] = path.split('.');
    if (field === undefined) (draft as Record<string, unknown>)[path] = result.data;
    else if (group === 'admin' || group === 'autopurge') draft[group][field] = result.data;
  } else if (key === '4lw.commands.whitelist') {
    const names = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    draft['fourLetterWordWhitelist'] = names.includes('*') ? 'all' : names;
  } else if (key.startsWith('server.')) {
    const idText = key.slice('server.'.length);
    const id = /^[0-9]{1,10}$/.test(idText) ? Number(idText) : -1;
    if (id < 0 || id > int32Max) throw invalidValue(source, key, value, 'server.N with N >= 0');
    const server = parseServer(id, value);
    if (server === undefined) throw invalidValue(source, key, value, serverFormat);
    draft.servers.push(server);
  } else {
    return rawOnlyKeys.has(key) || rawOnlyPattern.test(key);
  }
  return true;
}

/** Parses zoo.cfg text; throws ConfigError naming the key and value of the first bad entry. */
export function parseZooCfg(text: string, options: { sourceName: string }): ParsedZooCfg {
  const source = options.sourceName;
  const warnings: string[] = [];
  const raw = new Map<string, string>();
  for (const [key, value] of parseProperties(text)) {
    if (raw.has(key)) warnings.push(`duplicate configuration key "${key}" (last value wins)`);
    raw.set(key, value);
  }
  const draft: Draft = { admin: {}, autopurge: {}, servers: [], raw };
  for (const [key, value] of raw) {
    if (!applyKey(draft, key, value, source)) {
      warnings.push(`unknown configuration key "${key}" (ignored)`);
    }
  }
  if (draft['dataDir'] === undefined) {
    throw new ConfigError(`${source}: dataDir is not set`, 'dataDir');
  }
  const config = buildConfig(draft, source, warnings);
  return { config, warnings };
}

/** Reads and parses a zoo.cfg file. Relative dataDir/dataLogDir stay as given (cwd-relative). */
export async function loadZooCfgFile(path: string): Promise<ParsedZooCfg> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const message = `${path}: cannot read configuration file: ${reason}`;
    throw new ConfigError(message, undefined, { cause });
  }
  return parseZooCfg(text, { sourceName: path });
}

// ---- defaults and cross-field rules ----

/**
 * Applies defaults to CLI options, on top of `base` (e.g. a loaded zoo.cfg) when given: defined
 * options win. Throws ConfigError for invalid values.
 */
export function configFromOptions(partial: ServerConfigInput, base?: ServerConfig): ServerConfig {
  const input = base === undefined ? partial : overlay(baseInput(base), partial);
  return buildConfig(input, 'options', []);
}

/** A config back as input; values still equal to their derivation are left to re-derive. */
function baseInput(base: ServerConfig): ServerConfigInput {
  const { dataLogDir, minSessionTimeoutMs, maxSessionTimeoutMs, ...rest } = base;
  return {
    ...rest,
    ...(dataLogDir === base.dataDir ? {} : { dataLogDir }),
    ...(minSessionTimeoutMs === 2 * base.tickTimeMs ? {} : { minSessionTimeoutMs }),
    ...(maxSessionTimeoutMs === 20 * base.tickTimeMs ? {} : { maxSessionTimeoutMs }),
  };
}

function overlay(base: ServerConfigInput, top: ServerConfigInput): ServerConfigInput {
  const defined = <T extends object>(o: T | undefined): Partial<T> =>
    Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    ...base,
    ...defined(top),
    admin: { ...base.admin, ...defined(top.admin) },
    autopurge: { ...base.autopurge, ...defined(top.autopurge) },
  };
}

function sessionTimeouts(input: ServerConfigInput, tickTimeMs: number, source: string) {
  const given = (ms: number | undefined, ticks: number) =>
    ms === undefined || ms === -1 ? ticks * tickTimeMs : ms;
  const min = given(input.minSessionTimeoutMs, 2);
  const max = given(input.maxSessionTimeoutMs, 20);
  if (min > max) {
    throw new ConfigError(
      `${source}: minSessionTimeout (${min}) must not be larger than maxSessionTimeout (${max})`,
      'minSessionTimeout',
    );
  }
  return { min, max };
}

function whitelist(input: ServerConfigInput['fourLetterWordWhitelist']): FourLetterWordWhitelist {
  return input === 'all' ? 'all' : new Set([...(input ?? []), 'srvr']); // srvr: always on
}

function buildConfig(input: ServerConfigInput, source: string, warnings: string[]): ServerConfig {
  validateInput(input, source);
  const tickTimeMs = input.tickTimeMs ?? 3000;
  const sessions = sessionTimeouts(input, tickTimeMs, source);
  let snapRetainCount = input.autopurge?.snapRetainCount ?? 3;
  if (snapRetainCount < 3) {
    warnings.push(`invalid autopurge.snapRetainCount: ${snapRetainCount} (using 3)`);
    snapRetainCount = 3;
  }
  const dataDir = input.dataDir ?? defaultDataDir;
  const config: Mutable<ServerConfig> = {
    tickTimeMs,
    clientPort: input.clientPort ?? 2181,
    clientPortListenBacklog: input.clientPortListenBacklog ?? -1,
    dataDir,
    dataLogDir: input.dataLogDir ?? dataDir,
    maxClientCnxns: input.maxClientCnxns ?? 60,
    maxCnxns: input.maxCnxns ?? 0,
    minSessionTimeoutMs: sessions.min,
    maxSessionTimeoutMs: sessions.max,
    electionAlg: input.electionAlg ?? 3,
    peerType: input.peerType ?? 'participant',
    snapCount: input.snapCount ?? 100_000,
    preAllocSizeKb: input.preAllocSizeKb ?? 65_536,
    forceSync: input.forceSync ?? true,
    globalOutstandingLimit: input.globalOutstandingLimit ?? 1000,
    fourLetterWordWhitelist: whitelist(input.fourLetterWordWhitelist),
    extendedTypesEnabled: input.extendedTypesEnabled ?? false,
    juteMaxBufferBytes: input.juteMaxBufferBytes ?? juteMaxBufferBytesDefault,
    containerCheckIntervalMs: input.containerCheckIntervalMs ?? 60_000,
    containerMaxPerMinute: input.containerMaxPerMinute ?? 10_000,
    containerMaxNeverUsedIntervalMs: input.containerMaxNeverUsedIntervalMs ?? 0,
    admin: Object.freeze({
      enableServer: input.admin?.enableServer ?? true,
      serverAddress: input.admin?.serverAddress ?? '0.0.0.0',
      serverPort: input.admin?.serverPort ?? 8080,
      commandUrl: input.admin?.commandUrl ?? '/commands',
    }),
    autopurge: Object.freeze({
      snapRetainCount,
      purgeIntervalHours: Math.max(0, input.autopurge?.purgeIntervalHours ?? 0),
    }),
    standaloneEnabled: input.standaloneEnabled ?? true,
    reconfigEnabled: input.reconfigEnabled ?? false,
    skipAcl: input.skipAcl ?? false,
    quorumListenOnAllIps: input.quorumListenOnAllIps ?? false,
    localSessionsEnabled: input.localSessionsEnabled ?? false,
    localSessionsUpgradingEnabled: input.localSessionsUpgradingEnabled ?? false,
    servers: Object.freeze((input.servers ?? []).map((s) => Object.freeze({ ...s }))),
    raw: new Map(input.raw ?? []),
  };
  if (input.clientPortAddress !== undefined) config.clientPortAddress = input.clientPortAddress;
  if (input.secureClientPort !== undefined) config.secureClientPort = input.secureClientPort;
  if (input.initLimit !== undefined) config.initLimit = input.initLimit;
  if (input.syncLimit !== undefined) config.syncLimit = input.syncLimit;
  if (input.superDigest !== undefined) config.superDigest = input.superDigest;
  return Object.freeze(config);
}

/** Every default; dataDir is defaultDataDir. */
export const defaultServerConfig: ServerConfig = configFromOptions({});
