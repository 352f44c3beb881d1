import { readdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  POLICY_TERRAFORM_BLOCKS,
  POLICY_TYPES,
  policyType,
  ScalingPolicy,
} from "../../src/policies/index.js";

const src = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

/**
 * PolicyType values of PutScalingPolicy that scalesim simulates (ECS services):
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html
 * "PolicyType … Valid Values: StepScaling | TargetTrackingScaling | PredictiveScaling"
 */
const DOCUMENTED_TYPES = ["StepScaling", "TargetTrackingScaling", "PredictiveScaling"];

describe("policy types are plug-ins (src/policies/)", () => {
  it("registers one module per documented PolicyType", () => {
    expect(POLICY_TYPES.map((t) => t.type).sort()).toEqual([...DOCUMENTED_TYPES].sort());
    for (const t of DOCUMENTED_TYPES) expect(policyType(t)?.type).toBe(t);
    expect(policyType("SimpleScaling")).toBeUndefined();
  });

  it("names a PolicyType only in its own module: no switch on policy types elsewhere in src/", () => {
    const outside: string[] = [];
    for (const f of readdirSync(src, { recursive: true, encoding: "utf8" })) {
      if (!f.endsWith(".ts") || f.startsWith("policies/")) continue;
      const text = readFileSync(resolve(src, f), "utf8");
      for (const t of DOCUMENTED_TYPES) if (text.includes(`"${t}"`)) outside.push(`${f}: ${t}`);
    }
    expect(outside).toEqual([]);
  });

  it("each module's configuration field is the one its schema takes (PutScalingPolicy's field names)", () => {
    const fields: Record<string, string> = {
      TargetTrackingScaling: "TargetTrackingScalingPolicyConfiguration",
      StepScaling: "StepScalingPolicyConfiguration",
      PredictiveScaling: "PredictiveScalingPolicyConfiguration",
    };
    for (const t of POLICY_TYPES) {
      expect(t.aws.configuration).toBe(fields[t.type]);
      expect(Object.keys(t.schema.shape)).toContain(t.aws.configuration);
    }
  });

  it("Terraform's aws_appautoscaling_policy blocks come from the modules", () => {
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/appautoscaling_policy
    expect([...POLICY_TERRAFORM_BLOCKS].sort()).toEqual([
      "step_scaling_policy_configuration",
      "target_tracking_scaling_policy_configuration",
    ]);
  });

  it("the scenario's policy union is the registry's: AWS's target-tracking example validates", () => {
    // The ECS example of the target tracking guide: 75 % average CPU, cooldowns of 60 s.
    // https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
    const r = ScalingPolicy.safeParse({
      PolicyName: "cpu75-target-tracking-scaling-policy",
      PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 75.0,
        PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" },
        ScaleOutCooldown: 60,
        ScaleInCooldown: 60,
      },
    });
    expect(r.success).toBe(true);
    expect(ScalingPolicy.safeParse({ PolicyName: "x", PolicyType: "SimpleScaling" }).success).toBe(false);
  });
});
