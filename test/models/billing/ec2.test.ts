import { describe, expect, it } from "vitest";
import {
  constantFactor,
  ebsVolumeUsd,
  ec2BilledSeconds,
  instanceCharge,
  integrateFactor,
} from "../../../src/models/billing/ec2.js";

// EC2 Linux: per second, 60-second minimum, `running` only. https://aws.amazon.com/ec2/pricing/
describe("EC2 per-second billing", () => {
  it.each([
    [0, 30_000, 60],
    [0, 60_000, 60],
    [0, 61_200, 62],
    [5_000, 3_605_000, 3600],
  ])("running %i → %i ms bills %i s", (a, b, s) => {
    expect(ec2BilledSeconds(a, b)).toBe(s);
  });

  it("m6i.large ($0.096/h) for 30 s costs the 60-second minimum: $0.0016", () => {
    const c = instanceCharge(0.096, constantFactor(1), 0, 30_000);
    expect(c.usedUsd + c.minimumUsd).toBeCloseTo(0.0016, 12);
    expect(c.minimumUsd).toBeCloseTo(0.0008, 12);
  });

  it("a Spot discount series is integrated piecewise over the run", () => {
    const series = { at: [0, 1_800_000], factor: [0.4, 0.3] };
    expect(integrateFactor(series, 0, 3_600_000)).toBeCloseTo(0.4 * 1_800_000 + 0.3 * 1_800_000, 6);
    const c = instanceCharge(0.096, series, 0, 3_600_000);
    expect(c.usedUsd).toBeCloseTo(0.096 * 0.35, 12);
  });

  it("EBS gp3 30 GB for a 730-hour month at $0.08/GB-month costs $2.40", () => {
    expect(ebsVolumeUsd(30, 0.08, 0, 730 * 3_600_000)).toBeCloseTo(2.4, 12);
  });
});
