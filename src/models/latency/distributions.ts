/**
 * Service-time distributions (milliseconds) and the standard normal CDF and quantile they rest on.
 *
 * Each distribution exposes its mean, variance and coefficient of variation (the queueing
 * approximations need cs² = cv²), draws samples from a seeded stream, and evaluates cdf/quantile so
 * latency percentiles can be computed without sampling.
 */
import { InputError } from "../../errors.js";

/** The part of `Rng` (src/engine/rng.ts) a distribution draws from. */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in (0, 1). */
  nextOpen(): number;
  /** Standard normal variate. */
  normal(): number;
}

export type DistributionKind = "deterministic" | "exponential" | "lognormal" | "empirical";

export interface ServiceTimeDistribution {
  readonly kind: DistributionKind;
  /** Mean, ms. */
  readonly mean: number;
  /** Variance, ms². */
  readonly variance: number;
  /** Coefficient of variation: standard deviation / mean. */
  readonly cv: number;
  sample(rng: RandomSource): number;
  /** P(X ≤ x). */
  cdf(x: number): number;
  /** Smallest x with cdf(x) ≥ p, for p in [0, 1]. */
  quantile(p: number): number;
}

export interface DistributionSpec {
  distribution: DistributionKind;
  /** Mean service time, ms (deterministic, exponential, lognormal). */
  mean?: number;
  /** Coefficient of variation (lognormal). */
  cv?: number;
  /** Observed service times, ms (empirical). */
  values?: Float64Array | readonly number[];
}

// ---------------------------------------------------------------------------------------------------
// Standard normal

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT2 = Math.SQRT2;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Below this |x| erfc is 1 − erf by the series (losing < 3e-15 relative); above it the continued fraction. */
const ERFC_SERIES_LIMIT = 1.5;
/** Depth of the backward-evaluated continued fraction: converged to double precision for x ≥ 1.5. */
const ERFC_CF_TERMS = 100;

/**
 * Complementary error function to near double precision.
 * |x| < 1.5: erf(x) = (2/√π) e^(−x²) Σ 2ⁿ x^(2n+1) / (1·3···(2n+1)) (all terms positive, no
 * cancellation; Abramowitz & Stegun 7.1.6). x ≥ 1.5: the Laplace continued fraction
 * erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) (A&S 7.1.14).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const z = Math.abs(x);
  let r: number;
  if (z < ERFC_SERIES_LIMIT) {
    const z2 = z * z;
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= (2 * z2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const erf = (2 / SQRT_PI) * Math.exp(-z2) * sum;
    r = 1 - erf;
  } else {
    let f = z;
    for (let n = ERFC_CF_TERMS; n >= 1; n--) f = z + n / 2 / f;
    r = Math.exp(-z * z) / (SQRT_PI * f);
  }
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF Φ(z), accurate to ~1e-15 relative in both tails. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/**
 * Φ(z) with ~1.2e-7 relative error and no loop: Numerical Recipes' Chebyshev fit of erfc
 * (Press et al., Numerical Recipes in C, 2nd ed., §6.2, `erfcc`). For hot paths where a few parts
 * in 10⁷ do not matter.
 */
export function normalCdfFast(z: number): number {
  const x = -z / SQRT2;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.5 * a);
  const r =
    t *
    Math.exp(
      -a * a -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return 0.5 * (x >= 0 ? r : 2 - r);
}

// Acklam's rational approximation of the normal quantile (relative error < 1.15e-9), from
// P. J. Acklam, "An algorithm for computing the inverse normal cumulative distribution function"
// (2003; archived at https://web.archive.org/web/20151030215612/http://home.online.no/~pjacklam/notes/invnorm/).
const A1 = -3.969683028665376e1;
const A2 = 2.209460984245205e2;
const A3 = -2.759285104469687e2;
const A4 = 1.38357751867269e2;
const A5 = -3.066479806614716e1;
const A6 = 2.506628277459239;
const B1 = -5.447609879822406e1;
const B2 = 1.615858368580409e2;
const B3 = -1.556989798598866e2;
const B4 = 6.680131188771972e1;
const B5 = -1.328068155288572e1;
const C1 = -7.784894002430293e-3;
const C2 = -3.223964580411365e-1;
const C3 = -2.400758277161838;
const C4 = -2.549732539343734;
const C5 = 4.374664141464968;
const C6 = 2.938163982698783;
const D1 = 7.784695709041462e-3;
const D2 = 3.224671290700398e-1;
const D3 = 2.445134137142996;
const D4 = 3.754408661907416;
const P_LOW = 0.02425;

/**
 * Standard normal quantile Φ⁻¹(p): Acklam's approximation followed by one Halley step against the
 * accurate `normalCdf`, as Acklam recommends, which brings it to about machine precision.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) /
      ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
  } else if (p <= 1 - P_LOW) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A1 * r + A2) * r + A3) * r + A4) * r + A5) * r + A6) * q) /
      (((((B1 * r + B2) * r + B3) * r + B4) * r + B5) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) /
      ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
  }
  // Halley refinement; in the upper tail work with the complement so 1 − p's rounding does not dominate.
  const e = x > 0 ? 1 - p - normalCdf(-x) : normalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

// ---------------------------------------------------------------------------------------------------
// Distributions

export class Deterministic implements ServiceTimeDistribution {
  readonly kind = "deterministic" as const;
  readonly variance = 0;
  readonly cv = 0;
  constructor(readonly mean: number) {}
  sample(_rng: RandomSource): number {
    return this.mean;
  }
  cdf(x: number): number {
    return x >= this.mean ? 1 : 0;
  }
  quantile(_p: number): number {
    return this.mean;
  }
}

export class Exponential implements ServiceTimeDistribution {
  readonly kind = "exponential" as const;
  readonly variance: number;
  readonly cv = 1;
  constructor(readonly mean: number) {
    this.variance = mean * mean;
  }
  sample(rng: RandomSource): number {
    return -Math.log(rng.nextOpen()) * this.mean;
  }
  cdf(x: number): number {
    return x <= 0 ? 0 : -Math.expm1(-x / this.mean);
  }
  quantile(p: number): number {
    if (p >= 1) return Number.POSITIVE_INFINITY;
    return p <= 0 ? 0 : -Math.log1p(-p) * this.mean;
  }
}

/**
 * Lognormal given by its mean and coefficient of variation: with X = e^(μ + σZ),
 * E[X] = e^(μ + σ²/2) and cv² = e^(σ²) − 1, hence σ² = ln(1 + cv²) and μ = ln(mean) − σ²/2.
 */
export class Lognormal implements ServiceTimeDistribution {
  readonly kind = "lognormal" as const;
  readonly variance: number;
  /** Location μ of ln X. */
  readonly mu: number;
  /** Scale σ of ln X. */
  readonly sigma: number;
  constructor(
    readonly mean: number,
    readonly cv: number,
  ) {
    const s2 = Math.log1p(cv * cv);
    this.sigma = Math.sqrt(s2);
    this.mu = Math.log(mean) - s2 / 2;
    this.variance = mean * mean * cv * cv;
  }
  sample(rng: RandomSource): number {
    return Math.exp(this.mu + this.sigma * rng.normal());
  }
  cdf(x: number): number {
    if (x <= 0) return 0;
    if (this.sigma === 0) return x >= this.mean ? 1 : 0;
    return normalCdf((Math.log(x) - this.mu) / this.sigma);
  }
  quantile(p: number): number {
    if (this.sigma === 0) return this.mean;
    if (p <= 0) return 0;
    return Math.exp(this.mu + this.sigma * normalQuantile(p));
  }
}

/** Resamples observed values uniformly (the empirical distribution function of the sample). */
export class Empirical implements ServiceTimeDistribution {
  readonly kind = "empirical" as const;
  readonly mean: number;
  readonly variance: number;
  readonly cv: number;
  /** The observations, ascending. */
  readonly sorted: Float64Array;
  constructor(values: Float64Array | readonly number[]) {
    const s = Float64Array.from(values).sort();
    this.sorted = s;
    let sum = 0;
    for (let i = 0; i < s.length; i++) sum += s[i];
    const mean = sum / s.length;
    let ss = 0;
    for (let i = 0; i < s.length; i++) ss += (s[i] - mean) * (s[i] - mean);
    this.mean = mean;
    // Population variance: the variance of the distribution that resamples these values.
    this.variance = ss / s.length;
    this.cv = mean > 0 ? Math.sqrt(this.variance) / mean : 0;
  }
  sample(rng: RandomSource): number {
    const s = this.sorted;
    return s[Math.floor(rng.next() * s.length)];
  }
  /** Fraction of observations ≤ x (binary search). */
  cdf(x: number): number {
    const s = this.sorted;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo / s.length;
  }
  /** Inverse of the empirical CDF: the ⌈p·n⌉-th smallest observation (the smallest for p = 0). */
  quantile(p: number): number {
    const s = this.sorted;
    const k = Math.ceil(p * s.length) - 1;
    return s[k < 0 ? 0 : k >= s.length ? s.length - 1 : k];
  }
}

/** Build a distribution from a scenario spec; invalid parameters raise `InputError` naming the field. */
export function makeDistribution(spec: DistributionSpec, path = "serviceTime"): ServiceTimeDistribution {
  const needMean = (): number => {
    const m = spec.mean;
    if (m === undefined || !Number.isFinite(m) || m <= 0) {
      throw new InputError(`mean must be a positive number of milliseconds, got ${String(m)}`, {
        path: `${path}.mean`,
      });
    }
    return m;
  };
  switch (spec.distribution) {
    case "deterministic":
      return new Deterministic(needMean());
    case "exponential":
      return new Exponential(needMean());
    case "lognormal": {
      const mean = needMean();
      const cv = spec.cv;
      if (cv === undefined || !Number.isFinite(cv) || cv < 0) {
        throw new InputError(`cv must be a non-negative number, got ${String(cv)}`, { path: `${path}.cv` });
      }
      return new Lognormal(mean, cv);
    }
    case "empirical": {
      const v = spec.values;
      if (v === undefined || v.length === 0) {
        throw new InputError("values must be a non-empty list of service times (ms)", {
          path: `${path}.values`,
        });
      }
      for (let i = 0; i < v.length; i++) {
        if (!Number.isFinite(v[i]) || v[i] < 0) {
          throw new InputError(`values[${i}] must be a non-negative number, got ${String(v[i])}`, {
            path: `${path}.values[${i}]`,
          });
        }
      }
      return new Empirical(v);
    }
    default:
      throw new InputError(
        `distribution must be one of deterministic, exponential, lognormal, empirical; got ${String(
          (spec as { distribution: unknown }).distribution,
        )}`,
        { path: `${path}.distribution` },
      );
  }
}
