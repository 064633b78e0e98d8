// A small HDR-style histogram of non-negative integers (microseconds in the benches): values
// below 128 are counted exactly, larger ones in 64 linear sub-buckets per power of two, so
// any reported percentile is within 1/64 (1.6%) of the true value. The maximum is exact.

const SUB_BITS = 6;
const SUB = 1 << SUB_BITS; // 64
const EXACT = SUB * 2; // values < 128 get a bucket each
const MAX_EXPONENT = 40; // up to ~2^41 us (25 days): more than enough

function bucketOf(value: number): number {
  if (value < EXACT) return value;
  let exponent = Math.floor(Math.log2(value)); // >= 7
  if (2 ** exponent > value) exponent--; // log2 rounded up just below a power of two
  const sub = Math.floor(value / 2 ** (exponent - SUB_BITS)) - SUB; // 0..63
  return EXACT + (exponent - (SUB_BITS + 1)) * SUB + sub;
}

/** The highest value that falls into bucket `index`. */
function upperOf(index: number): number {
  if (index < EXACT) return index;
  const exponent = Math.floor((index - EXACT) / SUB) + SUB_BITS + 1;
  const sub = (index - EXACT) % SUB;
  const width = 2 ** (exponent - SUB_BITS);
  return (SUB + sub + 1) * width - 1;
}

export interface HistogramSummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export class Histogram {
  readonly counts = new Float64Array(EXACT + (MAX_EXPONENT - SUB_BITS) * SUB);
  count = 0;
  sum = 0;
  max = 0;

  record(value: number): void {
    const v = value < 0 ? 0 : Math.round(value);
    const index = Math.min(bucketOf(v), this.counts.length - 1);
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }

  add(other: Histogram): void {
    for (let i = 0; i < other.counts.length; i++) {
      this.counts[i] = (this.counts[i] ?? 0) + (other.counts[i] ?? 0);
    }
    this.count += other.count;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
  }

  /** The value at quantile q (0..1): the bucket's upper bound, capped at the exact max. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(upperOf(i), this.max);
    }
    return this.max;
  }

  summary(): HistogramSummary {
    return {
      count: this.count,
      mean: this.count === 0 ? 0 : this.sum / this.count,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      p999: this.quantile(0.999),
      max: this.max,
    };
  }

  /** Plain data, e.g. to send between threads. */
  toJSON(): { counts: number[]; count: number; sum: number; max: number } {
    return { counts: [...this.counts], count: this.count, sum: this.sum, max: this.max };
  }

  static fromJSON(data: { counts: number[]; count: number; sum: number; max: number }): Histogram {
    const h = new Histogram();
    h.counts.set(data.counts.slice(0, h.counts.length));
    h.count = data.count;
    h.sum = data.sum;
    h.max = data.max;
    return h;
  }
}
