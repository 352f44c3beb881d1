import { Phase, type Simulation } from "../../engine/sim.js";
import { MINUTE, type TimeMs } from "../../engine/time.js";
import {
  effectiveMaxCapacity,
  FORECAST_HORIZON_HOURS,
  FORECAST_REFRESH_MS,
  forecastHourlyLoad,
  HOUR_MS,
  MIN_HISTORY_HOURS,
  requiredCapacity,
} from "./predictive.js";
import type { ScalingController } from "./scaling-controller.js";

export interface PredictivePolicySpec {
  readonly name: string;
  readonly mode: "ForecastOnly" | "ForecastAndScale";
  readonly targetValue: number;
  readonly schedulingBufferMs: TimeMs;
  readonly maxCapacityBreachBehavior: "HonorMaxCapacity" | "IncreaseMaxCapacity";
  readonly maxCapacityBuffer: number;
  /** Name of the metric pair, for the log. */
  readonly metricPair: string;
  /** Load of simulated minute `m` (e.g. total CPU % of the service, or requests per minute); null if unknown. */
  readonly loadAt: (minute: number) => number | null;
  /** Minutes whose load is known at `now`. */
  readonly minutesKnown: () => number;
  /**
   * Customized metrics: k, scaling metric × capacity per unit of load, learnt from the minutes before
   * `toMinute` (predictive-custom.ts); capacity = ceil(k × load / target). Absent for the metric pairs (k = 1).
   */
  readonly scalingFactor?: (toMinute: number) => number | null;
}

export interface PredictiveRunOptions {
  /** Epoch ms of simulated time 0; forecast hours are UTC clock hours. */
  readonly startMs: number;
  readonly durationMs: TimeMs;
  /** Assumption `predictive.halfLifeDays`. */
  readonly halfLifeDays: number;
}

/**
 * A predictive scaling policy over the simulated run: keeps the hourly load history, forecasts every 6
 * hours once 24 hours of history exist (predictive.ts), and, in ForecastAndScale, asks the controller for
 * the forecast capacity SchedulingBufferTime before each hour. Forecasts are logged in both modes.
 */
export class PredictiveController {
  /** Sim time of the first whole UTC hour. */
  private readonly hour0: TimeMs;
  /** Capacity per absolute hour index (from hour0), from the latest forecast. */
  private readonly plan = new Map<number, { capacity: number; load: number }>();
  forecasts = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly controller: ScalingController,
    private readonly spec: PredictivePolicySpec,
    private readonly opts: PredictiveRunOptions,
  ) {
    this.hour0 = (HOUR_MS - (((opts.startMs % HOUR_MS) + HOUR_MS) % HOUR_MS)) % HOUR_MS;
  }

  start(): void {
    // Forecast refreshes at 00:00, 06:00, 12:00 and 18:00 UTC (assumption: aligned to UTC quarters of a day).
    const sixAligned =
      (FORECAST_REFRESH_MS -
        (((this.opts.startMs % FORECAST_REFRESH_MS) + FORECAST_REFRESH_MS) % FORECAST_REFRESH_MS)) %
      FORECAST_REFRESH_MS;
    for (let t = sixAligned; t <= this.opts.durationMs; t += FORECAST_REFRESH_MS) {
      this.sim.at(t, (now) => this.forecast(now), Phase.control);
    }
    if (this.spec.mode !== "ForecastAndScale") return;
    for (let h = 0; this.hour0 + h * HOUR_MS <= this.opts.durationMs; h++) {
      const at = this.hour0 + h * HOUR_MS - this.spec.schedulingBufferMs;
      if (at < 0) continue;
      this.sim.at(at, (now) => this.act(now, h), Phase.control);
    }
  }

  /** Hourly mean load of the whole hours known at `now`, oldest first. */
  private history(now: TimeMs): (number | null)[] {
    const minutes = this.spec.minutesKnown();
    const firstMinute = this.hour0 / MINUTE;
    const hours = Math.floor((Math.min(minutes, now / MINUTE) - firstMinute) / 60);
    const out: (number | null)[] = [];
    for (let h = 0; h < hours; h++) {
      let sum = 0;
      let n = 0;
      for (let m = firstMinute + h * 60; m < firstMinute + (h + 1) * 60; m++) {
        const v = this.spec.loadAt(m);
        if (v === null || !Number.isFinite(v)) continue;
        sum += v;
        n++;
      }
      out.push(n > 0 ? sum / n : null);
    }
    return out;
  }

  private forecast(now: TimeMs): void {
    const history = this.history(now);
    const known = history.filter((v) => v !== null).length;
    const fromHour = Math.ceil((now - this.hour0) / HOUR_MS);
    if (known < MIN_HISTORY_HOURS) {
      this.controller.logForecast(
        now,
        this.spec.name,
        `no forecast: ${known} h of metric history, ${MIN_HISTORY_HOURS} h needed`,
        {
          historyHours: known,
        },
      );
      return;
    }
    const loads = forecastHourlyLoad(history, fromHour, FORECAST_HORIZON_HOURS, this.opts.halfLifeDays);
    const k = this.spec.scalingFactor
      ? this.spec.scalingFactor(Math.min(this.spec.minutesKnown(), now / MINUTE))
      : 1;
    if (k === null) {
      this.controller.logForecast(
        now,
        this.spec.name,
        "no forecast: no minute with load, scaling and capacity metrics together",
        {
          historyHours: known,
        },
      );
      return;
    }
    const capacities: (number | null)[] = [];
    for (let h = 0; h < loads.length; h++) {
      const load = loads[h];
      if (Number.isNaN(load)) {
        capacities.push(null);
        this.plan.delete(fromHour + h);
        continue;
      }
      const capacity = requiredCapacity(load * k, this.spec.targetValue);
      capacities.push(capacity);
      this.plan.set(fromHour + h, { capacity, load });
    }
    this.forecasts++;
    this.controller.logForecast(
      now,
      this.spec.name,
      `forecast from ${known} h of ${this.spec.metricPair} history: capacity for the next ${FORECAST_HORIZON_HOURS} h`,
      {
        historyHours: known,
        ...(this.spec.scalingFactor ? { scalingPerLoadPerCapacity: Math.round(k * 1e6) / 1e6 } : {}),
        firstHourT: (this.hour0 + fromHour * HOUR_MS) / 1000,
        forecastCapacity: capacities,
      },
    );
  }

  private act(now: TimeMs, hour: number): void {
    const p = this.plan.get(hour);
    if (p === undefined) {
      this.controller.releasePredictive(this.spec.name);
      return;
    }
    const max = effectiveMaxCapacity(
      this.controller.maxCapacity,
      p.capacity,
      this.spec.maxCapacityBreachBehavior,
      this.spec.maxCapacityBuffer,
    );
    this.controller.applyPredictive(now, this.spec.name, p.capacity, max, {
      [this.spec.name]: {
        metric: this.spec.metricPair,
        forecastLoad: Math.round(p.load * 1000) / 1000,
        target: this.spec.targetValue,
        forecastCapacity: p.capacity,
        hourStartsT: (this.hour0 + hour * HOUR_MS) / 1000,
      },
    });
  }
}
