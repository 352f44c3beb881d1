/** The fields every line of `decisions.jsonl` has: a scaling action (or a notable refusal) and why. */
interface DecisionBase {
  /** Simulated seconds since the start of the run. */
  t: number;
  platform: string;
  action: string;
  from: number;
  to: number;
  reason: string;
  /** What the controller read (metric values, alarm states, limits), under names of its own. */
  [input: string]: unknown;
}

/** The controllers of Application Auto Scaling: policies, scheduled actions, predictive scaling. */
export const APPLICATION_AUTO_SCALING = [
  "applicationAutoScaling",
  "applicationAutoScaling.scheduled",
  "applicationAutoScaling.predictive",
] as const;

/**
 * Application Auto Scaling sets a service's desired count. Its policies add the inputs they read (metric
 * values, alarm states, per-policy figures, the suspended state) under their own names.
 */
export interface ApplicationAutoScalingDecision extends DecisionBase {
  controller: (typeof APPLICATION_AUTO_SCALING)[number];
  /** The scalable target's bounds in force (scheduled actions and predictive scaling move them). */
  bounds?: { min: number; max: number; hit: "min" | "max" | null };
}

/** ECS cluster auto scaling: an Auto Scaling group's desired capacity from its capacity provider reservation. */
export interface ClusterAutoScalingDecision extends DecisionBase {
  controller: "clusterAutoScaling";
  policy: string;
  inputs: unknown;
}

/** The Kubernetes Cluster Autoscaler: node group sizes. */
export interface ClusterAutoscalerDecision extends DecisionBase {
  controller: "cluster-autoscaler";
  group?: string;
  backoffUntil?: number;
}

/** Karpenter: nodes launched, consolidated, expired, interrupted. */
export interface KarpenterDecision extends DecisionBase {
  controller: "karpenter";
  instanceType?: string;
  capacityType?: string;
}

/** The Horizontal Pod Autoscaler: a Deployment's replicas. */
export interface HpaDecision extends DecisionBase {
  controller: "hpa";
  readyPods: number;
  metrics: unknown[];
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

/** What a controller writes to its platform's decision log (the log adds the platform's name). */
export interface DecisionRecord {
  t: number;
  controller: string;
  action: string;
  from: number;
  to: number;
  reason: string;
  [input: string]: unknown;
}

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
