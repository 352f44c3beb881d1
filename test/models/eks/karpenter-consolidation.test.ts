// Karpenter's single-node consolidation through the controller (src/models/eks/karpenter-controller.ts):
// a node is replaced when its pods fit on "a combination of the other nodes in the cluster and a single lower
// price replacement node" (https://karpenter.sh/docs/concepts/disruption/#consolidation), so the replacement is
// sized for the pods the other nodes cannot take, not for all of them.
import { describe, expect, it } from "vitest";
import { Simulation } from "../../../src/engine/sim.js";
import { CostLedger } from "../../../src/models/billing/ledger.js";
import { InstanceLaunchModel } from "../../../src/models/ec2/instance-launch.js";
import { KarpenterController } from "../../../src/models/eks/karpenter-controller.js";
import { Cluster } from "../../../src/models/k8s/cluster.js";
import { Deployment } from "../../../src/models/k8s/deployment.js";
import { allowedOfferings } from "../../../src/models/k8s/karpenter.js";
import { TYPES } from "./catalogue-candidates.js";
import { controllerLog } from "../../helpers/decisions.js";

const POD = { cpuMilli: 500, memoryMiB: 1024 };

describe("Karpenter consolidation: free capacity elsewhere plus one cheaper node", () => {
  it("two c6i.xlarge holding 4 and 5 pods: the first is replaced by a c6i.large for 3 pods (1 fits on the other)", () => {
    const sim = new Simulation(1);
    const cluster = new Cluster(sim, {
      request: POD,
      strategy: "LeastAllocated",
      imagePullMs: () => 0,
      containerStartMs: () => 0,
    });
    // On-Demand c6i.large ($0.085/h, 3 such pods) and c6i.xlarge ($0.17/h, 6 pods).
    const offerings = allowedOfferings(
      TYPES,
      ["us-east-1a"],
      [{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["c6i.large", "c6i.xlarge"] }],
      0.4,
    );
    const { decisions, log } = controllerLog("karpenter");
    const launch = { distribution: "deterministic" as const, mean: 30_000, cv: 0 };
    const k = new KarpenterController(
      sim,
      cluster,
      {
        nodePool: "default",
        offerings,
        consolidationPolicy: "WhenEmptyOrUnderutilized",
        consolidateAfterMs: 0,
        budgets: [{ nodes: "10%" }],
        expireAfterMs: null,
        batchIdleMs: 1000,
        batchMaxMs: 10_000,
        limitCpuMilli: Number.POSITIVE_INFINITY,
        limitMemoryMiB: Number.POSITIVE_INFINITY,
        spotPriceFactor: 0.4,
        spotInterruptionFrequency: 0,
        rootVolumeGb: 20,
        ebsPerGbMonth: 0.08,
        drainMs: 31_000,
        disruptionPollMs: 10_000,
      },
      new InstanceLaunchModel(launch, launch, sim.rng("launch")),
      new CostLedger(30),
      { interruptions: sim.rng("spot") },
      log,
    );
    // 12 pods: two c6i.xlarge, both full; then 3 pods go (ReplicaSet order: the node with more pods first).
    k.warmStart(0, 12);
    const d = new Deployment(sim, cluster, {
      name: "web",
      replicas: 12,
      readinessProbe: { initialDelaySeconds: 0, periodSeconds: 10, successThreshold: 1 },
      terminationGraceMs: 30_000,
      targetGroup: { healthCheckInterval: 15_000, healthyThreshold: 2, deregistrationDelay: 300_000 },
      inFlightDrain: () => 0,
    });
    cluster.attach(d);
    d.warmStart(0);
    d.setReplicas(9);
    sim.run(0);
    const counts = cluster.nodes.map((n) => n.podCount).sort();
    expect(counts).toEqual([4, 5]);
    k.start();
    sim.run(5 * 60_000);
    const acts = decisions.filter((x) => x.action.startsWith("consolidate"));
    // The 4-pod node first (fewest pods): 1 of its pods fits in the other node's free slot; c6i.xlarge would
    // be needed for all 4 and is no cheaper, but c6i.large holds the other 3 for half the price.
    expect(acts[0].action).toBe("consolidate-replace");
    expect(acts[0].reason).toContain(
      "→ c6i.large on-demand $0.0850/h for 3 of its 4 pods (1 fit on other nodes)",
    );
  });
});
