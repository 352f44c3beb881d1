/**
 * Behaviours that AWS does not document (or documents only loosely) and that scalesim therefore has to
 * choose. Each has a name, a default, a one-line statement and how we know what we know; a scenario can
 * override the value under `assumptions:` and every run lists the assumptions in force in its summary.
 */

export type AssumptionKind = "duration" | "number" | "integer" | "choice";

export interface AssumptionDef {
  readonly id: string;
  readonly kind: AssumptionKind;
  /** Default value: milliseconds for durations. */
  readonly default: number | string;
  readonly choices?: readonly string[];
  readonly statement: string;
  /** observed: seen in real deployments; inferred: deduced from documented statements; chosen: a modelling choice. */
  readonly basis: "observed" | "inferred" | "chosen";
  readonly source?: string;
}

export const ASSUMPTIONS: readonly AssumptionDef[] = [
  {
    id: "targetTracking.scaleOutDatapoints",
    kind: "integer",
    default: 3,
    statement:
      "target tracking's AlarmHigh fires when this many consecutive datapoints (of as many) exceed the target",
    basis: "observed",
    source:
      "https://github.com/aws-samples/amazon-ecs-fargate-workshop-dev-ops-data/blob/HEAD/site/content/ops/Lab3.md",
  },
  {
    id: "targetTracking.scaleInDatapoints",
    kind: "integer",
    default: 15,
    statement:
      "target tracking's AlarmLow fires when this many consecutive datapoints (of as many) are below the scale-in threshold",
    basis: "observed",
    source:
      "https://github.com/aws-samples/amazon-ecs-fargate-workshop-dev-ops-data/blob/HEAD/site/content/ops/Lab3.md",
  },
  {
    id: "targetTracking.scaleInThresholdFactor",
    kind: "number",
    default: 0.9,
    statement: "AlarmLow's threshold is this fraction of the target value",
    basis: "observed",
    source:
      "https://github.com/aws-samples/amazon-ecs-fargate-workshop-dev-ops-data/blob/HEAD/site/content/ops/Lab3.md",
  },
  {
    id: "targetTracking.capacityFormula",
    kind: "choice",
    default: "ceil",
    choices: ["ceil"],
    statement:
      "new capacity = ceil(running tasks × metric / target), clamped to min/max: never adds too little nor removes too much",
    basis: "inferred",
    source: "https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html",
  },
  {
    id: "metrics.publishDelay",
    kind: "duration",
    default: 0,
    statement: "delay between the end of a one-minute CloudWatch period and its datapoint reaching the alarm",
    basis: "chosen",
  },
  {
    id: "scaling.activityDuration",
    kind: "duration",
    default: 0,
    statement:
      "an Application Auto Scaling activity on an ECS service completes (and its cooldown starts) this long after it begins",
    basis: "chosen",
    source:
      "https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html",
  },
  {
    id: "fargate.provisioningTime",
    kind: "duration",
    default: 5000,
    statement:
      "mean time a Fargate task spends in PROVISIONING (capacity and ENI attachment; not billed); drawn as lognormal with cv 0.3",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle.html",
  },
  {
    id: "fargate.pendingTime",
    kind: "duration",
    default: 30000,
    statement:
      "mean time from image download start to RUNNING on Fargate (billed); drawn as lognormal with cv 0.3",
    basis: "chosen",
    source: "https://aws.amazon.com/fargate/pricing/",
  },
  {
    id: "ecs.stopDuration",
    kind: "duration",
    default: 2000,
    statement:
      "time from SIGTERM to the task stopping (the container exits promptly; stopTimeout 30 s is the upper bound)",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html",
  },
  {
    id: "ecs.scaleInSelection",
    kind: "choice",
    default: "newest",
    choices: ["newest", "oldest"],
    statement:
      "which Fargate task a service stops on scale-in once tasks not yet running are gone (AWS only documents AZ balance)",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html",
  },
];

const BY_ID = new Map(ASSUMPTIONS.map((a) => [a.id, a]));

export function assumptionDef(id: string): AssumptionDef | undefined {
  return BY_ID.get(id);
}

export type AssumptionValues = Readonly<Record<string, number | string>>;

/** Defaults merged with a scenario's overrides. */
export function resolveAssumptions(overrides: Record<string, number | string> = {}): AssumptionValues {
  const out: Record<string, number | string> = {};
  for (const a of ASSUMPTIONS) out[a.id] = overrides[a.id] ?? a.default;
  return out;
}

export function num(values: AssumptionValues, id: string): number {
  const v = values[id];
  if (typeof v !== "number") throw new Error(`assumption ${id} is not numeric`);
  return v;
}

/** One line per assumption in force, for the summary's `assumptions` list. */
export function describeAssumptions(values: AssumptionValues, overridden: ReadonlySet<string>): string[] {
  return ASSUMPTIONS.map((a) => {
    const v = values[a.id];
    const shown = a.kind === "duration" && typeof v === "number" ? `${v / 1000}s` : String(v);
    const tag = overridden.has(a.id) ? "set by scenario" : `default, ${a.basis}`;
    return `${a.id} = ${shown} (${tag}): ${a.statement}${a.source ? ` [${a.source}]` : ""}`;
  });
}
