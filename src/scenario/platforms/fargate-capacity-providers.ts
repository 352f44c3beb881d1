import * as z from "zod";
import { Duration, Probability } from "../fields.js";

/**
 * Capacity provider strategy of an `ecs-fargate` platform: the predefined FARGATE and FARGATE_SPOT
 * providers with base and weight, and the Fargate Spot price and interruption model.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html
 */

const FARGATE_NAMES = ["FARGATE", "FARGATE_SPOT"];

export const FargateStrategyItem = z.strictObject({
  capacityProvider: z.string().meta({ description: "FARGATE or FARGATE_SPOT." }),
  base: z.number().int().min(0).max(100_000).default(0),
  // The API default is 0; a single-provider strategy still takes every task.
  weight: z.number().int().min(0).max(1000).default(0),
});

export const FargateSpotOptions = z.strictObject({
  discount: z.number().min(0).lt(1).optional().meta({
    description: "Spot price = Fargate × (1 − discount); default: assumption fargateSpot.discount.",
  }),
  priceSeries: z
    .array(z.strictObject({ at: Duration, discount: z.number().min(0).lt(1) }))
    .min(1)
    .optional()
    .meta({
      description: "Discount over simulated time (piecewise constant from each `at`, the first from 0).",
    }),
  interruptionFrequency: Probability.optional().meta({
    description:
      "Share of Fargate Spot tasks interrupted per month of task time; default: assumption fargateSpot.interruptionFrequency.",
  }),
});

interface WithStrategy {
  capacityProviderStrategy?: { capacityProvider: string; base: number; weight: number }[];
  fargateSpot?: z.output<typeof FargateSpotOptions>;
}

/** Cross-field rules the ECS API enforces on a Fargate strategy (CreateService rejects the rest). */
export function checkFargateStrategy(p: WithStrategy, ctx: z.RefinementCtx): void {
  const strategy = p.capacityProviderStrategy;
  const path = ["capacityProviderStrategy"];
  const seen = new Set<string>();
  let withBase = 0;
  let weights = 0;
  (strategy ?? []).forEach((s, i) => {
    if (!FARGATE_NAMES.includes(s.capacityProvider)) {
      // A cluster may hold both kinds, but a strategy holds Fargate or Auto Scaling group providers, never
      // both (fargate-capacity-providers.html, "Fargate capacity provider considerations").
      ctx.addIssue({
        code: "custom",
        path: [...path, i, "capacityProvider"],
        message: `"${s.capacityProvider}" is not a Fargate capacity provider: an ecs-fargate strategy takes FARGATE and FARGATE_SPOT only, and a strategy may not mix Fargate and Auto Scaling group providers (use an ecs-ec2 platform for those)`,
      });
    }
    if (seen.has(s.capacityProvider))
      ctx.addIssue({
        code: "custom",
        path: [...path, i, "capacityProvider"],
        message: `capacity provider ${s.capacityProvider} appears twice`,
      });
    seen.add(s.capacityProvider);
    if (s.base > 0) withBase++;
    weights += s.weight;
  });
  if (withBase > 1)
    ctx.addIssue({
      code: "custom",
      path,
      message: "only one capacity provider in a strategy can have a base",
    });
  if (strategy && strategy.length > 1 && weights === 0)
    ctx.addIssue({
      code: "custom",
      path,
      message: "at least one capacity provider in the strategy must have a weight greater than 0",
    });
  const spot = p.fargateSpot;
  if (spot && !seen.has("FARGATE_SPOT"))
    ctx.addIssue({
      code: "custom",
      path: ["fargateSpot"],
      message: "fargateSpot applies to tasks on FARGATE_SPOT; add it to capacityProviderStrategy",
    });
  if (spot?.discount !== undefined && spot.priceSeries !== undefined)
    ctx.addIssue({
      code: "custom",
      path: ["fargateSpot", "priceSeries"],
      message: "give either fargateSpot.discount or fargateSpot.priceSeries, not both",
    });
  spot?.priceSeries?.forEach((x, i) => {
    if (i > 0 && x.at <= (spot.priceSeries?.[i - 1].at ?? 0))
      ctx.addIssue({
        code: "custom",
        path: ["fargateSpot", "priceSeries", i, "at"],
        message: "priceSeries times must increase",
      });
  });
}
