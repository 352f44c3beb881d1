import { describe, expect, it } from "vitest";
import {
  deregistrationTime,
  inServiceAt,
  requestCountPerTarget,
  type TargetGroupConfig,
} from "../../../src/models/alb/target-group.js";

const DEFAULTS: TargetGroupConfig = {
  healthCheckInterval: 30_000,
  healthyThreshold: 5,
  deregistrationDelay: 300_000,
};

describe("ALB target group: a new target needs one passing health check", () => {
  // "After your target is registered, it must pass one health check to be considered healthy."
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
  it("registered between two 30-s checks: in service at the next check, whatever the threshold", () => {
    for (const healthyThreshold of [2, 5, 10]) {
      expect(inServiceAt({ ...DEFAULTS, healthyThreshold }, 35_000)).toBe(60_000);
      expect(inServiceAt({ ...DEFAULTS, healthyThreshold }, 60_001)).toBe(90_000);
    }
  });

  it("registered on a check: that check passes (no wait)", () => {
    expect(inServiceAt(DEFAULTS, 90_000)).toBe(90_000);
  });

  it("registration time comes first, then the next check (EKS: 15-s interval of the Load Balancer Controller)", () => {
    expect(inServiceAt({ ...DEFAULTS, registrationDelay: 10_000 }, 25_000)).toBe(60_000);
    expect(inServiceAt({ ...DEFAULTS, healthCheckInterval: 15_000, healthyThreshold: 2 }, 16_000)).toBe(
      30_000,
    );
  });

  it("'immediate' schedule: the first check is sent as registration completes", () => {
    expect(
      inServiceAt({ ...DEFAULTS, healthCheckSchedule: "immediate", registrationDelay: 4_000 }, 35_000),
    ).toBe(39_000);
  });

  it("a deregistering target drains for the whole delay (300 s by default)", () => {
    expect(deregistrationTime(DEFAULTS)).toBe(300_000);
  });
});

describe("RequestCountPerTarget (ALB CloudWatch metrics page)", () => {
  // "Always reported"; requests divided by the healthy targets, or by all registered targets when none is
  // healthy. https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
  it("divides by the healthy targets", () => {
    expect(requestCountPerTarget(600, 2, 3)).toBe(300);
  });
  it("with no healthy target, divides by all registered targets", () => {
    expect(requestCountPerTarget(600, 0, 3)).toBe(200);
  });
  it("a minute without requests is a real zero, not a missing datapoint", () => {
    expect(requestCountPerTarget(0, 2, 2)).toBe(0);
    expect(requestCountPerTarget(0, 0, 0)).toBe(0);
  });
});
