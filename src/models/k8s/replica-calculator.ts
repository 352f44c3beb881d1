/**
 * Kubernetes HPA replica calculation: a port of the pure parts of
 * kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator.go and metrics/utilization.go
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/podautoscaler/replica_calculator.go).
 *
 * Every function takes the pod list and metric samples as plain data plus the current time, so the
 * controller's `time.Now()` becomes an explicit `nowMs`. Integer arithmetic follows Go: utilisation and
 * averages are truncated (`int64` division), replica counts are `math.Ceil` of a float ratio.
 */

/** Pod phase as reported in `pod.status.phase` (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/). */
export type PodPhase = "Running" | "Pending" | "Failed" | "Succeeded";

/** Resource a Resource/ContainerResource metric targets. */
export type ResourceName = "cpu" | "memory";

/** The pod facts the replica calculator reads. Times are simulator milliseconds. */
export interface HpaPod {
  readonly name: string;
  readonly phase: PodPhase;
  /** Status of the pod's Ready condition. */
  readonly ready: boolean;
  /** Pod has a deletion timestamp (terminating). */
  readonly deleting?: boolean;
  /** `pod.status.startTime`; undefined when the pod has not started (no start time). */
  readonly startTimeMs?: number;
  /** `lastTransitionTime` of the Ready condition; undefined when the pod has no Ready condition. */
  readonly readyTransitionMs?: number;
  /** Sum of container requests: cpu in millicores, memory in bytes. A missing key is a missing request. */
  readonly requests: { readonly cpu?: number; readonly memory?: number };
}

/** One metric sample for one pod (metrics.k8s.io PodMetrics or custom.metrics.k8s.io MetricValue). */
export interface PodMetricSample {
  /** Resource metrics: milli-cpu or bytes summed over containers; custom metrics: milli-units. */
  readonly value: number;
  readonly timestampMs: number;
  readonly windowMs: number;
}

export type PodMetricsInput =
  | ReadonlyMap<string, PodMetricSample>
  | Readonly<Record<string, PodMetricSample>>;

/** Scale-up / scale-down tolerances; `isWithin` is `1-down <= ratio <= 1+up` (replica_calculator.go `Tolerances`). */
export interface Tolerances {
  readonly scaleUp: number;
  readonly scaleDown: number;
}

/**
 * `--horizontal-pod-autoscaler-tolerance` default 0.1
 * (https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/).
 */
export const DEFAULT_TOLERANCE = 0.1;
export const DEFAULT_TOLERANCES: Tolerances = { scaleUp: DEFAULT_TOLERANCE, scaleDown: DEFAULT_TOLERANCE };

/**
 * `--horizontal-pod-autoscaler-cpu-initialization-period` default 5 min
 * (https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/).
 */
export const DEFAULT_CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;

/**
 * `--horizontal-pod-autoscaler-initial-readiness-delay` default 30 s
 * (https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/).
 */
export const DEFAULT_INITIAL_READINESS_DELAY_MS = 30_000;

const MAX_INT32 = 2_147_483_647;

export function isWithinTolerance(t: Tolerances, usageRatio: number): boolean {
  return 1.0 - t.scaleDown <= usageRatio && usageRatio <= 1.0 + t.scaleUp;
}

/** Timing inputs of the pod grouping: the controller clock and the two readiness flags. */
export interface ReadinessTiming {
  readonly nowMs: number;
  readonly cpuInitializationPeriodMs?: number;
  readonly initialReadinessDelayMs?: number;
}

export interface PodGroups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

export type CalcResult<T> = ({ ok: true } & T) | { ok: false; error: string };

function toMetricMap(input: PodMetricsInput): Map<string, PodMetricSample> {
  if (input instanceof Map) return new Map(input);
  return new Map(Object.entries(input as Readonly<Record<string, PodMetricSample>>));
}

/**
 * groupPods: deleted and Failed pods are ignored, Pending pods are unready, pods without a sample are
 * missing; for CPU only, pods still initialising (or never ready) are unready.
 */
export function groupPods(
  pods: readonly HpaPod[],
  metrics: ReadonlyMap<string, PodMetricSample>,
  resource: ResourceName | null,
  timing: ReadinessTiming,
): PodGroups {
  const cpuInit = timing.cpuInitializationPeriodMs ?? DEFAULT_CPU_INITIALIZATION_PERIOD_MS;
  const delay = timing.initialReadinessDelayMs ?? DEFAULT_INITIAL_READINESS_DELAY_MS;
  const out: PodGroups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    if (pod.deleting === true || pod.phase === "Failed") {
      out.ignored.add(pod.name);
      continue;
    }
    if (pod.phase === "Pending") {
      out.unready.add(pod.name);
      continue;
    }
    const metric = metrics.get(pod.name);
    if (metric === undefined) {
      out.missing.add(pod.name);
      continue;
    }
    if (resource === "cpu") {
      let unready: boolean;
      if (pod.readyTransitionMs === undefined || pod.startTimeMs === undefined) {
        unready = true;
      } else if (pod.startTimeMs + cpuInit > timing.nowMs) {
        // Within the CPU initialisation period: ignore the sample if the pod is unready or if a full
        // metric window has not elapsed since the last readiness transition.
        unready = !pod.ready || metric.timestampMs < pod.readyTransitionMs + metric.windowMs;
      } else {
        // After it: ignore only pods that are unready and have never been ready.
        unready = !pod.ready && pod.startTimeMs + delay > pod.readyTransitionMs;
      }
      if (unready) {
        out.unready.add(pod.name);
        continue;
      }
    }
    out.readyPodCount++;
  }
  return out;
}

function calculateRequests(
  pods: readonly HpaPod[],
  resource: ResourceName,
): CalcResult<{ requests: Map<string, number> }> {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    const r = pod.requests[resource];
    if (r === undefined) return { ok: false, error: `missing request for ${resource} in Pod ${pod.name}` };
    requests.set(pod.name, r);
  }
  return { ok: true, requests };
}

/** metrics.GetResourceUtilizationRatio: utilisation% = trunc(sum(usage)*100/sum(request)) over known pods. */
export function getResourceUtilizationRatio(
  metrics: ReadonlyMap<string, { value: number }>,
  requests: ReadonlyMap<string, number>,
  targetUtilization: number,
): CalcResult<{ usageRatio: number; utilization: number; rawAverage: number }> {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let numEntries = 0;
  for (const [name, m] of metrics) {
    const req = requests.get(name);
    // Metrics for pods the lister does not know are extraneous.
    if (req === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += req;
    numEntries++;
  }
  if (requestsTotal === 0) return { ok: false, error: "no metrics returned matched known pods" };
  const utilization = Math.min(MAX_INT32, Math.trunc((metricsTotal * 100) / requestsTotal));
  return {
    ok: true,
    usageRatio: utilization / targetUtilization,
    utilization,
    rawAverage: Math.trunc(metricsTotal / numEntries),
  };
}

/** metrics.GetMetricUsageRatio: average = trunc(sum / number of samples, superfluous samples included). */
export function getMetricUsageRatio(
  metrics: ReadonlyMap<string, { value: number }>,
  targetUsage: number,
): { usageRatio: number; usage: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.trunc(total / metrics.size);
  return { usageRatio: usage / targetUsage, usage };
}

export interface ResourceReplicasInput extends ReadinessTiming {
  readonly currentReplicas: number;
  /** Target average utilisation in percent of request. */
  readonly targetUtilization: number;
  readonly resource: ResourceName;
  readonly pods: readonly HpaPod[];
  readonly metrics: PodMetricsInput;
  readonly tolerances?: Tolerances;
}

/** GetResourceReplicas: Resource metric with an `averageUtilization` target. */
export function getResourceReplicas(
  input: ResourceReplicasInput,
): CalcResult<{ replicas: number; utilization: number; rawUtilization: number }> {
  const tol = input.tolerances ?? DEFAULT_TOLERANCES;
  const current = input.currentReplicas;
  if (input.pods.length === 0) {
    return { ok: false, error: "no pods returned by selector while calculating replica count" };
  }
  const metrics = toMetricMap(input.metrics);
  const groups = groupPods(input.pods, metrics, input.resource, input);
  for (const n of groups.ignored) metrics.delete(n);
  for (const n of groups.unready) metrics.delete(n);
  if (metrics.size === 0) {
    return { ok: false, error: "did not receive metrics for targeted pods (pods might be unready)" };
  }
  const req = calculateRequests(input.pods, input.resource);
  if (!req.ok) return req;
  const requests = req.requests;

  const first = getResourceUtilizationRatio(metrics, requests, input.targetUtilization);
  if (!first.ok) return first;
  const { usageRatio, utilization, rawAverage: rawUtilization } = first;

  const scaleUpWithUnready = groups.unready.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (isWithinTolerance(tol, usageRatio))
      return { ok: true, replicas: current, utilization, rawUtilization };
    return { ok: true, replicas: Math.ceil(usageRatio * groups.readyPodCount), utilization, rawUtilization };
  }

  if (groups.missing.size > 0) {
    if (usageRatio < 1.0) {
      // Scale-down: missing pods count as 100% of request (or the target when it exceeds 100%).
      const fallback = Math.max(100, input.targetUtilization);
      for (const n of groups.missing) {
        metrics.set(n, {
          value: Math.trunc(((requests.get(n) ?? 0) * fallback) / 100),
          timestampMs: 0,
          windowMs: 0,
        });
      }
    } else if (usageRatio > 1.0) {
      // Scale-up: missing pods count as 0%.
      for (const n of groups.missing) metrics.set(n, { value: 0, timestampMs: 0, windowMs: 0 });
    }
  }
  if (scaleUpWithUnready) {
    for (const n of groups.unready) metrics.set(n, { value: 0, timestampMs: 0, windowMs: 0 });
  }

  const second = getResourceUtilizationRatio(metrics, requests, input.targetUtilization);
  if (!second.ok) return second;
  const newRatio = second.usageRatio;
  // No change when the rebalanced ratio is within tolerance or flips the scale direction.
  if (
    isWithinTolerance(tol, newRatio) ||
    (usageRatio < 1.0 && newRatio > 1.0) ||
    (usageRatio > 1.0 && newRatio < 1.0)
  ) {
    return { ok: true, replicas: current, utilization, rawUtilization };
  }
  const newReplicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1.0 && newReplicas > current) || (newRatio > 1.0 && newReplicas < current)) {
    return { ok: true, replicas: current, utilization, rawUtilization };
  }
  return { ok: true, replicas: newReplicas, utilization, rawUtilization };
}

export interface PlainMetricReplicasInput extends ReadinessTiming {
  readonly currentReplicas: number;
  /** Target average value (milli-units for custom metrics, milli-cpu or bytes for raw resource targets). */
  readonly targetUsage: number;
  readonly pods: readonly HpaPod[];
  readonly metrics: PodMetricsInput;
  readonly tolerances?: Tolerances;
}

/** calcPlainMetricReplicas; `resource` non-null only for raw-value Resource targets (CPU readiness rules apply). */
function calcPlainMetricReplicas(
  input: PlainMetricReplicasInput,
  resource: ResourceName | null,
): CalcResult<{ replicas: number; usage: number }> {
  const tol = input.tolerances ?? DEFAULT_TOLERANCES;
  const current = input.currentReplicas;
  if (input.pods.length === 0) {
    return { ok: false, error: "no pods returned by selector while calculating replica count" };
  }
  const metrics = toMetricMap(input.metrics);
  const groups = groupPods(input.pods, metrics, resource, input);
  for (const n of groups.ignored) metrics.delete(n);
  for (const n of groups.unready) metrics.delete(n);
  if (metrics.size === 0) {
    return { ok: false, error: "did not receive metrics for targeted pods (pods might be unready)" };
  }
  const { usageRatio, usage } = getMetricUsageRatio(metrics, input.targetUsage);
  const scaleUpWithUnready = groups.unready.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (isWithinTolerance(tol, usageRatio)) return { ok: true, replicas: current, usage };
    return { ok: true, replicas: Math.ceil(usageRatio * groups.readyPodCount), usage };
  }
  if (groups.missing.size > 0) {
    if (usageRatio < 1.0) {
      // Scale-down: missing pods use exactly the target.
      for (const n of groups.missing)
        metrics.set(n, { value: input.targetUsage, timestampMs: 0, windowMs: 0 });
    } else if (usageRatio > 1.0) {
      for (const n of groups.missing) metrics.set(n, { value: 0, timestampMs: 0, windowMs: 0 });
    }
  }
  if (scaleUpWithUnready) {
    for (const n of groups.unready) metrics.set(n, { value: 0, timestampMs: 0, windowMs: 0 });
  }
  const newRatio = getMetricUsageRatio(metrics, input.targetUsage).usageRatio;
  if (
    isWithinTolerance(tol, newRatio) ||
    (usageRatio < 1.0 && newRatio > 1.0) ||
    (usageRatio > 1.0 && newRatio < 1.0)
  ) {
    return { ok: true, replicas: current, usage };
  }
  const newReplicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1.0 && newReplicas > current) || (newRatio > 1.0 && newReplicas < current)) {
    return { ok: true, replicas: current, usage };
  }
  return { ok: true, replicas: newReplicas, usage };
}

/** GetRawResourceReplicas: Resource metric with an `averageValue` target (CPU readiness rules apply). */
export function getRawResourceReplicas(
  input: PlainMetricReplicasInput & { readonly resource: ResourceName },
): CalcResult<{ replicas: number; usage: number }> {
  return calcPlainMetricReplicas(input, input.resource);
}

/** GetMetricReplicas: Pods metric (custom metric averaged over pods); readiness is not checked. */
export function getMetricReplicas(
  input: PlainMetricReplicasInput,
): CalcResult<{ replicas: number; usage: number }> {
  return calcPlainMetricReplicas(input, null);
}

/** Ready pods: Running with Ready=True (getReadyPodsCount). */
export function readyPodCount(pods: readonly HpaPod[]): number {
  let n = 0;
  for (const p of pods) if (p.phase === "Running" && p.ready) n++;
  return n;
}

/**
 * getUsageRatioReplicaCount: ratio times the ready pod count; with currentReplicas = 0 (scale from zero)
 * tolerance and pods are not consulted.
 */
function usageRatioReplicaCount(
  currentReplicas: number,
  usageRatio: number,
  tol: Tolerances,
  pods: readonly HpaPod[],
): CalcResult<{ replicas: number }> {
  if (currentReplicas !== 0) {
    if (isWithinTolerance(tol, usageRatio)) return { ok: true, replicas: currentReplicas };
    if (pods.length === 0) {
      return { ok: false, error: "unable to calculate ready pods: no pods returned by selector" };
    }
    const f = usageRatio * readyPodCount(pods);
    return { ok: true, replicas: f > MAX_INT32 ? MAX_INT32 : Math.ceil(f) };
  }
  return { ok: true, replicas: Math.ceil(usageRatio) };
}

export interface ValueTargetInput {
  readonly currentReplicas: number;
  /** Metric value (milli-units). */
  readonly usage: number;
  readonly targetUsage: number;
  readonly pods: readonly HpaPod[];
  readonly tolerances?: Tolerances;
}

/** GetObjectMetricReplicas: Object metric with a `value` target. */
export function getObjectMetricReplicas(
  input: ValueTargetInput,
): CalcResult<{ replicas: number; usage: number }> {
  const r = usageRatioReplicaCount(
    input.currentReplicas,
    input.usage / input.targetUsage,
    input.tolerances ?? DEFAULT_TOLERANCES,
    input.pods,
  );
  return r.ok ? { ok: true, replicas: r.replicas, usage: input.usage } : r;
}

export interface AverageValueTargetInput {
  /** `scale.status.replicas`. */
  readonly statusReplicas: number;
  readonly usage: number;
  readonly targetAverageUsage: number;
  readonly tolerances?: Tolerances;
}

/** Shared by GetObjectPerPodMetricReplicas and GetExternalPerPodMetricReplicas: replicas = ceil(total / per-pod target). */
function perPodReplicas(input: AverageValueTargetInput): { replicas: number; usage: number } {
  const tol = input.tolerances ?? DEFAULT_TOLERANCES;
  let replicas = input.statusReplicas;
  const usageRatio = input.usage / (input.targetAverageUsage * replicas);
  if (!isWithinTolerance(tol, usageRatio)) {
    const r = Math.ceil(input.usage / input.targetAverageUsage);
    replicas = Math.min(r, MAX_INT32);
  }
  return { replicas, usage: Math.ceil(input.usage / input.statusReplicas) };
}

/** GetObjectPerPodMetricReplicas: Object metric with an `averageValue` target. */
export function getObjectPerPodMetricReplicas(input: AverageValueTargetInput): {
  replicas: number;
  usage: number;
} {
  return perPodReplicas(input);
}

/** GetExternalMetricReplicas: External metric with a `value` target; samples are summed. */
export function getExternalMetricReplicas(
  input: Omit<ValueTargetInput, "usage"> & { readonly samples: readonly number[] },
): CalcResult<{ replicas: number; usage: number }> {
  let usage = 0;
  for (const v of input.samples) usage += v;
  return getObjectMetricReplicas({ ...input, usage });
}

/** GetExternalPerPodMetricReplicas: External metric with an `averageValue` target; samples are summed. */
export function getExternalPerPodMetricReplicas(
  input: Omit<AverageValueTargetInput, "usage"> & { readonly samples: readonly number[] },
): { replicas: number; usage: number } {
  let usage = 0;
  for (const v of input.samples) usage += v;
  return perPodReplicas({ ...input, usage });
}
