import { describe, expect, it } from "vitest";
import { run } from "../../src/api.js";
import { InputError } from "../../src/errors.js";
import type { Decision } from "../../src/models/decisions.js";
import { parseScenario } from "../../src/scenario/load.js";

/**
 * Application Auto Scaling on the `ecs-ec2` kind: scheduled actions, the scalable target's SuspendedState and
 * the task's memoryReservation, with the same schema pieces as `ecs-fargate`.
 */
function ec2Scenario(
  extra: string,
  service = "{ desiredCount: 2, minCapacity: 1, maxCapacity: 20 }",
  task = "{ cpu: 1024, memory: 2048 }",
): string {
  return `
name: aas-ec2
seed: 1
duration: 1h
traffic:
  synthetic: { shape: constant, rate: 10 }
workload:
  cpuPerRequest: 25ms
  serviceTime: { distribution: lognormal, mean: 60ms, cv: 1.0 }
  concurrency: 64
  memory: { baseline: 512MiB, perInFlight: 0MiB }
  timeout: 10s
slo: { latency: 400ms, percentile: 99 }
platforms:
  svc:
    kind: ecs-ec2
    task: ${task}
    service: ${service}
    capacityProviders:
      - name: od
        autoScalingGroup: { instanceTypes: [m6i.large], minSize: 0, maxSize: 20, desiredCapacity: 1 }
    placementStrategy: [ { type: binpack, field: cpu } ]
${extra}`;
}

const ACTIONS = `
    scheduledActions:
      - ScheduledActionName: up
        Schedule: at(1970-01-01T00:10:00)
        ScalableTargetAction: { MinCapacity: 6 }
      - ScheduledActionName: down
        Schedule: cron(40 0 ? * THU *)
        ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 3 }`;

async function decisionsOf(text: string): Promise<Decision[]> {
  return (await run(parseScenario(text))).result.platforms[0].decisions;
}

describe("ecs-ec2: scheduled actions", () => {
  it("min/max changes at their times move the desired count, and cluster auto scaling follows with instances", async () => {
    const d = await decisionsOf(ec2Scenario(ACTIONS));
    const sched = d.filter((x) => x.controller === "applicationAutoScaling.scheduled");
    // 1970-01-01 is a Thursday: cron(40 0 ? * THU *) fires at 00:40 UTC.
    expect(sched.map((x) => [x.t, x.policy, x.from, x.to])).toEqual([
      [600, "up", 2, 6],
      [2400, "down", 6, 3],
    ]);
    // Six 1-vCPU tasks need three m6i.large (2 vCPU): CAS scales the group out after the action.
    const cas = d.filter(
      (x) => x.controller !== "applicationAutoScaling.scheduled" && x.t > 600 && x.action === "scale-out",
    );
    expect(cas.length).toBeGreaterThan(0);
  });

  it("ScheduledScalingSuspended on the scalable target skips them", async () => {
    const d = await decisionsOf(
      ec2Scenario(
        ACTIONS,
        "{ desiredCount: 2, minCapacity: 1, maxCapacity: 20, SuspendedState: { ScheduledScalingSuspended: true } }",
      ),
    );
    const sched = d.filter((x) => x.controller === "applicationAutoScaling.scheduled");
    expect(sched.map((x) => [x.t, x.action])).toEqual([
      [600, "skip"],
      [2400, "skip"],
    ]);
  });
});

describe("ecs-ec2: SuspendedState on dynamic scaling", () => {
  const TT = `
    scalingPolicies:
      - PolicyName: cpu
        PolicyType: TargetTrackingScaling
        TargetTrackingScalingPolicyConfiguration:
          TargetValue: 5
          PredefinedMetricSpecification: { PredefinedMetricType: ECSServiceAverageCPUUtilization }`;

  it("DynamicScalingOutSuspended holds the scale-out the policy asks for at 03:00", async () => {
    // 10 req/s × 25 ms on 2 tasks of 1 vCPU = 12.5 % CPU, above the target 5 from the first minute.
    const free = await decisionsOf(ec2Scenario(TT));
    expect(free.find((x) => x.action === "scale-out" && x.controller === "applicationAutoScaling")!.t).toBe(
      180,
    );
    const held = await decisionsOf(
      ec2Scenario(
        TT,
        "{ desiredCount: 2, minCapacity: 1, maxCapacity: 20, SuspendedState: { DynamicScalingOutSuspended: true } }",
      ),
    );
    const aas = held.filter((x) => x.controller === "applicationAutoScaling");
    expect(aas.some((x) => x.action === "scale-out")).toBe(false);
    expect(aas[0]).toMatchObject({ t: 180, action: "hold" });
    expect(aas[0].reason).toMatch(/DynamicScalingOutSuspended/);
  });
});

describe("ecs-ec2: memoryReservation", () => {
  it("MemoryUtilization is measured against memoryReservation when set, else memory", async () => {
    const hard = await run(parseScenario(ec2Scenario("")));
    const soft = await run(
      parseScenario(ec2Scenario("", undefined, "{ cpu: 1024, memory: 2048, memoryReservation: 1024 }")),
    );
    // Baseline 512 MiB per task, no per-request memory (cloudwatch-metrics.html#service_utilization).
    expect(hard.result.platforms[0].minutes.columns.memoryPercent[2]).toBeCloseTo(25, 9);
    expect(soft.result.platforms[0].minutes.columns.memoryPercent[2]).toBeCloseTo(50, 9);
  });

  it("a memoryReservation above memory is a validation error at its line", () => {
    const text = ec2Scenario("", undefined, "{ cpu: 1024, memory: 2048, memoryReservation: 4096 }");
    let err: unknown;
    try {
      parseScenario(text, "s.yaml");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.location.path).toBe("platforms.svc.task.memoryReservation");
    expect(e.location.line).toBe(
      text.split("\n").findIndex((l) => l.includes("memoryReservation: 4096")) + 1,
    );
    expect(e.detail).toMatch(/must not exceed memory/);
  });
});
