import { erlangCFast, mgcMeanWait, mgcProbWait } from "../latency/queueing.js";
import {
  SERVICE_STRATA,
  SERVICE_STRATA_EDGES,
  STRETCH_EDGES,
  STRETCH_STRATA,
  STRETCH_WEIGHTS,
} from "../latency/recorder.js";

/**
 * The fluid model's latency of one task at a steady per-task arrival rate, without backlog: what the
 * fluid model records each tick (src/models/traffic/fluid.ts) and what the SLO demand searches over
 * (src/models/traffic/slo-demand.ts). Pure, allocation-free: results are written into a `TaskLatency`.
 *
 * A request's latency is K·S plus, with probability P, an exponential slot wait of mean `waitMeanMs`:
 *  - K stretches the service time S under processor sharing. A request whose CPU part is W = f·S shares
 *    the CPU with the others; in M/G/1-PS a job of size x stays E[T | x] = x/(1 − ρ) on average, linear
 *    in its own size whatever the service distribution (Kleinrock, Queueing Systems Vol. 2, 1976, §4.4,
 *    eq. 4.17; Sakata, Noguchi, Oizumi, "An analysis of the M/G/1 queue under round-robin scheduling",
 *    Operations Research 19(2), 1971). Its latency is therefore S·(1 − f) + g·f·S = K·S with
 *    K = 1 + f·(g − 1), g the mean slowdown of the task's CPU: 1/(v(1 − ρ)) for v ≤ 1 vCPU (everything
 *    runs at speed v), 1 + C(v, A)/(v(1 − ρ)) above (the symmetric M/M/v-PS slowdown, each request using
 *    at most one vCPU; exact in the mean and, for v = 1, for every job size), capped at concurrency / v.
 *    Round robin makes per-target arrivals Erlang-n (cv² = 1/n), jittered back towards Poisson by the
 *    off-CPU part before they reach the CPU: for v ≤ 1 the sharing probability is the GI/M/1 σ
 *    (`erlangArrivalsSigma`) and the mean slowdown 1 + σ/(1 − σ) times the demand-variability share of
 *    the heavy-traffic factor (`psVariabilityFactor`); above one vCPU Erlang C scaled alike.
 *    K is not a constant: a short request's slowdown depends on how many share the CPU when it arrives
 *    (T ≈ x·(1 + N) as x → 0), a long one's averages out to the time-average load's 1/(1 − ρ) whatever
 *    the arrivals' regularity; each stratum's mean slowdown moves between the two. Per service stratum (recorder.ts) the
 *    slowdown R = T(x)/x of a request of CPU size x = E[W | stratum] is given the M/M/1-PS conditional
 *    variance (E. G. Coffman, R. R. Muntz, H. Trotter, "Waiting time distributions for processor-sharing
 *    systems", JACM 17(1), 1970): Var[T(x)] = 2ρx/(μ(1 − ρ)³) − 2ρ(1 − e^(−a))/(μ²(1 − ρ)⁴),
 *    a = (1 − ρ)μx, i.e. Var[R] = (g − 1)²·h(a)/ρ with h(a) = 2(a − 1 + e^(−a))/a² (h → 1 for short,
 *    2/a for long requests). Above one vCPU ρ becomes the probability of sharing C(v, A) and the decay
 *    rate v(1 − ρ)/E[W] (the M/M/v-PS analogue; Brandt & Brandt, "Waiting times for M/M systems under
 *    state-dependent processor sharing", Queueing Systems 59, 2008, compute it exactly and show the
 *    same two regimes). R − 1 is spread over STRETCH_STRATA probability strata narrowing towards the
 *    tail (`spreadStratum`).
 *  - the slot wait is the M/G/c wait for one of `concurrency` slots (Allen–Cunneen mean, Erlang C
 *    probability), c = concurrency, service time S (the slot is held for the whole request).
 */
export interface TaskLatencyModel {
  /** Mean service time E[S], ms. */
  serviceMeanMs: number;
  /** Squared coefficient of variation of S. */
  serviceCv2: number;
  /** Mean CPU part E[W] = f·E[S] of a request under processor sharing, ms; 0 for the worker pool. */
  workMs: number;
  concurrency: number;
  vcpu: number;
  /** CPU size E[W | stratum j] of each service stratum j = 1..SERVICE_STRATA (index 0 unused), ms. */
  stratumWorkMs: Float64Array;
}

/** Output record of `taskLatency` (reused by callers: no allocation per tick). */
export interface TaskLatency {
  /** Mean stretch K ≥ 1 of the service time. */
  scale: number;
  /**
   * Stretch values: STRETCH_STRATA equally likely values per service stratum j (index
   * (j − 1)·STRETCH_STRATA + m), each stratum averaging `scale`. Meaningful when `stretched`.
   */
  readonly stretch: Float64Array;
  /** Whether the service time is stretched at all (processor sharing under load). */
  stretched: boolean;
  /** Bumped whenever `stretch` is rewritten. */
  version: number;
  /** Probability a request waits for a slot. */
  pWait: number;
  /** Mean slot wait of those who wait, ms. */
  waitMeanMs: number;
}

export function newTaskLatency(): TaskLatency {
  return {
    scale: 1,
    stretch: new Float64Array(SERVICE_STRATA * STRETCH_STRATA),
    stretched: false,
    version: 0,
    pWait: 0,
    waitMeanMs: 0,
  };
}

/**
 * Where the fluid latency model is not validated against request mode (test/models/traffic/
 * fluid-grid.test.ts holds p50, p95, p99 within 5, 8, 10 % everywhere else on its grid):
 *  - the concurrency limit binds under processor sharing: the slot wait is the M/G/c wait for slots
 *    held for the unstretched service time, while request mode's admitted requests hold their slots for
 *    their stretched sojourn, so percentiles miss by up to tens of per cent. The limit binds with
 *    probability about u^c (u = λ/μ the task's utilisation, c its concurrency: the geometric number in
 *    an M/M/1-PS queue); validated where u^c ≤ `SLOT_LIMIT_BINDING`;
 *  - a CPU-bound workload (cpuPerRequest ≥ 90 % of the mean service time) at utilisation ≥ 0.8 with a
 *    service-time cv below 0.5 or above 1.5: percentiles miss by up to 6 % (p50) and 11 % (p99).
 * Returns the reason, or null inside the validated region.
 */
export const SLOT_LIMIT_BINDING = 1e-3;

export function fluidLatencyCaveat(m: TaskLatencyModel, lambdaTask: number): string | null {
  if (m.workMs <= 0 || lambdaTask <= 0) return null;
  const u = lambdaTask / taskThroughput(m);
  if (u >= 1) return null;
  if (u ** m.concurrency > SLOT_LIMIT_BINDING)
    return `the concurrency limit (${m.concurrency}) binds under processor sharing (utilisation^concurrency > ${SLOT_LIMIT_BINDING})`;
  const cv2 = m.serviceCv2;
  if (u >= 0.8 && m.workMs >= 0.9 * m.serviceMeanMs && (cv2 < 0.25 || cv2 > 2.25))
    return "a CPU-bound workload at utilisation ≥ 0.8 with a service-time cv outside 0.5–1.5";
  return null;
}

/** Requests per second one task completes at most: min(concurrency/E[S], vCPU/E[W]). */
export function taskThroughput(m: TaskLatencyModel): number {
  const slots = m.concurrency / (m.serviceMeanMs / 1000);
  const cpu = m.workMs > 0 ? m.vcpu / (m.workMs / 1000) : Number.POSITIVE_INFINITY;
  return Math.min(slots, cpu);
}

/**
 * Latency parameters of a task receiving `lambdaTask` requests per second, one of `targets` behind round
 * robin (arrival cv² = 1/targets). Writes into and returns `out`.
 */
export function taskLatency(
  m: TaskLatencyModel,
  lambdaTask: number,
  targets: number,
  out: TaskLatency,
): TaskLatency {
  const ca2 = 1 / Math.max(1, targets);
  out.scale = 1;
  out.stretched = false;
  if (m.workMs > 0) {
    const v = m.vcpu;
    const gMax = Math.max(m.concurrency, v) / v;
    const a = (lambdaTask * m.workMs) / 1000;
    const rho = a / v;
    // Below one vCPU a request runs at speed v even alone; only the sharing part depends on arrivals.
    const alone = v < 1 ? 1 / v : 1;
    // Arrivals reach the CPU after their off-CPU part (1 − f)·S: independent delays make the round-robin
    // stream less regular, the more so the larger x = (λ/v)²·Var[(1 − f)·S] (the delays' spread in mean
    // gaps, damped by 1 − ρ: a loaded CPU queue sees the stream at longer time scales, where displacing
    // points does not change its regularity): ca² moves from 1/n towards 1 by 1 − e^(−2x). An interpolation checked against
    // request mode over the grid in test/models/traffic/fluid-grid.test.ts, not a theorem.
    const offS = ((m.serviceMeanMs - m.workMs) / 1000) * Math.sqrt(m.serviceCv2);
    const perVcpu = lambdaTask / Math.max(1, v);
    const x = perVcpu * perVcpu * offS * offS * Math.max(0, 1 - rho);
    const ca2Cpu = ca2 - (1 - ca2) * Math.expm1(-2 * x);
    // Probability an arrival shares the CPU, and the mean slowdown g.
    let pShare: number;
    let g: number;
    // The slowdown of a very long request: it shares the CPU with the time-average load whatever the
    // arrivals' regularity (the Poisson value, 1/(1 − ρ) at speed v; Erlang C over v(1 − ρ) above).
    let gLong: number;
    if (rho >= 1) {
      pShare = 1;
      g = gMax;
      gLong = gMax;
    } else if (v <= 1) {
      gLong = alone / (1 - rho);
      // One server at speed v fed by every n-th arrival (Erlang-n): the GI/M/1 queue. An arrival finds
      // the CPU shared with probability σ, and the mean slowdown is 1/(1 − σ) at speed v (σ = ρ for
      // Poisson arrivals, the M/M/1-PS slowdown).
      // The service variability's own share of the heavy-traffic factor corrects the exponential
      // demands GI/M/1 assumes (1 for cs² = 1 or Poisson arrivals, where M/G/1-PS is insensitive).
      pShare = erlangArrivalsSigma(1 / ca2Cpu, lambdaTask, (v * 1000) / m.workMs);
      const demand = (2 * psVariabilityFactor(ca2Cpu, m.serviceCv2)) / (1 + ca2Cpu);
      g = alone * (1 + (pShare / (1 - pShare)) * demand);
    } else {
      // v servers: the M/M/v-PS slowdown with the heavy-traffic variability factor.
      // Regular arrivals find all v vCPUs taken less often than Poisson ones (Erlang C), by the ratio σ/ρ
      // of the pooled GI/M/1 queue of rate v·μ; the mean slowdown keeps the heavy-traffic factor.
      const erlang = erlangCFast(v, a);
      gLong = 1 + erlang / (v * (1 - rho));
      g = 1 + (erlang / (v * (1 - rho))) * psVariabilityFactor(ca2Cpu, m.serviceCv2);
      pShare = (erlang * erlangArrivalsSigma(1 / ca2Cpu, lambdaTask, (v * 1000) / m.workMs)) / rho;
    }
    g = Math.min(g, gMax);
    gLong = Math.min(gLong, gMax);
    const f = m.workMs / m.serviceMeanMs;
    // Short requests see the sharing that regular arrivals cause (g), long ones the time-average load
    // (gLong): request j's mean slowdown is gLong − D·φ(a_j), φ(a) = (1 − e^(−a))/a, a_j its CPU size
    // over the sharing's time scale.
    const decay = (Math.max(1, v) * Math.max(0, 1 - (v <= 1 ? pShare : rho))) / m.workMs;
    // D = gLong − g keeps the long requests' slowdown whatever the short ones see; rescaled so the
    // size-weighted mean stays g (the GI/M/1 mean, right for demands up to exponential variability).
    // Heavier-tailed demands put most of the work in long requests: ψ = (cs² − 1)/(cs² + 1) of the way
    // from the rescaled D to gLong − g.
    let weighted = 0;
    for (let j = 0; j < SERVICE_STRATA; j++) {
      const xj = m.stratumWorkMs[j + 1];
      stratumShort[j] = shortShare(decay * xj);
      weighted += stratumWidth(j) * xj * stratumShort[j];
    }
    const dLong = Math.max(0, gLong - g);
    const dMean = weighted > 0 ? (dLong * m.workMs) / weighted : 0;
    const psi = Math.max(0, (m.serviceCv2 - 1) / (m.serviceCv2 + 1));
    const d = dMean + (dLong - dMean) * psi;
    let sizeWeighted = 0;
    for (let j = 0; j < SERVICE_STRATA; j++) {
      // shortShare(decay · E[W | stratum j]), computed in the loop above.
      const sharedJ = Math.max(0, gLong - d * stratumShort[j] - alone);
      stratumShared[j] = sharedJ;
      sizeWeighted += stratumWidth(j) * m.stratumWorkMs[j + 1] * sharedJ;
    }
    const shared = m.workMs > 0 ? sizeWeighted / m.workMs : 0;
    out.scale = 1 + f * (alone - 1 + shared);
    if (out.scale - 1 > 1e-9) {
      out.stretched = true;
      out.version++;
      for (let j = 0; j < SERVICE_STRATA; j++) {
        const cv2 = pShare > 0 ? conditionalShape(decay * m.stratumWorkMs[j + 1]) / pShare : 0;
        spreadStratum(out.stretch, j, 1 + f * (alone - 1), f * stratumShared[j], cv2, pShare);
      }
    }
  }
  const muSlot = 1000 / m.serviceMeanMs;
  const c = m.concurrency;
  if (lambdaTask <= 0 || lambdaTask >= c * muSlot) {
    out.pWait = 0;
    out.waitMeanMs = 0;
    return out;
  }
  const p = mgcProbWait(lambdaTask, muSlot, c);
  const wq = mgcMeanWait(lambdaTask, muSlot, c, m.serviceCv2, ca2) * 1000;
  out.pWait = p > 1e-12 && wq > 0 ? Math.min(1, p) : 0;
  out.waitMeanMs = out.pWait > 0 ? wq / out.pWait : 0;
  return out;
}

/**
 * (ca² + cs²)/(1 + cs²): how arrival and demand variability scale the mean number sharing a
 * processor-sharing server in heavy traffic, relative to M/M/1-PS. The workload V is that of any
 * work-conserving GI/G/1 queue, E[V] ≈ ρ·E[S]·(ca² + cs²)/(2(1 − ρ)) (Kingman), and in heavy traffic
 * the residual demands of the jobs sharing the server follow the equilibrium excess distribution of
 * mean E[S](1 + cs²)/2, so N ≈ V / (E[S](1 + cs²)/2) (H. C. Gromoll, "Diffusion approximation for a
 * processor sharing queue in heavy traffic", Annals of Applied Probability 14(2), 2004). Exact (= 1)
 * for Poisson arrivals, where M/G/1-PS is insensitive; (1 + ca²)/2, the Allen–Cunneen factor, for
 * cs² = 1.
 */
export function psVariabilityFactor(ca2: number, cs2: number): number {
  return (ca2 + cs2) / (1 + cs2);
}

/**
 * σ of the GI/M/1 queue whose arrivals are every n-th of a Poisson stream (Erlang-n inter-arrival
 * times of rate λ per server, as round robin over n targets makes them): the root in (0, 1) of
 * σ = A*(μ(1 − σ)), A*(s) = (nλ/(nλ + s))^n the inter-arrival Laplace transform. An arrival finds the
 * server busy with probability σ and the number it finds is geometric, P(N ≥ k) = σ^k, so the mean
 * sojourn is 1/(μ(1 − σ)) — under FIFO and, the number in system being the same process, under
 * processor sharing by Little's law (Kleinrock, Queueing Systems Vol. 1, 1975, §6.4; Gross & Harris,
 * Fundamentals of Queueing Theory, §6.2). σ = ρ for n = 1 (M/M/1); σ < ρ for n > 1 (regular arrivals
 * find the server idle more often, by far at light load: σ ≈ ρⁿ·nⁿ/… rather than the Allen–Cunneen
 * (1 + 1/n)/2·ρ). Exact for exponential CPU demands, an approximation otherwise. Bisection on [0, ρ].
 */
export function erlangArrivalsSigma(n: number, lambda: number, mu: number): number {
  const rho = lambda / mu;
  if (rho <= 0) return 0;
  if (rho >= 1) return 1;
  if (n <= 1 + 1e-9) return rho;
  const nl = n * lambda;
  const sure = sigmaBracket(n, nl, mu, rho);
  let lo = 0;
  let hi = rho;
  for (let i = 0; i < 60 && hi - lo > 1e-12; i++) {
    const s = 0.5 * (lo + hi);
    // Outside the certified bracket the comparison's outcome is known; inside it, evaluated.
    const above =
      s <= sure.left ? true : s >= sure.right ? false : Math.exp(-n * Math.log1p((mu * (1 - s)) / nl)) > s;
    if (above) lo = s;
    else hi = s;
  }
  return 0.5 * (lo + hi);
}

/**
 * Margin by which the GI/M/1 σ equation must hold at the ends of a certified bracket: 100× the error of
 * its floating-point evaluation (below 1e-15 in absolute terms: A* and s are at most 1).
 */
const SIGMA_MARGIN = 1e-13;
/** h(s) = A*(μ(1 − s)) − s, evaluated as the bisection evaluates A*. */
function sigmaExcess(s: number, n: number, nl: number, mu: number): number {
  return Math.exp(-n * Math.log1p((mu * (1 - s)) / nl)) - s;
}

/** Scratch result of `sigmaBracket` (single-threaded; no allocation per call). */
const sure = { left: -1, right: 2 };

/**
 * A bracket (left, right) around the root σ of h(s) = A*(μ(1 − s)) − s, certified so that the bisection
 * in `erlangArrivalsSigma` would find `A*(μ(1 − s)) > s` true for every s ≤ left and false for every
 * s ≥ right (s ≤ ρ): its outcome there is known without evaluating, and the bisection takes the same
 * steps to the same result, bit for bit, in about a quarter of the evaluations. h is convex (A* is
 * convex and decreasing, μ(1 − s) affine and decreasing), positive at 0, zero at σ and at 1, so
 * h(s) ≥ h(left) for s ≤ left < σ, and h(s) ≤ max(h(right), h(ρ)) on [right, ρ]. Both are checked to
 * exceed SIGMA_MARGIN in size, far beyond the evaluation's rounding, so the rounded comparison cannot
 * flip. The root comes from Newton's method from 0 (monotone on a convex decreasing function); when
 * anything fails the bracket is empty (left −1, right 2) and every step is evaluated as before.
 */
function sigmaBracket(n: number, nl: number, mu: number, rho: number): { left: number; right: number } {
  sure.left = -1;
  sure.right = 2;
  let s = 0;
  let slope = Number.NaN;
  for (let i = 0; i < 40; i++) {
    const y = (mu * (1 - s)) / nl;
    const a = Math.exp(-n * Math.log1p(y));
    slope = (n * (mu / nl) * a) / (1 + y) - 1;
    if (!(slope < 0)) return sure;
    const step = (a - s) / slope;
    s -= step;
    if (!(s >= 0 && s < rho)) return sure;
    if (Math.abs(step) <= 1e-15) break;
  }
  const eps = (8 * SIGMA_MARGIN) / -slope;
  const left = s - eps;
  const right = s + eps;
  if (!(left > 0 && right < rho)) return sure;
  if (
    sigmaExcess(left, n, nl, mu) > SIGMA_MARGIN &&
    sigmaExcess(right, n, nl, mu) < -SIGMA_MARGIN &&
    sigmaExcess(rho, n, nl, mu) < -SIGMA_MARGIN
  ) {
    sure.left = left;
    sure.right = right;
  }
  return sure;
}

/** Scratch: each service stratum's φ(a_j) (`shortShare`), for the two loops of `taskLatency`. */
const stratumShort = new Float64Array(SERVICE_STRATA);

/** Scratch: each service stratum's mean shared slowdown (one task model at a time; single-threaded). */
const stratumShared = new Float64Array(SERVICE_STRATA);

/** φ(a) = (1 − e^(−a))/a: 1 for a request short against the sharing's time scale, 1/a for a long one. */
function shortShare(a: number): number {
  return a < 1e-6 ? 1 - a / 2 : -Math.expm1(-a) / a;
}

function stratumWidth(j: number): number {
  return SERVICE_STRATA_EDGES[j + 1] - SERVICE_STRATA_EDGES[j];
}

/** h(a) = 2(a − 1 + e^(−a))/a², the relative variance shape of the M/M/1-PS conditional sojourn. */
export function conditionalShape(a: number): number {
  if (a < 1e-4) return 1 - a / 3;
  return (2 * (a - 1 + Math.exp(-a))) / (a * a);
}

/** Mean of Exp(1) over each stretch stratum's probabilities (constants of `spreadStratum`). */
const EXP_STRATUM_MEAN = Float64Array.from(
  { length: STRETCH_STRATA },
  (_, m) => (expPartial(STRETCH_EDGES[m + 1]) - expPartial(STRETCH_EDGES[m])) / STRETCH_WEIGHTS[m],
);

/** ∫₀^u −ln(1 − t) dt = (1 − u)·ln(1 − u) + u: partial mean of Exp(1) over probabilities [0, u]. */
function expPartial(u: number): number {
  return u >= 1 ? 1 : (1 - u) * Math.log(1 - u) + u;
}

/**
 * Stratum j's stretch values base + excess·Z_m: Z has mean 1 and squared cv `cv2`, each value the mean
 * of Z over one of STRETCH_STRATA equal-probability strata (so the mean is kept exactly and the upper
 * stratum carries the tail's mean). Shape: for cv² ≥ 1 no sharing with probability 1 − π, and
 * otherwise a shifted exponential of mean 1/π and squared cv y (a short request either finds the CPU
 * free, probability 1 − p with p = `pShare`, or shares it with 1 + a geometric number of others, whose
 * squared cv is p: y = p + h − 1 with h = cv²·p the request's conditional-variance shape, clipped to
 * [0, cv²]); π = (1 + y)/(1 + cv²) keeps the variance (π = p when y is not clipped). For cv² < 1 a
 * shifted exponential 1 − c + c·Exp(1), c = √cv² (a long request's slowdown concentrates at its mean).
 */
function spreadStratum(
  out: Float64Array,
  j: number,
  base: number,
  excess: number,
  cv2: number,
  pShare: number,
): void {
  const o = j * STRETCH_STRATA;
  if (cv2 >= 1) {
    const y = Math.max(0, Math.min(cv2, pShare + cv2 * pShare - 1));
    const pi = (1 + y) / (1 + cv2);
    const atom = 1 - pi;
    const c = Math.sqrt(y);
    // Probabilities of each stratum within the shifted exponential part, as fractions of π; a stratum's
    // upper end is the next one's lower end, so each end's partial mean is computed once.
    let u1 = Math.max(0, (STRETCH_EDGES[0] - atom) / pi);
    let e1 = expPartial(u1);
    for (let m = 0; m < STRETCH_STRATA; m++) {
      const u2 = Math.max(0, (STRETCH_EDGES[m + 1] - atom) / pi);
      const e2 = expPartial(u2);
      const z = ((1 - c) * (u2 - u1) + c * (e2 - e1)) / STRETCH_WEIGHTS[m];
      out[o + m] = base + excess * z;
      u1 = u2;
      e1 = e2;
    }
  } else {
    const c = Math.sqrt(cv2);
    for (let m = 0; m < STRETCH_STRATA; m++) out[o + m] = base + excess * (1 - c + c * EXP_STRATUM_MEAN[m]);
  }
}
