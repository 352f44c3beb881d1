import * as z from "zod";

/**
 * The `sweep:` block of a scenario (or of a sweep file naming its base scenario). Matrix keys are field
 * paths into the scenario (`platforms.fargate.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue`);
 * `include` and `exclude` follow GitHub Actions matrix semantics. Expansion and validation of each
 * variant live in src/sweep/.
 */
const Assignments = z.record(z.string().min(1), z.unknown());

export const SweepBlock = z.strictObject({
  matrix: z
    .record(z.string().min(1), z.array(z.unknown()).min(1, "a matrix entry lists at least one value"))
    .default({})
    .meta({ description: "Scenario path → list of values; every combination is a variant." }),
  include: z
    .array(Assignments)
    .default([])
    .meta({ description: "Extra values or combinations (GitHub Actions matrix `include`)." }),
  exclude: z
    .array(Assignments)
    .default([])
    .meta({ description: "Combinations to drop; a partial match is enough." }),
  sample: z
    .strictObject({
      count: z.number().int().positive(),
      seed: z.number().int().min(0).default(1),
    })
    .optional()
    .meta({
      description: "Run a seeded random sample of `count` matrix combinations instead of all of them.",
    }),
  seeds: z.enum(["common", "independent"]).default("common").meta({
    description:
      "common: every variant uses the same random streams (common random numbers); independent: a seed per variant.",
  }),
  replications: z.number().int().min(1).max(10_000).default(1).meta({
    description:
      "Runs per variant, each with its own seed; the table reports means and confidence intervals.",
  }),
  confidence: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.95)
    .meta({ description: "Confidence level of the intervals over replications." }),
  groupBy: z.array(z.string().min(1)).default([]).meta({
    description:
      "Matrix keys to rank within (e.g. traffic.multiplier): one frontier and one cheapest variant per group.",
  }),
  minAttainment: z.number().min(0).max(1).optional().meta({
    description:
      "A variant meets the SLO only if this share of minutes also meets it (besides the whole-run percentile).",
  }),
});
export type SweepBlock = z.output<typeof SweepBlock>;

/** A sweep kept beside its scenario: `base` names the scenario file, relative to the sweep file. */
export const SweepFile = z.strictObject({
  base: z.string().min(1).meta({ description: "Base scenario file, relative to this file." }),
  sweep: SweepBlock,
});
