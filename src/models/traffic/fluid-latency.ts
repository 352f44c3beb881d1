import { erlangCFast, mgcMeanWait, mgcProbWait } from "../latency/queueing.js";
import { SERVICE_STRATA, STRETCH_STRATA } from "../latency/recorder.js";

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
 *    Round robin makes per-target arrivals Erlang-n (cv² = 1/n); the excess g − 1 is scaled by
 *    (1 + cv²)/2, the Allen–Cunneen factor, which request mode confirms (docs/latency.md).
 *    K is not a constant: a short request's slowdown depends on how many share the CPU when it arrives
 *    (T ≈ x·(1 + N) as x → 0), a long one's averages out (T/x → g). Per service stratum (recorder.ts) the
 *    slowdown R = T(x)/x of a request of CPU size x = E[W | stratum] is given the M/M/1-PS conditional
 *    variance (E. G. Coffman, R. R. Muntz, H. Trotter, "Waiting time distributions for processor-sharing
 *    systems", JACM 17(1), 1970): Var[T(x)] = 2ρx/(μ(1 − ρ)³) − 2ρ(1 − e^(−a))/(μ²(1 − ρ)⁴),
 *    a = (1 − ρ)μx, i.e. Var[R] = (g − 1)²·h(a)/ρ with h(a) = 2(a − 1 + e^(−a))/a² (h → 1 for short,
 *    2/a for long requests). Above one vCPU ρ becomes the probability of sharing C(v, A) and the decay
 *    rate v(1 − ρ)/E[W] (the M/M/v-PS analogue; Brandt & Brandt, "Waiting times for M/M systems under
 *    state-dependent processor sharing", Queueing Systems 59, 2008, compute it exactly and show the
 *    same two regimes). R − 1 is spread as a lognormal of that mean and variance over STRETCH_STRATA
 *    equal-probability points.
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
    // Probability an arrival shares the CPU, and the mean slowdown g.
    let pShare: number;
    let g: number;
    if (rho >= 1) {
      pShare = 1;
      g = gMax;
    } else if (v <= 1) {
      // One server at speed v: M/G/1-PS slowdown, the sharing part scaled by the Allen–Cunneen factor for
      // Erlang-n arrivals (an arrival finds the CPU shared with probability ρ under Poisson arrivals).
      pShare = rho;
      g = alone + ((alone * rho) / (1 - rho)) * ((1 + ca2) / 2);
    } else {
      // v servers: the M/M/v-PS slowdown with the Allen–Cunneen factor for Erlang-n arrivals.
      pShare = erlangCFast(v, a);
      g = 1 + ((pShare / (v * (1 - rho))) * (1 + ca2)) / 2;
    }
    g = Math.min(g, gMax);
    const shared = g - alone;
    const f = m.workMs / m.serviceMeanMs;
    out.scale = 1 + f * (alone - 1 + shared);
    if (out.scale - 1 > 1e-9) {
      out.stretched = true;
      out.version++;
      const decay = (Math.max(1, v) * Math.max(0, 1 - (v <= 1 ? pShare : rho))) / m.workMs;
      for (let j = 0; j < SERVICE_STRATA; j++) {
        const cv2 = pShare > 0 ? conditionalShape(decay * m.stratumWorkMs[j + 1]) / pShare : 0;
        spreadStratum(out.stretch, j, 1 + f * (alone - 1), f * shared, cv2);
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

/** h(a) = 2(a − 1 + e^(−a))/a², the relative variance shape of the M/M/1-PS conditional sojourn. */
export function conditionalShape(a: number): number {
  if (a < 1e-4) return 1 - a / 3;
  return (2 * (a - 1 + Math.exp(-a))) / (a * a);
}

/** ∫₀^u −ln(1 − t) dt = (1 − u)·ln(1 − u) + u: partial mean of Exp(1) over probabilities [0, u]. */
function expPartial(u: number): number {
  return u >= 1 ? 1 : (1 - u) * Math.log(1 - u) + u;
}

/**
 * Stratum j's stretch values base + excess·Z_m: Z has mean 1 and squared cv `cv2`, each value the mean
 * of Z over one of STRETCH_STRATA equal-probability strata (so the mean is kept exactly and the upper
 * stratum carries the tail's mean). Shape: for cv² ≥ 1 no sharing with probability 1 − π and an
 * exponential of mean 1/π otherwise, π = 2/(1 + cv²) (a short request either finds the CPU free or
 * waits behind a geometric number of others); for cv² < 1 a shifted exponential 1 − c + c·Exp(1),
 * c = √cv² (a long request's slowdown concentrates at its mean).
 */
function spreadStratum(out: Float64Array, j: number, base: number, excess: number, cv2: number): void {
  const o = j * STRETCH_STRATA;
  const width = 1 / STRETCH_STRATA;
  if (cv2 >= 1) {
    const pi = 2 / (1 + cv2);
    const atom = 1 - pi;
    for (let m = 0; m < STRETCH_STRATA; m++) {
      // Probabilities of this stratum within the exponential part, as fractions of π.
      const u1 = Math.max(0, (m * width - atom) / pi);
      const u2 = Math.max(0, ((m + 1) * width - atom) / pi);
      const z = (expPartial(u2) - expPartial(u1)) / width;
      out[o + m] = base + excess * z;
    }
  } else {
    const c = Math.sqrt(cv2);
    for (let m = 0; m < STRETCH_STRATA; m++) {
      const e = (expPartial((m + 1) * width) - expPartial(m * width)) / width;
      out[o + m] = base + excess * (1 - c + c * e);
    }
  }
}
