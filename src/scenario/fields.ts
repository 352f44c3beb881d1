import * as z from "zod";
import { parseCpuUnits, parseDuration, parseSize, type Parsed } from "./units.js";

/** A zod field that accepts a unit-bearing value and outputs the parsed base-unit number. */
function unitField(parse: (v: unknown) => Parsed, description: string) {
  return z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      const p = parse(v);
      if (!p.ok) {
        ctx.addIssue({ code: "custom", message: p.message });
        return z.NEVER;
      }
      return p.value;
    })
    .meta({ description });
}

/** Duration with a unit (`300ms`, `5s`, `5m`, `1h`, `1d`) → milliseconds. */
export const Duration = unitField(parseDuration, 'Duration with a unit: "300ms", "5s", "5m", "1h", "1d".');
/** Memory size with a unit (`512MiB`, `2GiB`) → MiB. */
export const Size = unitField((v) => parseSize(v, false), 'Memory size with a unit: "512MiB", "2GiB".');
/** ECS task memory: MiB as a bare number, or with a unit. */
export const TaskMemory = unitField(
  (v) => parseSize(v, true),
  'Task memory in MiB (2048) or with a unit ("2GB").',
);
/** ECS CPU units (1024 = 1 vCPU) or `"1 vCPU"`. */
export const CpuUnits = unitField(parseCpuUnits, 'ECS CPU units (1024 = 1 vCPU), or "0.5 vCPU".');

/** Whole seconds, as AWS API fields are (cooldowns, warm-ups). */
export const AwsSeconds = z.number().int().min(0);

export const Probability = z.number().min(0).max(1);

/** A random duration: a fixed duration, or a distribution given by mean (and cv). */
export const DistributionSpec = z.union([
  Duration.transform((mean) => ({ distribution: "deterministic" as const, mean, cv: 0 })),
  z
    .strictObject({
      distribution: z.enum(["deterministic", "exponential", "lognormal"]),
      mean: Duration,
      cv: z.number().min(0).optional(),
    })
    .transform((d) => ({
      distribution: d.distribution,
      mean: d.mean,
      cv: d.distribution === "exponential" ? 1 : d.distribution === "deterministic" ? 0 : (d.cv ?? 1),
    })),
]);
export type Distribution = z.output<typeof DistributionSpec>;

/** ISO 8601 instant → epoch ms (UTC when no zone is given). */
export const Instant = z
  .union([z.string(), z.date()])
  .transform((v, ctx) => {
    if (v instanceof Date) return v.getTime();
    const s = /[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(" ", "T")}Z`;
    const t = Date.parse(s);
    if (Number.isNaN(t)) {
      ctx.addIssue({ code: "custom", message: `"${v}" is not an ISO 8601 time (e.g. 1998-06-22T00:00:00Z)` });
      return z.NEVER;
    }
    return t;
  })
  .meta({ description: "ISO 8601 time; UTC when no zone is given." });
