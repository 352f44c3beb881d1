/**
 * Closed-form queueing results for the latency model: Erlang B and C, the M/M/c waiting-time
 * distribution, M/M/1 processor sharing, and an O(1) M/G/c approximation for the fluid model's tick.
 *
 * Units: λ (arrivals) and μ (service rate per server) in any one rate unit; times come back in the
 * reciprocal unit (λ, μ per second ⇒ waits in seconds). A = λ/μ is the offered load in erlangs.
 * Formulas: Kleinrock, Queueing Systems Vol. 1 (1975), §3.5–3.6; Gross & Harris, Fundamentals of
 * Queueing Theory, §2.3. Golden values: shared/reference/anchors.md §4.4.
 */
import { normalCdfFast } from "./distributions.js";

/**
 * Erlang B (blocking probability of M/M/c/c; c a non-negative integer) by the recursion B(0) = 1,
 * B(k) = A·B(k−1) / (k + A·B(k−1)), which never overflows and loses no precision for large c.
 */
export function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) {
    const ab = a * b;
    b = ab / (k + ab);
  }
  return b;
}

/**
 * Erlang C: probability an arrival waits in M/M/c (c a positive integer), C = c·B / (c − A·(1 − B)); 1 when A ≥ c (the queue
 * is unstable and every arrival eventually waits).
 */
export function erlangC(c: number, a: number): number {
  if (a <= 0) return 0;
  if (a >= c) return 1;
  const b = erlangB(c, a);
  return (c * b) / (c - a * (1 - b));
}

/** Steady-state M/M/c measures. Construct with `mmc(λ, μ, c)`. */
export class MMc {
  /** Offered load A = λ/μ, erlangs. */
  readonly offeredLoad: number;
  /** Server utilisation ρ = A/c. */
  readonly utilisation: number;
  /** Whether λ < cμ; otherwise waits are infinite and probWait is 1. */
  readonly stable: boolean;
  /** P(Wq > 0) = C(c, A). */
  readonly probWait: number;
  /** P(no customer in the system). */
  readonly p0: number;
  /** Wq = C / (cμ − λ). */
  readonly meanWait: number;
  /** Lq = λ·Wq. */
  readonly meanQueueLength: number;
  /** W = Wq + 1/μ. */
  readonly meanResponse: number;
  /** L = λ·W. */
  readonly meanInSystem: number;
  /** Decay rate of the waiting-time tail, cμ − λ. */
  readonly tailRate: number;

  constructor(
    readonly lambda: number,
    readonly mu: number,
    readonly c: number,
  ) {
    const a = lambda / mu;
    this.offeredLoad = a;
    this.utilisation = a / c;
    this.stable = lambda < c * mu;
    this.tailRate = c * mu - lambda;
    this.probWait = erlangC(c, a);
    if (!this.stable) {
      this.p0 = 0;
      this.meanWait = Number.POSITIVE_INFINITY;
      this.meanQueueLength = Number.POSITIVE_INFINITY;
      this.meanResponse = Number.POSITIVE_INFINITY;
      this.meanInSystem = Number.POSITIVE_INFINITY;
      return;
    }
    // P_c = C·(1 − ρ) and P_{k−1} = P_k·k/A: walking down from c the terms are themselves state
    // probabilities (≤ 1), so the product neither overflows nor loses precision, unlike A^c/c!.
    let p = this.probWait * (1 - this.utilisation);
    if (a === 0) p = 1;
    else for (let k = c; k >= 1; k--) p *= k / a;
    this.p0 = p;
    this.meanWait = this.probWait / this.tailRate;
    this.meanQueueLength = lambda * this.meanWait;
    this.meanResponse = this.meanWait + 1 / mu;
    this.meanInSystem = lambda * this.meanResponse;
  }

  /** P(Wq > t) = C·e^(−(cμ − λ)t), t ≥ 0. */
  waitTailProb(t: number): number {
    if (!this.stable) return 1;
    if (t < 0) return 1;
    return this.probWait * Math.exp(-this.tailRate * t);
  }

  /** Smallest t with P(Wq ≤ t) ≥ p: 0 when p ≤ 1 − C, else ln(C / (1 − p)) / (cμ − λ). */
  waitQuantile(p: number): number {
    if (!this.stable) return Number.POSITIVE_INFINITY;
    if (p >= 1) return Number.POSITIVE_INFINITY;
    if (p <= 1 - this.probWait) return 0;
    return Math.log(this.probWait / (1 - p)) / this.tailRate;
  }
}

/** M/M/c measures for arrival rate λ, per-server service rate μ and c servers. */
export function mmc(lambda: number, mu: number, c: number): MMc {
  return new MMc(lambda, mu, c);
}

/**
 * Mean response time of M/M/1 processor sharing (and of M/G/1-PS, which is insensitive to the
 * service distribution beyond its mean): 1/(μ − λ); infinite when λ ≥ μ. Kleinrock Vol. 2, §4.4.
 */
export function mm1PsMeanResponse(lambda: number, mu: number): number {
  return lambda < mu ? 1 / (mu - lambda) : Number.POSITIVE_INFINITY;
}

// ---------------------------------------------------------------------------------------------------
// O(1) approximation for the fluid model

/** Up to this many servers `erlangCFast` runs the exact recursion (≤ this many steps, still O(1)). */
export const ERLANG_EXACT_MAX_SERVERS = 32;

const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x + 1) for x ≥ 0: Stirling's series (A&S 6.1.41) after shifting the argument above 10. */
export function lnFactorial(x: number): number {
  let shift = 0;
  let z = x + 1;
  while (z < 10) {
    shift += Math.log(z);
    z += 1;
  }
  const z2 = z * z;
  const series = 1 / (12 * z) - 1 / (360 * z * z2) + 1 / (1260 * z * z2 * z2) - 1 / (1680 * z * z2 * z2 * z2);
  return (z - 0.5) * Math.log(z) - z + HALF_LN_2PI + series - shift;
}

/**
 * P(X ≤ k) for X ~ Poisson(λ), by the Peizer–Pratt normal approximation (D. B. Peizer and J. W. Pratt,
 * "A normal approximation for binomial, F, beta, and other common, related tail probabilities, I",
 * JASA 63 (1968) 1416–1456): Φ(z) with z = (k + 2/3 − λ + 0.02/(k+1))·√((1 + g((k + ½)/λ)) / λ),
 * g(u) = (1 − u² + 2u ln u) / (1 − u)². Works for real k; measured error on Erlang C is in the tests.
 */
export function poissonCdfPeizerPratt(k: number, lambda: number): number {
  const u = (k + 0.5) / lambda;
  const e = u - 1;
  // g(1 + e) = −e/3 + e²/6 + O(e³) removes the 0/0 near u = 1.
  const g = Math.abs(e) < 1e-3 ? -e / 3 + (e * e) / 6 : (1 - u * u + 2 * u * Math.log(u)) / (e * e);
  const d = k + 2 / 3 - lambda + 0.02 / (k + 1);
  return normalCdfFast(d * Math.sqrt((1 + g) / lambda));
}

/**
 * Erlang C in O(1): exact recursion for c ≤ `ERLANG_EXACT_MAX_SERVERS`, otherwise Erlang B as the
 * Poisson ratio B(c, A) = P(X = c)/P(X ≤ c), X ~ Poisson(A) (the truncated-Poisson form of M/M/c/c),
 * with ln P(X = c) from Stirling's series and P(X ≤ c) from Peizer–Pratt. Non-integer c is accepted
 * (the gamma-function continuation of Erlang B). Allocation-free; meant for once-per-tick calls.
 */
export function erlangCFast(c: number, a: number): number {
  if (a <= 0) return 0;
  if (a >= c) return 1;
  let b: number;
  if (c <= ERLANG_EXACT_MAX_SERVERS && Number.isInteger(c)) {
    b = erlangB(c, a);
  } else {
    const pmf = Math.exp(c * Math.log(a) - a - lnFactorial(c));
    b = pmf / poissonCdfPeizerPratt(c, a);
  }
  return (c * b) / (c - a * (1 - b));
}

/**
 * Allen–Cunneen approximation of the mean wait in GI/G/c: Wq ≈ C(c, A)/(cμ − λ) · (ca² + cs²)/2,
 * where ca², cs² are the squared coefficients of variation of inter-arrival and service times
 * (A. O. Allen, Probability, Statistics, and Queueing Theory, 2nd ed., Academic Press 1990, §6;
 * also Hopp & Spearman, Factory Physics, eq. 8.10, who use Sakasegawa's (1977) closed form for the
 * M/M/c factor; we use the exact-to-6e-5 Erlang C of `erlangCFast` instead because Sakasegawa's
 * ρ^(√(2(c+1)) − 1) is off by a factor of several when C is small at large c).
 * Exact for M/M/c (ca² = cs² = 1) and for M/G/1 with Poisson arrivals (Pollaczek–Khinchine).
 * Infinite when λ ≥ cμ.
 */
export function mgcMeanWait(lambda: number, mu: number, c: number, cs2: number, ca2 = 1): number {
  if (lambda >= c * mu) return Number.POSITIVE_INFINITY;
  return allenCunneenWait(erlangCFast(c, lambda / mu), lambda, mu, c, cs2, ca2);
}

/**
 * The Allen–Cunneen mean wait from an already computed P(wait > 0), so a caller that needs both
 * evaluates Erlang C once per tick: probWait/(cμ − λ) · (ca² + cs²)/2.
 */
export function allenCunneenWait(
  probWait: number,
  lambda: number,
  mu: number,
  c: number,
  cs2: number,
  ca2 = 1,
): number {
  const rate = c * mu - lambda;
  if (rate <= 0) return Number.POSITIVE_INFINITY;
  return (probWait / rate) * 0.5 * (ca2 + cs2);
}

/**
 * P(wait > 0) in M/G/c approximated by the M/M/c value C(c, A) (the same approximation Allen–Cunneen
 * rests on; exact for M/M/c and for M/G/1, where it equals ρ).
 */
export function mgcProbWait(lambda: number, mu: number, c: number): number {
  return erlangCFast(c, lambda / mu);
}
