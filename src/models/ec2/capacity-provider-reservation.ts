/**
 * ECS cluster auto scaling (CAS): the CapacityProviderReservation metric (CPR) an Auto Scaling group capacity
 * provider with managed scaling publishes each minute, and the ASG desired capacity its target-tracking policy
 * derives from it. Pure arithmetic; the controller around it holds alarms, warm-up and timers.
 *
 * Sources:
 * - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html (archived 2023 text:
 *   https://github.com/awsdocs/amazon-ecs-developer-guide/blob/HEAD/doc_source/cluster-auto-scaling.md)
 * - https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ManagedScaling.html
 */

import { awsvpcTaskLimit, instanceType } from "../../data/ec2.js";

/** Resources one task asks of a container instance. */
export interface TaskRequirements {
  /** CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  readonly memoryMiB: number;
  /** awsvpc network mode: the task takes one ENI (or one branch interface with trunking). */
  readonly awsvpc: boolean;
  readonly gpu?: number;
  /** Static host ports; each can be bound once per instance. */
  readonly hostPorts?: readonly number[];
  /** The `distinctInstance` placement constraint: one task of the group per instance. */
  readonly distinctInstance?: boolean;
  /** False when the task's memberOf constraints match no instance the group can launch. */
  readonly placeable?: boolean;
}

/** What one container instance offers tasks. */
export interface InstanceCapacity {
  readonly cpu: number;
  readonly memoryMiB: number;
  /** awsvpc tasks the instance can host (ENIs − 1, or the trunking limit). */
  readonly enis: number;
  readonly gpu: number;
}

export interface CapacityOptions {
  /** `awsvpcTrunking` account setting is on for the instances. */
  readonly trunking?: boolean;
  /** Memory not registered with ECS (OS, agent, ECS_RESERVED_MEMORY). */
  readonly reservedMemoryMiB?: number;
  readonly gpu?: number;
}

/**
 * Registered capacity of a pinned instance type: vCPU × 1024 CPU units, memory less what is reserved.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/memory-management.html
 */
export function capacityOf(typeName: string, opts: CapacityOptions = {}): InstanceCapacity {
  const t = instanceType(typeName);
  return {
    cpu: t.vcpu * 1024,
    memoryMiB: t.memoryMiB - (opts.reservedMemoryMiB ?? 0),
    enis: awsvpcTaskLimit(typeName, opts.trunking ?? false),
    gpu: opts.gpu ?? 0,
  };
}

/**
 * The smallest and largest instance of an ASG with several types, chosen per parameter (vCPU, memory, ENIs,
 * GPUs): "the smallest and the largest instance types for each parameter are selected".
 */
export function capacityEnvelope(types: readonly InstanceCapacity[]): {
  smallest: InstanceCapacity;
  largest: InstanceCapacity;
} {
  if (types.length === 0) throw new Error("capacityEnvelope: no instance types");
  let s = { ...types[0] };
  let l = { ...types[0] };
  for (let i = 1; i < types.length; i++) {
    const t = types[i];
    s = {
      cpu: Math.min(s.cpu, t.cpu),
      memoryMiB: Math.min(s.memoryMiB, t.memoryMiB),
      enis: Math.min(s.enis, t.enis),
      gpu: Math.min(s.gpu, t.gpu),
    };
    l = {
      cpu: Math.max(l.cpu, t.cpu),
      memoryMiB: Math.max(l.memoryMiB, t.memoryMiB),
      enis: Math.max(l.enis, t.enis),
      gpu: Math.max(l.gpu, t.gpu),
    };
  }
  return { smallest: s, largest: l };
}

/**
 * How many tasks of one shape binpack onto one empty instance: the tightest of CPU, memory, ENI, GPU and
 * host ports (a static host port admits one task per instance), and one under `distinctInstance`, the
 * placement constraint cluster auto scaling counts in M (its guide recommends it over placement strategies
 * and constraints it cannot size for: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-scaling-behavior.html).
 * Zero when the task's memberOf constraints rule out every instance of the group.
 */
export function tasksPerInstance(req: TaskRequirements, cap: InstanceCapacity): number {
  if (req.placeable === false) return 0;
  let k = Number.POSITIVE_INFINITY;
  if (req.distinctInstance) k = 1;
  if (req.cpu > 0) k = Math.min(k, Math.floor(cap.cpu / req.cpu));
  if (req.memoryMiB > 0) k = Math.min(k, Math.floor(cap.memoryMiB / req.memoryMiB));
  if (req.awsvpc) k = Math.min(k, cap.enis);
  const gpu = req.gpu ?? 0;
  if (gpu > 0) k = Math.min(k, Math.floor(cap.gpu / gpu));
  if (req.hostPorts !== undefined && req.hostPorts.length > 0) k = Math.min(k, 1);
  return k;
}

/**
 * How the per-group instance counts combine into M. AWS documents the per-group calculation but not how
 * the groups are added up; "sum" needs enough instances for every group, "max" takes the largest group
 * (a lower bound, as the scale-out is then repeated each minute while tasks stay PROVISIONING).
 */
export type GroupCombine = "sum" | "max";
export const CAS_GROUP_COMBINE_DEFAULT: GroupCombine = "sum";

/**
 * Scale-in formula. The guide's scale-in section is explicit: "Amazon ECS sets the CapacityProviderReservation
 * value to 100 minus the number of container instances that are empty. For example, if the number of empty
 * container instances is two, the value is 98%" (archived guide, section "Managed scale-in behavior":
 * https://github.com/awsdocs/amazon-ecs-developer-guide/blob/021abe8ca185a054dea7bab21e631f9461e05bd6/doc_source/cluster-auto-scaling.md),
 * so "hundredMinusEmpty" is the default. "ratio" is the general M / N × 100 of the current guide's metric
 * definition with M = instances running a non-daemon task, as the ECS Spot workshop's worked example uses it
 * (4 instances, 2 busy → 50): https://github.com/awslabs/ec2-spot-workshops/blob/HEAD/content/ecs-spot-capacity-providers/Introduction/application_scaling/managed-scaling.md
 * It is a named alternative (assumption `cas.scaleInFormula`), and it is also what a targetCapacity below 100
 * needs: 100 − empty stays above a target of 90 until ten instances are empty, whatever the group's size,
 * which cannot keep "10 % free capacity" as the guide says that target does (see `effectiveScaleInFormula`).
 */
export type ScaleInFormula = "ratio" | "hundredMinusEmpty";
export const CAS_SCALE_IN_FORMULA_DEFAULT: ScaleInFormula = "hundredMinusEmpty";

/**
 * The formula in force for a given targetCapacity: the documented 100 − empty describes the default target of
 * 100 only; below 100 the ratio is the one that honours the target's documented meaning ("to keep 10 % free
 * capacity … set the target capacity value to 90 %").
 */
export function effectiveScaleInFormula(formula: ScaleInFormula, targetCapacity: number): ScaleInFormula {
  return targetCapacity < 100 ? "ratio" : formula;
}

/**
 * Largest share of the group one scale-in minute removes. The guide: "the Auto Scaling group sets the
 * DesireCapacity value to be greater than one instance and less than 50% each minute" (same archived section):
 * read as at least one and at most half the group per minute (assumption `cas.scaleInMaxFraction`).
 */
export const CAS_SCALE_IN_MAX_FRACTION_DEFAULT = 0.5;

/** ManagedScaling step-size defaults and ranges. https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ManagedScaling.html */
export const MANAGED_SCALING_DEFAULTS = {
  targetCapacity: 100,
  minimumScalingStepSize: 1,
  maximumScalingStepSize: 10_000,
  instanceWarmupPeriodSeconds: 300,
} as const;

/** A group of PROVISIONING tasks with identical requirements. */
export interface TaskGroup {
  readonly requirements: TaskRequirements;
  readonly count: number;
}

export interface CprInput {
  /** N: instances running in the ASG (registered container instances of this provider). */
  readonly runningInstances: number;
  /** Instances with no non-daemon task (daemon tasks do not make an instance busy). */
  readonly emptyInstances: number;
  /** PROVISIONING tasks of this capacity provider. Tasks with a launch type never reach CAS. */
  readonly provisioning: readonly TaskGroup[];
  /** The ASG's smallest and largest instance (see capacityEnvelope); equal for a single type. */
  readonly smallest: InstanceCapacity;
  readonly largest: InstanceCapacity;
  readonly minimumScalingStepSize?: number;
  readonly maximumScalingStepSize?: number;
  readonly groupCombine?: GroupCombine;
  readonly scaleInFormula?: ScaleInFormula;
  /** The provider's targetCapacity: below 100 the ratio formula is used (see effectiveScaleInFormula). */
  readonly targetCapacity?: number;
}

export type CprReason =
  | "empty-cluster" // M = N = 0
  | "scale-out" // PROVISIONING tasks need instances
  | "scale-out-from-zero" // M > 0, N = 0
  | "no-compatible-tasks" // every waiting task is too big for the smallest type
  | "steady-or-scale-in";

export interface CprResult {
  /** The published CapacityProviderReservation, percent. */
  readonly cpr: number;
  /** M as used in the formula. */
  readonly instancesNeeded: number;
  /** Instances the waiting tasks need before step clamping (0 when none wait). */
  readonly computedCount: number;
  /** Instances requested this step after min/max step clamping (0 when no scale-out). */
  readonly step: number;
  /** PROVISIONING tasks excluded because they cannot run on the smallest type. */
  readonly incompatibleTasks: number;
  readonly reason: CprReason;
}

/** Groups tasks by identical requirements (step 2 of the scale-out calculation). */
export function groupByRequirements(tasks: readonly TaskRequirements[]): TaskGroup[] {
  const byKey = new Map<string, { requirements: TaskRequirements; count: number }>();
  for (const t of tasks) {
    const ports =
      t.hostPorts && t.hostPorts.length > 0 ? [...t.hostPorts].sort((a, b) => a - b).join(",") : "";
    const key = `${t.cpu}|${t.memoryMiB}|${t.awsvpc ? 1 : 0}|${t.gpu ?? 0}|${ports}|${t.distinctInstance ? 1 : 0}|${t.placeable === false ? 0 : 1}`;
    const g = byKey.get(key);
    if (g) g.count++;
    else byKey.set(key, { requirements: t, count: 1 });
  }
  return [...byKey.values()];
}

/**
 * Step requested for a computed instance count: minimumScalingStepSize when the count is below it, else
 * min(maximumScalingStepSize, count). https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html
 */
export function scalingStep(computedCount: number, minStep: number, maxStep: number): number {
  if (computedCount <= 0) return 0;
  return computedCount < minStep ? minStep : Math.min(maxStep, computedCount);
}

/**
 * CapacityProviderReservation = M / N × 100 with the documented edge cases:
 * M = N = 0 → 100; M > 0, N = 0 → 200 (the guide: "always scales out to 200% (two instances)");
 * tasks waiting but none fits the smallest type → 100 (CAS stops);
 * no task waiting → scale-in formula over empty instances.
 */
export function capacityProviderReservation(input: CprInput): CprResult {
  const n = input.runningInstances;
  const minStep = input.minimumScalingStepSize ?? MANAGED_SCALING_DEFAULTS.minimumScalingStepSize;
  const maxStep = input.maximumScalingStepSize ?? MANAGED_SCALING_DEFAULTS.maximumScalingStepSize;
  const combine = input.groupCombine ?? CAS_GROUP_COMBINE_DEFAULT;

  let computed = 0;
  let waiting = 0;
  let incompatible = 0;
  for (const g of input.provisioning) {
    if (g.count <= 0) continue;
    waiting += g.count;
    // The smallest type is the guard: a group it cannot host at least once is excluded.
    if (tasksPerInstance(g.requirements, input.smallest) < 1) {
      incompatible += g.count;
      continue;
    }
    // The largest type gives the instance count (binpack of identical tasks onto empty instances).
    const perLargest = tasksPerInstance(g.requirements, input.largest);
    const need = Number.isFinite(perLargest) ? Math.ceil(g.count / perLargest) : 1;
    computed = combine === "sum" ? computed + need : Math.max(computed, need);
  }

  if (waiting > 0 && computed === 0) {
    return {
      cpr: 100,
      instancesNeeded: n,
      computedCount: 0,
      step: 0,
      incompatibleTasks: incompatible,
      reason: "no-compatible-tasks",
    };
  }
  if (computed > 0) {
    const step = scalingStep(computed, minStep, maxStep);
    const m = n + step;
    if (n === 0) {
      return {
        cpr: 200,
        instancesNeeded: m,
        computedCount: computed,
        step,
        incompatibleTasks: incompatible,
        reason: "scale-out-from-zero",
      };
    }
    return {
      cpr: (m / n) * 100,
      instancesNeeded: m,
      computedCount: computed,
      step,
      incompatibleTasks: incompatible,
      reason: "scale-out",
    };
  }
  if (n === 0) {
    return {
      cpr: 100,
      instancesNeeded: 0,
      computedCount: 0,
      step: 0,
      incompatibleTasks: 0,
      reason: "empty-cluster",
    };
  }
  const empty = Math.min(Math.max(input.emptyInstances, 0), n);
  const busy = n - empty;
  const formula = effectiveScaleInFormula(
    input.scaleInFormula ?? CAS_SCALE_IN_FORMULA_DEFAULT,
    input.targetCapacity ?? MANAGED_SCALING_DEFAULTS.targetCapacity,
  );
  const cpr = formula === "ratio" ? (busy / n) * 100 : 100 - empty;
  return {
    cpr,
    instancesNeeded: busy,
    computedCount: 0,
    step: 0,
    incompatibleTasks: 0,
    reason: "steady-or-scale-in",
  };
}

/**
 * Instances the ECS-managed scale-out applies when the ASG has none: "Amazon ECS always scales-out to 200%
 * (two instances)". https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html
 */
export const CAS_SCALE_OUT_FROM_ZERO_INSTANCES = 2;

export interface DesiredInstancesInput {
  readonly cpr: number;
  readonly runningInstances: number;
  readonly targetCapacity?: number;
  readonly minSize?: number;
  readonly maxSize?: number;
}

/**
 * ASG desired capacity from the CPR target-tracking policy: N × CPR / targetCapacity, rounded up so that it
 * never adds too little nor removes too much ("if 1.5 instances are needed it adds 2; if removing 1.5 is
 * indicated it removes 1"), clamped to the group's min/max (CAS never changes them).
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
 */
export function desiredInstances(input: DesiredInstancesInput): number {
  const target = input.targetCapacity ?? MANAGED_SCALING_DEFAULTS.targetCapacity;
  if (!(target > 0 && target <= 100))
    throw new RangeError(`targetCapacity must be in (0, 100], got ${target}`);
  const n = input.runningInstances;
  let desired: number;
  if (n === 0) desired = input.cpr > target ? CAS_SCALE_OUT_FROM_ZERO_INSTANCES : 0;
  else {
    // Round away float noise (e.g. 4 × 50 / 100) before the ceiling.
    const raw = Math.round(((n * input.cpr) / target) * 1e9) / 1e9;
    desired = Math.ceil(raw);
  }
  const lo = input.minSize ?? 0;
  const hi = input.maxSize ?? Number.POSITIVE_INFINITY;
  return Math.min(hi, Math.max(lo, desired));
}

export interface ScaleInInput {
  /** N: instances in the group. */
  readonly runningInstances: number;
  /** Instances with no non-daemon task. */
  readonly emptyInstances: number;
  readonly cpr: number;
  readonly targetCapacity?: number;
  readonly scaleInFormula?: ScaleInFormula;
  readonly maxFraction?: number;
  readonly minSize?: number;
}

/**
 * ASG desired capacity one minute of an active scale-in asks for (AlarmLow in ALARM after 15 datapoints).
 * With 100 − empty the metric only says that instances are empty, so the group sheds empty instances, at least
 * one and at most `maxFraction` of the group per minute; with the ratio formula target tracking's own
 * arithmetic (desiredInstances) applies, under the same per-minute cap. Never below minSize.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html (archived 2023 text above)
 */
export function scaleInDesired(input: ScaleInInput): number {
  const n = input.runningInstances;
  const target = input.targetCapacity ?? MANAGED_SCALING_DEFAULTS.targetCapacity;
  const formula = effectiveScaleInFormula(input.scaleInFormula ?? CAS_SCALE_IN_FORMULA_DEFAULT, target);
  const cap = Math.max(1, Math.floor(n * (input.maxFraction ?? CAS_SCALE_IN_MAX_FRACTION_DEFAULT)));
  const lo = input.minSize ?? 0;
  let desired: number;
  if (formula === "hundredMinusEmpty") {
    const empty = Math.min(Math.max(input.emptyInstances, 0), n);
    desired = empty > 0 ? n - Math.min(empty, cap) : n;
  } else {
    desired = Math.max(
      desiredInstances({ cpr: input.cpr, runningInstances: n, targetCapacity: target }),
      n - cap,
    );
  }
  return Math.min(n, Math.max(lo, desired));
}
