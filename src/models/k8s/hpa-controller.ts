import { Phase, type Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import type { DecisionSink } from "../decisions.js";
import type { Deployment } from "./deployment.js";
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
  type PodMetricSample,
} from "./replica-calculator.js";

/** What the workload exposes to the metric pipeline: cumulative counters of the traffic model. */
export interface WorkloadCounters {
  /** vCPU-seconds spent serving requests. */
  readonly cpuSecondsUsed: number;
  readonly arrived: number;
  readonly served: number;
  /** Latest queueing delay estimate, ms (fluid mode; 0 when the model does not say). */
  readonly currentDelayMs?: number;
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
}

/**
 * metrics-server (and a custom/external metrics adapter) as the HPA sees them: every `resolution` the
 * usage of each running pod over the last window, from the kubelet's cumulative counters. A container needs
 * two scrapes before it has a rate, so pods started within the last window have no sample (missing).
 * https://github.com/kubernetes-sigs/metrics-server/blob/master/FAQ.md#how-cpu-usage-is-calculated
 */
export class PodMetricsScraper {
  readonly latest = new Map<string, PodSample>();
  latestAt = -1;
  /** Requests per second arriving at the ALB over the last window (the external metric). */
  requestRate = 0;
  private last = { t: 0, cpu: 0, arrived: 0, served: 0, inService: 0 };

  constructor(
    private readonly sim: Simulation,
    private readonly deployment: Deployment,
    private readonly counters: () => WorkloadCounters | undefined,
    private readonly usage: PodUsageModel,
    readonly resolutionMs: TimeMs,
  ) {}

  start(): void {
    this.sim.every(this.resolutionMs, (t) => this.scrape(t), Phase.metrics);
  }

  scrape(t: TimeMs): void {
    const c = this.counters();
    if (!c) return;
    const dt = (t - this.last.t) / 1000;
    const inServiceSec = this.deployment.inServicePodSeconds(t);
    const dIn = inServiceSec - this.last.inService;
    const busy = dIn > 0 ? (c.cpuSecondsUsed - this.last.cpu) / dIn : 0;
    const rate = dt > 0 ? (c.arrived - this.last.arrived) / dt : 0;
    const servedRate = dt > 0 ? (c.served - this.last.served) / dt : 0;
    const nIn = this.deployment.inServiceCount;
    const u = this.usage;
    const inFlightPerPod =
      nIn > 0 ? ((servedRate / nIn) * (u.serviceMeanMs + (c.currentDelayMs ?? 0))) / 1000 : 0;
    this.latest.clear();
    for (const p of this.deployment.pods) {
      if (p.runningAt === undefined || p.deletingAt !== undefined || p.runningAt > t - this.resolutionMs)
        continue;
      const serving = p.inService;
      this.latest.set(p.name, {
        cpuMilli: Math.round(
          1000 * (u.capacityVcpu * u.cpuIdle + (serving ? Math.min(busy, u.capacityVcpu) : 0)),
        ),
        memoryBytes: Math.round(
          (u.memoryBaselineMiB + (serving ? u.memoryPerInFlightMiB * inFlightPerPod : 0)) * 1048576,
        ),
        rps: serving && nIn > 0 ? rate / nIn : 0,
      });
    }
    this.requestRate = rate;
    this.latestAt = t;
    this.last = { t, cpu: c.cpuSecondsUsed, arrived: c.arrived, served: c.served, inService: inServiceSec };
  }

  samples(pick: (s: PodSample) => number): Map<string, PodMetricSample> {
    const out = new Map<string, PodMetricSample>();
    for (const [name, s] of this.latest)
      out.set(name, { value: Math.round(pick(s)), timestampMs: this.latestAt, windowMs: this.resolutionMs });
    return out;
  }
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
    private readonly scraper: PodMetricsScraper,
    private readonly requests: { cpuMilli: number; memoryMiB: number },
    private readonly log: DecisionSink,
  ) {}

  start(): void {
    this.sim.every(this.spec.syncPeriodMs, (t) => this.sync(t), Phase.control);
  }

  /** Proposals per metric (null where the metric could not be computed), in spec order. */
  proposals(now: TimeMs): { proposal: number | null; value: number | undefined; metric: string }[] {
    const d = this.deployment;
    const pods = d.hpaPods(this.requests);
    const current = d.replicas;
    const tolerances = tolerancesFor(this.spec.behavior, this.spec.tolerance);
    const timing = {
      nowMs: now,
      cpuInitializationPeriodMs: this.spec.cpuInitializationPeriodMs,
      initialReadinessDelayMs: this.spec.initialReadinessDelayMs,
    };
    const s = this.scraper;
    return this.spec.metrics.map((m) => {
      switch (m.type) {
        case "Resource": {
          const r = getResourceReplicas({
            ...timing,
            currentReplicas: current,
            targetUtilization: m.utilization,
            resource: m.name,
            pods,
            metrics: s.samples((x) => (m.name === "cpu" ? x.cpuMilli : x.memoryBytes)),
            tolerances,
          });
          return {
            metric: `${m.name} utilization`,
            proposal: r.ok ? r.replicas : null,
            value: r.ok ? r.utilization : undefined,
          };
        }
        case "ResourceValue": {
          const r = getRawResourceReplicas({
            ...timing,
            currentReplicas: current,
            targetUsage: m.averageValue,
            resource: m.name,
            pods,
            metrics: s.samples((x) => (m.name === "cpu" ? x.cpuMilli : x.memoryBytes)),
            tolerances,
          });
          return {
            metric: `${m.name} average value`,
            proposal: r.ok ? r.replicas : null,
            value: r.ok ? r.usage : undefined,
          };
        }
        case "Pods": {
          const r = getMetricReplicas({
            ...timing,
            currentReplicas: current,
            targetUsage: m.averageValueMilli,
            pods,
            metrics: s.samples((x) => x.rps * 1000),
            tolerances,
          });
          return {
            metric: "pods requests_per_second",
            proposal: r.ok ? r.replicas : null,
            value: r.ok ? r.usage / 1000 : undefined,
          };
        }
        case "External": {
          if (s.latestAt < 0)
            return { metric: "external requests_per_second", proposal: null, value: undefined };
          const r = getExternalMetricReplicas({
            currentReplicas: current,
            targetUsage: m.valueMilli,
            samples: [Math.round(s.requestRate * 1000)],
            pods,
            tolerances,
          });
          return {
            metric: "external requests_per_second",
            proposal: r.ok ? r.replicas : null,
            value: s.requestRate,
          };
        }
        default: {
          if (s.latestAt < 0)
            return { metric: "external requests_per_second", proposal: null, value: undefined };
          const r = getExternalPerPodMetricReplicas({
            statusReplicas: Math.max(1, d.activeCount),
            targetAverageUsage: m.averageValueMilli,
            samples: [Math.round(s.requestRate * 1000)],
            tolerances,
          });
          return {
            metric: "external requests_per_second (per pod)",
            proposal: r.replicas,
            value: s.requestRate,
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
      reason: `${props.map((p) => `${p.metric} ${p.value === undefined ? "unavailable" : p.value} → ${p.proposal ?? "none"}`).join("; ")}${r.scalingLimited?.status ? `; limited: ${r.scalingLimited.reason}` : ""}${r.ableToScale && r.ableToScale.reason !== "ReadyForNewScale" ? `; ${r.ableToScale.reason}` : ""}`,
      readyPods: d.pods.filter((p) => p.readyAt !== undefined && p.deletingAt === undefined).length,
    });
    d.setReplicas(r.desiredReplicas);
  }
}
