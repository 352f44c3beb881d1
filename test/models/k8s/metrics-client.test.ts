// The HPA reads its metrics through upstream's MetricsClient interface (src/models/k8s/metrics-client.ts,
// after kubernetes/kubernetes pkg/controller/podautoscaler/metrics/interfaces.go,
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/podautoscaler/metrics/interfaces.go),
// so a test gives the controller upstream's reported levels directly, as horizontal_test.go's fake client does.
import { describe, expect, it } from "vitest";
import { Simulation } from "../../../src/engine/sim.js";
import { Deployment } from "../../../src/models/k8s/deployment.js";
import { InstantHost } from "../../helpers/k8s-hosts.js";
import { HpaController, type HpaMetricSpec } from "../../../src/models/k8s/hpa-controller.js";
import type { MetricsClient, PodMetricsInfo } from "../../../src/models/k8s/metrics-client.js";

/** horizontal_test.go's fake metrics: one level per pod, in the order of the pods. */
function fakeClient(d: Deployment, levels: number[], external?: number): MetricsClient {
  const info = (): PodMetricsInfo =>
    new Map(d.pods.map((p, i) => [p.name, { value: levels[i], timestampMs: 0, windowMs: 60_000 }]));
  return {
    getResourceMetric: info,
    getRawMetric: info,
    getExternalMetric: () => (external === undefined ? null : { values: [external], value: external / 1000 }),
  };
}

function sync(metric: HpaMetricSpec, levels: number[], external?: number) {
  const sim = new Simulation(1);
  const d = new Deployment(sim, new InstantHost(sim), {
    name: "web",
    replicas: levels.length,
    readinessProbe: { initialDelaySeconds: 0, periodSeconds: 10, successThreshold: 1 },
    terminationGraceMs: 30_000,
    targetGroup: { healthCheckInterval: 15_000, healthyThreshold: 2, deregistrationDelay: 300_000 },
    inFlightDrain: () => 0,
  });
  d.warmStart(0);
  const hpa = new HpaController(
    sim,
    d,
    {
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [metric],
      behavior: {},
      syncPeriodMs: 15_000,
      tolerance: 0.1,
      cpuInitializationPeriodMs: 0,
      initialReadinessDelayMs: 0,
    },
    fakeClient(d, levels, external),
    { cpuMilli: 1000, memoryMiB: 256 },
    () => {},
  );
  return hpa.proposals(15_000)[0];
}

describe("HPA over a MetricsClient (metrics/interfaces.go)", () => {
  it("TestScaleUp: 3 pods of 1 CPU at 300m, 500m, 700m against 30 % -> 5 (GetResourceMetric)", () => {
    // (300 + 500 + 700) / 3000 = 50 %; 3 × 50 / 30 = 5.
    const p = sync({ type: "Resource", name: "cpu", utilization: 30 }, [300, 500, 700]);
    expect(p).toMatchObject({ proposal: 5, value: 50 });
  });

  it("TestScaleUpCM: pods metric 20000m, 10000m, 30000m against 15000m -> 4 (GetRawMetric)", () => {
    // Average 20000m over a target of 15000m: ceil(3 × 20/15) = 4.
    const p = sync({ type: "Pods", averageValueMilli: 15_000 }, [20_000, 10_000, 30_000]);
    expect(p.proposal).toBe(4);
  });

  it("no external value yet: no proposal (upstream: GetExternalMetric returns an error)", () => {
    const p = sync({ type: "External", valueMilli: 1000 }, [0, 0, 0]);
    expect(p).toMatchObject({ proposal: null, value: undefined });
  });
});
