import { describe, expect, it } from "vitest";
import {
  capacityOf,
  capacityProviderReservation,
} from "../../../src/models/ec2/capacity-provider-reservation.js";
import { memberOfNoLaunchableMatch } from "../../../src/models/ec2/placement.js";
import { cluster, fixedLaunch, MIN } from "../../helpers/ecs-ec2-cluster.js";

// Cluster auto scaling sizes M for distinctInstance (one task per instance) and does not scale out for tasks
// whose constraints no instance of the group satisfies.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-scaling-behavior.html
const m6i = capacityOf("m6i.large"); // 2 vCPU, 8 GiB: two 1-vCPU / 2-GiB tasks by resources
const task = { cpu: 1024, memoryMiB: 2048, awsvpc: false };

describe("placement constraints in the instance count M", () => {
  it("8 waiting tasks under distinctInstance need 8 m6i.large, not the 4 their resources need", () => {
    const cpr = (distinctInstance: boolean) =>
      capacityProviderReservation({
        runningInstances: 2,
        emptyInstances: 0,
        provisioning: [{ requirements: { ...task, distinctInstance }, count: 8 }],
        smallest: m6i,
        largest: m6i,
      });
    expect(cpr(false)).toMatchObject({ computedCount: 4, instancesNeeded: 6, cpr: 300 });
    // M = 2 + 8 = 10 → CPR 10 / 2 × 100 = 500.
    expect(cpr(true)).toMatchObject({ computedCount: 8, instancesNeeded: 10, cpr: 500 });
  });

  it("a task whose memberOf matches no instance of the group gives CPR 100 and no scale-out", () => {
    const r = capacityProviderReservation({
      runningInstances: 2,
      emptyInstances: 2,
      provisioning: [{ requirements: { ...task, placeable: false }, count: 5 }],
      smallest: m6i,
      largest: m6i,
    });
    expect(r).toMatchObject({ cpr: 100, step: 0, incompatibleTasks: 5, reason: "no-compatible-tasks" });
  });

  it("names the memberOf expression that no instance type × AZ of the group satisfies", () => {
    const azs = ["us-east-1a", "us-east-1b"];
    const c5 = { type: "memberOf" as const, expression: "attribute:ecs.instance-type == c5.large" };
    const az = { type: "memberOf" as const, expression: "attribute:ecs.availability-zone != us-east-1c" };
    expect(memberOfNoLaunchableMatch([c5, az], ["m6i.large", "m5.large"], azs)).toBe(c5.expression);
    expect(memberOfNoLaunchableMatch([az], ["m6i.large"], azs)).toBeUndefined();
    expect(memberOfNoLaunchableMatch([c5], ["m6i.large", "c5.large"], azs)).toBeUndefined();
    expect(memberOfNoLaunchableMatch([{ type: "distinctInstance" }], ["m6i.large"], azs)).toBeUndefined();
  });
});

const platform = (constraints: unknown[]) => ({
  kind: "ecs-ec2",
  task: { cpu: 1024, memory: 2048 },
  service: { desiredCount: 1, minCapacity: 0, maxCapacity: 20 },
  capacityProviders: [
    {
      name: "cp",
      autoScalingGroup: {
        instanceTypes: ["m6i.large"],
        minSize: 0,
        maxSize: 10,
        desiredCapacity: 1,
        ...fixedLaunch,
      },
      managedTerminationProtection: "ENABLED",
    },
  ],
  placementConstraints: constraints,
});

describe("placement constraints and cluster auto scaling (end to end)", () => {
  it("distinctInstance: one scale-out step to 8 instances, every task placed before the warm-up would allow a second", () => {
    const { sim, decisions, cap, service } = cluster(platform([{ type: "distinctInstance" }]));
    sim.at(1, () => service.setDesiredCount(8));
    sim.run(30 * MIN);
    const outs = decisions.filter((d) => d.controller === "clusterAutoScaling" && d.action === "scale-out");
    // At 60 s: N = 1, 7 tasks wait, one per instance → M = 8, CPR 800 → desired 8 in one step.
    expect(outs).toHaveLength(1);
    expect(outs[0]).toMatchObject({ t: 60, from: 1, to: 8 });
    expect(cap.asgs[0].inService).toBe(8);
    // Registered 60 + 20 + 60 s after the decision: the last task waited 140 s, not several 300-s rounds.
    expect(cap.launcher.report().instances?.maxProvisioningWaitSeconds).toBeCloseTo(140, 0);
    expect(service.runningCount).toBe(8);
  });

  it("memberOf no instance of the group satisfies: no instance launched, and a decision line says why", () => {
    const { sim, decisions, cap, service } = cluster({
      ...platform([{ type: "memberOf", expression: "attribute:ecs.instance-type == c5.large" }]),
      service: { desiredCount: 0, minCapacity: 0, maxCapacity: 20 },
    });
    sim.at(1, () => service.setDesiredCount(4));
    sim.run(60 * MIN);
    expect(cap.asgs[0].launches).toBe(1); // the warm instance only
    expect(decisions.filter((d) => d.action === "scale-out")).toHaveLength(0);
    const why = decisions.find((d) => d.controller === "clusterAutoScaling" && d.action === "hold");
    expect(why?.reason).toMatch(
      /4 waiting task\(s\) cannot run on any instance of the group: memberOf "attribute:ecs.instance-type == c5.large" matches none of m6i.large in us-east-1a, us-east-1b, us-east-1c; no scale-out/,
    );
  });
});
