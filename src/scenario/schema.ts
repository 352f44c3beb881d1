import * as z from "zod";
import { ASSUMPTIONS, assumptionDef } from "../assumptions.js";
import { parseDuration } from "./units.js";
import { Duration, Instant, Size } from "./fields.js";
import { ContainerImageSpec } from "./image.js";
import { PLATFORM_SCHEMAS } from "./platforms/index.js";
import { ServiceTimeSpec } from "./service-time.js";
import { checkThresholdPlatforms, Thresholds } from "./thresholds.js";
import { SweepBlock } from "./sweep.js";
import { BillingBlock, checkSavingsPlanRates } from "./billing.js";
export type { FargatePlatform } from "./platforms/ecs-fargate.js";
export type { Ec2Platform } from "./platforms/ecs-ec2.js";

// The trace layer's bound (src/trace/synthetic.ts): beyond 10^12 req/s a rate is a typo, not a load.
const Rate = z.number().min(0).max(1e12, "a rate is at most 1e12 requests per second");

/** A simulated span: positive and at most a leap year (longer runs are a unit mistake, e.g. `d` for `s`). */
const MAX_RUN_MS = 366 * 86_400_000;
const RunLength = Duration.refine((ms) => ms > 0, "must be longer than 0").refine(
  (ms) => ms <= MAX_RUN_MS,
  "at most 366d is simulated in one run",
);
/** A duration that must be positive (a zero would silently turn the feature off). */
const PositiveDuration = Duration.refine((ms) => ms > 0, "must be longer than 0 (e.g. 30s)");

/** Randomness and resolution shared by every synthetic shape; rates are requests per second. */
const SyntheticCommon = {
  noise: z
    .number()
    .min(0)
    .optional()
    .meta({ description: "Relative Gaussian jitter per interval (0.05 = 5 %)." }),
  poisson: z.boolean().optional().meta({ description: "Draw Poisson counts around the expected count." }),
  interval: PositiveDuration.optional().meta({
    description: "Interval length of the generated series (default 1s).",
  }),
};

const Synthetic = z.discriminatedUnion("shape", [
  z.strictObject({ shape: z.literal("constant"), rate: Rate, ...SyntheticCommon }),
  z.strictObject({ shape: z.literal("step"), base: Rate, to: Rate, at: Duration, ...SyntheticCommon }),
  z.strictObject({
    shape: z.literal("ramp"),
    from: Rate,
    to: Rate,
    at: Duration.optional(),
    over: Duration.optional(),
    ...SyntheticCommon,
  }),
  z.strictObject({
    shape: z.literal("diurnal"),
    base: Rate,
    peak: Rate,
    period: Duration.optional(),
    phase: Duration.optional(),
    ...SyntheticCommon,
  }),
  z.strictObject({
    shape: z.literal("spike"),
    base: Rate,
    peak: Rate,
    at: Duration,
    width: Duration,
    ...SyntheticCommon,
  }),
]);
export type SyntheticData = z.output<typeof Synthetic>;

const Traffic = z
  .strictObject({
    trace: z.string().optional().meta({ description: "Trace file, relative to the scenario file." }),
    format: z.enum(["csv", "requests", "cloudwatch", "alb-logs"]).default("csv").meta({
      description:
        "csv: timestamp,count per interval; requests: one row per request; cloudwatch: get-metric-data JSON; alb-logs: ALB access logs (a file, .gz, or a folder as delivered to S3).",
    }),
    timestampColumn: z.string().default("timestamp"),
    valueColumn: z.string().default("count"),
    serviceTimeColumn: z.string().optional(),
    gaps: z.enum(["error", "zero"]).default("error"),
    multiplier: z.number().positive().max(1e12, "a multiplier is at most 1e12").default(1),
    window: z.strictObject({ start: Instant.optional(), duration: RunLength.optional() }).optional(),
    synthetic: Synthetic.optional(),
  })
  .superRefine((t, ctx) => {
    if ((t.trace === undefined) === (t.synthetic === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "give exactly one of `trace` (a file) or `synthetic` (a shape)",
      });
    }
    // ALB access logs carry one service time: the target's (target_processing_time, seconds).
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
    if (
      t.format === "alb-logs" &&
      t.serviceTimeColumn !== undefined &&
      t.serviceTimeColumn !== "target_processing_time"
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["serviceTimeColumn"],
        message: "ALB access logs give the service time as target_processing_time",
      });
    }
    if (t.synthetic && t.window?.start !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["window", "start"],
        message: "a synthetic shape starts at 0; use window.duration or the top-level duration",
      });
    }
  });

const Workload = z.strictObject({
  cpuPerRequest: Duration.meta({ description: "vCPU time one request costs." }),
  serviceTime: ServiceTimeSpec.meta({
    description: "Time a request holds a slot when the task is not CPU-bound.",
  }),
  concurrency: z
    .number()
    .int()
    .positive()
    .meta({ description: "Requests a task serves at once; more wait in its queue." }),
  memory: z.strictObject({ baseline: Size, perInFlight: Size.default(0) }).optional(),
  // A request timeout of 0 would end every request at once; there is no "off" value.
  timeout: PositiveDuration.default(30_000),
  cpuIdle: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .meta({ description: "Fraction of the task's vCPUs used with no traffic." }),
  model: z.enum(["processor-sharing", "worker-pool"]).default("processor-sharing").meta({
    description:
      "Per-task server: processor-sharing (each request's CPU part shares the task's vCPUs; at most `concurrency` admitted, the rest wait FIFO) or worker-pool (`concurrency` slots held for the service time, FIFO queue; CPU accounted, not contended). See docs/latency.md.",
  }),
  queueLimit: z.number().int().min(0).optional().meta({
    description:
      "Requests a task holds waiting beyond its `concurrency`; more are refused (the ALB answers 502, counted as dropped). Default: the assumption server.queueLimit (100).",
  }),
  bytesPerRequest: z.number().int().min(0).optional().meta({
    description:
      "Bytes the load balancer processes per request and response (headers and bodies): the ALB's processed-bytes LCU dimension. Default: assumption alb.bytesPerRequest.",
  }),
  image: ContainerImageSpec.optional().meta({
    description:
      "Container image (size, layers): sets the image pull time of task starts. See docs/image-pulls.md.",
  }),
});

const Slo = z.strictObject({
  latency: PositiveDuration,
  percentile: z.number().gt(0).lt(100).default(99),
});

export const Platform = z.discriminatedUnion("kind", PLATFORM_SCHEMAS);
export type Platform = z.output<typeof Platform>;

const Engine = z.strictObject({
  mode: z.enum(["fluid", "request"]).default("fluid").meta({
    description:
      "fluid: rates per tick (fast, long traces); request: every request an event (exact). See docs/latency.md.",
  }),
  tick: Duration.default(1000)
    .refine((ms) => ms > 0 && 60_000 % ms === 0, {
      message: "the tick must divide a minute (e.g. 1s, 5s, 10s, 15s, 30s, 1m)",
    })
    .meta({ description: "Fluid-mode integration step; must divide a minute." }),
});

const Assumptions = z.record(z.string(), z.union([z.number(), z.string()])).superRefine((rec, ctx) => {
  for (const [id, v] of Object.entries(rec)) {
    const def = assumptionDef(id);
    if (!def) {
      ctx.addIssue({
        code: "custom",
        path: [id],
        message: `unknown assumption; known: ${ASSUMPTIONS.map((a) => a.id).join(", ")}`,
      });
      continue;
    }
    const bad =
      (def.kind === "duration" && !parseDuration(v).ok) ||
      ((def.kind === "number" || def.kind === "integer") && typeof v !== "number") ||
      (def.kind === "integer" && !Number.isInteger(v)) ||
      (def.kind === "choice" && !def.choices?.includes(String(v)));
    if (bad)
      ctx.addIssue({
        code: "custom",
        path: [id],
        message: `expected ${def.kind === "choice" ? `one of ${def.choices?.join(", ")}` : `a ${def.kind}`}`,
      });
  }
});

export const ScenarioSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    region: z.string().default("us-east-1"),
    seed: z.number().int().min(0).default(1),
    duration: RunLength.optional().meta({
      description: "Length of a synthetic run; traces default to their whole length.",
    }),
    engine: Engine.default({ mode: "fluid", tick: 1000 }),
    traffic: Traffic,
    workload: Workload,
    slo: Slo,
    platforms: z
      .record(
        z.string().regex(/^[A-Za-z0-9_.-]+$/, "platform names use letters, digits, '-', '_', '.'"),
        Platform,
      )
      .refine((r) => Object.keys(r).length > 0, "at least one platform is needed"),
    assumptions: Assumptions.default({}),
    thresholds: Thresholds.optional(),
    billing: BillingBlock.optional().meta({
      description:
        "Commitments (Savings Plans, Reserved Instances) applied hour by hour, and the load balancer's meter. See docs/billing.md.",
    }),
    sweep: SweepBlock.optional().meta({
      description: "Parameter sweep over this scenario (`scalesim sweep`); ignored by `run`.",
    }),
  })
  .superRefine(checkThresholdPlatforms)
  .superRefine(checkSavingsPlanRates);

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type ScenarioData = z.output<typeof ScenarioSchema>;
export type Workload = z.output<typeof Workload>;
export type TrafficSpec = z.output<typeof Traffic>;
export type SloSpec = z.output<typeof Slo>;

/** JSON Schema of the input shape (defaulted fields not required) for editors. */
export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(ScenarioSchema, { io: "input", unrepresentable: "any" });
}
