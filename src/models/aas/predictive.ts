/**
 * Predictive scaling: the pure parts. The semantics are AWS's; the forecast method is scalesim's own.
 *   [PSC] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredictiveScalingPolicyConfiguration.html
 *   [HOW] https://docs.aws.amazon.com/autoscaling/application/userguide/aas-predictive-scaling-how-it-works.html
 *   [EC2] https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-predictive-scaling.html
 *   [GRA] https://docs.aws.amazon.com/autoscaling/ec2/userguide/predictive-scaling-graphs.html
 *
 * Documented: a forecast needs at least 24 hours of metric history and uses up to the past 14 days; it
 * gives one capacity per hour for the next 48 hours and is refreshed every 6 hours [HOW]; capacity is
 * launched SchedulingBufferTime seconds before each hour (default 300) [PSC]; ForecastAndScale raises
 * capacity to the forecast and never scales in [HOW][EC2]; when several policies are active the largest
 * capacity wins [EC2]. Required capacity = load / target, where load = capacity × scaling metric (an hour at
 * capacity 10 with the scaling metric at 30 and target 60 needs 5) [GRA].
 *
 * Forecast method (scalesim's, documented in docs/application-auto-scaling.md): the load of a future
 * hour is the weighted mean of the load at the same hour of day on each of the past days (up to 14) for
 * which it is known, the weight halving every `halfLifeDays` days back (assumption
 * `predictive.halfLifeDays`). A pure daily profile is reproduced exactly; recent days count more.
 */

export const HOUR_MS = 3_600_000;
/** [HOW] */
export const MIN_HISTORY_HOURS = 24;
export const MAX_HISTORY_DAYS = 14;
export const FORECAST_HORIZON_HOURS = 48;
export const FORECAST_REFRESH_MS = 6 * HOUR_MS;

/** Tolerance before rounding capacity up (floating-point noise never adds a task). */
const EPS = 1e-9;

/** Capacity needed for `load` at `target` [GRA]: ceil(load / target) (rounded up: never too little). */
export function requiredCapacity(load: number, target: number): number {
  if (!(target > 0)) throw new Error(`predictive scaling: TargetValue must be > 0, got ${target}`);
  return Math.max(0, Math.ceil(load / target - EPS));
}

/**
 * Hourly load forecast for hours [fromHour, fromHour + horizon) from an hourly history (index = hour since
 * the run's first whole hour; null = no data). NaN where no past day has data for that hour.
 */
export function forecastHourlyLoad(
  history: ReadonlyArray<number | null>,
  fromHour: number,
  horizon: number = FORECAST_HORIZON_HOURS,
  halfLifeDays = 3,
): Float64Array {
  const out = new Float64Array(horizon);
  const known = Math.min(history.length, fromHour);
  for (let h = 0; h < horizon; h++) {
    const t = fromHour + h;
    let acc = 0;
    let wsum = 0;
    for (let d = 1; d <= MAX_HISTORY_DAYS; d++) {
      const src = t - 24 * d;
      if (src < 0) break;
      if (src >= known || src < fromHour - 24 * MAX_HISTORY_DAYS) continue;
      const v = history[src];
      if (v === null || !Number.isFinite(v)) continue;
      const w = 0.5 ** ((d - 1) / halfLifeDays);
      acc += w * v;
      wsum += w;
    }
    out[h] = wsum > 0 ? acc / wsum : Number.NaN;
  }
  return out;
}

/**
 * Maximum capacity in force for a forecast [PSC]: HonorMaxCapacity keeps it; IncreaseMaxCapacity lets it
 * grow to the forecast plus MaxCapacityBuffer percent (buffer 10, forecast 50, max 40 -> 55; buffer 0 ->
 * the forecast itself).
 */
export function effectiveMaxCapacity(
  maxCapacity: number,
  forecastCapacity: number,
  behavior: "HonorMaxCapacity" | "IncreaseMaxCapacity",
  bufferPercent = 0,
): number {
  if (behavior === "HonorMaxCapacity") return maxCapacity;
  return Math.max(maxCapacity, Math.ceil((forecastCapacity * (100 + bufferPercent)) / 100 - EPS));
}
