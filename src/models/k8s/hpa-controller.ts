import { Phase, type Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import type { DecisionSink } from "../decisions.js";
import type { Deployment, Pod } from "./deployment.js";
import {
  type Behavior,
  combineMetricProposals,
  type HpaState,
  type ReconcileResult,
  reconcileReplicas,
  tolerancesFor,
} from "./hpa-behavior.js";
import {
  getExternalMetricReplicas,
  getExternalPerPodMetricReplicas,
  getMetricReplicas,
  getRawResourceReplicas,
  getResourceReplicas,
  groupPods,
  type HpaPod,
  type PodMetricSample,
  type ReadinessTiming,
  type ResourceName,
} from "./replica-calculator.js";
import type { ExternalMetricValues, MetricsClient, PodMetricsInfo } from "./metrics-client.js";

/** What the workload exposes to the metric pipeline: cumulative counters of the traffic model. */
export interface WorkloadCounters {
  /** vCPU-seconds spent serving requests. */
  readonly cpuSecondsUsed: number;
  readonly arrived: number;
  readonly served: number;
  /** Latest queueing delay estimate, ms (fluid mode; 0 when the model does not say). */
  readonly currentDelayMs?: number;
  /**
   * vCPU-seconds one pod (by id) has spent serving requests: its own cumulative counter (request mode). When
   * the model does not keep one (fluid mode), each pod in service is credited an equal share of the total.
   */
  unitCpuSeconds?(id: number): number | undefined;
}

export interface PodUsageModel {
  /** vCPU a pod may use (its CPU limit, else its request). */
  capacityVcpu: number;
  /** Fraction of that used with no traffic. */
  cpuIdle: number;
  memoryBaselineMiB: number;
  memoryPerInFlightMiB: number;
  serviceMeanMs: number;
}

export interface PodSample {
  cpuMilli: number;
  memoryBytes: number;
  /** Requests per second the pod served. */
  rps: number;
  /** metrics.k8s.io `timestamp`: the later of the two counter points the rate was taken between. */
  timestampMs: TimeMs;
  /** metrics.k8s.io `window`: the time between those two points. */
  windowMs: TimeMs;
}

/** One cumulative CPU point of a pod's container: (time, vCPU-seconds used since the container started). */
interface CpuPoint {
  t: TimeMs;
  cpuSeconds: number;
}

/**
 * metrics-server stores no point for a container younger than this at a scrape: a rate over a shorter span
 * "can produce inaccurate data" (`freshContainerMinMetricsResolution` = 10 s, pkg/storage/pod.go).
 * https://github.com/kubernetes-sigs/metrics-server/blob/master/pkg/storage/pod.go
 */
export const FRESH_CONTAINER_MIN_RESOLUTION_MS = 10_000;

/**
 * The previous point metrics-server pairs with a container's new point (podStorage.Store,
 * https://github.com/kubernetes-sigs/metrics-server/blob/master/pkg/storage/pod.go): a container started less
 * than one resolution before the point but at least 10 s before it gets a synthetic point (its start time,
 * 0 CPU used); otherwise the point stored at the previous scrape, if any. No previous point: no sample.
 */
export function previousCpuPoint(
  startedAt: TimeMs,
  now: TimeMs,
  last: CpuPoint | undefined,
  resolutionMs: TimeMs,
): CpuPoint | undefined {
  const age = now - startedAt;
  if (startedAt < now && age < resolutionMs && age >= FRESH_CONTAINER_MIN_RESOLUTION_MS)
    return { t: startedAt, cpuSeconds: 0 };
  // The stored point is kept when the container has not restarted since (start time not after it).
  return last !== undefined && startedAt <= last.t && last.t < now ? last : undefined;
}

/**
 * A pod's CPU over a window as metrics-server reports it (resourceUsage, pkg/storage/types.go): the increase
 * of the cumulative counter divided by the time between its two points; the timestamp is the newer point's.
 * https://github.com/kubernetes-sigs/metrics-server/blob/master/pkg/storage/types.go
 */
export function cpuRateOverWindow(
  last: CpuPoint,
  prev: CpuPoint,
): { vcpu: number; timestampMs: TimeMs; windowMs: TimeMs } {
  const windowMs = last.t - prev.t;
  return { vcpu: (last.cpuSeconds - prev.cpuSeconds) / (windowMs / 1000), timestampMs: last.t, windowMs };
}

/** What the scraper keeps of one pod between scrapes. */
interface PodCounterState {
  /** Equal-share counter (fluid mode): the share integral when the pod entered and left service. */
  shareIn?: number;
  shareOut?: number;
  /** Busy vCPU-seconds at the last point (to split a window's CPU into busy and idle parts). */
  last?: CpuPoint & { busySeconds: number };
}

/**
 * metrics-server (and a custom/external metrics adapter) as the HPA sees them. Every `resolution`
 * (`--metric-resolution`; the binary's default is 60 s, the upstream manifests and the EKS add-on run it at
 * 15 s) it reads each running container's cumulative CPU counter and stores the point; a pod's usage is the
 * rate between its last two points, with that pair's own timestamp and window, so a pod that has just
 * started or just entered service reports only what it used itself.
 * https://github.com/kubernetes-sigs/metrics-server/blob/master/FAQ.md#how-cpu-usage-is-calculated
 * https://github.com/kubernetes-sigs/metrics-server/blob/master/FAQ.md#how-often-metrics-are-scraped
 * https://github.com/kubernetes-sigs/metrics-server/blob/master/manifests/base/deployment.yaml (--metric-resolution=15s)
 */
export class PodMetricsScraper implements MetricsClient {
  readonly latest = new Map<string, PodSample>();
  latestAt = -1;
  /** Requests per second arriving at the ALB over the last window (the external metric). */
  requestRate = 0;
  private last = { t: 0, arrived: 0, served: 0 };
  private readonly podState = new Map<number, PodCounterState>();
  /** Equal-share integral: busy vCPU-seconds per pod in service, and what it was last brought up to. */
  private share = 0;
  private shareCpu = 0;
  private shareN = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly deployment: Deployment,
    private readonly counters: () => WorkloadCounters | undefined,
    private readonly usage: PodUsageModel,
    readonly resolutionMs: TimeMs,
  ) {
    deployment.observers.push((pod) => this.podChanged(pod));
  }

  start(): void {
    // The cluster existed before the run: metrics-server already holds a point for every running pod.
    for (const p of this.deployment.pods) {
      this.podChanged(p);
      this.storePoint(p, this.sim.now);
    }
    this.sim.every(this.resolutionMs, (t) => this.scrape(t), Phase.metrics);
  }

  /** Bring the equal-share integral up to now: the CPU used since, over the pods that were in service. */
  private advanceShare(): void {
    const c = this.counters();
    if (!c) return;
    if (this.shareN > 0) this.share += (c.cpuSecondsUsed - this.shareCpu) / this.shareN;
    this.shareCpu = c.cpuSecondsUsed;
    this.shareN = this.deployment.inServiceCount;
  }

  private podChanged(pod: Pod): void {
    this.advanceShare();
    const st = this.podState.get(pod.id) ?? {};
    if (pod.inService && st.shareIn === undefined) st.shareIn = this.share;
    if (!pod.inService && st.shareIn !== undefined && st.shareOut === undefined) st.shareOut = this.share;
    if (pod.stoppedAt !== undefined) this.podState.delete(pod.id);
    else this.podState.set(pod.id, st);
  }

  /** vCPU-seconds the pod has spent on requests (its own counter, else its equal share while in service). */
  private busySeconds(pod: Pod, st: PodCounterState): number {
    const c = this.counters();
    if (c?.unitCpuSeconds) return c.unitCpuSeconds(pod.id) ?? 0;
    if (st.shareIn === undefined) return 0;
    return (st.shareOut ?? this.share) - st.shareIn;
  }

  /** Store the pod's new point; returns the point it pairs with (undefined: no sample yet). */
  private storePoint(pod: Pod, t: TimeMs): { prev: CpuPoint; last: CpuPoint; busy: number } | undefined {
    if (pod.runningAt === undefined || pod.stoppedAt !== undefined) return undefined;
    const st = this.podState.get(pod.id) ?? {};
    this.podState.set(pod.id, st);
    const u = this.usage;
    const busy = this.busySeconds(pod, st);
    const point = { t, cpuSeconds: busy + (u.capacityVcpu * u.cpuIdle * (t - pod.runningAt)) / 1000 };
    const prev = previousCpuPoint(pod.runningAt, t, st.last, this.resolutionMs);
    const prevBusy = prev === st.last ? (st.last?.busySeconds ?? 0) : 0;
    st.last = { ...point, busySeconds: busy };
    return prev === undefined ? undefined : { prev, last: point, busy: busy - prevBusy };
  }

  scrape(t: TimeMs): void {
    const c = this.counters();
    if (!c) return;
    this.advanceShare();
    const dt = (t - this.last.t) / 1000;
    const rate = dt > 0 ? (c.arrived - this.last.arrived) / dt : 0;
    const servedRate = dt > 0 ? (c.served - this.last.served) / dt : 0;
    const nIn = this.deployment.inServiceCount;
    const u = this.usage;
    const inFlightPerPod =
      nIn > 0 ? ((servedRate / nIn) * (u.serviceMeanMs + (c.currentDelayMs ?? 0))) / 1000 : 0;
    this.latest.clear();
    for (const p of this.deployment.pods) {
      const pair = this.storePoint(p, t);
      // The HPA ignores terminating pods; metrics-server's sample of them is not needed.
      if (pair === undefined || p.deletingAt !== undefined) continue;
      const w = cpuRateOverWindow(pair.last, pair.prev);
      const busyVcpu = Math.min(pair.busy / (w.windowMs / 1000), u.capacityVcpu);
      const serving = p.inService;
      this.latest.set(p.name, {
        cpuMilli: Math.round(1000 * (busyVcpu + u.capacityVcpu * u.cpuIdle)),
        memoryBytes: Math.round(
          (u.memoryBaselineMiB + (serving ? u.memoryPerInFlightMiB * inFlightPerPod : 0)) * 1048576,
        ),
        rps: serving && nIn > 0 ? rate / nIn : 0,
        timestampMs: w.timestampMs,
        windowMs: w.windowMs,
      });
    }
    this.requestRate = rate;
    this.latestAt = t;
    this.last = { t, arrived: c.arrived, served: c.served };
  }

  getResourceMetric(resource: ResourceName): PodMetricsInfo {
    return this.samples((x) => (resource === "cpu" ? x.cpuMilli : x.memoryBytes));
  }

  getRawMetric(_metricName: "requests_per_second"): PodMetricsInfo {
    return this.samples((x) => x.rps * 1000);
  }

  getExternalMetric(_metricName: "requests_per_second"): ExternalMetricValues | null {
    if (this.latestAt < 0) return null;
    return { values: [Math.round(this.requestRate * 1000)], value: this.requestRate };
  }

  samples(pick: (s: PodSample) => number): Map<string, PodMetricSample> {
    const out = new Map<string, PodMetricSample>();
    for (const [name, s] of this.latest)
      out.set(name, { value: Math.round(pick(s)), timestampMs: s.timestampMs, windowMs: s.windowMs });
    return out;
  }
}

/** How the replica calculator used one pod's sample (groupPods in replica_calculator.go). */
export type PodInputStatus = "counted" | "unready" | "missing" | "ignored";

/** One pod's input to an HPA metric, as a decision line shows it so the arithmetic can be redone by hand. */
export interface HpaPodInput {
  pod: string;
  /** The sample (millicores, bytes or milli-units); absent when the pod has none. */
  value?: number;
  /** Sample timestamp and window, seconds. */
  timestamp?: number;
  window?: number;
  status: PodInputStatus;
}

/**
 * Every pod the calculator saw with its sample and its group: deleting and Failed pods are ignored, pods
 * without a sample are missing, CPU samples of pods still initialising are unready, the rest are counted.
 * Unready pods count as 0 % on a scale-up; missing pods as 0 % on a scale-up and 100 % of their request on
 * a scale-down (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details).
 */
export function hpaPodInputs(
  pods: readonly HpaPod[],
  samples: ReadonlyMap<string, PodMetricSample>,
  resource: ResourceName | null,
  timing: ReadinessTiming,
): HpaPodInput[] {
  const g = groupPods(pods, samples, resource, timing);
  return pods.map((p) => {
    const m = samples.get(p.name);
    const status: PodInputStatus = g.ignored.has(p.name)
      ? "ignored"
      : g.unready.has(p.name)
        ? "unready"
        : g.missing.has(p.name)
          ? "missing"
          : "counted";
    return m === undefined
      ? { pod: p.name, status }
      : { pod: p.name, value: m.value, timestamp: m.timestampMs / 1000, window: m.windowMs / 1000, status };
  });
}

/** One HPA metric spec, already parsed to base units (milli-units, millicores, bytes). */
export type HpaMetricSpec =
  | { type: "Resource"; name: "cpu" | "memory"; utilization: number }
  | { type: "ResourceValue"; name: "cpu" | "memory"; averageValue: number }
  | { type: "Pods"; averageValueMilli: number }
  | { type: "External"; valueMilli: number }
  | { type: "ExternalAverage"; averageValueMilli: number };

export interface HpaSpec {
  minReplicas: number;
  maxReplicas: number;
  metrics: HpaMetricSpec[];
  behavior: Behavior;
  syncPeriodMs: TimeMs;
  tolerance: number;
  cpuInitializationPeriodMs: TimeMs;
  initialReadinessDelayMs: TimeMs;
}

/** One metric's proposal, its value and (per-pod metrics) each pod's input. */
export interface MetricProposal {
  metric: string;
  proposal: number | null;
  value: number | undefined;
  pods?: HpaPodInput[];
}

/**
 * The HorizontalPodAutoscaler controller for one Deployment: every sync period it computes a proposal per
 * metric with the replica calculator, keeps the largest (computeReplicasForMetrics), and normalises it with
 * the behaviour's stabilisation windows and rate policies (reconcileReplicas).
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/podautoscaler/horizontal.go
 * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details
 */
export class HpaController {
  private state: HpaState = { scaleUpEvents: [], scaleDownEvents: [] };
  scaleUps = 0;
  scaleDowns = 0;
  /** `status` after the last sync: desired replicas and the AbleToScale / ScalingLimited conditions. */
  status: Pick<ReconcileResult, "desiredReplicas" | "ableToScale" | "scalingLimited" | "skipped"> = {
    desiredReplicas: 0,
  };

  constructor(
    private readonly sim: Simulation,
    private readonly deployment: Deployment,
    private readonly spec: HpaSpec,
    /** metrics-server and the metrics adapter (metrics-client.ts). */
    private readonly metrics: MetricsClient,
    private readonly requests: { cpuMilli: number; memoryMiB: number },
    private readonly log: DecisionSink,
  ) {}

  start(): void {
    this.sim.every(this.spec.syncPeriodMs, (t) => this.sync(t), Phase.control);
  }

  /** Proposals per metric (null where the metric could not be computed), in spec order, with their pod inputs. */
  proposals(now: TimeMs): MetricProposal[] {
    const d = this.deployment;
    const pods = d.hpaPods(this.requests);
    const current = d.replicas;
    const tolerances = tolerancesFor(this.spec.behavior, this.spec.tolerance);
    const timing = {
      nowMs: now,
      cpuInitializationPeriodMs: this.spec.cpuInitializationPeriodMs,
      initialReadinessDelayMs: this.spec.initialReadinessDelayMs,
    };
    const client = this.metrics;
    return this.spec.metrics.map((m): MetricProposal => {
      switch (m.type) {
        case "Resource": {
          const metrics = client.getResourceMetric(m.name);
          const r = getResourceReplicas({
            ...timing,
            currentReplicas: current,
            targetUtilization: m.utilization,
            resource: m.name,
            pods,
            metrics,
            tolerances,
          });
          return {
            metric: `${m.name} utilization`,
            proposal: r.ok ? r.replicas : null,
            value: r.ok ? r.utilization : undefined,
            pods: hpaPodInputs(pods, metrics, m.name, timing),
          };
        }
        case "ResourceValue": {
          const metrics = client.getResourceMetric(m.name);
          const r = getRawResourceReplicas({
            ...timing,
            currentReplicas: current,
            targetUsage: m.averageValue,
            resource: m.name,
            pods,
            metrics,
            tolerances,
          });
          return {
            metric: `${m.name} average value`,
            proposal: r.ok ? r.replicas : null,
            value: r.ok ? r.usage : undefined,
            pods: hpaPodInputs(pods, metrics, m.name, timing),
          };
        }
        case "Pods": {
          const metrics = client.getRawMetric("requests_per_second");
          const r = getMetricReplicas({
            ...timing,
            currentReplicas: current,
            targetUsage: m.averageValueMilli,
            pods,
            metrics,
            tolerances,
          });
          return {
            metric: "pods requests_per_second",
            proposal: r.ok ? r.replicas : null,
            value: r.ok ? r.usage / 1000 : undefined,
            pods: hpaPodInputs(pods, metrics, null, timing),
          };
        }
        case "External": {
          const ext = client.getExternalMetric("requests_per_second");
          if (ext === null)
            return { metric: "external requests_per_second", proposal: null, value: undefined };
          const r = getExternalMetricReplicas({
            currentReplicas: current,
            targetUsage: m.valueMilli,
            samples: [...ext.values],
            pods,
            tolerances,
          });
          return {
            metric: "external requests_per_second",
            proposal: r.ok ? r.replicas : null,
            value: ext.value,
          };
        }
        default: {
          const ext = client.getExternalMetric("requests_per_second");
          if (ext === null)
            return { metric: "external requests_per_second", proposal: null, value: undefined };
          const r = getExternalPerPodMetricReplicas({
            statusReplicas: Math.max(1, d.activeCount),
            targetAverageUsage: m.averageValueMilli,
            samples: [...ext.values],
            tolerances,
          });
          return {
            metric: "external requests_per_second (per pod)",
            proposal: r.replicas,
            value: ext.value,
          };
        }
      }
    });
  }

  sync(now: TimeMs): void {
    const d = this.deployment;
    const current = d.replicas;
    const props = this.proposals(now);
    const combined = combineMetricProposals(
      props.map((p) => p.proposal),
      current,
    );
    const r = reconcileReplicas({
      currentReplicas: current,
      metricDesiredReplicas: combined,
      minReplicas: this.spec.minReplicas,
      maxReplicas: this.spec.maxReplicas,
      behavior: this.spec.behavior,
      state: this.state,
      nowMs: now,
    });
    this.state = r.state;
    this.status = {
      desiredReplicas: r.desiredReplicas,
      ableToScale: r.ableToScale,
      scalingLimited: r.scalingLimited,
      skipped: r.skipped,
    };
    if (!r.rescale) return;
    if (r.desiredReplicas > current) this.scaleUps++;
    else this.scaleDowns++;
    this.log({
      t: now / 1000,
      controller: "hpa",
      action: r.desiredReplicas > current ? "scale-up" : "scale-down",
      from: current,
      to: r.desiredReplicas,
      reason: `${props.map((p) => `${p.metric} ${p.value === undefined ? "unavailable" : p.value}${podCounts(p.pods)} → ${p.proposal ?? "none"}`).join("; ")}${r.scalingLimited?.status ? `; limited: ${r.scalingLimited.reason}` : ""}${r.ableToScale && r.ableToScale.reason !== "ReadyForNewScale" ? `; ${r.ableToScale.reason}` : ""}`,
      readyPods: d.pods.filter((p) => p.readyAt !== undefined && p.deletingAt === undefined).length,
      metrics: props.map((p) => ({ metric: p.metric, value: p.value, proposal: p.proposal, pods: p.pods })),
    });
    d.setReplicas(r.desiredReplicas);
  }
}

/** "(5 counted, 2 unready)": how many pods fell in each group of the replica calculator. */
function podCounts(pods: readonly HpaPodInput[] | undefined): string {
  if (pods === undefined) return "";
  const n = new Map<PodInputStatus, number>();
  for (const p of pods) n.set(p.status, (n.get(p.status) ?? 0) + 1);
  const parts = (["counted", "unready", "missing", "ignored"] as const)
    .filter((k) => n.has(k))
    .map((k) => `${n.get(k)} ${k}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}
