// Drain before terminate (issue 12, item 8): when the Cluster Autoscaler removes a node that still runs pods
// in the same pass as empty nodes, the pods are evicted first and the instance is terminated only after
// their termination grace period (at most --max-graceful-termination-sec); the empty nodes go at once.
// https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md#does-ca-respect-gracefulterminationperiod-in-pod-scale-down
import { describe, expect, it } from "vitest";
import { Simulation } from "../../../src/engine/sim.js";
import { CostLedger } from "../../../src/models/billing/ledger.js";
import { EksNodeGroup } from "../../../src/models/eks/node-group.js";
import { Cluster } from "../../../src/models/k8s/cluster.js";
import { Deployment } from "../../../src/models/k8s/deployment.js";

const GRACE_MS = 30_000;
/** As the EKS platform sets it: the pods' grace period (capped at 600 s) plus one second. */
const DRAIN_MS = GRACE_MS + 1000;

function setup() {
  const sim = new Simulation(1);
  const cluster = new Cluster(sim, {
    request: { cpuMilli: 1000, memoryMiB: 2048 },
    strategy: "LeastAllocated",
    imagePullMs: () => 0,
    containerStartMs: () => 0,
  });
  const launch = { distribution: "deterministic" as const, mean: 60_000, cv: 0 };
  const g = new EksNodeGroup(
    sim,
    cluster,
    {
      name: "ng1",
      managed: true,
      instanceTypes: ["m6i.large"],
      capacityType: "ON_DEMAND",
      minSize: 0,
      maxSize: 10,
      desiredSize: 3,
      diskSizeGb: 20,
      onDemandPerHour: { "m6i.large": 0.096 },
      spotDiscount: 0.6,
      spotInterruptionFrequency: 0,
      ebsPerGbMonth: 0.08,
      pending: launch,
      join: launch,
      availabilityZones: ["us-east-1a"],
    },
    new CostLedger(10),
    { launch: sim.rng("l"), interruptions: sim.rng("i"), termination: sim.rng("t") },
    DRAIN_MS,
  );
  g.warmStart(0, 3);
  // One pod: LeastAllocated puts it on the first node (ties go to the first); the other two stay empty.
  const d = new Deployment(sim, cluster, {
    name: "web",
    replicas: 1,
    readinessProbe: { initialDelaySeconds: 0, periodSeconds: 10, successThreshold: 1 },
    terminationGraceMs: GRACE_MS,
    targetGroup: { healthCheckInterval: 15_000, healthyThreshold: 2, deregistrationDelay: 300_000 },
    inFlightDrain: () => Number.POSITIVE_INFINITY,
  });
  cluster.attach(d);
  d.warmStart(0);
  return { sim, cluster, g, d };
}

describe("node group scale-down: drain before terminate", () => {
  it("a busy node removed with two empty ones in the same pass is terminated only after its pod's grace period", () => {
    const { sim, cluster, g, d } = setup();
    const [busy, empty1, empty2] = g.nodes();
    expect([busy.podCount, empty1.podCount, empty2.podCount]).toEqual([1, 0, 0]);
    const pod = d.pods[0];
    sim.at(60_000, () => {
      g.deleteNode(busy);
      g.deleteNode(empty1);
      g.deleteNode(empty2);
    });
    sim.run(60_000);
    // The empty nodes are gone at once; the busy one is cordoned, its pod terminating.
    expect(cluster.nodes).toEqual([busy]);
    expect(busy.cordoned).toBe(true);
    expect(pod.deletingAt).toBe(60_000);
    sim.run(60_000 + DRAIN_MS - 1);
    expect(cluster.nodes).toEqual([busy]);
    // The pod's grace period (30 s: its in-flight requests never finish) ends before the node goes.
    expect(pod.stoppedAt).toBe(60_000 + GRACE_MS);
    sim.run(60_000 + DRAIN_MS);
    expect(cluster.nodes).toEqual([]);
    expect(g.targetSize()).toBe(0);
  });
});
