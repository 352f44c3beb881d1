import { InputError } from "../errors.js";
import { ScheduledAction } from "./aas.js";
import { ScalingPolicy } from "./policies.js";

/**
 * Convert what the AWS CLI prints into a scenario's `scalingPolicies:` and `scheduledActions:`:
 *   aws application-autoscaling describe-scaling-policies --service-namespace ecs   ({ ScalingPolicies })
 *   aws application-autoscaling describe-scheduled-actions --service-namespace ecs  ({ ScheduledActions })
 *   aws cloudwatch describe-alarms --alarm-names …                                   ({ MetricAlarms }, for step policies)
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_DescribeScalingPolicies.html
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_DescribeScheduledActions.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 * Fields the scenario does not take (ARNs, CreationTime, ResourceId, the alarms target tracking creates)
 * are dropped; everything kept is validated with the scenario schema.
 */

export interface AwsExports {
  policies?: { file: string; json: unknown };
  scheduledActions?: { file: string; json: unknown };
  alarms?: { file: string; json: unknown };
  /** `service/<cluster>/<service>`; needed when the exports hold several services. */
  resourceId?: string;
}

export interface ImportedScaling {
  resourceId: string | null;
  scalingPolicies: unknown[];
  scheduledActions: unknown[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

function listOf(src: { file: string; json: unknown }, key: string): Obj[] {
  if (!isObj(src.json) || !Array.isArray(src.json[key])) {
    throw new InputError(`expected the JSON printed by the AWS CLI, an object with a "${key}" list`, {
      file: src.file,
    });
  }
  return (src.json[key] as unknown[]).map((x, i) => {
    if (!isObj(x)) throw new InputError("expected an object", { file: src.file, path: `${key}[${i}]` });
    return x;
  });
}

const pick = (o: Obj, keys: readonly string[]): Obj => {
  const out: Obj = {};
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) out[k] = o[k];
  return out;
};

/** AWS CLI prints times as ISO strings (or epoch seconds with some output settings). */
const time = (v: unknown): unknown => (typeof v === "number" ? new Date(v * 1000).toISOString() : v);

const ALARM_FIELDS = [
  "AlarmName",
  "MetricName",
  "Namespace",
  "Dimensions",
  "Statistic",
  "Unit",
  "Period",
  "EvaluationPeriods",
  "DatapointsToAlarm",
  "Threshold",
  "ComparisonOperator",
  "TreatMissingData",
] as const;

export function importAwsScaling(x: AwsExports): ImportedScaling {
  const policies = x.policies ? listOf(x.policies, "ScalingPolicies") : [];
  const actions = x.scheduledActions ? listOf(x.scheduledActions, "ScheduledActions") : [];
  const alarms = x.alarms ? listOf(x.alarms, "MetricAlarms") : [];
  const ids = [
    ...new Set([...policies, ...actions].map((p) => String(p.ResourceId ?? "")).filter(Boolean)),
  ].sort();
  let resourceId = x.resourceId ?? null;
  if (resourceId === null && ids.length > 1) {
    throw new InputError(
      `the exports describe ${ids.length} services (${ids.join(", ")}); choose one with --resource-id`,
    );
  }
  resourceId ??= ids[0] ?? null;
  const mine = (o: Obj) => resourceId === null || o.ResourceId === undefined || o.ResourceId === resourceId;

  const scalingPolicies: unknown[] = [];
  policies.forEach((p, i) => {
    if (!mine(p)) return;
    const at = `ScalingPolicies[${i}]`;
    const out: Obj = { PolicyName: p.PolicyName, PolicyType: p.PolicyType };
    if (p.PolicyType === "TargetTrackingScaling") {
      out.TargetTrackingScalingPolicyConfiguration = p.TargetTrackingScalingPolicyConfiguration;
    } else if (p.PolicyType === "StepScaling") {
      out.StepScalingPolicyConfiguration = p.StepScalingPolicyConfiguration;
      const names = new Set(((p.Alarms as Obj[] | undefined) ?? []).map((a) => a.AlarmName));
      const alarm = alarms.find(
        (a) =>
          names.has(a.AlarmName) || (Array.isArray(a.AlarmActions) && a.AlarmActions.includes(p.PolicyARN)),
      );
      if (!alarm) {
        throw new InputError(
          `step policy "${String(p.PolicyName)}" needs its CloudWatch alarm: pass --alarms with the output of aws cloudwatch describe-alarms --alarm-names ${[...names].join(" ") || "<alarm>"}`,
          { file: x.policies!.file, path: at },
        );
      }
      if (alarm.ExtendedStatistic !== undefined || alarm.Metrics !== undefined) {
        throw new InputError(
          `alarm "${String(alarm.AlarmName)}": only alarms on one metric with a Statistic are supported`,
          {
            file: x.alarms!.file,
          },
        );
      }
      out.Alarm = pick(alarm, ALARM_FIELDS);
    } else if (p.PolicyType === "PredictiveScaling") {
      out.PredictiveScalingPolicyConfiguration = p.PredictiveScalingPolicyConfiguration;
    }
    check(ScalingPolicy.safeParse(out), x.policies!.file, at);
    scalingPolicies.push(out);
  });

  const scheduledActions: unknown[] = [];
  actions.forEach((a, i) => {
    if (!mine(a)) return;
    const out = pick({ ...a, StartTime: time(a.StartTime), EndTime: time(a.EndTime) }, [
      "ScheduledActionName",
      "Schedule",
      "Timezone",
      "StartTime",
      "EndTime",
      "ScalableTargetAction",
    ]);
    check(ScheduledAction.safeParse(out), x.scheduledActions!.file, `ScheduledActions[${i}]`);
    scheduledActions.push(out);
  });
  return { resourceId, scalingPolicies, scheduledActions };
}

function check(
  r:
    | { success: true }
    | { success: false; error: { issues: readonly { path: PropertyKey[]; message: string }[] } },
  file: string,
  at: string,
): void {
  if (r.success) return;
  const issue = r.error.issues[0];
  const path = issue.path.map((s) => (typeof s === "number" ? `[${s}]` : `.${String(s)}`)).join("");
  throw new InputError(issue.message, { file, path: `${at}${path}` });
}
