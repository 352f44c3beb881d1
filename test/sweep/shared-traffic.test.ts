import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSweepPlan } from "../../src/sweep/plan.js";
import { loadSharedTraffic } from "../../src/sweep/shared-traffic.js";
import { runTask } from "../../src/sweep/task.js";
import { TARGETS, tempDir } from "./fixtures.js";

/** Three hours of a minute trace: 100 requests a minute, then 600 in the second hour, then 200. */
function traceCsv(): string {
  const lines = ["timestamp,count"];
  for (let m = 0; m < 180; m++) {
    const t = new Date(Date.UTC(1998, 5, 1, 0, m)).toISOString();
    lines.push(`${t},${m < 60 ? 100 : m < 120 ? 600 : 200}`);
  }
  return `${lines.join("\n")}\n`;
}

const SCENARIO = `name: shared-trace
seed: 5
traffic:
  trace: trace.csv
workload:
  cpuPerRequest: 25ms
  serviceTime: { distribution: lognormal, mean: 60ms, cv: 1.0 }
  concurrency: 64
  timeout: 10s
slo: { latency: 400ms, percentile: 99 }
platforms:
  fargate:
    kind: ecs-fargate
    task: { cpu: 1024, memory: 2048 }
    service: { desiredCount: 1, minCapacity: 1, maxCapacity: 20 }
    scalingPolicies:
      - PolicyName: cpu
        PolicyType: TargetTrackingScaling
        TargetTrackingScalingPolicyConfiguration:
          TargetValue: 60
          PredefinedMetricSpecification: { PredefinedMetricType: ECSServiceAverageCPUUtilization }
          ScaleOutCooldown: 60
          ScaleInCooldown: 300
sweep:
  matrix:
    traffic.multiplier: [1, 2.5]
    ${TARGETS}: [50, 70]
`;

function plannedSweep() {
  const dir = tempDir();
  writeFileSync(join(dir, "trace.csv"), traceCsv());
  const file = join(dir, "scenario.yaml");
  writeFileSync(file, SCENARIO);
  return { dir, plan: parseSweepPlan(SCENARIO, file, dir) };
}

function taskOf(plan: ReturnType<typeof plannedSweep>["plan"], k: number) {
  const run = plan.runs[k];
  return {
    key: run.key,
    seed: run.seed,
    scenario: plan.scenarios[run.variant],
    file: plan.baseFile,
    baseDir: plan.baseDir,
  };
}

describe("a sweep's trace is read once and shared with the workers", () => {
  it("variants that differ in the multiplier and policy share one series in shared memory", async () => {
    const { plan } = plannedSweep();
    expect(plan.variants).toHaveLength(4);
    const shared = await loadSharedTraffic(
      plan,
      plan.runs.map((r) => r.variant),
    );
    expect([...shared.keys()].sort()).toEqual([0, 1, 2, 3]);
    const first = shared.get(0)!;
    for (const s of shared.values()) expect(s).toBe(first);
    expect(first.counts.buffer).toBeInstanceOf(SharedArrayBuffer);
    // Unscaled: the trace's own minute counts (the multiplier is the worker's to apply).
    expect(first.counts.length).toBe(180);
    expect([first.counts[0], first.counts[60], first.counts[179]]).toEqual([100, 600, 200]);
  });

  it("a run on the shared series gives the same metrics as a run that reads the trace itself", async () => {
    const { plan } = plannedSweep();
    const shared = await loadSharedTraffic(
      plan,
      plan.runs.map((r) => r.variant),
    );
    for (let k = 0; k < plan.runs.length; k++) {
      const own = await runTask(taskOf(plan, k));
      const withShared = await runTask({ ...taskOf(plan, k), traffic: shared.get(plan.runs[k].variant) });
      expect(own.status).toBe("ok");
      expect(JSON.stringify(withShared)).toBe(JSON.stringify(own));
    }
    // The multiplier still applies: 2.5× the arrivals of the variant at 1× (same target).
    const byParams = (m: number) =>
      plan.runs.findIndex((r) => plan.variants[r.variant].params["traffic.multiplier"] === m);
    const a = await runTask(taskOf(plan, byParams(1)));
    const b = await runTask(taskOf(plan, byParams(2.5)));
    if (a.status !== "ok" || b.status !== "ok") throw new Error("runs failed");
    // 60×100 + 60×600 + 60×200 = 54,000 requests in the trace.
    expect(a.platforms.fargate.arrived).toBeCloseTo(54_000, -1);
    expect(b.platforms.fargate.arrived).toBeCloseTo(2.5 * 54_000, -1);
  });

  it("a worker handed the shared series does not read the trace file", async () => {
    const { dir, plan } = plannedSweep();
    const shared = await loadSharedTraffic(plan, [0]);
    rmSync(join(dir, "trace.csv"));
    const without = await runTask(taskOf(plan, 0));
    expect(without.status).toBe("failed");
    const withShared = await runTask({ ...taskOf(plan, 0), traffic: shared.get(0) });
    expect(withShared.status).toBe("ok");
  });
});
