/**
 * SPEC elasticity metrics in summary.json (src/analysis/elasticity-summary.ts): demand is the least capacity
 * meeting the SLO at each minute's load (src/models/traffic/slo-demand.ts), supply the exact step function
 * of units in service.
 */
import { describe, expect, it } from "vitest";
import { fromObject, simulate } from "../../src/index.js";
import { summarise } from "../../src/analysis/summary.js";

// Worker pool, 64 slots, deterministic 100 ms: a task completes at most 640 requests/s and, below that, the
// Erlang C wait for a slot is far below the 150 ms of slack under the 250 ms SLO. So the demand is the least
// n with λ/n < 640: 1000/s → 2 tasks, 2500/s → 4 tasks.
function scenario(synthetic: object, platforms: object, duration = "2h") {
  return fromObject(
    {
      name: "elasticity",
      seed: 1,
      duration,
      traffic: { synthetic },
      workload: {
        model: "worker-pool",
        cpuPerRequest: "1ms",
        serviceTime: { distribution: "deterministic", mean: "100ms" },
        concurrency: 64,
        timeout: "10s",
      },
      slo: { latency: "250ms", percentile: 99 },
      platforms,
    },
    { file: "<inline>", baseDir: process.cwd() },
  );
}

const fixed3 = {
  api: {
    kind: "ecs-fargate",
    task: { cpu: 1024, memory: 2048 },
    service: { desiredCount: 3, minCapacity: 3, maxCapacity: 3 },
  },
};

async function elasticityOf(s: ReturnType<typeof scenario>) {
  const res = await simulate(s);
  return summarise(res, s.slo).platforms;
}

describe("elasticity block in summary.json", () => {
  it("constant load, fixed capacity: demand 2, supply 3 ⇒ 50 % over-provisioned all the time", async () => {
    const e = (await elasticityOf(scenario({ shape: "constant", rate: 1000 }, fixed3))).api.elasticity!;
    expect(e).toMatchObject({
      accuracyUnder: 0,
      accuracyOver: 50,
      timeshareUnder: 0,
      timeshareOver: 100,
      instability: 0,
      jitter: 0,
      unit: "tasks",
      supply: "inService",
      meanDemand: 2,
      meanSupply: 3,
      sloUnattainableMinutes: 0,
    });
  });

  it("a step from 1000/s to 2500/s at 1 h: demand 2 → 4 against 3 tasks", async () => {
    const s = scenario({ shape: "step", base: 1000, to: 2500, at: "1h" }, fixed3);
    const e = (await elasticityOf(s)).api.elasticity!;
    // First hour (3 − 2)/2 = 50 % over, second hour (4 − 3)/4 = 25 % under, each half of the run.
    expect(e.accuracyOver).toBeCloseTo(25, 9);
    expect(e.accuracyUnder).toBeCloseTo(12.5, 9);
    expect(e.timeshareOver).toBeCloseTo(50, 9);
    expect(e.timeshareUnder).toBeCloseTo(50, 9);
    // The only segment after the first begins with demand rising and supply flat.
    expect(e.instability).toBeCloseTo(100, 9);
    // No supply change, one demand change over 120 minutes.
    expect(e.jitter).toBeCloseTo(-1 / 120, 6);
    expect(e.meanDemand).toBeCloseTo(3, 9);
  });

  it("supply follows the tasks in service exactly: a scale-out shows up when the new task is healthy", async () => {
    const s = scenario(
      { shape: "step", base: 1000, to: 2500, at: "30m" },
      {
        api: {
          kind: "ecs-fargate",
          task: { cpu: 1024, memory: 2048 },
          service: { desiredCount: 3, minCapacity: 3, maxCapacity: 10 },
          scalingPolicies: [
            {
              PolicyName: "rps",
              PolicyType: "TargetTrackingScaling",
              TargetTrackingScalingPolicyConfiguration: {
                TargetValue: 30000,
                PredefinedMetricSpecification: { PredefinedMetricType: "ALBRequestCountPerTarget" },
                ScaleOutCooldown: 60,
                ScaleInCooldown: 300,
              },
            },
          ],
        },
      },
      "1h",
    );
    const res = await simulate(s);
    const p = res.platforms[0];
    const steps = p.elasticity!.supply;
    expect(steps.value[0]).toBe(3);
    // Every recorded point is a change, times ascend.
    for (let i = 1; i < steps.t.length; i++) {
      expect(steps.value[i]).not.toBe(steps.value[i - 1]);
      expect(steps.t[i]).toBeGreaterThan(steps.t[i - 1]);
    }
    expect(steps.value[steps.value.length - 1]).toBeGreaterThanOrEqual(4);
    const e = summarise(res, s.slo).platforms.api.elasticity!;
    // Before the scale-out lands the service is under-provisioned, after it not.
    expect(e.timeshareUnder).toBeGreaterThan(0);
    expect(e.timeshareUnder).toBeLessThan(50);
  });

  it("every platform kind that serves web traffic gets the block (ecs-fargate, ecs-ec2, eks, app-runner)", async () => {
    const s = fromObject(
      {
        name: "kinds",
        seed: 3,
        duration: "30m",
        traffic: { synthetic: { shape: "constant", rate: 50 } },
        workload: {
          cpuPerRequest: "25ms",
          serviceTime: { distribution: "lognormal", mean: "60ms", cv: 1.0 },
          concurrency: 64,
          timeout: "10s",
        },
        slo: { latency: "400ms", percentile: 99 },
        platforms: {
          fargate: {
            kind: "ecs-fargate",
            task: { cpu: 1024, memory: 2048 },
            service: { desiredCount: 2, minCapacity: 2, maxCapacity: 4 },
          },
          ec2: {
            kind: "ecs-ec2",
            task: { cpu: 1024, memory: 2048 },
            service: { desiredCount: 2, minCapacity: 2, maxCapacity: 4 },
            capacityProviders: [
              {
                name: "od",
                autoScalingGroup: {
                  instanceTypes: ["m6i.large"],
                  minSize: 0,
                  maxSize: 4,
                  desiredCapacity: 1,
                },
                managedTerminationProtection: "ENABLED",
              },
            ],
            placementStrategy: [{ type: "binpack", field: "cpu" }],
          },
          eks: {
            kind: "eks",
            deployment: { replicas: 2, resources: { requests: { cpu: "1", memory: "2Gi" } } },
            nodes: { fargateProfile: {} },
          },
          apprunner: {
            kind: "app-runner",
            InstanceConfiguration: { Cpu: "1 vCPU", Memory: "2 GB" },
            AutoScalingConfiguration: { MaxConcurrency: 8, MinSize: 2, MaxSize: 4 },
          },
        },
      },
      { file: "<inline>", baseDir: process.cwd() },
    );
    const platforms = await elasticityOf(s);
    const units: Record<string, string> = {
      fargate: "tasks",
      ec2: "tasks",
      eks: "pods",
      apprunner: "instances",
    };
    for (const [name, unit] of Object.entries(units)) {
      const e = platforms[name].elasticity;
      expect(e, name).toBeDefined();
      expect(e!.unit).toBe(unit);
      for (const k of [
        "accuracyUnder",
        "accuracyOver",
        "timeshareUnder",
        "timeshareOver",
        "instability",
        "jitter",
      ] as const)
        expect(Number.isFinite(e![k]), `${name}.${k}`).toBe(true);
      expect(e!.timeshareUnder + e!.timeshareOver).toBeLessThanOrEqual(100 + 1e-9);
      // 50 requests/s of 25 ms CPU need 1.25 vCPU: one 1-vCPU unit cannot take them without a backlog.
      expect(e!.meanDemand, name).toBeGreaterThanOrEqual(2);
    }
    // Same workload on the same 1-vCPU unit: the same demand whatever runs it.
    expect(platforms.ec2.elasticity!.meanDemand).toBe(platforms.fargate.elasticity!.meanDemand);
    expect(platforms.eks.elasticity!.meanDemand).toBe(platforms.fargate.elasticity!.meanDemand);
  });
});

describe("demand when the idle task itself misses the SLO", () => {
  it("counts every minute as unattainable instead of searching for ever (half a vCPU doubles the CPU part)", async () => {
    // Lognormal 60 ms, cv 1: p99 ≈ 294 ms ≤ 310 ms, so the service time alone would meet the SLO; on half a
    // vCPU the 25 ms CPU part of each request runs at half speed even without load, pushing p99 past 310 ms.
    const s = fromObject(
      {
        name: "half-vcpu",
        seed: 1,
        duration: "30m",
        traffic: { synthetic: { shape: "constant", rate: 20 } },
        workload: {
          cpuPerRequest: "25ms",
          serviceTime: { distribution: "lognormal", mean: "60ms", cv: 1 },
          concurrency: 64,
          timeout: "10s",
        },
        slo: { latency: "310ms", percentile: 99 },
        platforms: {
          half: {
            kind: "ecs-fargate",
            task: { cpu: 512, memory: 1024 },
            service: { desiredCount: 2, minCapacity: 2, maxCapacity: 4 },
          },
        },
      },
      { file: "<inline>", baseDir: process.cwd() },
    );
    const summary = summarise(await simulate(s), s.slo);
    const p = summary.platforms.half;
    expect(p.elasticity?.sloUnattainableMinutes).toBe(30);
    expect(p.elasticity?.meanDemand).toBeGreaterThan(0);
  });

  it("a summary without the block (sweep rows) is the full summary less elasticity", async () => {
    const s = scenario({ shape: "constant", rate: 1000 }, fixed3);
    const res = await simulate(s);
    const full = summarise(res, s.slo);
    const lean = summarise(await simulate(s), s.slo, { elasticity: false });
    const { elasticity, ...rest } = full.platforms.api;
    expect(elasticity).toBeDefined();
    expect(lean.platforms.api).toEqual(rest);
    expect(JSON.stringify({ ...full, platforms: { api: rest } })).toBe(JSON.stringify(lean));
  });
});
