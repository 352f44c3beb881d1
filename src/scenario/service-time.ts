import * as z from "zod";
import { DistributionSpec } from "./fields.js";

/**
 * A request's service time: any `DistributionSpec`, or `{ distribution: empirical }` resampling observed
 * values (ms): `values` given inline, or, without them, the per-request trace's `serviceTimeColumn`
 * (request mode then replays each request's own service time; fluid mode uses their distribution).
 */
export const ServiceTimeSpec = z.union([
  DistributionSpec.transform((d) => ({ ...d, values: undefined as number[] | undefined })),
  z
    .strictObject({
      distribution: z.literal("empirical"),
      values: z.array(z.number().min(0)).min(1).optional(),
    })
    .transform((d) => ({ distribution: d.distribution, mean: Number.NaN, cv: Number.NaN, values: d.values })),
]);
export type ServiceTime = z.output<typeof ServiceTimeSpec>;
