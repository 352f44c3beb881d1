import { describe, expect, it } from "vitest";
import {
  INSTANCES_DISTRIBUTION_DEFAULTS,
  marketToTerminate,
  nextMarket,
} from "../../../src/models/ec2/auto-scaling-group.js";
import { cluster, fixedLaunch } from "../../helpers/ecs-ec2-cluster.js";

// "When Amazon EC2 Auto Scaling needs to terminate an instance, it first identifies which purchase option
// (Spot or On-Demand) should be terminated based on the settings of the group. This makes sure that the group
// trends toward the specified ratio of Spot and On-Demand instances over time."
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html
describe("scale-in of a mixed instances group: purchase option first", () => {
  const d = (base: number, pct: number) => ({
    ...INSTANCES_DISTRIBUTION_DEFAULTS,
    onDemandBaseCapacity: base,
    onDemandPercentageAboveBaseCapacity: pct,
  });

  it.each([
    // base 1, 0 % above: of 1 On-Demand + 3 Spot, three instances keep the base → a Spot instance goes.
    [d(1, 0), 1, 3, "spot"],
    // The base alone: nothing else to take.
    [d(1, 0), 1, 0, "on-demand"],
    // base 2, 50 % above: 5 instances hold 2 + ceil(3 × 0.5) = 4 On-Demand → from 4 + 2, a Spot one goes;
    // 4 instances hold 2 + 1 = 3 → from 4 + 1, an On-Demand one goes.
    [d(2, 50), 4, 2, "spot"],
    [d(2, 50), 4, 1, "on-demand"],
    // All On-Demand (the default distribution): On-Demand.
    [INSTANCES_DISTRIBUTION_DEFAULTS, 3, 0, "on-demand"],
  ])("%o with %i On-Demand and %i Spot → %s", (dist, od, spot, market) => {
    expect(marketToTerminate(dist, od, spot)).toBe(market);
  });

  it("undoes the launch side: a group grown by its distribution gives back its last launch's purchase option", () => {
    let cases = 0;
    for (let base = 0; base <= 3; base++)
      for (const pct of [0, 25, 50, 70, 100]) {
        const dist = d(base, pct);
        let od = 0;
        let spot = 0;
        for (let n = 1; n <= 12; n++) {
          const launched = nextMarket(dist, od, spot);
          if (launched === "on-demand") od++;
          else spot++;
          expect(marketToTerminate(dist, od, spot), `${base}/${pct} at ${n}`).toBe(launched);
          cases++;
        }
      }
    expect(cases).toBe(4 * 5 * 12);
  });

  it("a group of 1 On-Demand base + 3 Spot scaled to 1 keeps its On-Demand instance (8 seeds)", () => {
    const kept: string[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      const { sim, cap } = cluster(
        {
          kind: "ecs-ec2",
          task: { cpu: 1024, memory: 2048 },
          service: { desiredCount: 0, minCapacity: 0, maxCapacity: 4 },
          capacityProviders: [
            {
              name: "mixed",
              autoScalingGroup: {
                instanceTypes: ["m6i.large", "m5.large"],
                minSize: 0,
                maxSize: 10,
                desiredCapacity: 4,
                instancesDistribution: { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 0 },
                spot: { interruptionFrequency: 0 },
                ...fixedLaunch,
              },
              managedScaling: { status: "DISABLED" },
            },
          ],
        },
        { seed },
      );
      const asg = cap.asgs[0];
      expect(asg.instances.map((i) => i.market).sort()).toEqual(["on-demand", "spot", "spot", "spot"]);
      sim.at(60_000, () => asg.setDesired(1));
      sim.run(120_000);
      kept.push(...asg.instances.map((i) => i.market));
    }
    expect(kept).toEqual(Array(8).fill("on-demand"));
  });
});
