// ReplicaSet scale-down: which pods the Deployment deletes when its replicas drop. Upstream: getPodsToDelete in
// kubernetes/kubernetes pkg/controller/replicaset/replica_set.go ranks the active pods by related pods on the same
// node and sorts them with ActivePodsWithRanks.Less (pkg/controller/controller_utils.go; cases in
// controller_utils_test.go TestSortingActivePodsWithRanks); documented at
// https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#scaling-a-replicaset.
// Pod states are set field by field, as the upstream tests build pod objects.
import { describe, expect, it } from "vitest";
import { Simulation } from "../../../src/engine/sim.js";
import { Deployment, type Pod, type PodHost } from "../../../src/models/k8s/deployment.js";

/** A host that never places pods by itself (the test binds them). */
class ManualHost implements PodHost {
  place(): void {}
  release(): void {}
  warmPlace(): void {}
  colocated(): number {
    return 0;
  }
}

interface PodState {
  /** Node the pod is bound to; undefined = unscheduled. */
  node?: number;
  running?: boolean;
  /** Time the Ready condition turned true, seconds; undefined = not ready. */
  readyAt?: number;
  /** Creation time, seconds. */
  created: number;
}

/** A Deployment whose pods are in the given states; returns the names deleted when scaled down by `remove`. */
function scaleDown(states: PodState[], remove: number): string[] {
  const sim = new Simulation(1);
  const d = new Deployment(sim, new ManualHost(), {
    name: "rs",
    replicas: 0,
    readinessProbe: { initialDelaySeconds: 0, periodSeconds: 10, successThreshold: 1 },
    terminationGraceMs: 30_000,
    targetGroup: { healthCheckInterval: 15_000, healthyThreshold: 2, deregistrationDelay: 300_000 },
    inFlightDrain: () => 0,
  });
  // Create in order of creation time so that ids follow it; then set each pod's state.
  const order = states.map((s, i) => ({ s, i })).sort((a, b) => a.s.created - b.s.created || a.i - b.i);
  const byIndex = new Map<number, Pod>();
  for (const { s, i } of order) {
    sim.run(s.created * 1000);
    d.setReplicas(d.replicas + 1);
    byIndex.set(i, d.pods[d.pods.length - 1]);
  }
  states.forEach((s, i) => {
    const p = byIndex.get(i)!;
    (p as { name: string }).name = `p${i}`;
    if (s.node !== undefined) {
      p.nodeId = s.node;
      p.boundAt = p.startTime = p.createdAt;
    }
    if (s.running) p.runningAt = p.createdAt;
    if (s.readyAt !== undefined) p.readyAt = s.readyAt * 1000;
  });
  d.setReplicas(d.replicas - remove);
  return d.pods.filter((p) => p.deletingAt !== undefined).map((p) => p.name);
}

const ready = (node: number, created: number, readyAt = created + 10): PodState => ({
  node,
  running: true,
  readyAt,
  created,
});

describe("ReplicaSet scale-down order (ActivePodsWithRanks)", () => {
  it("1. unassigned before assigned, even when the assigned pod is newer", () => {
    expect(scaleDown([{ created: 0 }, ready(1, 100)], 1)).toEqual(["p0"]);
  });

  it("2. Pending (bound, containers not started) before Running", () => {
    expect(scaleDown([{ node: 1, created: 0 }, ready(1, 100)], 1)).toEqual(["p0"]);
  });

  it("3. not ready before ready", () => {
    expect(scaleDown([{ node: 1, running: true, created: 0 }, ready(2, 100)], 1)).toEqual(["p0"]);
  });

  it("4. doubled up first: a pod on a node with more active pods of the set", () => {
    // Node 1 holds two pods, node 2 one (the newest pod overall): one of node 1's goes.
    const states = [ready(1, 0), ready(1, 10), ready(2, 100)];
    expect(scaleDown(states, 1)).toEqual(["p1"]);
  });

  it("4. the rank counts active pods only: terminating pods do not make a node crowded", () => {
    // Scale 4 -> 3 deletes from node 1 (two pods); then 3 -> 2 compares node 1 (one active) with node 2 (two).
    const states = [ready(1, 0), ready(1, 10), ready(2, 20), ready(2, 30)];
    // First victim: the newest of the doubled-up ones, with equal ranks (2 and 2) -> newest ready: p3.
    expect(scaleDown(states, 1)).toEqual(["p3"]);
    // Two at once: after p3 goes, node 2 has one active pod and node 1 two -> p1.
    expect(scaleDown(states, 2).sort()).toEqual(["p1", "p3"]);
  });

  it("6. among ready pods the most recently ready goes first, even if it was created earlier", () => {
    // p0 created first but ready last (a slow image pull); p1 created later, ready earlier.
    expect(scaleDown([ready(1, 0, 200), ready(2, 50, 60)], 1)).toEqual(["p0"]);
  });

  it("8. otherwise the newest pod goes first", () => {
    expect(scaleDown([{ created: 0 }, { created: 30 }, { created: 10 }], 2).sort()).toEqual(["p1", "p2"]);
  });

  it("scaling to zero deletes every pod, whatever their states", () => {
    const states = [{ created: 0 }, { node: 1, created: 5 }, ready(1, 10), ready(2, 20)];
    expect(scaleDown(states, 4).sort()).toEqual(["p0", "p1", "p2", "p3"]);
  });
});
