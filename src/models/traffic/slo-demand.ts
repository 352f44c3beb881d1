import { MINUTE, type TimeMs } from "../../engine/time.js";
import type { ServiceTimeDistribution } from "../latency/distributions.js";
import { recordedLatencyCdf, tabulatedCdf } from "../latency/recorder.js";
import { newTaskLatency, type TaskLatencyModel, taskLatency, taskThroughput } from "./fluid-latency.js";

/** Per-minute demand of a platform: the least capacity that meets the SLO at that minute's load. */
export interface SloDemand {
  /** Units (tasks, pods, instances) needed in each minute. */
  perMinute: Float64Array;
  /** Minutes with load in which no capacity meets the SLO (the service time alone misses it). */
  unattainableMinutes: number;
}

export interface SloDemandInputs {
  /** Requests per second for each trace interval. */
  rates: Float64Array;
  stepMs: TimeMs;
  durationMs: TimeMs;
  /** The per-task latency model the fluid model uses (fluidTaskModel). */
  model: TaskLatencyModel;
  service: ServiceTimeDistribution;
  /** SLO: `percentile` % of requests within `latencyMs`. */
  latencyMs: number;
  percentile: number;
}

/**
 * Demand for the SPEC elasticity metrics (shared/reference/anchors.md §3.1: "the minimal number of units
 * that would satisfy the SLO at the current load"): for each minute, with λ the minute's mean arrival
 * rate from the trace, the least n such that
 *   - n tasks take λ without a backlog (λ/n below one task's throughput), and
 *   - with λ/n per task behind round robin over n targets, the fluid model's latency distribution
 *     (`taskLatency`, the same mixture the fluid recorder keeps) has at least `percentile` % of requests
 *     within the SLO latency.
 * 0 in a minute without load. Where no n meets the SLO (the service time alone misses it), the least n
 * without backlog is used and the minute counted in `unattainableMinutes`. Latency falls as n grows,
 * so the search gallops from the previous minute's answer (demand moves little from minute to minute)
 * and bisects: a number of checks logarithmic in the demand, never proportional to it.
 * It is the same for both engine modes: a property of the workload and the trace, not of a run.
 */
export function sloDemandPerMinute(i: SloDemandInputs): SloDemand {
  const minutes = Math.ceil(i.durationMs / MINUTE);
  const perMinute = new Float64Array(minutes);
  const mu = taskThroughput(i.model);
  const cdfS = i.service.kind === "lognormal" ? tabulatedCdf(i.service) : (x: number) => i.service.cdf(x);
  const need = i.percentile / 100;
  // A tolerance on the attainment, so a percentile met exactly is not lost to rounding.
  const eps = 1e-9;
  const lat = newTaskLatency();
  const meets = (lambda: number, n: number): boolean => {
    if (lambda / n >= mu) return false;
    taskLatency(i.model, lambda / n, n, lat);
    const f = recordedLatencyCdf(
      i.latencyMs,
      lat.pWait,
      lat.waitMeanMs,
      lat.stretched ? lat.stretch : null,
      lat.scale,
      cdfS,
    );
    return f >= need - eps;
  };
  // Attainable at all only if a task with (almost) no load meets the SLO: the service time plus what
  // the task itself adds even when idle (a request on half a vCPU runs its CPU part at half speed).
  const attainable = meets(1e-9, 1);
  let unattainable = 0;
  let prev = 1;
  for (let m = 0; m < minutes; m++) {
    const lambda = minuteRate(i.rates, i.stepMs, m, Math.min(MINUTE, i.durationMs - m * MINUTE));
    if (!(lambda > 0)) {
      perMinute[m] = 0;
      continue;
    }
    // Least n without backlog: λ/n < μ.
    const floor = Math.max(1, Math.floor(lambda / mu) + 1);
    if (!attainable) {
      unattainable++;
      perMinute[m] = floor;
      prev = floor;
      continue;
    }
    const start = Math.max(floor, prev);
    const n = meets(lambda, start)
      ? gallopDown(start, floor, (k) => meets(lambda, k))
      : gallopUp(start, (k) => meets(lambda, k));
    if (n === undefined) {
      // No capacity meets the SLO at this load (latency levels off above it): as for unattainable.
      unattainable++;
      perMinute[m] = floor;
      prev = floor;
      continue;
    }
    perMinute[m] = n;
    prev = n;
  }
  return { perMinute, unattainableMinutes: unattainable };
}

/**
 * Least k in [floor, start] that meets, given that `start` meets and meeting is monotone in k: steps of
 * 1, 2, 4, ... down from `start`, then bisection. O(log(start - floor)) checks, whatever the count (a
 * walk one task at a time took time proportional to the demand, and never ended at 2^53 tasks).
 */
export function gallopDown(start: number, floor: number, meets: (k: number) => boolean): number {
  let hi = start;
  let step = 1;
  for (;;) {
    const lo = Math.max(floor, start - step);
    if (lo >= hi) return hi;
    if (!meets(lo)) return bisect(lo, hi, meets);
    hi = lo;
    if (lo === floor) return floor;
    step *= 2;
  }
}

/** Least k above `start` (which fails) that meets, by galloping up and bisecting; undefined past MAX_GALLOP. */
export function gallopUp(start: number, meets: (k: number) => boolean): number | undefined {
  let lo = start;
  let step = 1;
  while (!meets(start + step)) {
    lo = start + step;
    step *= 2;
    if (step > MAX_GALLOP) return undefined;
  }
  return bisect(lo, start + step, meets);
}

/** Least k in (lo, hi] that meets, where lo fails and hi meets. */
function bisect(lo: number, hi: number, meets: (k: number) => boolean): number {
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (meets(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Beyond 2^20 more units than the previous minute's demand, a minute's SLO is taken as out of reach. */
const MAX_GALLOP = 1 << 20;

/** Mean arrival rate (per s) over minute m, of length `lengthMs`, from the trace intervals' rates. */
function minuteRate(rates: Float64Array, stepMs: TimeMs, m: number, lengthMs: number): number {
  if (lengthMs <= 0) return 0;
  const t0 = m * MINUTE;
  const t1 = t0 + lengthMs;
  let sum = 0;
  for (let k = Math.floor(t0 / stepMs); k * stepMs < t1 && k < rates.length; k++) {
    const a = Math.max(t0, k * stepMs);
    const b = Math.min(t1, (k + 1) * stepMs);
    if (b > a) sum += rates[k] * (b - a);
  }
  return sum / lengthMs;
}
