import { describe, expect, it } from "vitest";
import { HOUR, MINUTE } from "../../../src/engine/time.js";
import { PredictiveController } from "../../../src/models/aas/predictive-controller.js";
import {
  effectiveMaxCapacity,
  forecastHourlyLoad,
  requiredCapacity,
} from "../../../src/models/aas/predictive.js";
import { ScalingController } from "../../../src/models/aas/scaling-controller.js";
import { forecasts } from "../../helpers/decisions.js";
import { BASE_OPTS, InstantTarget, logSink, newSim } from "./helpers.js";

describe("predictive scaling: documented arithmetic", () => {
  it("W13: an hour at capacity 10 with the scaling metric at 30 and target 60 needs 5 (predictive-scaling-graphs.html)", () => {
    expect(requiredCapacity(10 * 30, 60)).toBe(5);
    expect(requiredCapacity(10 * 31, 60)).toBe(6);
  });

  it("MaxCapacityBuffer 10, forecast 50, max 40 -> effective max 55; HonorMaxCapacity keeps 40 (PredictiveScalingPolicyConfiguration)", () => {
    expect(effectiveMaxCapacity(40, 50, "IncreaseMaxCapacity", 10)).toBe(55);
    expect(effectiveMaxCapacity(40, 50, "IncreaseMaxCapacity", 0)).toBe(50);
    expect(effectiveMaxCapacity(40, 50, "HonorMaxCapacity", 10)).toBe(40);
    expect(effectiveMaxCapacity(80, 50, "IncreaseMaxCapacity", 10)).toBe(80);
  });
});

describe("forecast method", () => {
  const profile = (h: number) => 100 + 50 * Math.sin((2 * Math.PI * (h % 24)) / 24);
  it("reproduces a repeating daily profile for the next 48 hours", () => {
    const history = Array.from({ length: 72 }, (_, h) => profile(h));
    const f = forecastHourlyLoad(history, 72);
    expect(f).toHaveLength(48);
    for (let h = 0; h < 48; h++) expect(f[h]).toBeCloseTo(profile(72 + h), 9);
  });

  it("weights recent days more (half-life) and reads at most 14 days back", () => {
    const history = [...Array(24).fill(100), ...Array(24).fill(200)];
    const f = forecastHourlyLoad(history, 48, 1, 1);
    // weights 1 (yesterday, 200) and 0.5 (two days ago, 100).
    expect(f[0]).toBeCloseTo((200 + 0.5 * 100) / 1.5, 9);
    const old = [...Array(24).fill(1000), ...Array(24 * 14).fill(10)];
    expect(forecastHourlyLoad(old, old.length, 1)[0]).toBeCloseTo(10, 9);
  });
});

describe("predictive controller", () => {
  /** Load 100 (minutes 0-59 of each hour at hour of day < 12) or 500: a two-level daily cycle. */
  const load = (m: number) => (Math.floor(m / 60) % 24 < 12 ? 100 : 500);

  function run(mode: "ForecastOnly" | "ForecastAndScale", hours: number) {
    const sim = newSim();
    const target = new InstantTarget(sim, 1);
    const { decisions, log } = logSink();
    const c = new ScalingController(sim, target, [], { ...BASE_OPTS, minCapacity: 1, maxCapacity: 20 }, log);
    const p = new PredictiveController(
      sim,
      c,
      {
        name: "pred",
        mode,
        targetValue: 50,
        schedulingBufferMs: 300_000,
        maxCapacityBreachBehavior: "HonorMaxCapacity",
        maxCapacityBuffer: 0,
        metricPair: "test",
        loadAt: (m) => load(m),
        minutesKnown: () => Math.floor(sim.now / MINUTE),
      },
      { startMs: 0, durationMs: hours * HOUR, halfLifeDays: 3 },
    );
    p.start();
    sim.run(hours * HOUR);
    return { decisions, target };
  }

  it("ForecastOnly logs forecasts (the first after 24 h of history) and never scales", () => {
    const { decisions, target } = run("ForecastOnly", 36);
    expect(decisions.every((d) => d.action === "forecast")).toBe(true);
    const first = forecasts(decisions)[0];
    expect(first.t).toBe(24 * 3600);
    expect(target.desiredCount).toBe(1);
  });

  it("ForecastAndScale raises capacity SchedulingBufferTime before the hour and never scales in", () => {
    const { decisions, target } = run("ForecastAndScale", 48);
    const outs = decisions.filter((d) => d.action === "scale-out");
    // The first forecast (at 24:00) is too late for hour 24; hour 25 (load 100 -> 2 tasks) is launched at
    // 24:55; hour 36 (load 500 -> 10 tasks) at 35:55.
    expect(outs.map((d) => [d.t, d.from, d.to])).toEqual([
      [25 * 3600 - 300, 1, 2],
      [36 * 3600 - 300, 2, 10],
    ]);
    expect(decisions.some((d) => d.action === "scale-in")).toBe(false);
    expect(target.desiredCount).toBe(10);
  });
});
