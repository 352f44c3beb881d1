import * as z from "zod";
import { SECOND } from "../engine/time.js";
import { InputError } from "../errors.js";
import { TargetTrackingRunner } from "../models/aas/policy-runner.js";
import { targetTrackingAlarmsFor } from "../models/aas/scaling-controller.js";
import { CustomizedMetricSpecification } from "../scenario/aas.js";
import { AwsSeconds } from "../scenario/fields.js";
import type { PolicyPlugin } from "./plugin.js";

/**
 * Target tracking scaling: keep a metric at a target value (TargetTrackingScalingPolicyConfiguration). Its
 * runner (src/models/aas/policy-runner.ts) owns the two alarms the policy creates; in arbitration its
 * scale-in waits for every target-tracking policy to agree and it starts the target's shared cooldowns.
 *   [TT]  https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
 *   [API] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html
 */

/** https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html */
export const PREDEFINED_ECS_METRICS = [
  "ECSServiceAverageCPUUtilization",
  "ECSServiceAverageMemoryUtilization",
  "ALBRequestCountPerTarget",
  "ECSServiceAverageCPUUtilizationHighResolution",
  "ECSServiceAverageMemoryUtilizationHighResolution",
] as const;
export type PredefinedMetric = (typeof PREDEFINED_ECS_METRICS)[number];

const PredefinedMetricSpecification = z.strictObject({
  PredefinedMetricType: z.enum(PREDEFINED_ECS_METRICS),
  ResourceLabel: z.string().optional(),
});

/** [API] */
const TargetTrackingScalingPolicyConfiguration = z
  .strictObject({
    TargetValue: z.number().positive(),
    PredefinedMetricSpecification: PredefinedMetricSpecification.optional(),
    CustomizedMetricSpecification: CustomizedMetricSpecification.optional(),
    // ECS defaults are 300 s for both cooldowns (API reference above).
    ScaleOutCooldown: AwsSeconds.default(300),
    ScaleInCooldown: AwsSeconds.default(300),
    DisableScaleIn: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    if ((c.PredefinedMetricSpecification === undefined) === (c.CustomizedMetricSpecification === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "give exactly one of PredefinedMetricSpecification or CustomizedMetricSpecification",
      });
    }
  });

export const TargetTrackingPolicy = z.strictObject({
  PolicyName: z.string().min(1),
  PolicyType: z.literal("TargetTrackingScaling"),
  TargetTrackingScalingPolicyConfiguration,
});
export type TargetTrackingPolicy = z.output<typeof TargetTrackingPolicy>;

const isHighResolution = (p: TargetTrackingPolicy) =>
  p.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification?.PredefinedMetricType.endsWith(
    "HighResolution",
  ) ?? false;

export const targetTracking: PolicyPlugin<"TargetTrackingScaling", typeof TargetTrackingPolicy> = {
  type: "TargetTrackingScaling",
  schema: TargetTrackingPolicy,
  aws: {
    configuration: "TargetTrackingScalingPolicyConfiguration",
    terraformBlock: "target_tracking_scaling_policy_configuration",
    cloudFormation: {
      fields: [
        "TargetValue",
        "ScaleInCooldown",
        "ScaleOutCooldown",
        "DisableScaleIn",
        "PredefinedMetricSpecification",
        "CustomizedMetricSpecification",
      ],
      numbers: ["TargetValue", "ScaleInCooldown", "ScaleOutCooldown"],
      booleans: ["DisableScaleIn"],
    },
  },
  build(sp, ctx) {
    const c = sp.TargetTrackingScalingPolicyConfiguration;
    const type = c.PredefinedMetricSpecification?.PredefinedMetricType;
    const metric =
      type !== undefined
        ? ctx.predefined[type]
        : ctx.lookup("TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification", () =>
            ctx.registry.customized(c.CustomizedMetricSpecification!),
          );
    if (metric === undefined) {
      throw new InputError(`predefined metric ${type} is not produced by this platform`, {
        path: `${ctx.at}.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification`,
      });
    }
    const spec = {
      name: sp.PolicyName,
      targetValue: c.TargetValue,
      metric,
      metricName: type ?? metric.name,
      scaleOutCooldownMs: c.ScaleOutCooldown * SECOND,
      scaleInCooldownMs: c.ScaleInCooldown * SECOND,
      disableScaleIn: c.DisableScaleIn,
      highResolution: type?.endsWith("HighResolution") ?? false,
    };
    const { high, low } = targetTrackingAlarmsFor(spec, ctx.controllerOptions);
    return { runner: new TargetTrackingRunner(spec, high, low) };
  },
  // "multiple target tracking policies … if each one uses a different metric" [TT].
  distinct: {
    key: (p) => {
      const c = p.TargetTrackingScalingPolicyConfiguration;
      return (
        c.PredefinedMetricSpecification?.PredefinedMetricType ??
        JSON.stringify(c.CustomizedMetricSpecification)
      );
    },
    message: "target tracking policies on one service must use different metrics",
  },
  highResolution: isHighResolution,
};
