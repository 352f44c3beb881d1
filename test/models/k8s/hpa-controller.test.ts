// The stateful HPA controller (src/models/k8s/hpa-controller.ts) driven by the simulation clock: a Deployment
// with pods, metrics-server samples from a CPU load, and the controller's 15 s sync. Cases reproduce the
// controller tests of kubernetes/kubernetes pkg/controller/podautoscaler/horizontal_test.go
// (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/podautoscaler/horizontal_test.go) and
// the default behaviour documented at
// https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#default-behavior.
//
// Upstream gives each pod its own CPU level; a Resource utilisation target only sees the sum of usage over
// the sum of requests (replica_calculator.go GetResourceUtilizationRatio), so here a total load is spread
// evenly over the pods in service and the sums are the upstream ones.
import { describe, expect, it } from "vitest";
import { Phase, Simulation } from "../../../src/engine/sim.js";
import type { TimeMs } from "../../../src/engine/time.js";
import { Deployment } from "../../../src/models/k8s/deployment.js";
import { InstantHost } from "../../helpers/k8s-hosts.js";
import type { Behavior } from "../../../src/models/k8s/hpa-behavior.js";
import { HpaController, PodMetricsScraper } from "../../../src/models/k8s/hpa-controller.js";
import { controllerLog } from "../../helpers/decisions.js";

const SYNC = 15_000;

interface Setup {
  replicas: number;
  /** Per-pod CPU request and limit, millicores. */
  requestMilli: number;
  limitMilli: number;
  /** Total vCPU the workload burns at time t, given the pods in service (spread evenly over them). */
  load: (t: TimeMs, inService: number) => number;
  minReplicas: number;
  maxReplicas: number;
  targetUtilization: number;
  behavior?: Behavior;
  /** Pods deleted at t = 0 without the ReplicaSet resyncing (the pod lister returns fewer pods than the scale). */
  deleteAtStart?: number;
}

function harness(s: Setup) {
  const sim = new Simulation(1);
  const { decisions, log } = controllerLog("hpa");
  const d = new Deployment(sim, new InstantHost(sim), {
    name: "web",
    replicas: s.replicas,
    readinessProbe: { initialDelaySeconds: 0, periodSeconds: 10, successThreshold: 1 },
    terminationGraceMs: 30_000,
    targetGroup: { healthCheckInterval: 15_000, healthyThreshold: 2, deregistrationDelay: 300_000 },
    inFlightDrain: () => 0,
  });
  d.warmStart(0);
  for (let i = 0; i < (s.deleteAtStart ?? 0); i++) d.deletePod(d.pods[d.pods.length - 1 - i], 0);
  // The workload's CPU counter, integrated between events.
  let cpu = 0;
  let last = 0;
  sim.addContinuous({
    advanceTo(t) {
      const busy = Math.min(s.load(last, d.inServiceCount), (d.inServiceCount * s.limitMilli) / 1000);
      cpu += (busy * (t - last)) / 1000;
      last = t;
    },
  });
  const scraper = new PodMetricsScraper(
    sim,
    d,
    () => ({ cpuSecondsUsed: cpu, arrived: 0, served: 0 }),
    {
      capacityVcpu: s.limitMilli / 1000,
      cpuIdle: 0,
      memoryBaselineMiB: 0,
      memoryPerInFlightMiB: 0,
      serviceMeanMs: 50,
    },
    SYNC,
  );
  const hpa = new HpaController(
    sim,
    d,
    {
      minReplicas: s.minReplicas,
      maxReplicas: s.maxReplicas,
      metrics: [{ type: "Resource", name: "cpu", utilization: s.targetUtilization }],
      // autoscaling/v2 defaulting always fills a behavior (SetDefaults_HorizontalPodAutoscalerBehavior).
      behavior: s.behavior ?? {},
      syncPeriodMs: SYNC,
      tolerance: 0.1,
      cpuInitializationPeriodMs: 300_000,
      initialReadinessDelayMs: 30_000,
    },
    scraper,
    { cpuMilli: s.requestMilli, memoryMiB: 256 },
    log,
  );
  scraper.start();
  hpa.start();
  /** Replicas (scale.spec.replicas) after each sync up to `untilMs`, by sync time in seconds. */
  const trace = new Map<number, number>();
  sim.every(SYNC, (t) => trace.set(t / 1000, d.replicas), Phase.record);
  return { sim, d, hpa, decisions, trace };
}

// generateScalingRules(0, 0, 700, 60, 0) of horizontal_test.go: one Percent policy, 700 % per 60 s, no window.
const UP_700_PER_60S: Behavior = {
  scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: "Percent", value: 700, periodSeconds: 60 }] },
};

describe("HPA controller cases (horizontal_test.go) through the stateful controller", () => {
  // 3 pods of 100m, usage 100 + 200 + 300 = 600m: 200 % against a 10 % target -> raw 60.
  const upscale = (maxReplicas: number) =>
    harness({
      replicas: 3,
      requestMilli: 100,
      limitMilli: 300,
      load: () => 0.6,
      minReplicas: 1,
      maxReplicas,
      targetUtilization: 10,
      behavior: UP_700_PER_60S,
    });

  it("TestUpscaleCap: raw 60 is capped to 3 × 8 = 24 by the 700 %/60 s rule (ScalingLimited/ScaleUpLimit)", () => {
    const h = upscale(100);
    h.sim.run(15_000);
    expect(h.d.replicas).toBe(24);
    expect(h.hpa.status.scalingLimited).toMatchObject({ status: true, reason: "ScaleUpLimit" });
    expect(h.decisions[0]).toMatchObject({ t: 15, from: 3, to: 24 });
    expect(h.decisions[0].reason).toContain("cpu utilization 200 (3 counted) → 60");
    // The controller remembers the +21 within the 60 s period: nothing more until that event leaves it.
    h.sim.run(60_000);
    expect([...h.trace.entries()].slice(0, 4)).toEqual([
      [15, 24],
      [30, 24],
      [45, 24],
      [60, 24],
    ]);
    expect(h.decisions).toHaveLength(1);
  });

  it("TestUpscaleCapGreaterThanMaxReplicas: maxReplicas 20 wins over the cap of 24 (TooManyReplicas)", () => {
    const h = upscale(20);
    h.sim.run(15_000);
    expect(h.d.replicas).toBe(20);
    expect(h.hpa.status.scalingLimited).toMatchObject({ status: true, reason: "TooManyReplicas" });
  });

  it("TestMissingReports: scale 4, one pod reporting 200m on a 200m request, target 50 % -> 2", () => {
    // Upstream starts with an empty recommendation history; with no scale-down window the same holds here.
    const noWindow = harness({
      replicas: 4,
      requestMilli: 200,
      limitMilli: 400,
      load: () => 0.2,
      minReplicas: 1,
      maxReplicas: 5,
      targetUtilization: 50,
      behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
      deleteAtStart: 3,
    });
    noWindow.sim.run(15_000);
    expect(noWindow.decisions[0]).toMatchObject({ t: 15, from: 4, to: 2 });
    expect(noWindow.decisions[0].reason).toContain("cpu utilization 100 (1 counted) → 2");
    // The live controller seeds its history with the current scale (recordInitialRecommendation), so with the
    // default 300 s window the same proposal lands once the seed at 15 s has left the window: at 315 s.
    const seeded = harness({
      replicas: 4,
      requestMilli: 200,
      limitMilli: 400,
      load: () => 0.2,
      minReplicas: 1,
      maxReplicas: 5,
      targetUtilization: 50,
      deleteAtStart: 3,
    });
    seeded.sim.run(330_000);
    expect(seeded.trace.get(300)).toBe(4);
    expect(seeded.trace.get(315)).toBe(2);
    expect(seeded.decisions.map((x) => [x.t, x.to])).toEqual([[315, 2]]);
  });

  it("TestConvertDesiredReplicasWithRules: (current 5, desired 7, min 3, max 8) -> 7, DesiredWithinRange", () => {
    // 5 pods of 1000m at 70 % against 50 % -> ceil(5 × 1.4) = 7.
    const h = harness({
      replicas: 5,
      requestMilli: 1000,
      limitMilli: 1000,
      load: () => 3.5,
      minReplicas: 3,
      maxReplicas: 8,
      targetUtilization: 50,
    });
    h.sim.run(15_000);
    expect(h.d.replicas).toBe(7);
    expect(h.hpa.status.scalingLimited).toMatchObject({ status: false, reason: "DesiredWithinRange" });
  });

  it("TestConvertDesiredReplicasWithRules: (current 3, desired 1, min 2, max 8) -> 2, TooFewReplicas", () => {
    // 3 pods at 10 % against 50 % -> ceil(3 × 0.2) = 1, below minReplicas 2 (no recommendation history, as upstream).
    const h = harness({
      replicas: 3,
      requestMilli: 1000,
      limitMilli: 1000,
      load: () => 0.3,
      minReplicas: 2,
      maxReplicas: 8,
      targetUtilization: 50,
      behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
    });
    h.sim.run(15_000);
    expect(h.d.replicas).toBe(2);
    expect(h.hpa.status.scalingLimited).toMatchObject({ status: true, reason: "TooFewReplicas" });
  });
});

describe("default behavior (HPA v2 docs) on the controller's 15 s sync", () => {
  it("scale-up: no window, max(4 pods, 100 %) per 15 s: 2 -> 6 -> 12 -> 24 -> 48 -> 96 -> 192 -> 200 (max)", () => {
    // Every pod in service burns its 1000m limit against a 100m request (1000 %, target 50 %): the raw proposal
    // always exceeds what the rate policies allow, so the policies alone set the pace.
    const h = harness({
      replicas: 2,
      requestMilli: 100,
      limitMilli: 1000,
      load: (_t, inService) => inService * 1.0,
      minReplicas: 2,
      maxReplicas: 200,
      targetUtilization: 50,
    });
    h.sim.run(120_000);
    expect([...h.trace.values()]).toEqual([6, 12, 24, 48, 96, 192, 200, 200]);
    expect(h.decisions.map((x) => x.t)).toEqual([15, 30, 45, 60, 75, 90, 105]);
    expect(h.hpa.status.scalingLimited?.reason).toBe("TooManyReplicas");
  });

  it("scale-down: the 300 s window holds the highest recommendation; 100 %/15 s then allows the whole step", () => {
    // 10 pods of 1000m at exactly 50 % until 600 s (no change), then 10 % -> proposal ceil(10 × 0.2) = 2.
    const h = harness({
      replicas: 10,
      requestMilli: 1000,
      limitMilli: 1000,
      load: (t) => (t < 600_000 ? 5 : 1),
      minReplicas: 1,
      maxReplicas: 20,
      targetUtilization: 50,
    });
    h.sim.run(700_000);
    expect(h.d.replicas).toBe(10);
    expect(h.hpa.status.ableToScale).toMatchObject({ status: true, reason: "ScaleDownStabilized" });
    h.sim.run(930_000);
    // The last recommendation of 10 was made at 600 s (window [585, 600] s); it leaves the window at 900 s.
    expect(h.trace.get(885)).toBe(10);
    expect(h.trace.get(900)).toBe(2);
    expect(h.decisions.map((x) => [x.t, x.from, x.to])).toEqual([[900, 10, 2]]);
  });
});
