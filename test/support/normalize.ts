// Normalises a run's results so two servers can be compared with deepEqual:
// - zxids (any key ending in "zxid": czxid, mzxid, pzxid, zxid, ...; and zkCli's "cZxid = 0x5"
//   lines) become "z1", "z2", ... by order of first appearance within the value (or by numeric
//   rank with `zxids: 'rank'`); zero stays "0x0";
// - times (ctime, mtime; zkCli's "ctime = <date>") become "t" ("t?<value>" when implausible for
//   a node written during this test run), zero stays 0 — or are dropped with `times: 'drop'`;
// - session ids (ephemeralOwner, sessionId; zkCli's "ephemeralOwner = 0x...") become "s1",
//   "s2", ... by first appearance; 0 stays "0x0"; container/TTL owner markers are kept;
// - everything else, sequential suffixes included, is kept exactly.
//
// normalizePair() names a second run's zxids and sessions after the reference's, by pairing
// values found at the same place in both: one missing Stat then does not shift every later name,
// and the only differences left are real ones (unpaired values are named "z!1", "s!1", ...).
import { isJsonObject, type JsonValue } from './json.ts';

export interface NormalizeOptions {
  zxids?: 'first-appearance' | 'rank';
  times?: 'marker' | 'drop';
}

const ZXID_KEY = /zxid$/i;
const TIME_KEYS = new Set(['ctime', 'mtime']);
const SESSION_KEYS = new Set(['ephemeralOwner', 'sessionId']);
const TEXT_ZXID = /^([ \t]*[cmp]Zxid = )(0x[0-9a-fA-F]+)[ \t]*$/gm;
const TEXT_TIME = /^([ \t]*[cm]time = )(.+?)[ \t]*$/gm;
const TEXT_SESSION = /^([ \t]*ephemeralOwner = )(0x[0-9a-fA-F]+)[ \t]*$/gm;
/** Times further than this from "now" are not from this test run. */
const PLAUSIBLE_MS = 24 * 60 * 60 * 1000;

type Kind = 'zxid' | 'session';

function asBigInt(value: JsonValue): bigint | null {
  try {
    if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
    if (typeof value === 'string' && /^(0x[0-9a-fA-F]+|-?\d+)$/.test(value)) {
      return BigInt.asUintN(64, BigInt(value));
    }
  } catch {
    // not a number
  }
  return null;
}

function isSessionLike(v: bigint): boolean {
  // Container (0x8000000000000000) and TTL (top byte 0xff) markers are kept as they are.
  return v !== 0n && v !== 0x8000000000000000n && v >> 56n !== 0xffn;
}

function keyKind(key: string | null): Kind | null {
  if (key === null) return null;
  if (ZXID_KEY.test(key)) return 'zxid';
  if (SESSION_KEYS.has(key)) return 'session';
  return null;
}

/** The zxids and session ids a value holds, in order of appearance. */
function visit(value: JsonValue, key: string | null, found: (k: Kind, v: bigint) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, null, found);
    return;
  }
  if (isJsonObject(value)) {
    for (const [k, v] of Object.entries(value)) visit(v, k, found);
    return;
  }
  const kind = keyKind(key);
  if (kind !== null) {
    const v = asBigInt(value);
    if (v !== null && (kind === 'zxid' || isSessionLike(v))) found(kind, v);
  } else if (typeof value === 'string') {
    for (const m of value.matchAll(TEXT_ZXID)) found('zxid', BigInt(m[2] ?? '0'));
    for (const m of value.matchAll(TEXT_SESSION)) {
      const v = BigInt.asUintN(64, BigInt(m[2] ?? '0'));
      if (isSessionLike(v)) found('session', v);
    }
  }
}

class Names {
  readonly #names = new Map<bigint, string>();
  readonly #prefix: string;
  #unpaired = 0;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /** Names `values` 1, 2, ... in the given order (or by numeric rank). */
  assign(values: readonly bigint[], rank: boolean): void {
    const unique = [...new Set(values.filter((v) => v !== 0n))];
    if (rank) unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    unique.forEach((v, i) => this.#names.set(v, `${this.#prefix}${i + 1}`));
  }

  /** Gives `v` a name taken from elsewhere, unless it has one or the name is taken. */
  adopt(v: bigint, name: string, taken: Set<string>): void {
    if (v === 0n || this.#names.has(v) || taken.has(name)) return;
    this.#names.set(v, name);
    taken.add(name);
  }

  has(v: bigint): boolean {
    return this.#names.has(v);
  }

  name(v: bigint): string {
    if (v === 0n) return '0x0';
    let name = this.#names.get(v);
    if (name === undefined) {
      name = `${this.#prefix}!${++this.#unpaired}`;
      this.#names.set(v, name);
    }
    return name;
  }
}

function plausibleTime(ms: number): boolean {
  return Math.abs(ms - Date.now()) < PLAUSIBLE_MS;
}

class Rewriter {
  readonly zxids: Names;
  readonly sessions: Names;
  readonly options: NormalizeOptions;

  constructor(zxids: Names, sessions: Names, options: NormalizeOptions) {
    this.zxids = zxids;
    this.sessions = sessions;
    this.options = options;
  }

  rewrite(value: JsonValue, key: string | null): JsonValue | undefined {
    if (Array.isArray(value)) return value.map((item) => this.rewrite(item, null) ?? null);
    if (isJsonObject(value)) {
      const out: Record<string, JsonValue> = {};
      for (const [k, v] of Object.entries(value)) {
        const rewritten = this.rewrite(v, k);
        if (rewritten !== undefined) out[k] = rewritten;
      }
      return out;
    }
    const kind = keyKind(key);
    if (kind !== null) {
      const v = asBigInt(value);
      if (v === null) return value;
      if (kind === 'zxid') return this.zxids.name(v);
      return isSessionLike(v) ? this.sessions.name(v) : value;
    }
    if (key !== null && TIME_KEYS.has(key)) {
      if (this.options.times === 'drop') return undefined;
      if (typeof value !== 'number' && typeof value !== 'string') return value;
      const ms = Number(value);
      return ms === 0 ? 0 : plausibleTime(ms) ? 't' : `t?${String(value)}`;
    }
    return typeof value === 'string' ? this.rewriteText(value) : value;
  }

  rewriteText(text: string): string {
    return text
      .replace(TEXT_ZXID, (_m, head: string, hex: string) => head + this.zxids.name(BigInt(hex)))
      .replace(TEXT_SESSION, (m, head: string, hex: string) => {
        const v = BigInt.asUintN(64, BigInt(hex));
        return isSessionLike(v) ? head + this.sessions.name(v) : m;
      })
      .replace(TEXT_TIME, (_m, head: string, date: string) => {
        if (this.options.times === 'drop') return head + '-';
        const ms = Date.parse(date);
        if (Number.isNaN(ms)) return head + `t?${date}`;
        return head + (date.includes(' 1970') ? '0' : plausibleTime(ms) ? 't' : `t?${date}`);
      });
  }
}

function referenceNames(value: JsonValue, options: NormalizeOptions): Rewriter {
  const zxids: bigint[] = [];
  const sessions: bigint[] = [];
  visit(value, null, (kind, v) => (kind === 'zxid' ? zxids : sessions).push(v));
  const rewriter = new Rewriter(new Names('z'), new Names('s'), options);
  rewriter.zxids.assign(zxids, options.zxids === 'rank');
  rewriter.sessions.assign(sessions, false);
  return rewriter;
}

/** Normalises one run (all of one server's results, so names are shared across them). */
export function normalize(value: JsonValue, options: NormalizeOptions = {}): JsonValue {
  return referenceNames(value, options).rewrite(value, null) ?? null;
}

/** Values found at the same place (same keys and indexes) in both runs. */
function pairUp(a: JsonValue, b: JsonValue, key: string | null, out: Map<Kind, bigint[][]>): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      pairUp(a[i] ?? null, b[i] ?? null, null, out);
    }
    return;
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    for (const [k, v] of Object.entries(a)) {
      const w = b[k];
      if (w !== undefined) pairUp(v, w, k, out);
    }
    return;
  }
  const fromA: [Kind, bigint][] = [];
  const fromB: [Kind, bigint][] = [];
  visit(a, key, (kind, v) => fromA.push([kind, v]));
  visit(b, key, (kind, v) => fromB.push([kind, v]));
  for (let i = 0; i < Math.min(fromA.length, fromB.length); i++) {
    const [kindA, va] = fromA[i] ?? ['zxid', 0n];
    const [kindB, vb] = fromB[i] ?? ['zxid', 0n];
    if (kindA === kindB) out.get(kindA)?.push([va, vb]);
  }
}

export interface NormalizedPair {
  reference: JsonValue;
  other: JsonValue;
  /** Zxid pairs whose order differs between the runs (zxids must grow in both alike). */
  orderProblems: string[];
}

/**
 * Normalises a reference run and another run of the same script; the other run's zxids and
 * session ids are named after the reference values found at the same places.
 */
export function normalizePair(
  reference: JsonValue,
  other: JsonValue,
  options: NormalizeOptions = {},
): NormalizedPair {
  const ref = referenceNames(reference, options);
  const normalizedReference = ref.rewrite(reference, null) ?? null;
  const pairs = new Map<Kind, bigint[][]>([['zxid', []], ['session', []]]);
  pairUp(reference, other, null, pairs);
  const oth = new Rewriter(new Names('z'), new Names('s'), options);
  const mapped: [bigint, bigint][] = [];
  for (const kind of ['zxid', 'session'] as const) {
    const names = kind === 'zxid' ? oth.zxids : oth.sessions;
    const refNames = kind === 'zxid' ? ref.zxids : ref.sessions;
    const taken = new Set<string>();
    for (const [va, vb] of pairs.get(kind) ?? []) {
      if (va === undefined || vb === undefined || va === 0n) continue;
      const wasNamed = names.has(vb);
      names.adopt(vb, refNames.name(va), taken);
      if (kind === 'zxid' && !wasNamed && names.name(vb) === refNames.name(va)) {
        mapped.push([va, vb]);
      }
    }
  }
  // Paired zxids must be ordered alike: a < a' in the reference iff b < b' in the other run.
  const orderProblems: string[] = [];
  const byOther = [...mapped].sort(([, x], [, y]) => (x < y ? -1 : x > y ? 1 : 0));
  for (let i = 1; i < byOther.length; i++) {
    const prev = byOther[i - 1];
    const cur = byOther[i];
    if (prev && cur && prev[0] > cur[0]) {
      orderProblems.push(`${ref.zxids.name(cur[0])} was assigned before ` +
        `${ref.zxids.name(prev[0])} by Apache, after it by the other server`);
    }
  }
  return { reference: normalizedReference, other: oth.rewrite(other, null) ?? null, orderProblems };
}
