// Tables for `npm run bench` (one server) and `npm run bench:compare` (Apache, Meerkat and
// the null server side by side, medians over rounds).
import type { HistogramSummary } from './histogram.ts';
import { fmtNumber, median } from './table.ts';
import type { WorkloadName, WorkloadResult } from './workloads.ts';

function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |\n`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|\n`;
  return line(header) + rule + rows.map(line).join('');
}

const pct = (v: number): string => (Number.isFinite(v) ? `${Math.round(v)}%` : 'n/a');
const ratio = (a: number, b: number): string => {
  const r = a / b;
  return Number.isFinite(r) && b !== 0 ? `${r.toFixed(2)}x` : 'n/a';
};

/** What each workload's numbers count. */
export function unitOf(workload: WorkloadName): string {
  if (workload === 'connect') return 'sessions/s (open+close), latency per session';
  if (workload === 'watch-fanout') return 'rounds/s, latency = setData -> last of all events';
  return 'ops/s, latency per request';
}

export function singleServerTable(results: readonly WorkloadResult[]): string {
  return renderTable(
    [
      'workload',
      'ops/s',
      'p50 us',
      'p99 us',
      'p99.9 us',
      'max us',
      'errors',
      'server CPU',
      'gen CPU',
    ],
    results.map((r) => [
      r.workload,
      fmtNumber(r.opsPerSec),
      fmtNumber(r.latency.p50),
      fmtNumber(r.latency.p99),
      fmtNumber(r.latency.p999),
      fmtNumber(r.latency.max),
      String(r.errors),
      pct(r.serverCpuPct),
      pct(r.generatorCpuPct),
    ]),
  );
}

export type Contender = 'apache' | 'meerkat' | 'null';

/** Per workload, the medians over rounds of one contender. */
export interface Medians {
  readonly opsPerSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly serverCpuPct: number;
  readonly generatorCpuPct: number;
  readonly errors: number;
}

export function mediansOf(results: readonly WorkloadResult[]): Medians {
  const m = (f: (r: WorkloadResult) => number): number => median(results.map(f));
  const q = (key: keyof HistogramSummary) => m((r) => r.latency[key]);
  return {
    opsPerSec: m((r) => r.opsPerSec),
    p50: q('p50'),
    p99: q('p99'),
    p999: q('p999'),
    serverCpuPct: m((r) => r.serverCpuPct),
    generatorCpuPct: m((r) => r.generatorCpuPct),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };
}

export type ComparisonRow = {
  readonly workload: WorkloadName;
} & Partial<Record<Contender, Medians>>;

export function comparisonTables(rows: readonly ComparisonRow[]): string {
  const throughput = renderTable(
    [
      'workload',
      'Apache ops/s',
      'Meerkat ops/s',
      'Meerkat/Apache',
      'null ceiling',
      'Meerkat/ceiling',
      'CPU A / M',
      'gen CPU A / M',
    ],
    rows.map((r) => [
      r.workload,
      fmtNumber(r.apache?.opsPerSec ?? NaN),
      fmtNumber(r.meerkat?.opsPerSec ?? NaN),
      ratio(r.meerkat?.opsPerSec ?? NaN, r.apache?.opsPerSec ?? NaN),
      fmtNumber(r.null?.opsPerSec ?? NaN),
      ratio(r.meerkat?.opsPerSec ?? NaN, r.null?.opsPerSec ?? NaN),
      `${pct(r.apache?.serverCpuPct ?? NaN)} / ${pct(r.meerkat?.serverCpuPct ?? NaN)}`,
      `${pct(r.apache?.generatorCpuPct ?? NaN)} / ${pct(r.meerkat?.generatorCpuPct ?? NaN)}`,
    ]),
  );
  const latency = renderTable(
    [
      'workload',
      'p50 A',
      'p50 M',
      'p99 A',
      'p99 M',
      'p99 M/A',
      'p99.9 A',
      'p99.9 M',
      'p99 null',
      'errors A/M',
    ],
    rows.map((r) => [
      r.workload,
      fmtNumber(r.apache?.p50 ?? NaN),
      fmtNumber(r.meerkat?.p50 ?? NaN),
      fmtNumber(r.apache?.p99 ?? NaN),
      fmtNumber(r.meerkat?.p99 ?? NaN),
      ratio(r.meerkat?.p99 ?? NaN, r.apache?.p99 ?? NaN),
      fmtNumber(r.apache?.p999 ?? NaN),
      fmtNumber(r.meerkat?.p999 ?? NaN),
      fmtNumber(r.null?.p99 ?? NaN),
      `${r.apache?.errors ?? 'n/a'}/${r.meerkat?.errors ?? 'n/a'}`,
    ]),
  );
  return (
    'Throughput (medians; higher is better; CPU = % of one core while measured)\n\n' +
    `${throughput}\n` +
    "Latency in microseconds (medians of each round's percentile; lower is better)\n\n" +
    latency
  );
}
