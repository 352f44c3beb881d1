// Table tests ported from kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator_test.go
// (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/podautoscaler/replica_calculator_test.go).
// The upstream harness gives every pod 2 containers: `levels` and `requests` are per container, so a pod's
// usage/request is twice the table value. Test names are the upstream test functions.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  getExternalMetricReplicas,
  getExternalPerPodMetricReplicas,
  getMetricReplicas,
  getObjectMetricReplicas,
  getObjectPerPodMetricReplicas,
  getResourceReplicas,
  groupPods,
  type HpaPod,
  type PodMetricSample,
  type PodPhase,
  type Tolerances,
} from "../../../src/models/k8s/replica-calculator.js";

const CONTAINERS = 2; // numContainersPerPod
const NOW = 1_700_000_000_000;
// hotCPUCreationTime() = now, coolCPUCreationTime() = now - 3 min (horizontal_test.go).
const HOT = NOW;
const COOL = NOW - 3 * 60_000;
// defaultTestingCPUInitializationPeriod = 2 min, defaultTestingDelayOfInitialReadinessStatus = 10 s.
const TIMING = { nowMs: NOW, cpuInitializationPeriodMs: 2 * 60_000, initialReadinessDelayMs: 10_000 };
const T = true;
const F = false;

interface Fixture {
  currentReplicas: number;
  podReadiness?: boolean[];
  podStartTime?: number[];
  podPhase?: PodPhase[];
  podDeletion?: boolean[];
  /** Per-container cpu request in millicores; pods beyond the list have no request. */
  requests?: number[];
  tolerances?: Tolerances;
}

// Pods as upstream's fake pod lister builds them: Ready condition with a zero transition time, zero start
// time unless given (Go's zero time is "long ago"; 0 ms plays that role here).
function buildPods(f: Fixture): HpaPod[] {
  const n = Math.max(f.currentReplicas, f.podPhase?.length ?? 0);
  const pods: HpaPod[] = [];
  for (let i = 0; i < n; i++) {
    const req = f.requests?.[i];
    pods.push({
      name: `test-pod-${i}`,
      phase: f.podPhase?.[i] ?? "Running",
      ready: f.podReadiness?.[i] ?? true,
      deleting: f.podDeletion?.[i] ?? false,
      startTimeMs: f.podStartTime?.[i] ?? 0,
      readyTransitionMs: 0,
      requests: req === undefined ? {} : { cpu: req * CONTAINERS },
    });
  }
  return pods;
}

// Samples carry the test's zero timestamp and a 1-minute window, as in the fake metrics clients.
function podMetrics(levels: number[], perContainer: boolean): Map<string, PodMetricSample> {
  const m = new Map<string, PodMetricSample>();
  levels.forEach((v, i) => {
    m.set(`test-pod-${i}`, { value: perContainer ? v * CONTAINERS : v, timestampMs: 0, windowMs: 60_000 });
  });
  return m;
}

interface ResourceCase extends Fixture {
  name: string;
  levels: number[];
  target: number;
  replicas: number;
  utilization: number;
  raw: number;
}

const ones = (n: number) => Array.from({ length: n }, () => 1000);

const resourceCases: ResourceCase[] = [
  {
    name: "TestReplicaCalcScaleUp",
    currentReplicas: 3,
    requests: ones(3),
    levels: [300, 500, 700],
    target: 30,
    replicas: 5,
    utilization: 50,
    raw: 2 * 500,
  },
  {
    name: "TestReplicaCalcScaleUpUnreadyLessScale",
    currentReplicas: 3,
    podReadiness: [F, T, T],
    requests: ones(3),
    levels: [300, 500, 700],
    target: 30,
    replicas: 4,
    utilization: 60,
    raw: 2 * 600,
  },
  {
    name: "TestReplicaCalcScaleUpHotCpuLessScale",
    currentReplicas: 3,
    podStartTime: [HOT, COOL, COOL],
    requests: ones(3),
    levels: [300, 500, 700],
    target: 30,
    replicas: 4,
    utilization: 60,
    raw: 2 * 600,
  },
  {
    name: "TestReplicaCalcScaleUpUnreadyNoScale",
    currentReplicas: 3,
    podReadiness: [T, F, F],
    requests: ones(3),
    levels: [400, 500, 700],
    target: 30,
    replicas: 3,
    utilization: 40,
    raw: 2 * 400,
  },
  {
    name: "TestReplicaCalcScaleUpHotCpuNoScale",
    currentReplicas: 3,
    podReadiness: [T, F, F],
    podStartTime: [COOL, HOT, HOT],
    requests: ones(3),
    levels: [400, 500, 700],
    target: 30,
    replicas: 3,
    utilization: 40,
    raw: 2 * 400,
  },
  {
    name: "TestReplicaCalcScaleUpIgnoresFailedPods",
    currentReplicas: 2,
    podReadiness: [T, T, F, F],
    podPhase: ["Running", "Running", "Failed", "Failed"],
    requests: ones(4),
    levels: [500, 700],
    target: 30,
    replicas: 4,
    utilization: 60,
    raw: 2 * 600,
  },
  {
    name: "TestReplicaCalcScaleUpIgnoresDeletionPods",
    currentReplicas: 2,
    podReadiness: [T, T, F, F],
    podPhase: ["Running", "Running", "Running", "Running"],
    podDeletion: [F, F, T, T],
    requests: ones(4),
    levels: [500, 700],
    target: 30,
    replicas: 4,
    utilization: 60,
    raw: 2 * 600,
  },
  {
    name: "TestReplicaCalcScaleDown",
    currentReplicas: 5,
    requests: ones(5),
    levels: [100, 300, 500, 250, 250],
    target: 50,
    replicas: 3,
    utilization: 28,
    raw: 2 * 280,
  },
  {
    name: "TestReplicaCalcScaleDownIncludeUnreadyPods",
    currentReplicas: 5,
    podReadiness: [T, T, T, F, F],
    requests: ones(5),
    levels: [100, 300, 500, 250, 250],
    target: 50,
    replicas: 2,
    utilization: 30,
    raw: 2 * 300,
  },
  {
    name: "TestReplicaCalcScaleDownExcludeUnscheduledPods",
    currentReplicas: 5,
    podReadiness: [T, F, F, F, F],
    podPhase: ["Running", "Pending", "Pending", "Pending", "Pending"],
    requests: ones(5),
    levels: [100],
    target: 50,
    replicas: 1,
    utilization: 10,
    raw: 2 * 100,
  },
  {
    name: "TestReplicaCalcScaleDownIgnoreHotCpuPods",
    currentReplicas: 5,
    podStartTime: [COOL, COOL, COOL, HOT, HOT],
    requests: ones(5),
    levels: [100, 300, 500, 250, 250],
    target: 50,
    replicas: 2,
    utilization: 30,
    raw: 2 * 300,
  },
  {
    name: "TestReplicaCalcScaleDownIgnoresFailedPods",
    currentReplicas: 5,
    podReadiness: [T, T, T, T, T, F, F],
    podPhase: ["Running", "Running", "Running", "Running", "Running", "Failed", "Failed"],
    requests: ones(7),
    levels: [100, 300, 500, 250, 250],
    target: 50,
    replicas: 3,
    utilization: 28,
    raw: 2 * 280,
  },
  {
    name: "TestReplicaCalcTolerance",
    currentReplicas: 3,
    requests: [900, 1000, 1100],
    levels: [1010, 1030, 1020],
    target: 100,
    replicas: 3,
    utilization: 102,
    raw: 2 * 1020,
  },
  {
    name: "TestReplicaCalcSuperfluousMetrics",
    currentReplicas: 4,
    requests: ones(4),
    levels: [4000, 9500, 3000, 7000, 3200, 2000],
    target: 100,
    replicas: 24,
    utilization: 587,
    raw: 2 * 5875,
  },
  {
    name: "TestReplicaCalcMissingMetrics",
    currentReplicas: 4,
    requests: ones(4),
    levels: [400, 95],
    target: 100,
    replicas: 3,
    utilization: 24,
    raw: 495,
  },
  {
    name: "TestReplicaCalcMissingMetricsNoChangeGt",
    currentReplicas: 2,
    requests: ones(2),
    levels: [1900],
    target: 100,
    replicas: 2,
    utilization: 190,
    raw: 2 * 1900,
  },
  {
    name: "TestReplicaCalcMissingMetricsNoChangeEq",
    currentReplicas: 2,
    requests: ones(2),
    levels: [1000],
    target: 100,
    replicas: 2,
    utilization: 100,
    raw: 2 * 1000,
  },
  {
    name: "TestReplicaCalcMissingMetricsNoChangeLt",
    currentReplicas: 2,
    requests: ones(2),
    levels: [600],
    target: 100,
    replicas: 2,
    utilization: 60,
    raw: 2 * 600,
  },
  {
    name: "TestReplicaCalcMissingMetricsUnreadyChange",
    currentReplicas: 3,
    podReadiness: [F, T, T],
    requests: ones(3),
    levels: [100, 450],
    target: 50,
    replicas: 3,
    utilization: 45,
    raw: 2 * 450,
  },
  {
    name: "TestReplicaCalcMissingMetricsHotCpuNoChange",
    currentReplicas: 3,
    podStartTime: [HOT, COOL, COOL],
    requests: ones(3),
    levels: [100, 450],
    target: 50,
    replicas: 3,
    utilization: 45,
    raw: 2 * 450,
  },
  {
    name: "TestReplicaCalcMissingMetricsUnreadyScaleUp",
    currentReplicas: 3,
    podReadiness: [F, T, T],
    requests: ones(3),
    levels: [100, 2000],
    target: 50,
    replicas: 4,
    utilization: 200,
    raw: 2 * 2000,
  },
  {
    name: "TestReplicaCalcMissingMetricsHotCpuScaleUp",
    currentReplicas: 3,
    podReadiness: [F, T, T],
    podStartTime: [HOT, COOL, COOL],
    requests: ones(3),
    levels: [100, 2000],
    target: 50,
    replicas: 4,
    utilization: 200,
    raw: 2 * 2000,
  },
  {
    name: "TestReplicaCalcMissingMetricsUnreadyScaleDown",
    currentReplicas: 4,
    podReadiness: [F, T, T, T],
    requests: ones(4),
    levels: [100, 100, 100],
    target: 50,
    replicas: 3,
    utilization: 10,
    raw: 2 * 100,
  },
  {
    name: "TestReplicaCalcMissingMetricsScaleDownTargetOver100",
    currentReplicas: 4,
    podReadiness: [F, T, T, T],
    requests: [1000, 1000, 2000, 2000],
    levels: [200, 100, 100],
    target: 300,
    replicas: 2,
    utilization: 6,
    raw: 2 * 100,
  },
  {
    name: "TestReplicaCalcDuringRollingUpdateWithMaxSurge",
    currentReplicas: 2,
    podPhase: ["Running", "Running", "Running"],
    requests: ones(3),
    levels: [100, 100],
    target: 50,
    replicas: 2,
    utilization: 10,
    raw: 2 * 100,
  },
  // TestReplicaCalcConfigurableTolerance rows (per-HPA tolerances, KEP-4951).
  {
    name: "TestReplicaCalcConfigurableTolerance/Outside of a 0% tolerance",
    tolerances: { scaleDown: 0, scaleUp: 0 },
    currentReplicas: 3,
    requests: [900, 1000, 1100],
    levels: [909, 1010, 1111],
    target: 100,
    replicas: 4,
    utilization: 101,
    raw: 2 * 1010,
  },
  {
    name: "TestReplicaCalcConfigurableTolerance/Within a 200% scale-up tolerance",
    tolerances: { scaleDown: 0.1, scaleUp: 2 },
    currentReplicas: 3,
    requests: [900, 1000, 1100],
    levels: [1890, 1910, 1900],
    target: 100,
    replicas: 3,
    utilization: 190,
    raw: 2 * 1900,
  },
  {
    name: "TestReplicaCalcConfigurableTolerance/Outside 8% scale-up tolerance",
    tolerances: { scaleDown: 2, scaleUp: 0.08 },
    currentReplicas: 3,
    requests: [900, 1000, 1100],
    levels: [1100, 1080, 1090],
    target: 100,
    replicas: 4,
    utilization: 109,
    raw: 2 * 1090,
  },
  {
    name: "TestReplicaCalcConfigurableTolerance/Within a 36% scale-down tolerance",
    tolerances: { scaleDown: 0.36, scaleUp: 0.1 },
    currentReplicas: 3,
    requests: [900, 1000, 1100],
    levels: [660, 640, 650],
    target: 100,
    replicas: 3,
    utilization: 65,
    raw: 2 * 650,
  },
  {
    name: "TestReplicaCalcConfigurableTolerance/Outside a 34% scale-down tolerance",
    tolerances: { scaleDown: 0.34, scaleUp: 0.1 },
    currentReplicas: 3,
    requests: [900, 1000, 1100],
    levels: [660, 640, 650],
    target: 100,
    replicas: 2,
    utilization: 65,
    raw: 2 * 650,
  },
];

describe("getResourceReplicas (upstream resource cases)", () => {
  it.each(resourceCases)("$name", (c) => {
    const r = getResourceReplicas({
      ...TIMING,
      currentReplicas: c.currentReplicas,
      targetUtilization: c.target,
      resource: "cpu",
      pods: buildPods(c),
      metrics: podMetrics(c.levels, true),
      tolerances: c.tolerances,
    });
    expect(r).toEqual({ ok: true, replicas: c.replicas, utilization: c.utilization, rawUtilization: c.raw });
  });

  it("TestReplicaCalcDisjointResourcesMetrics: metrics for unknown pods only is an error", () => {
    const r = getResourceReplicas({
      ...TIMING,
      currentReplicas: 1,
      targetUtilization: 100,
      resource: "cpu",
      pods: buildPods({ currentReplicas: 1, requests: [1000] }),
      metrics: new Map([["an-older-pod-name", { value: 200, timestampMs: 0, windowMs: 60_000 }]]),
    });
    expect(r).toEqual({ ok: false, error: "no metrics returned matched known pods" });
  });

  it("TestReplicaCalcEmptyCPURequest: a pod without a cpu request is an error", () => {
    const r = getResourceReplicas({
      ...TIMING,
      currentReplicas: 1,
      targetUtilization: 100,
      resource: "cpu",
      pods: buildPods({ currentReplicas: 1 }),
      metrics: podMetrics([200], true),
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain("missing request for");
  });

  it("W9 (HPA docs): 50 replicas at 90% against a 75% target scale to 60", () => {
    const r = getResourceReplicas({
      ...TIMING,
      currentReplicas: 50,
      targetUtilization: 75,
      resource: "cpu",
      pods: buildPods({ currentReplicas: 50, requests: Array.from({ length: 50 }, () => 500) }),
      metrics: podMetrics(
        Array.from({ length: 50 }, () => 450),
        true,
      ),
    });
    expect(r).toEqual({ ok: true, replicas: 60, utilization: 90, rawUtilization: 900 });
  });
});

interface PodsMetricCase extends Fixture {
  name: string;
  levels: number[];
  target: number;
  replicas: number;
  usage: number;
}

const podsMetricCases: PodsMetricCase[] = [
  {
    name: "TestReplicaCalcScaleUpCM",
    currentReplicas: 3,
    levels: [20000, 10000, 30000],
    target: 15000,
    replicas: 4,
    usage: 20000,
  },
  {
    name: "TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale",
    currentReplicas: 3,
    podReadiness: [T, T, F],
    podStartTime: [COOL, COOL, HOT],
    levels: [50000, 10000, 30000],
    target: 15000,
    replicas: 6,
    usage: 30000,
  },
  {
    name: "TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown",
    currentReplicas: 3,
    podReadiness: [F, T, F],
    podStartTime: [HOT, COOL, HOT],
    levels: [50000, 15000, 30000],
    target: 15000,
    replicas: 7,
    usage: 31666,
  },
  {
    name: "TestReplicaCalcScaleDownCM",
    currentReplicas: 5,
    levels: [12000, 12000, 12000, 12000, 12000],
    target: 20000,
    replicas: 3,
    usage: 12000,
  },
  {
    name: "TestReplicaCalcToleranceCM",
    currentReplicas: 3,
    levels: [20000, 21000, 21000],
    target: 20000,
    replicas: 3,
    usage: 20666,
  },
  {
    name: "TestReplicaCalcConfigurableToleranceCM",
    tolerances: { scaleDown: 0.1, scaleUp: 0.01 },
    currentReplicas: 3,
    levels: [20000, 21000, 21000],
    target: 20000,
    replicas: 4,
    usage: 20666,
  },
  {
    name: "TestPlainMetricReplicaCalcMissingMetricsNoChangeEq",
    currentReplicas: 5,
    levels: [20000, 19000, 21000],
    target: 20000,
    replicas: 5,
    usage: 20000,
  },
  {
    name: "TestReplicaCalcDuringRollingUpdateWithMaxSurgeCM",
    currentReplicas: 2,
    podPhase: ["Running", "Running", "Running"],
    levels: [10000, 10000],
    target: 17000,
    replicas: 2,
    usage: 10000,
  },
];

describe("getMetricReplicas (upstream pods-metric cases)", () => {
  it.each(podsMetricCases)("$name", (c) => {
    const r = getMetricReplicas({
      ...TIMING,
      currentReplicas: c.currentReplicas,
      targetUsage: c.target,
      pods: buildPods(c),
      metrics: podMetrics(c.levels, false),
      tolerances: c.tolerances,
    });
    expect(r).toEqual({ ok: true, replicas: c.replicas, usage: c.usage });
  });
});

describe("object and external metrics (upstream cases)", () => {
  const pods3 = (readiness?: boolean[]) => buildPods({ currentReplicas: 3, podReadiness: readiness });
  it("TestReplicaCalcScaleUpCMObject", () => {
    expect(
      getObjectMetricReplicas({ currentReplicas: 3, usage: 20000, targetUsage: 15000, pods: pods3() }),
    ).toEqual({
      ok: true,
      replicas: 4,
      usage: 20000,
    });
  });
  it("TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods (15 if unready pods counted)", () => {
    expect(
      getObjectMetricReplicas({
        currentReplicas: 3,
        usage: 50000,
        targetUsage: 10000,
        pods: pods3([F, T, F]),
      }),
    ).toEqual({ ok: true, replicas: 5, usage: 50000 });
  });
  it("TestReplicaCalcToleranceCMObject", () => {
    expect(
      getObjectMetricReplicas({ currentReplicas: 3, usage: 20666, targetUsage: 20000, pods: pods3() }),
    ).toEqual({
      ok: true,
      replicas: 3,
      usage: 20666,
    });
  });
  it("TestReplicaCalcScaleUpCMPerPodObject", () => {
    expect(
      getObjectPerPodMetricReplicas({ statusReplicas: 3, usage: 20000, targetAverageUsage: 5000 }),
    ).toEqual({
      replicas: 4,
      usage: 6667,
    });
  });
  it("TestReplicaCalcScaleDownPerPodCMObject", () => {
    expect(
      getObjectPerPodMetricReplicas({ statusReplicas: 5, usage: 6000, targetAverageUsage: 2000 }),
    ).toEqual({
      replicas: 3,
      usage: 1200,
    });
  });
  it("TestReplicaCalcTolerancePerPodCMObject / ConfigurableTolerancePerPodCMObject", () => {
    expect(
      getObjectPerPodMetricReplicas({ statusReplicas: 4, usage: 20166, targetAverageUsage: 5000 }),
    ).toEqual({
      replicas: 4,
      usage: 5042,
    });
    expect(
      getObjectPerPodMetricReplicas({
        statusReplicas: 4,
        usage: 20208,
        targetAverageUsage: 5000,
        tolerances: { scaleDown: 0.1, scaleUp: 0.01 },
      }),
    ).toEqual({ replicas: 5, usage: 5052 });
  });
  it("TestReplicaCalcScaleUpCMExternal", () => {
    const r = getExternalMetricReplicas({
      currentReplicas: 1,
      samples: [8600],
      targetUsage: 4400,
      pods: buildPods({ currentReplicas: 1 }),
    });
    expect(r).toEqual({ ok: true, replicas: 2, usage: 8600 });
  });
  it("TestReplicaCalcScaleUpCMExternalIgnoresUnreadyPods (6 if unready pods counted)", () => {
    const r = getExternalMetricReplicas({
      currentReplicas: 3,
      samples: [8600],
      targetUsage: 4400,
      pods: pods3([F, T, F]),
    });
    expect(r).toEqual({ ok: true, replicas: 2, usage: 8600 });
  });
  it("TestReplicaCalcScaleDownCMExternal / ToleranceCMExternal", () => {
    expect(
      getExternalMetricReplicas({
        currentReplicas: 5,
        samples: [8600],
        targetUsage: 14334,
        pods: buildPods({ currentReplicas: 5 }),
      }),
    ).toEqual({ ok: true, replicas: 3, usage: 8600 });
    expect(
      getExternalMetricReplicas({ currentReplicas: 3, samples: [8600], targetUsage: 8888, pods: pods3() }),
    ).toEqual({ ok: true, replicas: 3, usage: 8600 });
  });
  it("TestReplicaCalcScaleUpPerPodCMExternal / ScaleDownPerPodCMExternal / TolerancePerPodCMExternal", () => {
    expect(
      getExternalPerPodMetricReplicas({ statusReplicas: 3, samples: [8600], targetAverageUsage: 2150 }),
    ).toEqual({ replicas: 4, usage: 2867 });
    expect(
      getExternalPerPodMetricReplicas({ statusReplicas: 5, samples: [8600], targetAverageUsage: 2867 }),
    ).toEqual({ replicas: 3, usage: 1720 });
    expect(
      getExternalPerPodMetricReplicas({ statusReplicas: 3, samples: [8600], targetAverageUsage: 2900 }),
    ).toEqual({ replicas: 3, usage: 2867 });
  });
  it("scale from zero: currentReplicas 0 uses ceil(ratio) without tolerance", () => {
    expect(getObjectMetricReplicas({ currentReplicas: 0, usage: 1050, targetUsage: 1000, pods: [] })).toEqual(
      { ok: true, replicas: 2, usage: 1050 },
    );
  });
});

describe("groupPods (TestGroupPods rows)", () => {
  const pod = (p: Partial<HpaPod> & { name: string }): HpaPod => ({
    phase: "Succeeded",
    ready: false,
    requests: {},
    ...p,
  });
  const sample = (timestampMs: number, windowMs: number): PodMetricSample => ({
    value: 1,
    timestampMs,
    windowMs,
  });
  const cases: {
    name: string;
    pod: HpaPod;
    metric?: PodMetricSample;
    resource: "cpu" | "memory";
    ready: number;
    unready?: boolean;
    missing?: boolean;
    ignored?: boolean;
  }[] = [
    {
      name: "count in a ready pod - memory",
      pod: pod({ name: "p" }),
      metric: sample(NOW, 60_000),
      resource: "memory",
      ready: 1,
    },
    {
      name: "unready a pod without ready condition - CPU",
      pod: pod({ name: "p", startTimeMs: NOW }),
      metric: sample(0, 0),
      resource: "cpu",
      ready: 0,
      unready: true,
    },
    {
      name: "count in a ready pod with fresh metrics during initialization period - CPU",
      pod: pod({ name: "p", startTimeMs: NOW - 60_000, ready: true, readyTransitionMs: NOW - 30_000 }),
      metric: sample(NOW, 30_000),
      resource: "cpu",
      ready: 1,
    },
    {
      name: "unready a ready pod without fresh metrics during initialization period - CPU",
      pod: pod({ name: "p", startTimeMs: NOW - 60_000, ready: true, readyTransitionMs: NOW - 30_000 }),
      metric: sample(NOW, 60_000),
      resource: "cpu",
      ready: 0,
      unready: true,
    },
    {
      name: "unready an unready pod during initialization period - CPU",
      pod: pod({ name: "p", startTimeMs: NOW - 600_000, ready: false, readyTransitionMs: NOW - 594_000 }),
      metric: sample(0, 0),
      resource: "cpu",
      ready: 0,
      unready: true,
    },
    {
      name: "count in a ready pod without fresh metrics after initialization period - CPU",
      pod: pod({ name: "p", startTimeMs: NOW - 180_000, ready: true, readyTransitionMs: NOW - 180_000 }),
      metric: sample(NOW - 120_000, 60_000),
      resource: "cpu",
      ready: 1,
    },
    {
      name: "count in an unready pod that was ready after initialization period - CPU",
      pod: pod({ name: "p", startTimeMs: NOW - 600_000, ready: false, readyTransitionMs: NOW - 540_000 }),
      metric: sample(0, 0),
      resource: "cpu",
      ready: 1,
    },
    {
      name: "unready pod that has never been ready after initialization period - CPU",
      pod: pod({ name: "p", startTimeMs: NOW - 600_000, ready: false, readyTransitionMs: NOW - 590_000 }),
      metric: sample(0, 0),
      resource: "cpu",
      ready: 1,
    },
    {
      name: "a missing pod",
      pod: pod({ name: "p", startTimeMs: NOW - 180_000 }),
      resource: "cpu",
      ready: 0,
      missing: true,
    },
    {
      name: "pending pods are unreadied",
      pod: pod({ name: "p", phase: "Pending" }),
      resource: "cpu",
      ready: 0,
      unready: true,
    },
    {
      name: "ignore pods with deletion timestamps",
      pod: pod({ name: "p", phase: "Pending", deleting: true }),
      metric: sample(0, 0),
      resource: "cpu",
      ready: 0,
      ignored: true,
    },
    {
      name: "ignore pods in a failed state",
      pod: pod({ name: "p", phase: "Failed" }),
      metric: sample(0, 0),
      resource: "cpu",
      ready: 0,
      ignored: true,
    },
  ];
  it.each(cases)("$name", (c) => {
    const metrics = new Map<string, PodMetricSample>();
    if (c.metric) metrics.set(c.pod.name, c.metric);
    // The never-ready row sits on the delay boundary (start 10 min ago + 10 s delay = transition time):
    // start + delay is not After(transition), so upstream counts the pod as ready.
    const g = groupPods([c.pod], metrics, c.resource, TIMING);
    expect(g.readyPodCount).toBe(c.ready);
    expect(g.unready.has("p")).toBe(c.unready ?? false);
    expect(g.missing.has("p")).toBe(c.missing ?? false);
    expect(g.ignored.has("p")).toBe(c.ignored ?? false);
  });
});

describe("replica calculator invariants", () => {
  it("never scales against the direction of the measured usage ratio (all pods running)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ready: fc.boolean(),
            hot: fc.boolean(),
            hasMetric: fc.boolean(),
            usage: fc.integer({ min: 0, max: 4000 }),
            request: fc.integer({ min: 100, max: 2000 }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        fc.integer({ min: 1, max: 200 }),
        (spec, target) => {
          const pods: HpaPod[] = spec.map((s, i) => ({
            name: `p${i}`,
            phase: "Running",
            ready: s.ready,
            startTimeMs: s.hot ? NOW : COOL,
            readyTransitionMs: 0,
            requests: { cpu: s.request },
          }));
          const metrics = new Map<string, PodMetricSample>();
          spec.forEach((s, i) => {
            if (s.hasMetric) metrics.set(`p${i}`, { value: s.usage, timestampMs: 0, windowMs: 60_000 });
          });
          const r = getResourceReplicas({
            ...TIMING,
            currentReplicas: pods.length,
            targetUtilization: target,
            resource: "cpu",
            pods,
            metrics,
          });
          if (!r.ok) return;
          const ratio = r.utilization / target;
          if (ratio > 1) expect(r.replicas).toBeGreaterThanOrEqual(pods.length);
          if (ratio < 1) expect(r.replicas).toBeLessThanOrEqual(pods.length);
          if (Math.abs(ratio - 1) <= 0.1) expect(r.replicas).toBe(pods.length);
        },
      ),
    );
  });
});
