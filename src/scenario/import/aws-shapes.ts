import { POLICY_TERRAFORM_BLOCKS } from "../../policies/index.js";
import { ALARM_FIELDS } from "../aws-import.js";
import type { AwsObject } from "./imported.js";
import { toNumber } from "./imported.js";

/**
 * Scaling policies, alarms and scheduled actions in Application Auto Scaling's and CloudWatch's own API
 * shape (PutScalingPolicy, PutMetricAlarm, PutScheduledAction), which scenarios take as they are.
 * Terraform's AWS provider writes the same fields in snake_case, with nested blocks as one-element lists
 * and some numbers as strings:
 * https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/appautoscaling_policy
 * https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudwatch_metric_alarm
 * https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/appautoscaling_scheduled_action
 */

/** Terraform blocks that hold one object (a list of one in the JSON). */
const SINGLE_BLOCKS = new Set([
  ...POLICY_TERRAFORM_BLOCKS,
  "predefined_metric_specification",
  "customized_metric_specification",
  "metric_stat",
  "metric",
  "scalable_target_action",
]);
/** Terraform names of repeated blocks whose API names are plural. */
const RENAMED: Record<string, string> = {
  step_adjustment: "StepAdjustments",
  metrics: "Metrics",
  dimensions: "Dimensions",
};
/** API fields that are numbers (Terraform writes some of them as strings; "" is unset). */
const NUMERIC = new Set([
  "TargetValue",
  "ScaleInCooldown",
  "ScaleOutCooldown",
  "Cooldown",
  "MinAdjustmentMagnitude",
  "MetricIntervalLowerBound",
  "MetricIntervalUpperBound",
  "ScalingAdjustment",
  "MinCapacity",
  "MaxCapacity",
  "Period",
  "EvaluationPeriods",
  "DatapointsToAlarm",
  "Threshold",
]);

const pascal = (k: string) =>
  k
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");

const isObj = (v: unknown): v is AwsObject => v !== null && typeof v === "object" && !Array.isArray(v);

/** Terraform snake_case (blocks as lists, numbers as strings) → the API's PascalCase shape. */
export function fromTerraformBlock(o: AwsObject): AwsObject {
  const out: AwsObject = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined || v === "") continue;
    const key = RENAMED[k] ?? pascal(k);
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      if (SINGLE_BLOCKS.has(k)) {
        if (isObj(v[0])) out[key] = fromTerraformBlock(v[0]);
        continue;
      }
      out[key] = v.map((x) => (isObj(x) ? fromTerraformBlock(x) : x));
    } else if (isObj(v)) {
      out[key] = fromTerraformBlock(v);
    } else if (NUMERIC.has(key)) {
      const n = toNumber(v);
      // The provider writes 0 for an unset min_adjustment_magnitude; the API takes 1 or more.
      if (n !== undefined && !(key === "MinAdjustmentMagnitude" && n === 0)) out[key] = n;
    } else out[key] = v;
  }
  return out;
}

/** CloudWatch dimensions as a map ({ ClusterName: x }, Terraform) or a list ([{ Name, Value }], API). */
export function dimensionList(d: unknown): { Name: string; Value: unknown }[] | undefined {
  if (Array.isArray(d)) return d as { Name: string; Value: unknown }[];
  if (isObj(d)) return Object.entries(d).map(([Name, Value]) => ({ Name, Value }));
  return undefined;
}

/** An alarm in PutMetricAlarm shape, keeping the fields a step policy's alarm uses. */
export function alarmShape(a: AwsObject): AwsObject {
  const out: AwsObject = {};
  for (const k of ALARM_FIELDS) {
    let v = a[k];
    if (v === undefined || v === null || v === "") continue;
    if (k === "Dimensions") v = dimensionList(v);
    if (k === "Metrics" && Array.isArray(v)) v = v.map(metricQuery);
    if (NUMERIC.has(k)) v = toNumber(v);
    if (k === "DatapointsToAlarm" && v === 0) continue;
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** A metric math query: Terraform's metric_query { metric {…} } becomes MetricStat { Metric {…}, Stat, Period }. */
function metricQuery(q: unknown): unknown {
  if (!isObj(q)) return q;
  const out: AwsObject = {};
  for (const k of ["Id", "Expression", "Label", "ReturnData"]) if (q[k] !== undefined) out[k] = q[k];
  const stat = q.MetricStat as AwsObject | undefined;
  const metric = (q.Metric ?? stat?.Metric) as AwsObject | undefined;
  if (metric) {
    const m: AwsObject = { MetricName: metric.MetricName, Namespace: metric.Namespace };
    const dims = dimensionList(metric.Dimensions);
    if (dims) m.Dimensions = dims;
    out.MetricStat = {
      Metric: m,
      Period: toNumber(stat?.Period ?? metric.Period),
      Stat: stat?.Stat ?? metric.Stat,
      ...((stat?.Unit ?? metric.Unit) ? { Unit: stat?.Unit ?? metric.Unit } : {}),
    };
  }
  return out;
}

/** Terraform's snake_case and CloudFormation's PascalCase name the same fields: compare without case or `_`. */
const bare = (k: string) => k.replace(/_/g, "").toLowerCase();

/** The scenario's camelCase `fields` read from `o` in either spelling; numbers may come as strings. */
function pickFields(o: AwsObject, fields: readonly string[], numeric: readonly string[]): AwsObject {
  const byBare = new Map(Object.entries(o).map(([k, v]) => [bare(k), v]));
  const out: AwsObject = {};
  for (const f of fields) {
    const raw = byBare.get(bare(f));
    const v = numeric.includes(f) ? toNumber(raw) : raw;
    if (v !== undefined && v !== null && v !== "") out[f] = v;
  }
  return out;
}

/** A capacity provider's ManagedScaling as the scenario takes it (API_ManagedScaling field names). */
export function managedScalingShape(ms: AwsObject): AwsObject {
  const numbers = [
    "targetCapacity",
    "minimumScalingStepSize",
    "maximumScalingStepSize",
    "instanceWarmupPeriod",
  ];
  return pickFields(ms, ["status", ...numbers], numbers);
}

/** An Auto Scaling group's InstancesDistribution as the scenario takes it (API_InstancesDistribution names). */
export function instancesDistributionShape(d: AwsObject): AwsObject {
  const numbers = ["onDemandBaseCapacity", "onDemandPercentageAboveBaseCapacity"];
  return pickFields(d, [...numbers, "onDemandAllocationStrategy", "spotAllocationStrategy"], numbers);
}
