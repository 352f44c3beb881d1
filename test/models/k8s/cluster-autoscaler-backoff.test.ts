// Node-group back-off of the Cluster Autoscaler (src/models/k8s/ca-backoff.ts and the loop in
// cluster-autoscaler.ts). The pure part replays kubernetes/autoscaler
// cluster-autoscaler/utils/backoff/exponential_backoff_test.go
// (https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/utils/backoff/exponential_backoff_test.go);
// the loop follows clusterstate.go updateScaleRequests: a scale-up whose instances do not register within
// max-node-provision-time backs the group off (5 min, doubling, at most 30 min: the FAQ's flag defaults) and
// the next scale-up skips it, so another group is tried.
import { describe, expect, it } from "vitest";
import { Simulation } from "../../../src/engine/sim.js";
import type { TimeMs } from "../../../src/engine/time.js";
import {
  type BackoffConfig,
  type BackoffInfo,
  backoffAfterFailure,
  DEFAULT_BACKOFF,
  isBackedOff,
  isStale,
} from "../../../src/models/k8s/ca-backoff.js";
import { Cluster, type KNode } from "../../../src/models/k8s/cluster.js";
import { type CaNodeGroup, ClusterAutoscaler } from "../../../src/models/k8s/cluster-autoscaler.js";
import { Deployment } from "../../../src/models/k8s/deployment.js";
import { controllerLog } from "../../helpers/decisions.js";

const MIN = 60_000;

describe("exponential_backoff_test.go", () => {
  it("the FAQ defaults: initial 5 min, maximum 30 min, reset after 3 h", () => {
    expect(DEFAULT_BACKOFF).toEqual({ initialMs: 5 * MIN, maxMs: 30 * MIN, resetTimeoutMs: 180 * MIN });
  });

  it("TestBackoffTwoKeys: backed off 10 min from a failure at 1 min (initial 10 min)", () => {
    const cfg: BackoffConfig = { initialMs: 10 * MIN, maxMs: 60 * MIN, resetTimeoutMs: 180 * MIN };
    expect(isBackedOff(undefined, 0)).toBe(false);
    const b = backoffAfterFailure(undefined, 1 * MIN, cfg);
    expect(isBackedOff(b, 2 * MIN)).toBe(true);
    expect(isBackedOff(b, 11 * MIN)).toBe(false);
  });

  it("TestMaxBackoff: 1 min, then 2 min, then capped at 3 min (initial 1 min, max 3 min)", () => {
    const cfg: BackoffConfig = { initialMs: 1 * MIN, maxMs: 3 * MIN, resetTimeoutMs: 180 * MIN };
    let b: BackoffInfo = backoffAfterFailure(undefined, 0, cfg);
    expect(isBackedOff(b, 0)).toBe(true);
    expect(isBackedOff(b, 1 * MIN)).toBe(false);
    // At exactly 1 min the back-off ended at 1 min, which is not before 1 min: upstream keeps 1 min here.
    b = backoffAfterFailure(b, 1 * MIN, cfg);
    expect(isBackedOff(b, 1 * MIN)).toBe(true);
    expect(isBackedOff(b, 3 * MIN)).toBe(false);
    b = backoffAfterFailure(b, 3 * MIN, cfg);
    expect(isBackedOff(b, 3 * MIN)).toBe(true);
    expect(isBackedOff(b, 6 * MIN)).toBe(false);
  });

  it("TestResetStaleBackoffData: forgotten once the last failure is more than the reset timeout old", () => {
    const cfg: BackoffConfig = { initialMs: 1 * MIN, maxMs: 3 * MIN, resetTimeoutMs: 180 * MIN };
    const b1 = backoffAfterFailure(undefined, 0, cfg);
    const b2 = backoffAfterFailure(undefined, 60 * MIN, cfg);
    expect([isStale(b1, 60 * MIN, cfg), isStale(b2, 60 * MIN, cfg)]).toEqual([false, false]);
    expect([isStale(b1, 240 * MIN, cfg), isStale(b2, 240 * MIN, cfg)]).toEqual([true, false]);
    expect([isStale(b1, 300 * MIN, cfg), isStale(b2, 300 * MIN, cfg)]).toEqual([true, true]);
  });
});

/** An Auto Scaling group whose instances either join at once or never (a capacity shortage). */
class Group implements CaNodeGroup {
  readonly minSize = 0;
  readonly maxSize = 10;
  readonly launches: TimeMs[] = [];
  readonly increases: TimeMs[] = [];
  private size = 0;
  constructor(
    readonly id: string,
    private readonly sim: Simulation,
    private readonly cluster: Cluster,
    private readonly joins: boolean,
  ) {}
  readonly template = {
    cpuMilli: 1900,
    memoryMiB: 7000,
    pods: 29,
    vcpu: 2,
    memoryGiB: 8,
    pricePerHour: 0.096,
  };
  targetSize(): number {
    return this.size;
  }
  nodes(): KNode[] {
    return this.cluster.nodes.filter((n) => n.group === this.id);
  }
  upcoming(): TimeMs[] {
    return this.launches;
  }
  increaseSize(delta: number): void {
    this.size += delta;
    this.increases.push(this.sim.now);
    for (let i = 0; i < delta; i++) {
      if (!this.joins) {
        this.launches.push(this.sim.now);
        continue;
      }
      const id = this.cluster.newNodeId();
      this.cluster.addNode({
        id,
        name: `${this.id}-${id}`,
        group: this.id,
        type: "m6i.large",
        capacityType: "on-demand",
        zone: "z1",
        allocCpuMilli: this.template.cpuMilli,
        allocMemoryMiB: this.template.memoryMiB,
        allocPods: 29,
        usedCpuMilli: 0,
        usedMemoryMiB: 0,
        podCount: 0,
        cordoned: false,
        launchedAt: this.sim.now,
        readyAt: this.sim.now,
        lastPodEventAt: this.sim.now,
        pricePerHour: this.template.pricePerHour,
      });
    }
  }
  deleteNode(): void {}
  deleteUpcoming(): void {
    this.launches.shift();
    this.size--;
  }
}

/** One pending 1-vCPU pod; groups by name with whether their instances join; the priority expander prefers `first`. */
function setup(groups: { id: string; joins: boolean }[], first: string) {
  const sim = new Simulation(1);
  const cluster = new Cluster(sim, {
    request: { cpuMilli: 1000, memoryMiB: 2048 },
    strategy: "LeastAllocated",
    imagePullMs: () => 0,
    containerStartMs: () => 0,
  });
  const gs = groups.map((g) => new Group(g.id, sim, cluster, g.joins));
  const d = new Deployment(sim, cluster, {
    name: "web",
    replicas: 1,
    readinessProbe: { initialDelaySeconds: 0, periodSeconds: 10, successThreshold: 1 },
    terminationGraceMs: 30_000,
    targetGroup: { healthCheckInterval: 15_000, healthyThreshold: 2, deregistrationDelay: 300_000 },
    inFlightDrain: () => 0,
  });
  cluster.attach(d);
  d.reconcile();
  const { decisions, log } = controllerLog("cluster-autoscaler");
  const ca = new ClusterAutoscaler(
    sim,
    cluster,
    gs,
    {
      expanders: ["priority"],
      priorities: { "20": [`^${first}$`], "10": [".*"] },
      scanIntervalMs: 10_000,
      scaleDownEnabled: false,
      scaleDownUtilizationThreshold: 0.5,
      scaleDownUnneededTimeMs: 600_000,
      scaleDownDelayAfterAddMs: 600_000,
      scaleDownDelayAfterDeleteMs: 10_000,
      maxEmptyBulkDelete: 10,
      maxNodeProvisionTimeMs: 15 * MIN,
      maxNodesTotal: 0,
      maxCoresTotal: 320_000,
      maxMemoryGiBTotal: 6_400_000,
      maxNodesPerScaleUp: 1000,
    },
    sim.rng("cluster-autoscaler.expander"),
    log,
  );
  ca.start();
  return { sim, ca, groups: gs, decisions };
}

describe("Cluster Autoscaler loop: a timed-out scale-up backs the group off", () => {
  it("one group that never gets capacity: scale-ups 15 min + 5, 10, 20 min apart (back-off doubling to the 30-min cap)", () => {
    const h = setup([{ id: "ng1", joins: false }], "ng1");
    h.sim.run(100 * MIN);
    // The first scan (10 s) scales up; it times out at 10 s + 15 min = 910 s -> backed off 300 s -> the scan at
    // 1210 s scales up again; timeout at 2110 s -> the last back-off had ended, so 600 s -> 2710 s; timeout at
    // 3610 s -> 1200 s -> 4810 s; timeout at 5710 s -> 2400 s capped at 1800 s -> 7510 s.
    expect(h.groups[0].increases.map((t) => t / 1000)).toEqual([10, 1210, 2710, 4810]);
    const timeouts = h.decisions.filter((d) => d.action === "provision-timeout");
    expect(timeouts.map((d) => [d.t, d.backoffUntil])).toEqual([
      [910, 1210],
      [2110, 2710],
      [3610, 4810],
      [5710, 7510],
    ]);
  });

  it("the preferred group times out: the same loop scales the other group instead, which then holds the pod", () => {
    const h = setup(
      [
        { id: "ng1", joins: false },
        { id: "ng2", joins: true },
      ],
      "ng1",
    );
    h.sim.run(30 * MIN);
    // ng1 at the first scan (10 s); its timeout at 910 s backs it off until 1210 s, and the same loop picks ng2.
    expect(h.groups[0].increases).toEqual([10_000]);
    expect(h.groups[1].increases).toEqual([910_000]);
    expect(h.ca.lastScaleUp?.skipped).toEqual([
      { group: "ng1", reason: "backed off until 1210s after a failed scale-up" },
    ]);
  });
});
