import { z } from "zod";
import { CustomizedMetricSpecification, PredictiveScalingPolicy, StepScalingPolicy } from "./aas.js";
import { AwsSeconds } from "./fields.js";

/**
 * Scaling policies in Application Auto Scaling's own field names, as in PutScalingPolicy and
 * AWS::ApplicationAutoScaling::ScalingPolicy, so that a user can paste a real configuration.
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html
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

/** https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html */
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

export const ScalingPolicy = z.discriminatedUnion("PolicyType", [
  TargetTrackingPolicy,
  StepScalingPolicy,
  PredictiveScalingPolicy,
]);
export type ScalingPolicy = z.output<typeof ScalingPolicy>;
export type TargetTrackingPolicy = z.output<typeof TargetTrackingPolicy>;
export type { PredictiveScalingPolicy, StepScalingPolicy } from "./aas.js";
