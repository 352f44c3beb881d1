/**
 * SPEC Research Group elasticity metrics over piecewise-constant demand d(t) and supply s(t)
 * (shared/reference/anchors.md §3; Herbst, Kounev, Reussner, "Elasticity in Cloud Computing: What It
 * Is, and What It Is Not", ICAC 2013; Herbst et al., "Quantifying Cloud Performance and Dependability",
 * ACM TOMPECS 3(4), 2018; Ilyushkin et al., ACM TOMPECS 3(2), 2018).
 *
 * Two forms are provided:
 *  - `elasticityMetrics` — the normalised form scalesim reports (fields accuracyUnder, accuracyOver,
 *    timeshareUnder, timeshareOver, instability, jitter): accuracies are time-averaged relative
 *    deviations from demand in percent, timeshares and instability are percent of the horizon, jitter
 *    is adaptations per minute.
 *  - `bungeeMetrics` — the raw form computed by BUNGEE
 *    (https://github.com/NikolasHerbst/BUNGEE, tools.descartes.bungee/src/tools/descartes/bungee/metric/):
 *    accuracies in resource units (area / duration, not divided by demand), timeshares as fractions
 *    0..1, jitter in resource units changed per minute. Its unit tests are ported as golden tests.
 *
 * Times are seconds. A series is held at each point's value until the next point; before its first
 * point it is held at its first value (assumption: both series usually start together, as BUNGEE's
 * `Metric` constructor asserts). The default horizon is [earliest first point, latest last point],
 * as in BUNGEE's `Metric.getDuration()`; the last point therefore only marks the end.
 */

/** One step of a series: from time t (s) the value holds until the next step. */
export interface StepPoint {
  t: number;
  value: number;
}

/** A step function as point objects or as parallel arrays of times (s) and values. */
export type StepSeries = readonly StepPoint[] | { t: ArrayLike<number>; value: ArrayLike<number> };

/**
 * Assumption: divisor used for θ_U/θ_O while demand is 0 (anchors.md §3.2 writes max(d_i, ε)); one
 * resource unit, so 2 surplus units against zero demand count as 200% over-provisioned.
 */
export const ZERO_DEMAND_FLOOR = 1;

/** Jitter is reported per this many seconds (per minute, BUNGEE's unit in `Jitter.java`). */
export const JITTER_PER_SECONDS = 60;

export interface ElasticityOptions {
  /** Start of the horizon, s (default: earliest first point of either series). */
  start?: number;
  /** End of the horizon, s (default: latest last point of either series). */
  end?: number;
  /**
   * Accuracy divisor: "demand" divides each deviation by max(d_i, demandFloor) (TOMPECS 2018 form);
   * "maxResources" divides by a fixed `maxResources` R (Ilyushkin et al. variant for demand that can
   * be 0, e.g. scale-to-zero).
   */
  normalisation?: "demand" | "maxResources";
  /** R for normalisation "maxResources". */
  maxResources?: number;
  /** ε for normalisation "demand" (default ZERO_DEMAND_FLOOR). */
  demandFloor?: number;
}

/** The normalised metrics scalesim reports. */
export interface ElasticityMetrics {
  /** θ_U: time-averaged (d − s)⁺ / d, percent. */
  accuracyUnder: number;
  /** θ_O: time-averaged (s − d)⁺ / d, percent. */
  accuracyOver: number;
  /** τ_U: percent of the horizon with s < d. */
  timeshareUnder: number;
  /** τ_O: percent of the horizon with s > d. */
  timeshareOver: number;
  /**
   * υ: percent of time (after the first segment) whose segment did not begin with supply and demand
   * moving in the same direction: min(|sgn Δs − sgn Δd|, 1). Segments are cut at every given
   * timestamp, so regularly sampled inputs give the sampled form of Ilyushkin et al.
   */
  instability: number;
  /** j = (E_S − E_D) / T, supply adaptations minus demand changes, per minute. */
  jitter: number;
  /** Horizon length T, s. */
  duration: number;
  /** Which accuracy divisor was used. */
  normalisation: "demand" | "maxResources";
}

/** BUNGEE's raw metrics (see module comment for units). */
export interface BungeeMetrics {
  accuracyUnder: number;
  accuracyOver: number;
  timeshareUnder: number;
  timeshareOver: number;
  jitter: number;
}

interface Series {
  t: Float64Array;
  v: Float64Array;
}

function toSeries(s: StepSeries, name: string): Series {
  let t: Float64Array;
  let v: Float64Array;
  if (Array.isArray(s)) {
    const pts = s as readonly StepPoint[];
    t = new Float64Array(pts.length);
    v = new Float64Array(pts.length);
    for (let i = 0; i < pts.length; i++) {
      t[i] = pts[i].t;
      v[i] = pts[i].value;
    }
  } else {
    const p = s as { t: ArrayLike<number>; value: ArrayLike<number> };
    if (p.t.length !== p.value.length) throw new RangeError(`${name}: t and value lengths differ`);
    t = Float64Array.from(p.t);
    v = Float64Array.from(p.value);
  }
  if (t.length === 0) throw new RangeError(`${name}: series is empty`);
  for (let i = 0; i < t.length; i++) {
    if (!Number.isFinite(t[i]) || !Number.isFinite(v[i])) throw new RangeError(`${name}[${i}] is not finite`);
    if (i > 0 && t[i] < t[i - 1]) throw new RangeError(`${name}: times must be non-decreasing (index ${i})`);
  }
  return { t, v };
}

/** Segments of the union of both series' timestamps inside [start, end): start, length, d, s. */
interface Segments {
  n: number;
  dt: Float64Array;
  d: Float64Array;
  s: Float64Array;
  start: number;
  end: number;
}

function segments(demand: Series, supply: Series, start: number, end: number): Segments {
  const cap = demand.t.length + supply.t.length + 1;
  const dt = new Float64Array(cap);
  const d = new Float64Array(cap);
  const s = new Float64Array(cap);
  let n = 0;
  // Index of the last point at or before the cursor (−1: before the first point, hold first value).
  let i = -1;
  let j = -1;
  const dt_ = demand.t;
  const st = supply.t;
  while (i + 1 < dt_.length && dt_[i + 1] <= start) i++;
  while (j + 1 < st.length && st[j + 1] <= start) j++;
  let cursor = start;
  while (cursor < end) {
    const nextD = i + 1 < dt_.length ? dt_[i + 1] : Number.POSITIVE_INFINITY;
    const nextS = j + 1 < st.length ? st[j + 1] : Number.POSITIVE_INFINITY;
    const next = Math.min(nextD, nextS, end);
    if (next > cursor) {
      d[n] = demand.v[Math.max(i, 0)];
      s[n] = supply.v[Math.max(j, 0)];
      dt[n] = next - cursor;
      n++;
      cursor = next;
    }
    // Consume every point at the new cursor (repeated timestamps: the last one wins).
    while (i + 1 < dt_.length && dt_[i + 1] <= cursor) i++;
    while (j + 1 < st.length && st[j + 1] <= cursor) j++;
  }
  return { n, dt, d, s, start, end };
}

function horizon(demand: Series, supply: Series, opts: ElasticityOptions): [number, number] {
  const start = opts.start ?? Math.min(demand.t[0], supply.t[0]);
  const end = opts.end ?? Math.max(demand.t[demand.t.length - 1], supply.t[supply.t.length - 1]);
  if (!(end > start)) throw new RangeError(`horizon must have end > start, got [${start}, ${end}]`);
  return [start, end];
}

/** Count of value changes with timestamp in (start, end], and the sum of their sizes. */
function adaptations(series: Series, start: number, end: number): { count: number; units: number } {
  let count = 0;
  let units = 0;
  for (let k = 1; k < series.t.length; k++) {
    if (series.t[k] <= start || series.t[k] > end) continue;
    const delta = series.v[k] - series.v[k - 1];
    if (delta !== 0) {
      count++;
      units += Math.abs(delta);
    }
  }
  return { count, units };
}

/** The normalised SPEC metrics (anchors.md §3.2), the form scalesim reports. */
export function elasticityMetrics(
  demandSeries: StepSeries,
  supplySeries: StepSeries,
  opts: ElasticityOptions = {},
): ElasticityMetrics {
  const demand = toSeries(demandSeries, "demand");
  const supply = toSeries(supplySeries, "supply");
  const [start, end] = horizon(demand, supply, opts);
  const normalisation = opts.normalisation ?? "demand";
  const floor = opts.demandFloor ?? ZERO_DEMAND_FLOOR;
  const r = opts.maxResources;
  if (normalisation === "maxResources" && !(r !== undefined && r > 0)) {
    throw new RangeError("normalisation maxResources needs maxResources > 0");
  }
  if (!(floor > 0)) throw new RangeError("demandFloor must be > 0");
  const seg = segments(demand, supply, start, end);
  const total = end - start;
  let accU = 0;
  let accO = 0;
  let timeU = 0;
  let timeO = 0;
  let unstable = 0;
  let afterFirst = 0;
  for (let k = 0; k < seg.n; k++) {
    const d = seg.d[k];
    const s = seg.s[k];
    const dt = seg.dt[k];
    const divisor = normalisation === "demand" ? Math.max(d, floor) : (r as number);
    if (d > s) {
      accU += ((d - s) / divisor) * dt;
      timeU += dt;
    } else if (s > d) {
      accO += ((s - d) / divisor) * dt;
      timeO += dt;
    }
    if (k > 0) {
      const sameDirection = Math.sign(s - seg.s[k - 1]) === Math.sign(d - seg.d[k - 1]);
      if (!sameDirection) unstable += dt;
      afterFirst += dt;
    }
  }
  const ds = adaptations(supply, start, end);
  const dd = adaptations(demand, start, end);
  return {
    accuracyUnder: (100 * accU) / total,
    accuracyOver: (100 * accO) / total,
    timeshareUnder: (100 * timeU) / total,
    timeshareOver: (100 * timeO) / total,
    instability: afterFirst > 0 ? (100 * unstable) / afterFirst : 0,
    jitter: ((ds.count - dd.count) / total) * JITTER_PER_SECONDS,
    duration: total,
    normalisation,
  };
}

/**
 * BUNGEE's raw metrics: `UnderprovisionAccuracy`/`OverprovisionAccuracy` = area / duration (units),
 * `Under/OverprovisionTimeshare` = time / duration (fraction), `Jitter` = (Σ|Δs| − Σ|Δd|) per minute
 * (`AbstractScaleEvents` counts each unit changed).
 */
export function bungeeMetrics(
  demandSeries: StepSeries,
  supplySeries: StepSeries,
  opts: Pick<ElasticityOptions, "start" | "end"> = {},
): BungeeMetrics {
  const demand = toSeries(demandSeries, "demand");
  const supply = toSeries(supplySeries, "supply");
  const [start, end] = horizon(demand, supply, opts);
  const seg = segments(demand, supply, start, end);
  const total = end - start;
  let areaU = 0;
  let areaO = 0;
  let timeU = 0;
  let timeO = 0;
  for (let k = 0; k < seg.n; k++) {
    const h = seg.s[k] - seg.d[k];
    if (h > 0) {
      areaO += h * seg.dt[k];
      timeO += seg.dt[k];
    } else if (h < 0) {
      areaU -= h * seg.dt[k];
      timeU += seg.dt[k];
    }
  }
  const ds = adaptations(supply, start, end);
  const dd = adaptations(demand, start, end);
  return {
    accuracyUnder: areaU / total,
    accuracyOver: areaO / total,
    timeshareUnder: timeU / total,
    timeshareOver: timeO / total,
    jitter: ((ds.units - dd.units) / total) * JITTER_PER_SECONDS,
  };
}

type SpeedupInputs = Pick<
  ElasticityMetrics,
  "accuracyUnder" | "accuracyOver" | "timeshareUnder" | "timeshareOver"
>;

/**
 * Elastic speedup of autoscaler k against reference 0 (Ilyushkin et al. 2018; higher is better):
 * ε_k = (θU0/θUk · θO0/θOk · τU0/τUk · τO0/τOk)^(1/4). A metric that is 0 for both counts as ratio 1;
 * 0 for k only gives +∞ (k is perfect where the reference is not); 0 for the reference only gives 0.
 */
export function elasticSpeedup(k: SpeedupInputs, reference: SpeedupInputs): number {
  const ratio = (ref: number, cand: number): number => {
    if (cand === 0) return ref === 0 ? 1 : Number.POSITIVE_INFINITY;
    return ref / cand;
  };
  const p =
    ratio(reference.accuracyUnder, k.accuracyUnder) *
    ratio(reference.accuracyOver, k.accuracyOver) *
    ratio(reference.timeshareUnder, k.timeshareUnder) *
    ratio(reference.timeshareOver, k.timeshareOver);
  if (Number.isNaN(p)) return Number.NaN; // ∞·0: one metric infinitely better, another infinitely worse
  return p ** 0.25;
}
