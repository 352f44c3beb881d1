import { InputError } from "../errors.js";
import { ScheduledAction } from "./aas.js";
import { policyType } from "../policies/index.js";
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

/** A JSON file printed by the AWS CLI; `locate` gives the line and column of a path in it (aws-json.ts). */
export interface AwsJson {
  file: string;
  json: unknown;
  locate?: (path: readonly PropertyKey[]) => { line: number; col: number };
}

export interface AwsExports {
  policies?: AwsJson;
  scheduledActions?: AwsJson;
  alarms?: AwsJson;
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

/** An InputError at `path` of a JSON file: file:line:col and the field path. */
function errorAt(src: AwsJson, path: readonly PropertyKey[], message: string): InputError {
  const pos = src.locate?.(path);
  return new InputError(message, {
    file: src.file,
    line: pos?.line,
    col: pos?.col,
    path: formatPath(path) || undefined,
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`))
    .join("");
}

function listOf(src: AwsJson, key: string): Obj[] {
  if (!isObj(src.json) || !Array.isArray(src.json[key])) {
    throw errorAt(src, [], `expected the JSON printed by the AWS CLI, an object with a "${key}" list`);
  }
  return (src.json[key] as unknown[]).map((x, i) => {
    if (!isObj(x)) throw errorAt(src, [key, i], "expected an object");
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

/** The alarm fields a scenario's step policy takes under `Alarm:` (as describe-alarms prints them). */
export const ALARM_FIELDS = [
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
  "Metrics",
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
      `the exports describe ${ids.length} services (${ids.join(", ")}); choose one with --resource-id (or resourceId: beside fromAws)`,
      { file: (x.policies ?? x.scheduledActions)?.file },
    );
  }
  resourceId ??= ids[0] ?? null;
  const mine = (o: Obj) => resourceId === null || o.ResourceId === undefined || o.ResourceId === resourceId;

  const scalingPolicies: unknown[] = [];
  policies.forEach((p, i) => {
    if (!mine(p)) return;
    const at: PropertyKey[] = ["ScalingPolicies", i];
    let alarmAt: PropertyKey[] | null = null;
    const out: Obj = { PolicyName: p.PolicyName, PolicyType: p.PolicyType };
    // Each policy type names its configuration field and whether an alarm invokes it (src/policies/).
    const type = policyType(p.PolicyType);
    if (type !== undefined) out[type.aws.configuration] = p[type.aws.configuration];
    if (type?.aws.invokedByAlarm) {
      const names = new Set(((p.Alarms as Obj[] | undefined) ?? []).map((a) => a.AlarmName));
      const j = alarms.findIndex(
        (a) =>
          names.has(a.AlarmName) || (Array.isArray(a.AlarmActions) && a.AlarmActions.includes(p.PolicyARN)),
      );
      if (j < 0) {
        throw errorAt(
          x.policies!,
          at,
          `step policy "${String(p.PolicyName)}" needs its CloudWatch alarm: give the output of aws cloudwatch describe-alarms --alarm-names ${[...names].join(" ") || "<alarm>"} (--alarms, or alarms: beside fromAws)`,
        );
      }
      const alarm = alarms[j];
      alarmAt = ["MetricAlarms", j];
      if (alarm.ExtendedStatistic !== undefined) {
        throw errorAt(
          x.alarms!,
          [...alarmAt, "ExtendedStatistic"],
          `alarm "${String(alarm.AlarmName)}": percentile statistics (ExtendedStatistic) are not simulated; use a Statistic or Metrics`,
        );
      }
      out.Alarm = pick(alarm, ALARM_FIELDS);
    }
    const r = ScalingPolicy.safeParse(out);
    if (!r.success) {
      // The policy's fields sit in the policies file; its Alarm's in the alarms file.
      const [k, ...rest] = firstIssuePath(r.error.issues);
      const where: [AwsJson, PropertyKey[]] =
        k === "Alarm" && alarmAt !== null
          ? [x.alarms!, [...alarmAt, ...rest]]
          : [x.policies!, [...at, ...(k === undefined ? [] : [k, ...rest])]];
      throw errorAt(where[0], where[1], r.error.issues[0].message);
    }
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
    const r = ScheduledAction.safeParse(out);
    if (!r.success)
      throw errorAt(
        x.scheduledActions!,
        ["ScheduledActions", i, ...firstIssuePath(r.error.issues)],
        r.error.issues[0].message,
      );
    scheduledActions.push(out);
  });
  return { resourceId, scalingPolicies, scheduledActions };
}

function firstIssuePath(issues: readonly { path: PropertyKey[] }[]): PropertyKey[] {
  return [...issues[0].path];
}
