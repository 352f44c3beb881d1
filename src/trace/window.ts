/**
 * Transforms of a RateSeries: cut a window, scale, change the interval length, and read it back as a
 * rate. Pure functions: inputs are never modified.
 */
import { InputError } from "../errors.js";
import { formatStep, isoUtc, type RateSeries } from "./series.js";

export interface WindowOptions {
  /** Absolute start of the window, epoch ms. */
  startMs?: number;
  /** Start of the window as an offset from the series start, ms (alternative to startMs). */
  offsetMs?: number;
  /** Window length, ms; default to the end of the series. */
  durationMs?: number;
  /** Scenario field for messages, e.g. `traffic.window`. */
  path?: string;
}

/** End (exclusive) of a series in epoch ms. */
export function endMs(series: RateSeries): number {
  return series.startMs + series.counts.length * series.stepMs;
}

function range(series: RateSeries): string {
  return `${isoUtc(series.startMs)} to ${isoUtc(endMs(series))} (${series.counts.length} × ${formatStep(series.stepMs)})`;
}

/** First index i with a[i] >= x in a sorted array. */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The part of a series inside a window. The window must lie inside the trace and on its interval grid
 * (an InputError gives the trace's range or the grid); per-request times are cut and rebased too.
 */
export function selectWindow(series: RateSeries, window: WindowOptions): RateSeries {
  const loc = { path: window.path };
  if (window.startMs !== undefined && window.offsetMs !== undefined) {
    throw new InputError("give either startMs or offsetMs for the window, not both", loc);
  }
  const from = window.startMs ?? series.startMs + (window.offsetMs ?? 0);
  const end = endMs(series);
  const to = window.durationMs === undefined ? end : from + window.durationMs;
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) {
    throw new InputError(`the window must have a positive duration (got ${window.durationMs} ms)`, loc);
  }
  if (from < series.startMs || to > end) {
    throw new InputError(
      `window ${isoUtc(from)} to ${isoUtc(to)} falls outside the trace, which covers ${range(series)}`,
      loc,
    );
  }
  const { stepMs } = series;
  if ((from - series.startMs) % stepMs !== 0 || (to - series.startMs) % stepMs !== 0) {
    throw new InputError(
      `window ${isoUtc(from)} to ${isoUtc(to)} is not on the trace's ${formatStep(stepMs)} grid starting ${isoUtc(series.startMs)}; resample first or align it`,
      loc,
    );
  }
  const i0 = (from - series.startMs) / stepMs;
  const i1 = (to - series.startMs) / stepMs;
  const out: RateSeries = {
    ...series,
    startMs: from,
    counts: series.counts.slice(i0, i1),
    source: `${series.source} [${isoUtc(from)}, ${isoUtc(to)})`,
    notes: series.notes === undefined ? undefined : [...series.notes],
  };
  if (series.requestTimesMs !== undefined) {
    const shift = from - series.startMs;
    const a = lowerBound(series.requestTimesMs, shift);
    const b = lowerBound(series.requestTimesMs, to - series.startMs);
    const times = series.requestTimesMs.slice(a, b);
    for (let i = 0; i < times.length; i++) times[i] -= shift;
    out.requestTimesMs = times;
    if (series.requestServiceMs !== undefined) out.requestServiceMs = series.requestServiceMs.slice(a, b);
  }
  return out;
}

/**
 * Multiply every count by `multiplier`. Per-request columns are dropped unless the multiplier is 1:
 * the scaled counts no longer correspond to the recorded requests.
 */
export function scale(series: RateSeries, multiplier: number, path?: string): RateSeries {
  if (!(Number.isFinite(multiplier) && multiplier >= 0)) {
    throw new InputError(`multiplier must be a finite number >= 0 (got ${multiplier})`, { path });
  }
  if (multiplier === 1) return series;
  const counts = new Float64Array(series.counts.length);
  for (let i = 0; i < counts.length; i++) counts[i] = series.counts[i] * multiplier;
  const notes = [...(series.notes ?? [])];
  if (series.requestTimesMs !== undefined) {
    notes.push(`per-request times dropped by the ×${multiplier} multiplier; counts are used instead`);
  }
  return {
    startMs: series.startMs,
    stepMs: series.stepMs,
    counts,
    source: `${series.source} ×${multiplier}`,
    notes,
  };
}

/**
 * The same traffic on intervals of `stepMs`. Each old interval's requests are spread uniformly over it
 * and each new interval takes the share that overlaps it, which covers finer steps (spread), coarser
 * ones (sum) and any ratio. The total is preserved; when the old span is not a whole number of new
 * steps, the last new interval is partial (noted) rather than padded with zero traffic.
 */
export function resample(series: RateSeries, stepMs: number): RateSeries {
  if (!(Number.isInteger(stepMs) && stepMs > 0)) {
    throw new InputError(`resample step must be a positive integer number of ms (got ${stepMs})`);
  }
  if (stepMs === series.stepMs) return series;
  const old = series.stepMs;
  const span = series.counts.length * old;
  const n = Math.ceil(span / stepMs);
  const counts = new Float64Array(n);
  const times = series.requestTimesMs;
  if (times !== undefined) {
    // A request log is re-binned from its arrival times: exact, and keeps counts whole.
    for (let r = 0; r < times.length; r++) counts[Math.floor(times[r] / stepMs)]++;
  }
  let j = 0;
  for (let i = 0; times === undefined && i < series.counts.length; i++) {
    const c = series.counts[i];
    if (c === 0) continue;
    const a0 = i * old;
    const a1 = a0 + old;
    while ((j + 1) * stepMs <= a0) j++;
    for (let k = j; k * stepMs < a1; k++) {
      const b0 = k * stepMs;
      const share = Math.min(a1, b0 + stepMs) - Math.max(a0, b0);
      counts[k] += (c * share) / old;
    }
  }
  const notes = [...(series.notes ?? [])];
  if (span % stepMs !== 0) {
    notes.push(`last ${formatStep(stepMs)} interval covers only ${formatStep(span % stepMs)} of trace`);
  }
  const out: RateSeries = {
    ...series,
    stepMs,
    counts,
    source: `${series.source} resampled to ${formatStep(stepMs)}`,
    notes,
  };
  return out;
}

/** Total requests in a series (compensated summation, exact for integer counts below 2^53). */
export function totalRequests(series: RateSeries): number {
  let sum = 0;
  let carry = 0;
  const c = series.counts;
  for (let i = 0; i < c.length; i++) {
    const x = c[i];
    const t = sum + x;
    carry += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum; // Neumaier
    sum = t;
  }
  return sum + carry;
}

/**
 * Arrival rate in requests per second at `tMs`, measured from the series start (simulation time):
 * the count of the interval containing it divided by the interval length. 0 outside the series.
 * Allocation-free; called per event by the simulator.
 */
export function rateAt(series: RateSeries, tMs: number): number {
  const i = Math.floor(tMs / series.stepMs);
  if (i < 0 || i >= series.counts.length) return 0;
  return (series.counts[i] * 1000) / series.stepMs;
}
