import { describe, expect, it } from "vitest";
import { run } from "../../../src/api.js";
import { loadScenario } from "../../../src/scenario/load.js";

const EXAMPLE = new URL("../../../scenarios/ec2-vs-fargate.yaml", import.meta.url).pathname;

describe("scenarios/ec2-vs-fargate.yaml", () => {
  it("loads the issue's ecs-ec2 platform as written, with documented defaults", () => {
    const s = loadScenario(EXAMPLE);
    const p = s.platforms.ec2;
    expect(p.kind).toBe("ecs-ec2");
    if (p.kind !== "ecs-ec2") return;
    expect(p.capacityProviders[0]).toMatchObject({
      name: "on-demand",
      managedScaling: {
        status: "ENABLED",
        targetCapacity: 100,
        minimumScalingStepSize: 1,
        maximumScalingStepSize: 10000,
        instanceWarmupPeriod: 300,
      },
      managedTerminationProtection: "ENABLED",
      managedDraining: "ENABLED",
    });
    expect(p.task.networkMode).toBe("bridge");
    const b = s.platforms["ec2-binpack"];
    if (b.kind === "ecs-ec2") expect(b.capacityProviders[0].managedScaling.instanceWarmupPeriod).toBe(300);
  });

  it("one day: a comparison section, every invariant holds, spread+binpack pays for idle instances, same bytes twice", async () => {
    const s = loadScenario(EXAMPLE);
    s.traffic.window = { start: s.traffic.window?.start, duration: 86_400_000 };
    const a = await run(s);
    const b = await run(s);
    expect(a.files["summary.json"]).toBe(b.files["summary.json"]);
    const c = a.summary.comparison;
    expect(c).toBeDefined();
    if (!c) return;
    expect(c.fargateBaseline).toBe("fargate");
    for (const p of Object.values(a.summary.platforms))
      for (const check of p.checks) expect(check, check.detail).toMatchObject({ ok: true });
    const ec2 = a.summary.platforms.ec2;
    const packed = a.summary.platforms["ec2-binpack"];
    expect(ec2.capacityCost && packed.capacityCost).toBeTruthy();
    // The AZ spread leaves half-empty instances managed termination protection keeps: more idle cost, lower utilisation.
    expect(ec2.capacityCost?.idleUsd ?? 0).toBeGreaterThan(packed.capacityCost?.idleUsd ?? 0);
    expect(c.platforms.ec2.cpuPercentOfPaid).toBeLessThan(c.platforms["ec2-binpack"].cpuPercentOfPaid);
    expect(c.platforms.ec2.costVsFargatePercent).toBeGreaterThan(
      c.platforms["ec2-binpack"].costVsFargatePercent,
    );
    // Costs add up: in use + idle = everything the instances and volumes cost (the ALB is a meter of its own).
    const split = (packed.capacityCost?.inUseUsd ?? 0) + (packed.capacityCost?.idleUsd ?? 0);
    const alb = packed.cost.meters.filter((m) => m.name.startsWith("alb.")).reduce((x, m) => x + m.usd, 0);
    expect(alb).toBeGreaterThan(0);
    expect(split).toBeCloseTo(packed.cost.totalUsd - alb, 5);
    // The scenario's Compute Savings Plan: every platform reports its bill with it, and the comparison both.
    expect(packed.commitments?.totalUsd).toBeLessThan(packed.cost.totalUsd);
    expect(c.platforms["ec2-binpack"].withCommitments?.totalUsd).toBe(packed.commitments?.totalUsd);
  });
});
