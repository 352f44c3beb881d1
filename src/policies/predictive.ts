import * as z from "zod";
import { num } from "../assumptions.js";
import { SECOND } from "../engine/time.js";
import {
  type MetricDataQuery as MetricQuery,
  MetricLookupError,
  type MetricRegistry,
  type MetricSource,
} from "../models/aas/metric-registry.js";
import { customizedPredictiveMetrics } from "../models/aas/predictive-custom.js";
import { PredictiveController } from "../models/aas/predictive-controller.js";
import { checkQueryList, MetricDataQuery } from "../scenario/aas.js";
import { AwsSeconds } from "../scenario/fields.js";
import type { PolicyPlugin } from "./plugin.js";

/**
 * Predictive scaling: forecast the load from history and raise capacity ahead of it
 * (PredictiveScalingPolicyConfiguration). It is not a runner of the controller but a controller beside it
 * (src/models/aas/predictive-controller.ts); its part in arbitration is a floor: in ForecastAndScale mode the
 * forecast capacity holds dynamic scale-in for the hour, the largest capacity winning.
 *   [S20] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredictiveScalingPolicyConfiguration.html
 *         https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredictiveScalingPredefinedMetricPairSpecification.html
 */

/** Metric pairs (load metric + scaling metric) the ECS service model can provide. [S20] */
export const PREDICTIVE_METRIC_PAIRS = [
  "ECSServiceCPUUtilization",
  "ECSServiceMemoryUtilization",
  "ALBRequestCount",
] as const;
export type PredictiveMetricPair = (typeof PREDICTIVE_METRIC_PAIRS)[number];

/** https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredictiveScalingCustomizedMetricSpecification.html */
const PredictiveScalingCustomizedMetricSpecification = z
  .strictObject({ MetricDataQueries: z.array(MetricDataQuery).min(1) })
  .superRefine((c, ctx) => checkQueryList(c.MetricDataQueries, ["MetricDataQueries"], ctx));
export type PredictiveScalingCustomizedMetricSpecification = z.output<
  typeof PredictiveScalingCustomizedMetricSpecification
>;

/**
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredictiveScalingMetricSpecification.html
 * "You must specify either a metric pair, or a load metric and a scaling metric individually"; the
 * capacity metric is optional (default here: ECS/ContainerInsights RunningTaskCount). Individual metrics are
 * the customized ones (metric data queries on metrics the models publish).
 */
const PredictiveScalingMetricSpecification = z
  .strictObject({
    TargetValue: z.number().positive(),
    PredefinedMetricPairSpecification: z
      .strictObject({
        PredefinedMetricType: z.enum(PREDICTIVE_METRIC_PAIRS),
        ResourceLabel: z.string().optional(),
      })
      .optional(),
    CustomizedLoadMetricSpecification: PredictiveScalingCustomizedMetricSpecification.optional(),
    CustomizedScalingMetricSpecification: PredictiveScalingCustomizedMetricSpecification.optional(),
    CustomizedCapacityMetricSpecification: PredictiveScalingCustomizedMetricSpecification.optional(),
  })
  .superRefine((m, ctx) => {
    const pair = m.PredefinedMetricPairSpecification !== undefined;
    const load = m.CustomizedLoadMetricSpecification !== undefined;
    const scaling = m.CustomizedScalingMetricSpecification !== undefined;
    if (pair && (load || scaling || m.CustomizedCapacityMetricSpecification !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["PredefinedMetricPairSpecification"],
        message: "give either a metric pair or customized load and scaling metrics, not both",
      });
    } else if (!pair && !(load && scaling)) {
      ctx.addIssue({
        code: "custom",
        path: [load ? "CustomizedScalingMetricSpecification" : "CustomizedLoadMetricSpecification"],
        message:
          "give PredefinedMetricPairSpecification, or CustomizedLoadMetricSpecification and CustomizedScalingMetricSpecification",
      });
    }
  });

/** https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredictiveScalingPolicyConfiguration.html */
const PredictiveScalingPolicyConfiguration = z
  .strictObject({
    // "This is an array, but we currently only support a single metric specification."
    MetricSpecifications: z
      .array(PredictiveScalingMetricSpecification)
      .length(1, "exactly one metric specification is supported"),
    Mode: z.enum(["ForecastOnly", "ForecastAndScale"]).default("ForecastOnly"),
    // Default 300; "must be less than the forecast interval duration of 3600 seconds".
    SchedulingBufferTime: AwsSeconds.max(3599).default(300),
    MaxCapacityBreachBehavior: z
      .enum(["HonorMaxCapacity", "IncreaseMaxCapacity"])
      .default("HonorMaxCapacity"),
    MaxCapacityBuffer: z.number().int().min(0).max(100).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.MaxCapacityBuffer !== undefined && c.MaxCapacityBreachBehavior !== "IncreaseMaxCapacity") {
      ctx.addIssue({
        code: "custom",
        path: ["MaxCapacityBuffer"],
        message: "MaxCapacityBuffer applies only with MaxCapacityBreachBehavior IncreaseMaxCapacity",
      });
    }
  });

export const PredictiveScalingPolicy = z.strictObject({
  PolicyName: z.string().min(1),
  PolicyType: z.literal("PredictiveScaling"),
  PredictiveScalingPolicyConfiguration,
});
export type PredictiveScalingPolicy = z.output<typeof PredictiveScalingPolicy>;

export const predictiveScaling: PolicyPlugin<"PredictiveScaling", typeof PredictiveScalingPolicy> = {
  type: "PredictiveScaling",
  schema: PredictiveScalingPolicy,
  aws: { configuration: "PredictiveScalingPolicyConfiguration" },
  build(sp, ctx) {
    const c = sp.PredictiveScalingPolicyConfiguration;
    const m = c.MetricSpecifications[0];
    const field = "PredictiveScalingPolicyConfiguration.MetricSpecifications[0]";
    const pair = m.PredefinedMetricPairSpecification?.PredefinedMetricType;
    const load =
      pair !== undefined
        ? ctx.lookup(field, () => loadOf(ctx.registry, pair))
        : customizedPredictive(ctx.registry, m, (f, g) => ctx.lookup(`${field}.${f}`, g));
    const controller = new PredictiveController(
      ctx.sim,
      ctx.controller,
      {
        name: sp.PolicyName,
        mode: c.Mode,
        targetValue: m.TargetValue,
        schedulingBufferMs: c.SchedulingBufferTime * SECOND,
        maxCapacityBreachBehavior: c.MaxCapacityBreachBehavior,
        maxCapacityBuffer: c.MaxCapacityBuffer ?? 0,
        metricPair: pair ?? "CustomizedLoadMetricSpecification",
        ...load,
      },
      {
        startMs: ctx.startMs,
        durationMs: ctx.durationMs,
        halfLifeDays: num(ctx.assumptions, "predictive.halfLifeDays"),
      },
    );
    return { beside: controller };
  },
};

/**
 * Customized load, scaling and capacity metrics of a predictive policy (predictive-custom.ts), each a
 * 1-minute series of the registry; the capacity metric defaults to the running task count.
 */
function customizedPredictive(
  registry: MetricRegistry,
  m: {
    CustomizedLoadMetricSpecification?: { MetricDataQueries: ReadonlyArray<MetricQuery> };
    CustomizedScalingMetricSpecification?: { MetricDataQueries: ReadonlyArray<MetricQuery> };
    CustomizedCapacityMetricSpecification?: { MetricDataQueries: ReadonlyArray<MetricQuery> };
  },
  lookup: <T>(field: string, f: () => T) => T,
): ReturnType<typeof customizedPredictiveMetrics> {
  const minute = (field: string, f: () => MetricSource): MetricSource =>
    lookup(field, () => {
      const src = f();
      if (src.periodMs !== 60 * SECOND)
        throw new MetricLookupError(
          `predictive scaling reads 1-minute metrics; ${src.name} has a period of ${src.periodMs / 1000} s`,
        );
      return src;
    });
  const load = minute("CustomizedLoadMetricSpecification", () =>
    registry.query(m.CustomizedLoadMetricSpecification!.MetricDataQueries),
  );
  const scaling = minute("CustomizedScalingMetricSpecification", () =>
    registry.query(m.CustomizedScalingMetricSpecification!.MetricDataQueries),
  );
  const capacity = minute("CustomizedCapacityMetricSpecification", () =>
    m.CustomizedCapacityMetricSpecification
      ? registry.query(m.CustomizedCapacityMetricSpecification.MetricDataQueries)
      : registry.resolve({
          Namespace: "ECS/ContainerInsights",
          MetricName: "RunningTaskCount",
          Statistic: "Average",
        }),
  );
  return customizedPredictiveMetrics(load, scaling, capacity);
}

/**
 * The load metric of a predictive metric pair, per simulated minute [S20]: ECSServiceTotalCPUUtilization
 * (sum of the tasks' CPU %: average × running tasks), the memory analogue, or the target group's
 * RequestCount per minute. Required capacity = load / TargetValue.
 */
function loadOf(
  registry: MetricRegistry,
  pair: "ECSServiceCPUUtilization" | "ECSServiceMemoryUtilization" | "ALBRequestCount",
): { loadAt: (minute: number) => number | null; minutesKnown: () => number } {
  if (pair === "ALBRequestCount") {
    const rc = registry.resolve({
      Namespace: "AWS/ApplicationELB",
      MetricName: "RequestCount",
      Statistic: "Sum",
    });
    // ELB publishes nothing in a minute without requests: that minute's load is 0.
    return {
      loadAt: (m) => (m < rc.datapoints.length ? (rc.datapoints[m] ?? 0) : null),
      minutesKnown: () => rc.datapoints.length,
    };
  }
  const util = registry.resolve({
    Namespace: "AWS/ECS",
    MetricName: pair === "ECSServiceCPUUtilization" ? "CPUUtilization" : "MemoryUtilization",
    Statistic: "Average",
  });
  const tasks = registry.resolve({
    Namespace: "ECS/ContainerInsights",
    MetricName: "RunningTaskCount",
    Statistic: "Average",
  });
  return {
    loadAt: (m) => {
      const u = util.datapoints[m];
      const n = tasks.datapoints[m];
      if (n === undefined || n === null) return null;
      return n === 0 ? 0 : u === null || u === undefined ? null : u * n;
    },
    minutesKnown: () => Math.min(util.datapoints.length, tasks.datapoints.length),
  };
}
