import { describe, expect, it } from "vitest";
import { interruptedSpotCharged } from "../../../src/models/billing/ec2.js";
import { cluster, fixedLaunch } from "../../helpers/ecs-ec2-cluster.js";

// Linux: "Interrupted in the first hour: No charge"; "Interrupted in any hour after the first hour: Charged for
// the seconds used". https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/billing-for-interrupted-spot-instances.html
describe("billing of Spot instances EC2 interrupts", () => {
  it.each([
    [59 * 60_000, false],
    [3_599_999, false],
    [3_600_000, true],
    [2 * 3_600_000, true],
  ])("%i ms of running time → charged %s", (ms, charged) => {
    expect(interruptedSpotCharged(ms)).toBe(charged);
  });

  it("the first interruption of a Spot group costs nothing inside the first hour and its seconds after it", () => {
    // m6i.large at a fixed $0.10/h and a 50 % discount: $0.05 per Spot hour, written here by hand.
    const spotPerSecond = 0.05 / 3600;
    const seen = { free: 0, charged: 0 };
    for (let seed = 1; seed <= 12; seed++) {
      const { sim, cap, ledger } = cluster(
        {
          kind: "ecs-ec2",
          task: { cpu: 1024, memory: 2048 },
          service: { desiredCount: 0, minCapacity: 0, maxCapacity: 1 },
          capacityProviders: [
            {
              name: "spot",
              autoScalingGroup: {
                instanceTypes: ["m6i.large"],
                minSize: 40,
                maxSize: 40,
                desiredCapacity: 40,
                instancesDistribution: { onDemandPercentageAboveBaseCapacity: 0 },
                spot: { discount: 0.5, interruptionFrequency: 0.99 },
                pricing: { perHour: { "m6i.large": 0.1 } },
                ...fixedLaunch,
              },
              managedScaling: { status: "DISABLED" },
            },
          ],
        },
        { seed, minutes: 600 },
      );
      const asg = cap.asgs[0];
      // Run until the first interrupted instance is gone; nothing else has been billed by then.
      let endedAt = -1;
      let spot: { usd: number } | undefined;
      const poll = () => {
        if (asg.terminations === 0) return sim.after(1000, poll);
        endedAt = sim.now;
        expect(asg.terminations).toBe(1);
        // A copy: the meter keeps counting as the run goes on.
        spot = { usd: ledger.meterList().find((m) => m.name === "ec2.spot.m6i.large")?.usd ?? 0 };
      };
      sim.at(0, poll);
      sim.run(10 * 3_600_000);
      if (endedAt < 0) continue;
      // The group's 40 instances ran from t = 0 (warm start); the interrupted one ended 2 minutes after its
      // notice, within the second before `endedAt`.
      const ranSeconds = Math.floor(endedAt / 1000);
      if (ranSeconds < 3600) {
        expect(spot?.usd ?? 0).toBe(0);
        seen.free++;
      } else {
        expect(spot?.usd ?? 0).toBeGreaterThan((ranSeconds - 1) * spotPerSecond - 1e-9);
        expect(spot?.usd ?? 0).toBeLessThanOrEqual(ranSeconds * spotPerSecond + 1e-9);
        seen.charged++;
      }
    }
    // Both sides of the hour were exercised.
    expect(seen.free).toBeGreaterThan(0);
    expect(seen.charged).toBeGreaterThan(0);
  });
});
