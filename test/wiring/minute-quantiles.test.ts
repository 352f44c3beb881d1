/**
 * Sweep rows run the fluid model without solving each minute's percentiles (`minuteQuantiles: false`):
 * everything a row or a summary reads must be what the full run gives, and only the minute series'
 * p50/p95/p99 are left out (NaN). Checked on bundled examples of every fluid kind that records latency.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { summarise } from "../../src/analysis/summary.js";
import { loadScenario } from "../../src/scenario/load.js";
import { scenarioTraffic, simulateSeries } from "../../src/simulate.js";
import { loadTraffic } from "../../src/trace/index.js";

const root = join(__dirname, "..", "..");

describe("simulateSeries with minuteQuantiles false", () => {
  for (const file of [
    "scenarios/checkout-api.yaml",
    "scenarios/app-runner-vs-ecs.yaml",
    "scenarios/step-scaling.yaml",
  ]) {
    it(`${file}: the same summary, the minute percentiles left out`, { timeout: 60_000 }, async () => {
      const scenario = loadScenario(join(root, file));
      const { spec, options } = scenarioTraffic(scenario, scenario.seed);
      const series = await loadTraffic(spec, options);
      const full = simulateSeries(scenario, series);
      const lean = simulateSeries(scenario, series, scenario.seed, undefined, { minuteQuantiles: false });
      expect(summarise(lean, scenario.slo)).toEqual(summarise(full, scenario.slo));
      let solved = 0;
      for (let i = 0; i < full.platforms.length; i++) {
        const a = full.platforms[i].minutes.columns;
        const b = lean.platforms[i].minutes.columns;
        expect([...b.withinSlo]).toEqual([...a.withinSlo]);
        expect([...b.served]).toEqual([...a.served]);
        expect([...b.latencyMeanMs]).toEqual([...a.latencyMeanMs]);
        for (const c of ["p50Ms", "p95Ms", "p99Ms"] as const) {
          expect(b[c].every((x) => Number.isNaN(x))).toBe(true);
          solved += a[c].filter((x) => Number.isFinite(x)).length;
        }
      }
      expect(solved).toBeGreaterThan(100);
    });
  }
});
