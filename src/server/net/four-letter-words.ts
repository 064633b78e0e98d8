// Four-letter words on the client port, with Apache's output formats (monitoring tools and
// `zkServer.sh status` parse them). Commands outside `4lw.commands.whitelist` get Apache's
// refusal line.
import { cpus, freemem, hostname, totalmem, type, release, arch, userInfo } from 'node:os';
import type { Connection } from './connection.ts';
import type { RequestProcessor } from '../pipeline/request-processor.ts';
import { fullVersion, versionLine } from '../version.ts';

export const fourLetterWordNames = [
  'ruok',
  'srvr',
  'stat',
  'mntr',
  'conf',
  'cons',
  'crst',
  'srst',
  'envi',
  'wchs',
  'wchc',
  'wchp',
  'dump',
  'isro',
  'dirs',
  'gtmk',
  'stmk',
  'hash',
] as const;

const codes = new Map<number, string>(
  fourLetterWordNames.map((name) => [Buffer.from(name, 'ascii').readInt32BE(0), name]),
);

export interface FourLetterWordContext {
  readonly processor: RequestProcessor;
  readonly connections: () => Iterable<Connection>;
  readonly whitelist: ReadonlySet<string> | 'all';
  readonly conf: () => string;
  readonly dirs: () => string;
  readonly startedAtMs: number;
  readonly maxFileDescriptors: number;
}

export function fourLetterWordName(code: number): string | undefined {
  return codes.get(code);
}

const hex = (n: bigint): string => `0x${BigInt.asUintN(64, n).toString(16)}`;

function latencyLine(ctx: FourLetterWordContext): string {
  const { min, avg, max } = ctx.processor.stats.latency;
  return `Latency min/avg/max: ${min}/${javaDouble(avg)}/${max}\n`;
}

/** Java's Double.toString for the values we print (always shows a fraction). */
export function javaDouble(value: number): string {
  if (Number.isInteger(value)) return `${value}.0`;
  return String(Math.round(value * 10000) / 10000);
}

function summary(ctx: FourLetterWordContext, withClients: boolean): string {
  const processor = ctx.processor;
  const connections = [...ctx.connections()];
  let out = `Zookeeper version: ${versionLine}\n`;
  if (withClients) {
    out += 'Clients:\n';
    for (const c of connections) out += `${briefConnection(c)}\n`;
    out += '\n';
  }
  out += latencyLine(ctx);
  out += `Received: ${processor.stats.packetsReceived}\n`;
  out += `Sent: ${processor.stats.packetsSent}\n`;
  out += `Connections: ${connections.length}\n`;
  out += `Outstanding: ${processor.outstanding}\n`;
  out += `Zxid: ${hex(processor.state.lastAppliedZxid)}\n`;
  out += 'Mode: standalone\n';
  out += `Node count: ${processor.state.tree.nodeCount}\n`;
  return out;
}

function connectionCounters(c: Connection): string {
  const address = ` /${c.remoteAddress}:${c.remotePort}[${c.sessionId === undefined ? 0 : 1}]`;
  return `${address}(queued=${c.queuedRequests},recved=${c.packetsReceived},sent=${c.packetsSent}`;
}

function briefConnection(c: Connection): string {
  return `${connectionCounters(c)})`;
}

function fullConnection(c: Connection, processor: RequestProcessor): string {
  const base = connectionCounters(c);
  const sid = c.sessionId;
  if (sid === undefined) return `${base})`;
  const session = processor.state.sessions.get(sid);
  const link = c.link;
  return (
    `${base},sid=${hex(sid)},lop=${opName(link.lastOpcode)},est=${c.establishedAtMs},` +
    `to=${session?.timeoutMs ?? 0},lcxid=0x${(link.lastCxid >>> 0).toString(16)},` +
    `lzxid=${hex(link.lastZxid)},lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)`
  );
}

const opNames: Record<number, string> = {
  [-10]: 'SESS',
  1: 'CREA',
  2: 'DELE',
  5: 'SETD',
  4: 'GETD',
  3: 'EXIS',
  8: 'GETC',
  12: 'GETC',
  6: 'GETA',
  7: 'SETA',
  14: 'MULT',
  22: 'MLTR',
  9: 'SYNC',
  11: 'PING',
  101: 'SETW',
  105: 'STW2',
  106: 'ADDW',
  17: 'CHKW',
  18: 'REMW',
  13: 'CHEC',
  16: 'RECO',
  [-11]: 'CLOS',
  103: 'GETE',
  104: 'GETACN',
  107: 'HOMI',
  15: 'CREA',
  19: 'CREA',
  21: 'CREA',
};

function opName(opcode: number): string {
  return opNames[opcode] ?? 'NA';
}

function monitor(ctx: FourLetterWordContext): string {
  const p = ctx.processor;
  const { min, avg, max } = p.stats.latency;
  const connections = [...ctx.connections()].length;
  let ephemerals = 0;
  for (const paths of p.state.tree.sessionsWithEphemerals().values()) ephemerals += paths.size;
  const rows: [string, string | number][] = [
    ['zk_version', versionLine],
    ['zk_server_state', 'standalone'],
    ['zk_avg_latency', javaDouble(avg)],
    ['zk_max_latency', max],
    ['zk_min_latency', min],
    ['zk_packets_received', p.stats.packetsReceived],
    ['zk_packets_sent', p.stats.packetsSent],
    ['zk_num_alive_connections', connections],
    ['zk_outstanding_requests', p.outstanding],
    ['zk_uptime', Date.now() - ctx.startedAtMs],
    ['zk_znode_count', p.state.tree.nodeCount],
    ['zk_watch_count', p.state.watches.watchCount()],
    ['zk_ephemerals_count', ephemerals],
    ['zk_approximate_data_size', p.state.tree.approximateDataSize],
    ['zk_global_sessions', p.state.sessions.size],
    ['zk_local_sessions', 0],
    ['zk_max_file_descriptor_count', ctx.maxFileDescriptors],
  ];
  return rows.map(([key, value]) => `${key}\t${value}\n`).join('');
}

function environment(): string {
  const user = userInfo();
  const rows: [string, string | number][] = [
    ['zookeeper.version', versionLine],
    ['host.name', hostname()],
    ['java.version', `node ${process.version}`],
    ['java.vendor', 'Meerkat'],
    ['java.home', process.execPath],
    ['java.class.path', process.argv[1] ?? ''],
    ['java.library.path', ''],
    ['java.io.tmpdir', process.env['TMPDIR'] ?? '/tmp'],
    ['java.compiler', '<NA>'],
    ['os.name', type()],
    ['os.arch', arch()],
    ['os.version', release()],
    ['user.name', user.username],
    ['user.home', user.homedir],
    ['user.dir', process.cwd()],
    ['os.memory.free', `${Math.floor(freemem() / 1048576)}MB`],
    ['os.memory.max', `${Math.floor(totalmem() / 1048576)}MB`],
    ['os.memory.total', `${Math.floor(process.memoryUsage().rss / 1048576)}MB`],
    ['os.cpus', cpus().length],
  ];
  return `Environment:\n${rows.map(([k, v]) => `${k}=${v}\n`).join('')}`;
}

function watchSummary(ctx: FourLetterWordContext): string {
  const data = ctx.processor.state.watches.dataWatchesByPath();
  const watchers = new Set<number>();
  let total = 0;
  for (const map of data.values()) {
    total += map.size;
    for (const id of map.keys()) watchers.add(id);
  }
  return `${watchers.size} connections watching ${data.size} paths\nTotal watches:${total}\n`;
}

function watchesByConnection(ctx: FourLetterWordContext): string {
  let out = '';
  for (const c of ctx.connections()) {
    const paths = ctx.processor.state.watches.pathsOf(c.id);
    if (paths.length === 0 || c.sessionId === undefined) continue;
    out += `${hex(c.sessionId)}\n${paths.map((p) => `\t${p}\n`).join('')}`;
  }
  return out;
}

function watchesByPath(ctx: FourLetterWordContext): string {
  const sessionOf = new Map<number, bigint>();
  for (const c of ctx.connections())
    if (c.sessionId !== undefined) sessionOf.set(c.id, c.sessionId);
  let out = '';
  for (const [path, watchers] of ctx.processor.state.watches.dataWatchesByPath()) {
    out += `${path}\n`;
    for (const id of watchers.keys()) out += `\t${hex(sessionOf.get(id) ?? 0n)}\n`;
  }
  return out;
}

function dump(ctx: FourLetterWordContext): string {
  const state = ctx.processor.state;
  let out = 'SessionTracker dump:\n';
  out += `Session Sets (${state.sessions.size})/${state.sessions.size}:\n`;
  for (const s of state.sessions.all()) out += `${hex(s.id)}\n`;
  out += 'ephemeral nodes dump:\n';
  const owners = state.tree.sessionsWithEphemerals();
  out += `Sessions with Ephemerals (${owners.size}):\n`;
  for (const [sid, paths] of owners) {
    out += `${hex(sid)}:\n${[...paths].map((p) => `\t${p}\n`).join('')}`;
  }
  out += 'Connections dump:\nConnections Sets (0)/(0):\n';
  return out;
}

/** The reply text for a four-letter word (the connection closes after it). */
export function answerFourLetterWord(name: string, ctx: FourLetterWordContext): string {
  // Apache always answers srvr, whatever the whitelist says.
  if (ctx.whitelist !== 'all' && !ctx.whitelist.has(name) && name !== 'srvr') {
    return `${name} is not executed because it is not in the whitelist.\n`;
  }
  const p = ctx.processor;
  switch (name) {
    case 'ruok':
      return 'imok';
    case 'isro':
      return 'rw';
    case 'srvr':
      return summary(ctx, false);
    case 'stat':
      return summary(ctx, true);
    case 'mntr':
      return monitor(ctx);
    case 'conf':
      return ctx.conf();
    case 'cons':
      return `${[...ctx.connections()].map((c) => fullConnection(c, p)).join('\n')}\n\n`;
    case 'crst':
      return 'Connection stats reset.\n';
    case 'srst':
      p.stats.reset();
      return 'Server stats reset.\n';
    case 'envi':
      return environment();
    case 'wchs':
      return watchSummary(ctx);
    case 'wchc':
      return `${watchesByConnection(ctx)}\n`;
    case 'wchp':
      return `${watchesByPath(ctx)}\n`;
    case 'dump':
      return dump(ctx);
    case 'dirs':
      return ctx.dirs();
    case 'gtmk':
    case 'stmk':
      return '0\n';
    default:
      return `${fullVersion}\n`;
  }
}
