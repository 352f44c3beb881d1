import * as z from "zod";
import type { PolicyPlugin } from "./plugin.js";
import { predictiveScaling } from "./predictive.js";
import { stepScaling } from "./step-scaling.js";
import { targetTracking } from "./target-tracking.js";

/**
 * The scaling policy types scalesim simulates, one module each (its schema, its AWS import, its runner
 * factory and its part in arbitration: src/policies/plugin.ts). Adding a type: its module and one line here.
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html (PolicyType)
 */
export const POLICY_TYPES = [targetTracking, stepScaling, predictiveScaling] as const;

/** Terraform blocks of aws_appautoscaling_policy that hold a policy type's configuration. */
export const POLICY_TERRAFORM_BLOCKS: readonly string[] = POLICY_TYPES.flatMap((t) =>
  t.aws.terraformBlock === undefined ? [] : [t.aws.terraformBlock],
);

/** Terraform's `policy_type` of an aws_appautoscaling_policy that gives none. */
export const TERRAFORM_DEFAULT_POLICY_TYPE: string | undefined = POLICY_TYPES.find(
  (t) => t.aws.terraformDefault,
)?.type;

/** Scaling policies in Application Auto Scaling's own field names, as in PutScalingPolicy. */
export const ScalingPolicy = z.discriminatedUnion("PolicyType", schemasOf(POLICY_TYPES));
export type ScalingPolicy = z.output<typeof ScalingPolicy>;
export type PolicyType = ScalingPolicy["PolicyType"];

/** The schemas of the registered types, as the tuple a discriminated union takes. */
function schemasOf<T extends readonly PolicyPlugin<string, z.ZodObject>[]>(types: T) {
  return types.map((t) => t.schema) as unknown as { -readonly [K in keyof T]: T[K]["schema"] };
}

const BY_TYPE = new Map<string, PolicyPlugin>(
  POLICY_TYPES.map((p) => [p.type, p as unknown as PolicyPlugin]),
);

/** The module of a policy's type (`PolicyType`), or undefined for a type scalesim does not simulate. */
export function policyType(type: unknown): PolicyPlugin | undefined {
  return typeof type === "string" ? BY_TYPE.get(type) : undefined;
}

/** The module of a validated policy. */
export function policyPlugin<P extends ScalingPolicy>(p: P): PolicyPlugin<P["PolicyType"], z.ZodType<P>> {
  return BY_TYPE.get(p.PolicyType) as unknown as PolicyPlugin<P["PolicyType"], z.ZodType<P>>;
}

/**
 * Cross-field rules of one scalable target's configuration, for a platform schema's superRefine: unique
 * policy and action names, and what each policy type asks to differ between its policies (target tracking:
 * "multiple target tracking policies … if each one uses a different metric",
 * https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html).
 */
export function checkScalingSetup(
  p: {
    scalingPolicies: ReadonlyArray<{ PolicyName: string; PolicyType: string } & Record<string, unknown>>;
    scheduledActions?: ReadonlyArray<{ ScheduledActionName: string }>;
  },
  ctx: z.core.$RefinementCtx,
): void {
  const names = new Map<string, number>();
  const distinct = new Map<string, number>();
  p.scalingPolicies.forEach((sp, i) => {
    if (names.has(sp.PolicyName)) {
      ctx.addIssue({
        code: "custom",
        path: ["scalingPolicies", i, "PolicyName"],
        message: `duplicate PolicyName (policy ${names.get(sp.PolicyName)} has it)`,
      });
    } else names.set(sp.PolicyName, i);
    const type = policyType(sp.PolicyType);
    if (type?.distinct === undefined) return;
    const key = `${sp.PolicyType} ${type.distinct.key(sp)}`;
    if (distinct.has(key)) {
      ctx.addIssue({
        code: "custom",
        path: ["scalingPolicies", i, type.aws.configuration],
        message: `${type.distinct.message} (policy ${distinct.get(key)} uses the same)`,
      });
    } else distinct.set(key, i);
  });
  const actions = new Set<string>();
  p.scheduledActions?.forEach((a, i) => {
    if (actions.has(a.ScheduledActionName)) {
      ctx.addIssue({
        code: "custom",
        path: ["scheduledActions", i, "ScheduledActionName"],
        message: "duplicate ScheduledActionName",
      });
    }
    actions.add(a.ScheduledActionName);
  });
}
