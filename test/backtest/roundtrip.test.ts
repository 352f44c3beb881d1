import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseActivities } from "../../src/backtest/activities.js";
import { compareWithHistory, type History } from "../../src/backtest/backtest.js";
import { historyFiles } from "../../src/backtest/history.js";
import { parseJsonDocuments } from "../../src/backtest/json-input.js";
import { parseMetricData } from "../../src/backtest/metric-data.js";
import { calibrateStartup } from "../../src/calibrate/startup.js";
import { parseTimings } from "../../src/calibrate/task-timings.js";
import { taskEventsJsonl } from "../../src/output/task-events.js";
import { parseScenario, type Scenario } from "../../src/scenario/load.js";
import { type SimulationResult, simulate } from "../../src/simulate.js";
import { cli } from "../helpers/cli.js";

/** A Fargate service scaled by CPU target tracking over a 6-hour synthetic day with two peaks. */
function scenario(assumptions = ""): Scenario {
  return parseScenario(`name: roundtrip
seed: 5
duration: 6h
traffic: { synthetic: { shape: diurnal, base: 20, peak: 300, period: 3h, noise: 0.05 } }
workload: { cpuPerRequest: 25ms, serviceTime: { distribution: lognormal, mean: 60ms, cv: 1.0 }, concurrency: 64 }
slo: { latency: 250ms, percentile: 99 }
platforms:
  web:
    kind: ecs-fargate
    task: { cpu: 1024, memory: 2048 }
    service: { desiredCount: 2, minCapacity: 2, maxCapacity: 40 }
    scalingPolicies:
      - PolicyName: cpu60
        PolicyType: TargetTrackingScaling
        TargetTrackingScalingPolicyConfiguration:
          TargetValue: 60
          PredefinedMetricSpecification: { PredefinedMetricType: ECSServiceAverageCPUUtilization }
          ScaleOutCooldown: 60
          ScaleInCooldown: 300
${assumptions}`);
}

/** The run's history as AWS would export it, read back through the parsers. */
function history(s: Scenario, res: SimulationResult): History {
  const f = historyFiles(s, res);
  return {
    activities: parseActivities(parseJsonDocuments(f.activities, "activities.json")),
    activitiesFile: "activities.json",
    taskCounts: {
      results: parseMetricData(parseJsonDocuments(f.taskCounts, "task-counts.json")),
      file: "task-counts.json",
    },
  };
}

describe("round trip: a scenario against its own history", () => {
  it("matches every activity with zero offset and the same counts", async () => {
    const s = scenario();
    const res = await simulate(s);
    const b = compareWithHistory(s, res, history(s, res));
    expect(b.activities.real).toBeGreaterThan(10);
    expect(b.activities.matched).toBe(b.activities.real);
    expect(b.activities.simulated).toBe(b.activities.real);
    expect(b.activities.unmatchedReal).toBe(0);
    expect(b.activities.unmatchedSimulated).toBe(0);
    expect(b.activities.meanAbsOffsetSeconds).toBe(0);
    expect(b.taskMinutesAbsError).toBe(0);
    expect(b.timelines.running?.taskMinutesAbsError).toBe(0);
    expect(b.timelines.desired.shareMinutesEqual).toBe(1);
  });

  it("run --activities writes describe-scaling-activities JSON that backtest reads back (CLI)", () => {
    const dir = mkdtempSync(join(tmpdir(), "scalesim-rt-"));
    const acts = join(dir, "acts.json");
    const r = cli(["run", "scenarios/backtest/service.yaml", "--activities", acts]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(readFileSync(acts, "utf8"));
    const first = doc.ScalingActivities[0];
    expect(Object.keys(first).sort()).toEqual(
      [
        "ActivityId",
        "Cause",
        "Description",
        "EndTime",
        "ResourceId",
        "ScalableDimension",
        "ServiceNamespace",
        "StartTime",
        "StatusCode",
        "StatusMessage",
      ].sort(),
    );
    expect(first.Description).toMatch(/^Setting desired count to \d+\.$/);
    const b = cli(["backtest", "scenarios/backtest/service.yaml", "--activities", acts, "--json"]);
    expect(b.status).toBe(0);
    const out = JSON.parse(b.stdout);
    expect(out.activities.matched).toBe(doc.ScalingActivities.length);
    expect(out.activities.meanAbsOffsetSeconds).toBe(0);
  });
});

describe("round trip: a history made with fargate.pendingTime 90s", () => {
  const slow = scenario("assumptions:\n  fargate.pendingTime: 90s\n");
  const slowRun = simulate(slow);

  it("calibrates back to 90 s within 10 %", async () => {
    const res = await slowRun;
    const c = calibrateStartup(parseTimings(parseJsonDocuments(taskEventsJsonl(res), "events.jsonl")));
    const f = c.fits.find((x) => x.id === "fargate.pendingTime");
    expect(f?.n).toBeGreaterThanOrEqual(20);
    expect(Math.abs((f?.valueMs ?? 0) - 90_000)).toBeLessThan(9_000);
    // The provisioning phase is the default's 5 s mean (src/assumptions.ts), untouched by the override.
    const p = c.fits.find((x) => x.id === "fargate.provisioningTime");
    expect(Math.abs((p?.valueMs ?? 0) - 5_000)).toBeLessThan(500);
  });

  it("backtesting the default scenario against it shows start-up lags 60 s apart", async () => {
    const res = await slowRun;
    const def = scenario();
    const b = compareWithHistory(def, await simulate(def), history(slow, res));
    // Each new task runs after provisioning (5 s) + pending: 90 s in the history, 30 s in the default.
    const lag = b.startLag;
    expect(lag?.scaleOuts).toBeGreaterThanOrEqual(5);
    expect(Math.abs((lag?.realMeanSeconds ?? 0) - (lag?.simulatedMeanSeconds ?? 0) - 60)).toBeLessThan(10);
    // The two runs no longer agree exactly: offsets and timeline errors appear.
    expect(b.taskMinutesAbsError).toBeGreaterThan(0);
    expect(b.activities.matched).toBeGreaterThan(0);
  });
});
