/**
 * Charts of long runs stay fast by drawing at most CHART_POINT_CAP points per line: a 62-day trace has
 * 89,280 minutes, drawn as 1,488 one-hour buckets. Buckets are consecutive, equal and aligned to the
 * start of the run; each statistic is chosen so the chart does not hide what matters (the worst latency
 * minute, the most tasks, the exact cumulative cost at the bucket's end).
 */
export const CHART_POINT_CAP = 1500;

export type BucketStat = "mean" | "max" | "last";

/** Minutes per bucket so that `n` minutes give at most `cap` points. */
export function bucketSize(n: number, cap = CHART_POINT_CAP): number {
  return Math.max(1, Math.ceil(n / cap));
}

/** One value per bucket of `k` samples; NaN samples are skipped, an all-NaN bucket gives NaN. */
export function downsample(values: ArrayLike<number>, k: number, stat: BucketStat): number[] {
  const out: number[] = [];
  for (let start = 0; start < values.length; start += k) {
    const end = Math.min(values.length, start + k);
    let acc = stat === "max" ? Number.NEGATIVE_INFINITY : 0;
    let n = 0;
    let last = Number.NaN;
    for (let i = start; i < end; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      n++;
      last = v;
      if (stat === "max") acc = Math.max(acc, v);
      else acc += v;
    }
    out.push(n === 0 ? Number.NaN : stat === "mean" ? acc / n : stat === "max" ? acc : last);
  }
  return out;
}

/** Running sum, NaN counted as 0. */
export function cumulative(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) s += v;
    out[i] = s;
  }
  return out;
}

/** Words for a chart subtitle: "each point is one minute" / "each point is a 60-minute bucket (max)". */
export function bucketNote(k: number, what: string): string {
  return k === 1 ? "each point is one minute" : `each point is a ${k}-minute bucket (${what})`;
}
