import { Lognormal } from "../models/latency/distributions.js";

export { normalQuantile } from "../models/latency/distributions.js";

/** Sample size, mean and coefficient of variation (sample standard deviation / mean). */
export interface SampleSummary {
  n: number;
  mean: number;
  cv: number;
}

export function summarise(xs: readonly number[]): SampleSummary {
  const n = xs.length;
  if (n === 0) return { n, mean: Number.NaN, cv: Number.NaN };
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / n;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  return { n, mean, cv: mean > 0 ? sd / mean : Number.NaN };
}

/**
 * Kolmogorov–Smirnov distance between a sample and a lognormal of the given mean and cv: the largest gap
 * between the empirical and the model's cumulative distribution (0 = perfect; about 1.36/√n is the 5 %
 * critical value for a fully specified distribution).
 */
export function ksLognormal(xs: readonly number[], mean: number, cv: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const dist = new Lognormal(mean, cv);
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = dist.cdf(sorted[i]);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

/**
 * Least squares without intercept, y ≈ Σ βj·xj, solved from the normal equations (two or three
 * regressors). Returns the coefficients and R² (1 − residual / total sum of squares about the mean).
 */
export function leastSquares(
  rows: readonly number[][],
  y: readonly number[],
): { beta: number[]; r2: number } {
  const k = rows[0]?.length ?? 0;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  rows.forEach((x, r) => {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) a[i][j] += x[i] * x[j];
      a[i][k] += x[i] * y[r];
    }
  });
  // Gaussian elimination with partial pivoting.
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < k; r++) {
      if (r === c || a[c][c] === 0) continue;
      const f = a[r][c] / a[c][c];
      for (let j = c; j <= k; j++) a[r][j] -= f * a[c][j];
    }
  }
  const beta = a.map((row, i) => (row[i] === 0 ? 0 : row[k] / row[i]));
  const meanY = y.reduce((s, v) => s + v, 0) / Math.max(1, y.length);
  let res = 0;
  let tot = 0;
  rows.forEach((x, r) => {
    const fit = x.reduce((s, v, j) => s + v * beta[j], 0);
    res += (y[r] - fit) ** 2;
    tot += (y[r] - meanY) ** 2;
  });
  return { beta, r2: tot > 0 ? 1 - res / tot : 1 };
}
