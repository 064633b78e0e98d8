// Formatting for the bench reports: medians, numbers, the side-by-side table, progress lines.

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function fmtNumber(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  return Math.round(v).toLocaleString('en-US');
}

export function fmtBytes(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (v >= 2 ** 30) return `${(v / 2 ** 30).toFixed(2)} GiB`;
  if (v >= 2 ** 20) return `${(v / 2 ** 20).toFixed(1)} MiB`;
  if (v >= 2 ** 10) return `${(v / 2 ** 10).toFixed(1)} KiB`;
  return `${v} B`;
}

export interface Row {
  readonly metric: string;
  readonly better: 'lower' | 'higher' | 'info';
  readonly apache: number;
  readonly meerkat: number;
  readonly format: (v: number) => string;
}

/** metric | Apache | Meerkat | Meerkat/Apache | which direction is better. */
export function printTable(rows: readonly Row[], write = (s: string) => process.stdout.write(s)) {
  const header = ['metric', 'Apache 3.8', 'Meerkat', 'Meerkat/Apache', 'better'];
  const cells = rows.map((r) => {
    const ratio = r.meerkat / r.apache;
    return [
      r.metric,
      r.format(r.apache),
      r.format(r.meerkat),
      Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : 'n/a',
      r.better === 'info' ? '' : `${r.better} is better`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string =>
    `| ${c.map((s, i) => (i === 0 || i === 4 ? s.padEnd(widths[i] ?? 0) : s.padStart(widths[i] ?? 0))).join(' | ')} |\n`;
  write(line(header));
  write(
    `|${widths.map((w, i) => (i === 0 || i === 4 ? ':' : '-') + '-'.repeat(w) + (i === 0 || i === 4 ? '-' : ':')).join('|')}|\n`,
  );
  for (const c of cells) write(line(c));
}

/** A progress line on stderr, stamped with the time of day (tables go to stdout). */
export function log(line: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}
