import * as z from "zod";
import { listInstanceTypes } from "../data/ec2.js";

import { NORMALIZATION_FACTOR } from "../data/ec2.js";

/**
 * The top-level `billing:` block: commitments (Savings Plans, Reserved Instances) applied to the simulated
 * usage hour by hour, and the load balancer's own meter. Discount rates come from the user's rate card: AWS
 * publishes Savings Plans and Reserved Instance rates per usage type, term and payment option, so there is
 * no honest single default and a missing rate is an error.
 */
const Rate = z
  .number()
  .gt(0)
  .lt(1)
  .meta({ description: "Discount off On-Demand, 0.28 = 28 % (your rate card)." });
const Commitment = z
  .number()
  .positive()
  .meta({ description: "USD per hour committed (billed whether used or not)." });

const SavingsPlan = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("compute"),
    commitmentPerHour: Commitment,
    discount: z.record(z.string().regex(/^(fargate|[a-z][a-z0-9-]*(\.[a-z0-9]+)?)$/), Rate).meta({
      description:
        "Rates by usage: `fargate`, an instance family (`m6i`) or an instance type (`m6i.large`, over its family's rate).",
    }),
  }),
  z.strictObject({
    type: z.literal("ec2-instance"),
    family: z.string().regex(/^[a-z][a-z0-9-]*$/, "an instance family such as m6i"),
    commitmentPerHour: Commitment,
    discount: Rate,
  }),
]);

const ReservedInstance = z
  .strictObject({
    instanceType: z.string(),
    count: z.number().int().positive(),
    discount: Rate.meta({
      description: "Effective discount of the reservation off On-Demand (your rate card).",
    }),
  })
  .meta({
    description:
      "A standard, regional Reserved Instance (Linux, default tenancy): size-flexible in its family.",
  })
  .superRefine((ri, ctx) => {
    if (!listInstanceTypes().includes(ri.instanceType))
      ctx.addIssue({
        code: "custom",
        path: ["instanceType"],
        message: `unknown EC2 instance type "${ri.instanceType}"; pinned types: ${listInstanceTypes().join(", ")}`,
      });
    const size = ri.instanceType.split(".")[1];
    if (size !== undefined && NORMALIZATION_FACTOR[size] === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["instanceType"],
        message: `no normalization factor for size "${size}"`,
      });
  });

const LoadBalancer = z.strictObject({
  include: z.boolean().default(true).meta({
    description:
      "Bill the Application Load Balancer in front of ECS services and EKS deployments (its own meter).",
  }),
  rulesProcessed: z.number().int().min(0).default(1).meta({
    description: "Listener rules the ALB processes per request (the first 10 are free).",
  }),
  pricing: z
    .strictObject({ hourUsd: z.number().min(0), lcuHourUsd: z.number().min(0) })
    .optional()
    .meta({ description: "Prices for a region without pinned ALB prices, or negotiated ones." }),
});

export const BillingBlock = z.strictObject({
  savingsPlans: z.array(SavingsPlan).default([]),
  reservedInstances: z.array(ReservedInstance).default([]),
  loadBalancer: LoadBalancer.default({ include: true, rulesProcessed: 1 }),
  ebsGp3PerGbMonth: z.number().min(0).optional().meta({
    description: "EBS gp3 USD per GB-month of instance root volumes, for a region without a pinned price.",
  }),
});

export type BillingSpec = z.output<typeof BillingBlock>;
export type SavingsPlanSpec = z.output<typeof SavingsPlan>;
export type ReservedInstanceSpec = z.output<typeof ReservedInstance>;

interface PlatformLike {
  kind: string;
  capacityProviders?: { autoScalingGroup: { instanceTypes: string[] } }[];
  compute?: PlatformLike;
}

/** The usage keys a Compute Savings Plan needs a rate for on an ECS platform (or an ECS compute block). */
function ecsUsageKeys(p: PlatformLike): string[] {
  const c = p.compute ?? p;
  if (c.kind === "ecs-fargate") return ["fargate"];
  if (c.kind !== "ecs-ec2") return [];
  return (c.capacityProviders ?? []).flatMap((cp) => cp.autoScalingGroup.instanceTypes);
}

/**
 * Every usage an ECS platform of the scenario can bill needs a rate on each Compute Savings Plan (a family's
 * rate serves its types), so a missing rate is reported at load time with its line; EKS usage is checked
 * when the plan is applied.
 */
export function checkSavingsPlanRates(
  data: { billing?: BillingSpec; platforms: Record<string, unknown> },
  ctx: z.RefinementCtx,
): void {
  data.billing?.savingsPlans.forEach((plan, i) => {
    if (plan.type !== "compute") return;
    const missing = new Set<string>();
    for (const p of Object.values(data.platforms))
      for (const key of ecsUsageKeys(p as PlatformLike)) {
        const family = key.split(".")[0];
        if (plan.discount[key] === undefined && plan.discount[family] === undefined) missing.add(family);
      }
    if (missing.size > 0)
      ctx.addIssue({
        code: "custom",
        path: ["billing", "savingsPlans", i, "discount"],
        message: `no rate for ${[...missing].join(", ")} usage; add it from your rate card (AWS publishes Savings Plans rates per usage type and term)`,
      });
  });
}
