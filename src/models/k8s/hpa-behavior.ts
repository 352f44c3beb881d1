/**
 * The pure decision parts of the Kubernetes HPA controller, ported from
 * kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/podautoscaler/horizontal.go) and the
 * API defaults in pkg/apis/autoscaling/v2/defaults.go.
 *
 * The controller keeps per-HPA state (recommendation history, scale-up and scale-down events) in memory; here
 * that state is passed in and a new copy is returned, and `time.Now()` is the explicit `nowMs`.
 */
import type { Tolerances } from "./replica-calculator.js";
import { DEFAULT_TOLERANCE } from "./replica-calculator.js";

export type ScalingPolicyType = "Pods" | "Percent";
export type SelectPolicy = "Max" | "Min" | "Disabled";

export interface ScalingPolicy {
  readonly type: ScalingPolicyType;
  readonly value: number;
  readonly periodSeconds: number;
}

/** `HPAScalingRules` as written by the user; unset fields take the API defaults. */
export interface ScalingRules {
  readonly stabilizationWindowSeconds?: number;
  readonly selectPolicy?: SelectPolicy;
  readonly policies?: readonly ScalingPolicy[];
  /** Per-direction tolerance (v1.33+, feature HPAConfigurableTolerance); defaults to the cluster flag. */
  readonly tolerance?: number;
}

/** `spec.behavior`; `undefined` selects the legacy (pre-behavior) normalisation path. */
export interface Behavior {
  readonly scaleUp?: ScalingRules;
  readonly scaleDown?: ScalingRules;
}

export interface ResolvedScalingRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy: SelectPolicy;
  readonly policies: readonly ScalingPolicy[];
  readonly tolerance?: number;
}

export interface TimestampedRecommendation {
  readonly recommendation: number;
  readonly timestampMs: number;
}

export interface ScaleEvent {
  /** Absolute replica change, non-negative. */
  readonly replicaChange: number;
  readonly timestampMs: number;
  readonly outdated: boolean;
}

/**
 * `--horizontal-pod-autoscaler-downscale-stabilization` default 5 min; it fills an unset scale-down
 * stabilisation window (https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/).
 */
export const DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_SECONDS = 300;

/**
 * Default scale-up rules (defaults.go; documented at
 * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#default-behavior):
 * no stabilisation, max(4 pods, 100%) per 15 s.
 */
export const DEFAULT_SCALE_UP_RULES: ResolvedScalingRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
};

/** Default scale-down rules (defaults.go): 100% per 15 s; the window comes from the controller flag. */
export const DEFAULT_SCALE_DOWN_POLICIES: readonly ScalingPolicy[] = [
  { type: "Percent", value: 100, periodSeconds: 15 },
];

/** Legacy (behavior == nil) scale-up cap: max(2 x current, 4) (horizontal.go `scaleUpLimitFactor/Minimum`). */
export const SCALE_UP_LIMIT_FACTOR = 2.0;
export const SCALE_UP_LIMIT_MINIMUM = 4.0;

/** GenerateHPAScaleUpRules: fill unset fields with the defaults. */
export function generateScaleUpRules(rules?: ScalingRules): ResolvedScalingRules {
  return {
    stabilizationWindowSeconds:
      rules?.stabilizationWindowSeconds ?? DEFAULT_SCALE_UP_RULES.stabilizationWindowSeconds,
    selectPolicy: rules?.selectPolicy ?? DEFAULT_SCALE_UP_RULES.selectPolicy,
    policies: rules?.policies ?? DEFAULT_SCALE_UP_RULES.policies,
    tolerance: rules?.tolerance,
  };
}

/**
 * GenerateHPAScaleDownRules plus maybeInitScaleDownStabilizationWindow: an unset window takes the controller's
 * downscale-stabilisation flag.
 */
export function generateScaleDownRules(
  rules?: ScalingRules,
  downscaleStabilizationWindowSeconds = DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_SECONDS,
): ResolvedScalingRules {
  return {
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? downscaleStabilizationWindowSeconds,
    selectPolicy: rules?.selectPolicy ?? "Max",
    policies: rules?.policies ?? DEFAULT_SCALE_DOWN_POLICIES,
    tolerance: rules?.tolerance,
  };
}

/**
 * Per-HPA tolerances: `behavior.scaleUp/scaleDown.tolerance` override the cluster-wide
 * `--horizontal-pod-autoscaler-tolerance` (KEP-4951,
 * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#tolerance).
 */
export function tolerancesFor(
  behavior: Behavior | undefined,
  clusterTolerance = DEFAULT_TOLERANCE,
): Tolerances {
  return {
    scaleUp: behavior?.scaleUp?.tolerance ?? clusterTolerance,
    scaleDown: behavior?.scaleDown?.tolerance ?? clusterTolerance,
  };
}

/** getReplicasChangePerPeriod: sum of changes of events strictly newer than now - period. */
export function getReplicasChangePerPeriod(
  periodSeconds: number,
  events: readonly ScaleEvent[],
  nowMs: number,
): number {
  const cutoff = nowMs - periodSeconds * 1000;
  let replicas = 0;
  for (const e of events) if (e.timestampMs > cutoff) replicas += e.replicaChange;
  return replicas;
}

/** calculateScaleUpLimitWithScalingRules: the highest replica count the scale-up policies allow now. */
export function calculateScaleUpLimitWithScalingRules(
  currentReplicas: number,
  scaleUpEvents: readonly ScaleEvent[],
  scaleDownEvents: readonly ScaleEvent[],
  rules: ResolvedScalingRules,
  nowMs: number,
): number {
  if (rules.selectPolicy === "Disabled") return currentReplicas;
  // Min picks the smallest change, Max (the default) the largest.
  const useMin = rules.selectPolicy === "Min";
  let result = useMin ? 2_147_483_647 : -2_147_483_648;
  for (const p of rules.policies) {
    const added = getReplicasChangePerPeriod(p.periodSeconds, scaleUpEvents, nowMs);
    const deleted = getReplicasChangePerPeriod(p.periodSeconds, scaleDownEvents, nowMs);
    const periodStart = currentReplicas - added + deleted;
    // Percent rounds up so that a small percentage still adds at least one pod.
    const proposed = p.type === "Pods" ? periodStart + p.value : Math.ceil(periodStart * (1 + p.value / 100));
    result = useMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors: the lowest replica count the scale-down policies allow now. */
export function calculateScaleDownLimitWithBehaviors(
  currentReplicas: number,
  scaleUpEvents: readonly ScaleEvent[],
  scaleDownEvents: readonly ScaleEvent[],
  rules: ResolvedScalingRules,
  nowMs: number,
): number {
  if (rules.selectPolicy === "Disabled") return currentReplicas;
  // For scale-down the smallest change is the highest replica count.
  const useMinChange = rules.selectPolicy === "Min";
  let result = useMinChange ? -2_147_483_648 : 2_147_483_647;
  for (const p of rules.policies) {
    const added = getReplicasChangePerPeriod(p.periodSeconds, scaleUpEvents, nowMs);
    const deleted = getReplicasChangePerPeriod(p.periodSeconds, scaleDownEvents, nowMs);
    const periodStart = currentReplicas - added + deleted;
    // Percent truncates (Go int32 conversion), so the removal rounds up: 10% of 72 removes 8.
    const proposed =
      p.type === "Pods" ? periodStart - p.value : Math.trunc(periodStart * (1 - p.value / 100));
    result = useMinChange ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

export type AbleToScaleReason = "ScaleUpStabilized" | "ScaleDownStabilized" | "ReadyForNewScale";
export type ScalingLimitedReason =
  | "ScaleUpLimit"
  | "ScaleDownLimit"
  | "TooManyReplicas"
  | "TooFewReplicas"
  | "DesiredWithinRange";

export interface StabilizeInput {
  readonly currentReplicas: number;
  readonly desiredReplicas: number;
  readonly scaleUp: ResolvedScalingRules;
  readonly scaleDown: ResolvedScalingRules;
  readonly recommendations: readonly TimestampedRecommendation[];
  readonly nowMs: number;
}

/**
 * stabilizeRecommendationWithBehaviors: clamp the recommendation between the lowest recommendation in the
 * scale-up window and the highest in the scale-down window, then record the unstabilised recommendation
 * (reusing the last slot older than both windows).
 */
export function stabilizeRecommendationWithBehaviors(input: StabilizeInput): {
  recommendation: number;
  reason: "ScaleUpStabilized" | "ScaleDownStabilized";
  message: string;
  recommendations: TimestampedRecommendation[];
} {
  const { nowMs, desiredReplicas } = input;
  const upCutoff = nowMs - input.scaleUp.stabilizationWindowSeconds * 1000;
  const downCutoff = nowMs - input.scaleDown.stabilizationWindowSeconds * 1000;
  let upRec = desiredReplicas;
  let downRec = desiredReplicas;
  let oldIndex = -1;
  input.recommendations.forEach((rec, i) => {
    if (rec.timestampMs > upCutoff) upRec = Math.min(rec.recommendation, upRec);
    if (rec.timestampMs > downCutoff) downRec = Math.max(rec.recommendation, downRec);
    if (rec.timestampMs < upCutoff && rec.timestampMs < downCutoff) oldIndex = i;
  });
  let recommendation = input.currentReplicas;
  if (recommendation < upRec) recommendation = upRec;
  if (recommendation > downRec) recommendation = downRec;

  const recommendations = input.recommendations.slice();
  const entry = { recommendation: desiredReplicas, timestampMs: nowMs };
  if (oldIndex >= 0) recommendations[oldIndex] = entry;
  else recommendations.push(entry);

  return desiredReplicas >= input.currentReplicas
    ? {
        recommendation,
        reason: "ScaleUpStabilized",
        message:
          "recent recommendations were lower than current one, applying the lowest recent recommendation",
        recommendations,
      }
    : {
        recommendation,
        reason: "ScaleDownStabilized",
        message:
          "recent recommendations were higher than current one, applying the highest recent recommendation",
        recommendations,
      };
}

export interface RateInput {
  readonly currentReplicas: number;
  readonly desiredReplicas: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly scaleUp: ResolvedScalingRules;
  readonly scaleDown: ResolvedScalingRules;
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
  readonly nowMs: number;
}

export interface LimitedReplicas {
  replicas: number;
  reason: ScalingLimitedReason;
  message: string;
}

/** convertDesiredReplicasWithBehaviorRate: apply the rate policies and min/max. */
export function convertDesiredReplicasWithBehaviorRate(a: RateInput): LimitedReplicas {
  if (a.desiredReplicas > a.currentReplicas) {
    let limit = calculateScaleUpLimitWithScalingRules(
      a.currentReplicas,
      a.scaleUpEvents,
      a.scaleDownEvents,
      a.scaleUp,
      a.nowMs,
    );
    // Recent events may put the limit below current; never scale down on a scale-up path.
    if (limit < a.currentReplicas) limit = a.currentReplicas;
    let maxAllowed = a.maxReplicas;
    let reason: ScalingLimitedReason;
    let message: string;
    if (maxAllowed > limit) {
      maxAllowed = limit;
      reason = "ScaleUpLimit";
      message = "the desired replica count is increasing faster than the maximum scale rate";
    } else {
      reason = "TooManyReplicas";
      message = "the desired replica count is more than the maximum replica count";
    }
    if (a.desiredReplicas > maxAllowed) return { replicas: maxAllowed, reason, message };
  } else if (a.desiredReplicas < a.currentReplicas) {
    let limit = calculateScaleDownLimitWithBehaviors(
      a.currentReplicas,
      a.scaleUpEvents,
      a.scaleDownEvents,
      a.scaleDown,
      a.nowMs,
    );
    if (limit > a.currentReplicas) limit = a.currentReplicas;
    let minAllowed = a.minReplicas;
    let reason: ScalingLimitedReason;
    let message: string;
    if (minAllowed < limit) {
      minAllowed = limit;
      reason = "ScaleDownLimit";
      message = "the desired replica count is decreasing faster than the maximum scale rate";
    } else {
      reason = "TooFewReplicas";
      message = "the desired replica count is less than the minimum replica count";
    }
    if (a.desiredReplicas < minAllowed) return { replicas: minAllowed, reason, message };
  }
  return {
    replicas: a.desiredReplicas,
    reason: "DesiredWithinRange",
    message: "the desired count is within the acceptable range",
  };
}

/** A condition as the controller would set it on the HPA status. */
export interface ConditionOut<R extends string> {
  status: boolean;
  reason: R;
  message: string;
}

export interface NormalizeWithBehaviorsInput {
  readonly currentReplicas: number;
  /** The metric recommendation (max over metrics) before normalisation. */
  readonly desiredReplicas: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly behavior: Behavior;
  readonly recommendations: readonly TimestampedRecommendation[];
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
  readonly nowMs: number;
  readonly downscaleStabilizationWindowSeconds?: number;
}

export interface NormalizeResult {
  desiredReplicas: number;
  recommendations: TimestampedRecommendation[];
  ableToScale: ConditionOut<AbleToScaleReason>;
  scalingLimited: ConditionOut<ScalingLimitedReason>;
}

/**
 * normalizeDesiredReplicasWithBehaviors: stabilise, then apply the rate limits and min/max.
 */
export function normalizeDesiredReplicasWithBehaviors(input: NormalizeWithBehaviorsInput): NormalizeResult {
  const scaleUp = generateScaleUpRules(input.behavior.scaleUp);
  const scaleDown = generateScaleDownRules(
    input.behavior.scaleDown,
    input.downscaleStabilizationWindowSeconds,
  );
  const st = stabilizeRecommendationWithBehaviors({
    currentReplicas: input.currentReplicas,
    desiredReplicas: input.desiredReplicas,
    scaleUp,
    scaleDown,
    recommendations: input.recommendations,
    nowMs: input.nowMs,
  });
  const ableToScale: ConditionOut<AbleToScaleReason> =
    st.recommendation !== input.desiredReplicas
      ? { status: true, reason: st.reason, message: st.message }
      : { status: true, reason: "ReadyForNewScale", message: "recommended size matches current size" };
  const limited = convertDesiredReplicasWithBehaviorRate({
    currentReplicas: input.currentReplicas,
    desiredReplicas: st.recommendation,
    minReplicas: input.minReplicas,
    maxReplicas: input.maxReplicas,
    scaleUp,
    scaleDown,
    scaleUpEvents: input.scaleUpEvents,
    scaleDownEvents: input.scaleDownEvents,
    nowMs: input.nowMs,
  });
  return {
    desiredReplicas: limited.replicas,
    recommendations: st.recommendations,
    ableToScale,
    scalingLimited: {
      status: limited.replicas !== st.recommendation,
      reason: limited.reason,
      message: limited.message,
    },
  };
}

/** Options of the legacy path (upstream package variables; tests set the factor). */
export interface LegacyLimits {
  readonly scaleUpLimitFactor?: number;
  readonly scaleUpLimitMinimum?: number;
}

/** calculateScaleUpLimit: max(factor x current, minimum), truncated. */
export function calculateScaleUpLimit(currentReplicas: number, limits: LegacyLimits = {}): number {
  return Math.trunc(
    Math.max(
      (limits.scaleUpLimitFactor ?? SCALE_UP_LIMIT_FACTOR) * currentReplicas,
      limits.scaleUpLimitMinimum ?? SCALE_UP_LIMIT_MINIMUM,
    ),
  );
}

/** convertDesiredReplicasWithRules: legacy min/max and scale-up cap. */
export function convertDesiredReplicasWithRules(
  currentReplicas: number,
  desiredReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  limits: LegacyLimits = {},
): LimitedReplicas {
  const scaleUpLimit = calculateScaleUpLimit(currentReplicas, limits);
  let maxAllowed: number;
  let reason: ScalingLimitedReason;
  let message: string;
  if (maxReplicas > scaleUpLimit) {
    maxAllowed = scaleUpLimit;
    reason = "ScaleUpLimit";
    message = "the desired replica count is increasing faster than the maximum scale rate";
  } else {
    maxAllowed = maxReplicas;
    reason = "TooManyReplicas";
    message = "the desired replica count is more than the maximum replica count";
  }
  if (desiredReplicas < minReplicas) {
    return {
      replicas: minReplicas,
      reason: "TooFewReplicas",
      message: "the desired replica count is less than the minimum replica count",
    };
  }
  if (desiredReplicas > maxAllowed) return { replicas: maxAllowed, reason, message };
  return {
    replicas: desiredReplicas,
    reason: "DesiredWithinRange",
    message: "the desired count is within the acceptable range",
  };
}

/**
 * stabilizeRecommendation (legacy): the highest recommendation within the downscale window; the new one
 * replaces the last entry older than the window, else is appended.
 */
export function stabilizeRecommendation(
  recommendations: readonly TimestampedRecommendation[],
  desiredReplicas: number,
  nowMs: number,
  windowSeconds = DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_SECONDS,
): { recommendation: number; recommendations: TimestampedRecommendation[] } {
  const cutoff = nowMs - windowSeconds * 1000;
  let max = desiredReplicas;
  let oldIndex = -1;
  recommendations.forEach((rec, i) => {
    if (rec.timestampMs < cutoff) oldIndex = i;
    else if (rec.recommendation > max) max = rec.recommendation;
  });
  const out = recommendations.slice();
  const entry = { recommendation: desiredReplicas, timestampMs: nowMs };
  if (oldIndex >= 0) out[oldIndex] = entry;
  else out.push(entry);
  return { recommendation: max, recommendations: out };
}

export interface NormalizeLegacyInput extends LegacyLimits {
  readonly currentReplicas: number;
  readonly desiredReplicas: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly recommendations: readonly TimestampedRecommendation[];
  readonly nowMs: number;
  readonly downscaleStabilizationWindowSeconds?: number;
}

/** normalizeDesiredReplicas: the path taken when `spec.behavior` is unset. */
export function normalizeDesiredReplicas(input: NormalizeLegacyInput): NormalizeResult {
  const st = stabilizeRecommendation(
    input.recommendations,
    input.desiredReplicas,
    input.nowMs,
    input.downscaleStabilizationWindowSeconds,
  );
  const ableToScale: ConditionOut<AbleToScaleReason> =
    st.recommendation !== input.desiredReplicas
      ? {
          status: true,
          reason: "ScaleDownStabilized",
          message:
            "recent recommendations were higher than current one, applying the highest recent recommendation",
        }
      : { status: true, reason: "ReadyForNewScale", message: "recommended size matches current size" };
  const limited = convertDesiredReplicasWithRules(
    input.currentReplicas,
    st.recommendation,
    input.minReplicas,
    input.maxReplicas,
    input,
  );
  return {
    desiredReplicas: limited.replicas,
    recommendations: st.recommendations,
    ableToScale,
    scalingLimited: {
      status: limited.replicas !== st.recommendation,
      reason: limited.reason,
      message: limited.message,
    },
  };
}

function getLongestPolicyPeriod(rules: ResolvedScalingRules): number {
  let longest = 0;
  for (const p of rules.policies) if (p.periodSeconds > longest) longest = p.periodSeconds;
  return longest;
}

/** markScaleEventsOutdated + the slot reuse of storeScaleEvent, on one direction's event list. */
function storeInto(
  events: readonly ScaleEvent[],
  longestPeriodSeconds: number,
  change: number,
  nowMs: number,
): ScaleEvent[] {
  const cutoff = nowMs - longestPeriodSeconds * 1000;
  const out = events.map((e) => (e.timestampMs < cutoff ? { ...e, outdated: true } : e));
  let oldIndex = -1;
  out.forEach((e, i) => {
    if (e.outdated) oldIndex = i;
  });
  const entry = { replicaChange: change, timestampMs: nowMs, outdated: false };
  if (oldIndex >= 0) out[oldIndex] = entry;
  else out.push(entry);
  return out;
}

/**
 * storeScaleEvent: record a rescale in the direction's event list (nothing is stored without a behavior).
 */
export function storeScaleEvent(
  behavior: Behavior | undefined,
  events: { readonly scaleUp: readonly ScaleEvent[]; readonly scaleDown: readonly ScaleEvent[] },
  prevReplicas: number,
  newReplicas: number,
  nowMs: number,
): { scaleUp: ScaleEvent[]; scaleDown: ScaleEvent[] } {
  const scaleUp = events.scaleUp.slice();
  const scaleDown = events.scaleDown.slice();
  if (behavior === undefined) return { scaleUp, scaleDown };
  if (newReplicas > prevReplicas) {
    const longest = getLongestPolicyPeriod(generateScaleUpRules(behavior.scaleUp));
    return { scaleUp: storeInto(scaleUp, longest, newReplicas - prevReplicas, nowMs), scaleDown };
  }
  const longest = getLongestPolicyPeriod(generateScaleDownRules(behavior.scaleDown));
  return { scaleUp, scaleDown: storeInto(scaleDown, longest, prevReplicas - newReplicas, nowMs) };
}

/**
 * computeReplicasForMetrics (combination step): the largest proposal wins; if every metric failed, or some
 * failed and the valid ones would scale down, there is no decision (upstream returns -1).
 * A proposal of `null` is a metric that could not be computed.
 */
export function combineMetricProposals(
  proposals: readonly (number | null)[],
  specReplicas: number,
): number | null {
  let replicas = 0;
  let invalid = 0;
  for (const p of proposals) {
    if (p === null) {
      invalid++;
      continue;
    }
    if (replicas === 0 || p > replicas) replicas = p;
  }
  if (invalid >= proposals.length || (invalid > 0 && replicas < specReplicas)) return null;
  return replicas;
}

/** The controller's memory for one HPA. */
export interface HpaState {
  /** `undefined` before the first reconcile (recordInitialRecommendation seeds it with the current scale). */
  readonly recommendations?: readonly TimestampedRecommendation[];
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
}

export interface ReconcileInput extends LegacyLimits {
  /** `scale.spec.replicas`. */
  readonly currentReplicas: number;
  /** Combined metric proposal (see combineMetricProposals); null when metrics failed. */
  readonly metricDesiredReplicas: number | null;
  /** `spec.minReplicas`, default 1. */
  readonly minReplicas?: number;
  readonly maxReplicas: number;
  readonly behavior?: Behavior;
  readonly state: HpaState;
  readonly nowMs: number;
  readonly downscaleStabilizationWindowSeconds?: number;
}

export interface ReconcileResult {
  /** Replicas the controller writes to the scale subresource (equals current when `rescale` is false). */
  desiredReplicas: number;
  rescale: boolean;
  /** Why the controller took no decision, when it did not. */
  skipped?: "ScalingDisabled" | "FailedComputeMetricsReplicas";
  state: HpaState;
  ableToScale?: ConditionOut<AbleToScaleReason>;
  scalingLimited?: ConditionOut<ScalingLimitedReason>;
}

/**
 * The decision part of reconcileAutoscaler: target at zero with min > 0 disables scaling; outside
 * [min, max] the target is clamped; otherwise the metric proposal is normalised (behavior or legacy path);
 * on a rescale the event is stored.
 */
export function reconcileReplicas(input: ReconcileInput): ReconcileResult {
  const current = input.currentReplicas;
  const minReplicas = input.minReplicas ?? 1;
  // recordInitialRecommendation
  const recommendations = input.state.recommendations ?? [
    { recommendation: current, timestampMs: input.nowMs },
  ];
  let state: HpaState = { ...input.state, recommendations };
  let desired: number;
  let ableToScale: ConditionOut<AbleToScaleReason> | undefined;
  let scalingLimited: ConditionOut<ScalingLimitedReason> | undefined;

  if (current === 0 && minReplicas !== 0) {
    return { desiredReplicas: current, rescale: false, skipped: "ScalingDisabled", state };
  } else if (current > input.maxReplicas) {
    desired = input.maxReplicas;
  } else if (current < minReplicas) {
    desired = minReplicas;
  } else {
    if (input.metricDesiredReplicas === null) {
      return { desiredReplicas: current, rescale: false, skipped: "FailedComputeMetricsReplicas", state };
    }
    const proposal = Math.max(0, input.metricDesiredReplicas);
    const norm =
      input.behavior === undefined
        ? normalizeDesiredReplicas({
            currentReplicas: current,
            desiredReplicas: proposal,
            minReplicas,
            maxReplicas: input.maxReplicas,
            recommendations,
            nowMs: input.nowMs,
            downscaleStabilizationWindowSeconds: input.downscaleStabilizationWindowSeconds,
            scaleUpLimitFactor: input.scaleUpLimitFactor,
            scaleUpLimitMinimum: input.scaleUpLimitMinimum,
          })
        : normalizeDesiredReplicasWithBehaviors({
            currentReplicas: current,
            desiredReplicas: proposal,
            minReplicas,
            maxReplicas: input.maxReplicas,
            behavior: input.behavior,
            recommendations,
            scaleUpEvents: input.state.scaleUpEvents,
            scaleDownEvents: input.state.scaleDownEvents,
            nowMs: input.nowMs,
            downscaleStabilizationWindowSeconds: input.downscaleStabilizationWindowSeconds,
          });
    desired = norm.desiredReplicas;
    state = { ...state, recommendations: norm.recommendations };
    ableToScale = norm.ableToScale;
    scalingLimited = norm.scalingLimited;
  }
  const rescale = desired !== current;
  if (rescale) {
    const ev = storeScaleEvent(
      input.behavior,
      { scaleUp: state.scaleUpEvents, scaleDown: state.scaleDownEvents },
      current,
      desired,
      input.nowMs,
    );
    state = { ...state, scaleUpEvents: ev.scaleUp, scaleDownEvents: ev.scaleDown };
  }
  return { desiredReplicas: rescale ? desired : current, rescale, state, ableToScale, scalingLimited };
}
