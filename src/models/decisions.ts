import type { AlarmState } from "../rules/alarm-config.js";
import type { SuspendedFlags } from "./aas/scaling-controller.js";
import type { CprReason } from "./ec2/capacity-provider-reservation.js";
import type { MetricProposal } from "./k8s/hpa-controller.js";
import type { CapacityType } from "./k8s/karpenter.js";

/** The fields every line of `decisions.jsonl` has: a scaling action (or a notable refusal) and why. */
interface DecisionBase {
  /** Simulated seconds since the start of the run. */
  t: number;
  platform: string;
  action: string;
  from: number;
  to: number;
  reason: string;
}

/** The controllers of Application Auto Scaling: policies, scheduled actions, predictive scaling. */
export const APPLICATION_AUTO_SCALING = [
  "applicationAutoScaling",
  "applicationAutoScaling.scheduled",
  "applicationAutoScaling.predictive",
] as const;

/** A target-tracking policy's reading at an evaluation: its metric's latest value and its two alarms. */
export interface TargetTrackingInputs {
  metric: string;
  value: number | null;
  target: number;
  alarmHigh: AlarmState;
  alarmLow: AlarmState;
}

/** A step policy's reading: its alarm, the aggregated value, and `step`, the step adjustment it matched. */
export interface StepScalingInputs {
  metric: string;
  value: number | null;
  threshold: number;
  alarm: AlarmState;
  alarmReason: string;
  step?: number;
}

/** A policy's reading; `{}` when it has not evaluated yet (a step policy on a longer period than another's). */
export type PolicyInputs = TargetTrackingInputs | StepScalingInputs | Readonly<Record<string, never>>;

/** The scalable target's bounds in force (scheduled actions and predictive scaling move them), and which one cut a proposal. */
export interface ScalingBounds {
  min: number;
  max: number;
  hit: "min" | "max" | null;
}

/** A step policy's own cooldown (step-controller.ts). */
export interface StepCooldown {
  direction: "out" | "in";
  endsAtS: number;
}

/** Cooldowns running (seconds since the start at which they end): the target's, then each step policy's own by name. */
export interface CooldownState {
  scaleOutEndsAt: number | null;
  scaleInEndsAt: number | null;
  [stepPolicy: string]: StepCooldown | number | null;
}

/**
 * Application Auto Scaling's dynamic scaling (target tracking and step policies) and RegisterScalableTarget's
 * SuspendedState. `inputs` holds every policy's reading by policy name; a suspend/resume line carries
 * `suspendedState` instead of a policy.
 */
export interface PolicyScalingDecision extends DecisionBase {
  controller: "applicationAutoScaling";
  /** The policy whose proposal won; null when none proposed a change (a scale-in held by another policy). */
  policy?: string | null;
  running?: number;
  inputs?: Readonly<Record<string, PolicyInputs>>;
  bounds?: ScalingBounds;
  cooldown?: CooldownState;
  suspendedState?: SuspendedFlags;
}

/** A scheduled action: new bounds, and the desired count moved into them. */
export interface ScheduledActionDecision extends DecisionBase {
  controller: "applicationAutoScaling.scheduled";
  policy: string;
  running: number;
  bounds?: ScalingBounds;
  cooldown?: CooldownState;
}

/** A predictive policy's forecast: from how many hours of history, and the capacity for each coming hour. */
export interface ForecastInputs {
  historyHours: number;
  scalingPerLoadPerCapacity?: number;
  firstHourT?: number;
  forecastCapacity?: (number | null)[];
}

/** The forecast hour a predictive policy acts on (keyed by policy name in `inputs`). */
export interface ForecastHourInputs {
  metric: string;
  forecastLoad: number;
  target: number;
  forecastCapacity: number;
  hourStartsT: number;
}

/** Predictive scaling logging a forecast (ForecastOnly and ForecastAndScale). */
export interface PredictiveForecastDecision extends DecisionBase {
  controller: "applicationAutoScaling.predictive";
  policy: string;
  action: "forecast";
  inputs: ForecastInputs;
}

/** Predictive scaling acting on an hour's forecast: a scale-out, or IncreaseMaxCapacity's new maximum. */
export interface PredictiveActionDecision extends DecisionBase {
  controller: "applicationAutoScaling.predictive";
  policy: string;
  action: "scale-out" | "set-bounds";
  running?: number;
  inputs: Readonly<Record<string, ForecastHourInputs>>;
  bounds: ScalingBounds;
  cooldown?: CooldownState;
}

/** Application Auto Scaling sets a service's desired count: policies, scheduled actions, predictive scaling. */
export type ApplicationAutoScalingDecision =
  | PolicyScalingDecision
  | ScheduledActionDecision
  | PredictiveForecastDecision
  | PredictiveActionDecision;

/** What ECS cluster auto scaling read: the capacity provider reservation and its alarms (cluster-auto-scaling.ts). */
export interface ClusterAutoScalingInputs {
  provider: string;
  cpr: number;
  instances: number;
  empty: number;
  waiting: number;
  reason: CprReason;
  alarmHigh: AlarmState;
  alarmLow: AlarmState;
}

/** ECS cluster auto scaling: an Auto Scaling group's desired capacity from its capacity provider reservation. */
export interface ClusterAutoScalingDecision extends DecisionBase {
  controller: "clusterAutoScaling";
  policy: string;
  inputs: ClusterAutoScalingInputs;
}

/** The Kubernetes Cluster Autoscaler: node group sizes; a provisioning timeout's back-off end (seconds). */
export interface ClusterAutoscalerDecision extends DecisionBase {
  controller: "cluster-autoscaler";
  group?: string;
  backoffUntil?: number;
}

/** Karpenter: nodes launched, consolidated, expired, interrupted; a launch names its offering. */
export interface KarpenterDecision extends DecisionBase {
  controller: "karpenter";
  instanceType?: string;
  capacityType?: CapacityType;
}

/** The Horizontal Pod Autoscaler: a Deployment's replicas, with each metric's value and proposal. */
export interface HpaDecision extends DecisionBase {
  controller: "hpa";
  readyPods: number;
  metrics: readonly MetricProposal[];
}

/** App Runner's scaler: instances from the mean concurrency. */
export interface AppRunnerDecision extends DecisionBase {
  controller: "appRunner";
  concurrency: number;
}

/** EventBridge Scheduler: RunTask invocations, and jobs dropped or dead-lettered. */
export interface EventBridgeSchedulerDecision extends DecisionBase {
  controller: "eventBridgeScheduler";
}

/** One line of `decisions.jsonl`, typed by the controller that made it. */
export type Decision =
  | ApplicationAutoScalingDecision
  | ClusterAutoScalingDecision
  | ClusterAutoscalerDecision
  | KarpenterDecision
  | HpaDecision
  | AppRunnerDecision
  | EventBridgeSchedulerDecision;

export type DecisionController = Decision["controller"];

/** Each member of a union without `K`. */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a controller writes to its platform's decision log (the log adds the platform's name). */
export type DecisionRecord = OmitEach<Decision, "platform">;

export type DecisionSink = (d: DecisionRecord) => void;

const CONTROLLERS: ReadonlySet<string> = new Set<DecisionController>([
  ...APPLICATION_AUTO_SCALING,
  "clusterAutoScaling",
  "cluster-autoscaler",
  "karpenter",
  "hpa",
  "appRunner",
  "eventBridgeScheduler",
]);

/** A controller's record as a typed decision of `platform`; a controller not in the union is a bug. */
export function platformDecision(d: DecisionRecord, platform: string): Decision {
  if (!CONTROLLERS.has(d.controller)) throw new Error(`decision log: unknown controller ${d.controller}`);
  return { ...d, platform } as Decision;
}

/** Whether Application Auto Scaling made `d` (its desired-count decisions). */
export function isApplicationAutoScaling(d: Decision): d is ApplicationAutoScalingDecision {
  return (APPLICATION_AUTO_SCALING as readonly string[]).includes(d.controller);
}
