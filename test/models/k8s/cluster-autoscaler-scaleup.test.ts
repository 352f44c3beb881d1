// The stateful Cluster Autoscaler (src/models/k8s/cluster-autoscaler.ts) on the scale-up orchestrator cases of
// kubernetes/autoscaler cluster-autoscaler/core/scaleup/orchestrator/orchestrator_test.go
// (https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/core/scaleup/orchestrator/orchestrator_test.go):
// a cluster with the test's nodes (their pods as used requests), the extra pods Pending in the scheduler, node
// groups behind a test cloud provider (min 1, max 10 unless the case says), one RunOnce.
// Where upstream forces `ExpansionOptionToChoose`, the priority expander picks that group here.
// Units: cpu in millicores, memory in MiB; the atomic cases give memory in bytes upstream, read here as MiB
// (the limit arithmetic is linear, so the outcome is the same).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../../src/engine/sim.js";
import { balanceScaleUp, similarTemplates } from "../../../src/models/k8s/ca-scale-up.js";
import { Cluster, type KNode } from "../../../src/models/k8s/cluster.js";
import {
  type CaNodeGroup,
  type CaOptions,
  ClusterAutoscaler,
  type ExpanderName,
} from "../../../src/models/k8s/cluster-autoscaler.js";
import { Deployment } from "../../../src/models/k8s/deployment.js";
import type { Estimator } from "../../../src/models/k8s/estimator.js";
import { parseScenario } from "../../../src/scenario/load.js";
import { simulate } from "../../../src/simulate.js";
import { controllerLog } from "../../helpers/decisions.js";

interface NodeCfg {
  name: string;
  cpu: number;
  mem: number;
  group: string;
  usedCpu?: number;
  usedMem?: number;
}
interface GroupCfg {
  maxSize?: number;
  /** Template when the group has no node (upstream NodeTemplateConfigs). */
  template?: { cpu: number; mem: number };
}
interface Case {
  nodes: NodeCfg[];
  groups?: Record<string, GroupCfg>;
  pending: { cpu: number; mem: number; count: number };
  opts?: Partial<CaOptions>;
  choose?: string;
  atomic?: boolean;
}

/** The test cloud provider's node group: a target size the orchestrator raises. */
class TestNodeGroup implements CaNodeGroup {
  readonly minSize = 0;
  constructor(
    readonly id: string,
    readonly maxSize: number,
    readonly template: CaNodeGroup["template"],
    private size: number,
    private readonly cluster: Cluster,
    readonly zeroOrMaxNodeScaling: boolean,
  ) {}
  targetSize(): number {
    return this.size;
  }
  nodes(): KNode[] {
    return this.cluster.nodes.filter((n) => n.group === this.id);
  }
  upcoming(): number[] {
    return Array.from({ length: Math.max(0, this.size - this.nodes().length) }, () => 0);
  }
  increaseSize(delta: number): void {
    this.size += delta;
  }
  deleteNode(): void {}
  deleteUpcoming(): void {}
}

function template(cpu: number, mem: number): CaNodeGroup["template"] {
  return {
    cpuMilli: cpu,
    memoryMiB: mem,
    pods: 110,
    // Capacity in whole cores as the CA reads it (resource.Quantity.Value() rounds up).
    vcpu: Math.ceil(cpu / 1000),
    memoryGiB: mem / 1024,
    pricePerHour: 0.1,
    labels: { "node.kubernetes.io/instance-type": "test" },
  };
}

function run(c: Case, seed = 1) {
  const sim = new Simulation(seed);
  const cluster = new Cluster(sim, {
    request: { cpuMilli: c.pending.cpu, memoryMiB: c.pending.mem },
    strategy: "LeastAllocated",
    imagePullMs: () => 0,
    containerStartMs: () => 0,
  });
  for (const n of c.nodes)
    cluster.addNode({
      id: cluster.newNodeId(),
      name: n.name,
      group: n.group,
      type: "test",
      capacityType: "on-demand",
      zone: "z1",
      allocCpuMilli: n.cpu,
      allocMemoryMiB: n.mem,
      allocPods: 110,
      usedCpuMilli: n.usedCpu ?? 0,
      usedMemoryMiB: n.usedMem ?? 0,
      podCount: n.usedCpu ? 1 : 0,
      cordoned: false,
      launchedAt: 0,
      readyAt: 0,
      lastPodEventAt: 0,
      pricePerHour: 0.1,
    });
  const names = [...new Set([...c.nodes.map((n) => n.group), ...Object.keys(c.groups ?? {})])].sort();
  const groups = names.map((id) => {
    const cfg = c.groups?.[id] ?? {};
    const first = c.nodes.find((n) => n.group === id);
    const t = first ? template(first.cpu, first.mem) : template(cfg.template!.cpu, cfg.template!.mem);
    const size = c.nodes.filter((n) => n.group === id).length;
    return new TestNodeGroup(id, cfg.maxSize ?? 10, t, size, cluster, c.atomic ?? false);
  });
  const d = new Deployment(sim, cluster, {
    name: "extra",
    replicas: c.pending.count,
    readinessProbe: { initialDelaySeconds: 0, periodSeconds: 10, successThreshold: 1 },
    terminationGraceMs: 30_000,
    targetGroup: { healthCheckInterval: 15_000, healthyThreshold: 2, deregistrationDelay: 300_000 },
    inFlightDrain: () => 0,
  });
  cluster.attach(d);
  d.reconcile();
  sim.run(0);
  const { decisions, log } = controllerLog("cluster-autoscaler");
  const expanders: ExpanderName[] = c.choose ? ["priority"] : ["random"];
  const ca = new ClusterAutoscaler(
    sim,
    cluster,
    groups,
    {
      expanders,
      priorities: c.choose ? { "10": [`^${c.choose}$`] } : undefined,
      scanIntervalMs: 10_000,
      scaleDownEnabled: false,
      scaleDownUtilizationThreshold: 0.5,
      scaleDownUnneededTimeMs: 600_000,
      scaleDownDelayAfterAddMs: 600_000,
      scaleDownDelayAfterDeleteMs: 10_000,
      maxEmptyBulkDelete: 10,
      maxNodeProvisionTimeMs: 900_000,
      // Upstream defaults: no node limit, 5000 × 64 cores, 5000 × 64 × 20 GiB.
      maxNodesTotal: 0,
      maxCoresTotal: 320_000,
      maxMemoryGiBTotal: 6_400_000,
      maxNodesPerScaleUp: 1000,
      ...c.opts,
    },
    sim.rng("cluster-autoscaler.expander"),
    log,
  );
  expect(cluster.unschedulable()).toHaveLength(c.pending.count);
  ca.runOnce(0);
  const sizes = Object.fromEntries(groups.map((g) => [g.id, g.targetSize()]));
  return { ca, sizes, decisions, status: ca.lastScaleUp };
}

describe("scale-up orchestrator cases (orchestrator_test.go) on the stateful Cluster Autoscaler", () => {
  it("TestScaleUpOK: only ng2 (1000m) can hold the 500m pod -> ng2 +1", () => {
    const r = run({
      nodes: [
        { name: "n1", cpu: 100, mem: 100, group: "ng1", usedCpu: 80 },
        { name: "n2", cpu: 1000, mem: 1000, group: "ng2", usedCpu: 800 },
      ],
      pending: { cpu: 500, mem: 0, count: 1 },
      choose: "ng2",
    });
    expect(r.status?.options).toEqual([{ group: "ng2", nodes: 1, pods: 1 }]);
    expect(r.sizes).toEqual({ ng1: 1, ng2: 2 });
  });

  it("TestScaleUpMaxCoresLimitHit: MaxCoresTotal 9, 6 used, option ng1+2 (2 cores each) -> ng1 +1", () => {
    const r = run({
      nodes: [
        { name: "n1", cpu: 2000, mem: 100, group: "ng1", usedCpu: 1000 },
        { name: "n2", cpu: 4000, mem: 1000, group: "ng2", usedCpu: 3000 },
      ],
      pending: { cpu: 2000, mem: 0, count: 2 },
      opts: { maxCoresTotal: 9 },
      choose: "ng1",
    });
    // ng2's 4-core node would already cross 9 (6 + 4 = 10): filtered out before the expander.
    expect(r.status?.skipped).toEqual([{ group: "ng2", reason: "max cluster cpu limit reached" }]);
    expect(r.status?.options).toEqual([{ group: "ng1", nodes: 2, pods: 2 }]);
    expect(r.sizes).toEqual({ ng1: 2, ng2: 1 });
    expect(r.decisions[0].reason).toContain("capped by max cluster cpu");
  });

  it("TestScaleUpMaxMemoryLimitHit: MaxMemoryTotal 1300 MiB, 1100 used, option ng1+3 (100 MiB each) -> ng1 +2", () => {
    const r = run({
      nodes: [
        { name: "n1", cpu: 2000, mem: 100, group: "ng1", usedCpu: 1000 },
        { name: "n2", cpu: 4000, mem: 1000, group: "ng2", usedCpu: 3000 },
      ],
      pending: { cpu: 2000, mem: 100, count: 3 },
      opts: { maxMemoryGiBTotal: 1300 / 1024 },
      choose: "ng1",
    });
    expect(r.status?.options).toEqual([{ group: "ng1", nodes: 3, pods: 3 }]);
    expect(r.sizes).toEqual({ ng1: 3, ng2: 1 });
  });

  it("TestScaleUpCapToMaxTotalNodesLimit: MaxNodesTotal 3 with 2 nodes, option ng2+3 -> ng2 +1", () => {
    const r = run({
      nodes: [
        { name: "n1", cpu: 2000, mem: 100, group: "ng1", usedCpu: 1000 },
        { name: "n2", cpu: 4000, mem: 1000, group: "ng2", usedCpu: 3000 },
      ],
      pending: { cpu: 4000, mem: 100, count: 3 },
      opts: { maxNodesTotal: 3 },
      choose: "ng2",
    });
    expect(r.status?.options).toEqual([{ group: "ng2", nodes: 3, pods: 3 }]);
    expect(r.sizes).toEqual({ ng1: 1, ng2: 2 });
  });

  const twoGroups: Case = {
    nodes: [
      { name: "ng1-n1", cpu: 1500, mem: 1000, group: "ng1", usedCpu: 1400 },
      { name: "ng2-n1", cpu: 1500, mem: 1000, group: "ng2", usedCpu: 1400 },
    ],
    pending: { cpu: 1400, mem: 0, count: 2 },
  };

  it("TestScaleUpTwoGroups: with --balance-similar-node-groups the 2 nodes split 1 + 1 whichever group the expander picks", () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const r = run({ ...twoGroups, opts: { balanceSimilarNodeGroups: true } }, seed);
      expect(r.sizes).toEqual({ ng1: 2, ng2: 2 });
      expect(r.decisions.map((x) => x.group).sort()).toEqual(["ng1", "ng2"]);
    }
  });

  it("without balancing (the default) one group takes both nodes", () => {
    const picks = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const r = run(twoGroups, seed);
      expect(Object.values(r.sizes).sort()).toEqual([1, 3]);
      picks.add(r.decisions[0].group ?? "");
    }
    // The random expander is a draw from the named stream: both groups get picked across seeds.
    expect([...picks].sort()).toEqual(["ng1", "ng2"]);
  });

  // TestZeroOrMaxNodeScaling: every group atomic; ng1 = n1 (900m/900, full), ng2 empty with a 1000m/1000 template.
  const atomic = (extra: Partial<Case>): Case => ({
    nodes: [{ name: "n1", cpu: 900, mem: 900, group: "ng1", usedCpu: 900, usedMem: 900 }],
    groups: { ng1: { maxSize: 5 }, ng2: { maxSize: 5, template: { cpu: 1000, mem: 1000 } } },
    pending: { cpu: 1000, mem: 1000, count: 1 },
    atomic: true,
    ...extra,
  });

  it("Atomic ScaleUp OK: one pending pod grows ng2 from 0 to its maximum, 5", () => {
    const r = run(atomic({}));
    expect(r.status?.options).toEqual([{ group: "ng2", nodes: 5, pods: 1 }]);
    expect(r.sizes).toEqual({ ng1: 1, ng2: 5 });
  });

  it("Atomic ScaleUp max cores limit hit: MaxCoresTotal 3 < 1 + 3 -> no scale-up", () => {
    const r = run(
      atomic({
        groups: { ng1: { maxSize: 5 }, ng2: { maxSize: 3, template: { cpu: 1000, mem: 1000 } } },
        pending: { cpu: 1000, mem: 1000, count: 2 },
        opts: { maxCoresTotal: 3 },
      }),
    );
    expect(r.status?.options).toEqual([]);
    expect(r.status?.skipped).toContainEqual({ group: "ng2", reason: "max cluster cpu limit reached" });
    expect(r.sizes).toEqual({ ng1: 1, ng2: 0 });
    expect(r.decisions[0]).toMatchObject({ action: "no-scale-up" });
  });

  it("Atomic ScaleUp max memory limit hit: MaxMemoryTotal 3000 < 900 + 3 × 1000 -> no scale-up", () => {
    const r = run(
      atomic({
        groups: { ng1: { maxSize: 5 }, ng2: { maxSize: 3, template: { cpu: 1000, mem: 1000 } } },
        pending: { cpu: 1000, mem: 1000, count: 2 },
        opts: { maxMemoryGiBTotal: 3000 / 1024 },
      }),
    );
    expect(r.status?.skipped).toContainEqual({ group: "ng2", reason: "max cluster memory limit reached" });
    expect(r.sizes).toEqual({ ng1: 1, ng2: 0 });
  });

  it("Atomic ScaleUp max nodes count limit hit: MaxNodesTotal 5 < 2 + 5 -> no scale-up", () => {
    const r = run(
      atomic({
        nodes: [
          { name: "n1", cpu: 900, mem: 900, group: "ng1", usedCpu: 900, usedMem: 900 },
          { name: "n2", cpu: 900, mem: 900, group: "ng1", usedCpu: 900, usedMem: 900 },
        ],
        groups: { ng1: { maxSize: 2 }, ng2: { maxSize: 5, template: { cpu: 1000, mem: 1000 } } },
        pending: { cpu: 1000, mem: 1000, count: 2 },
        opts: { maxNodesTotal: 5 },
      }),
    );
    expect(r.status?.skipped).toEqual([
      { group: "ng1", reason: "max node group size reached" },
      { group: "ng2", reason: "atomic scale-up exceeds cluster node count limit" },
    ]);
    expect(r.status?.noScaleUpReason).toContain("atomic scale-up exceeds cluster node count limit");
    expect(r.sizes).toEqual({ ng1: 2, ng2: 0 });
  });
});

describe("node-group balancing (processors/nodegroupset)", () => {
  it("BalanceScaleUpBetweenGroups fills the smallest group first and respects MaxSize", () => {
    expect(balanceScaleUp([{ id: "ng1", currentSize: 1, maxSize: 10 }], 2)).toEqual([
      { id: "ng1", currentSize: 1, newSize: 3, maxSize: 10 },
    ]);
    const r = balanceScaleUp(
      [
        { id: "ng1", currentSize: 1, maxSize: 10 },
        { id: "ng2", currentSize: 3, maxSize: 10 },
        { id: "ng3", currentSize: 5, maxSize: 10 },
        { id: "ng4", currentSize: 5, maxSize: 10 },
      ],
      10,
    );
    // 1 + 3 + 5 + 5 + 10 = 24: the small groups catch up first, then all end at 6.
    expect(r.map((i) => [i.id, i.newSize - i.currentSize])).toEqual([
      ["ng1", 5],
      ["ng2", 3],
      ["ng3", 1],
      ["ng4", 1],
    ]);
    const capped = balanceScaleUp(
      [
        { id: "ng1", currentSize: 1, maxSize: 2 },
        { id: "ng2", currentSize: 3, maxSize: 4 },
      ],
      10,
    );
    expect(capped.map((i) => i.newSize - i.currentSize)).toEqual([1, 1]);
  });

  it("property: adds min(n, free capacity) nodes, never past MaxSize, water-filling (a grown group ends ≤ any unfull group + 1)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(20), fc.nat(20)), { minLength: 1, maxLength: 6 }),
        fc.nat(60),
        (raw, n) => {
          const gs = raw.map(([cur, extra], i) => ({ id: `g${i}`, currentSize: cur, maxSize: cur + extra }));
          const out = balanceScaleUp(gs, n);
          const free = gs.reduce((s, g) => s + g.maxSize - g.currentSize, 0);
          const added = out.reduce((s, i) => s + i.newSize - i.currentSize, 0);
          if (added !== Math.min(n, free)) return false;
          const after = new Map(gs.map((g) => [g.id, g.currentSize]));
          for (const i of out) {
            if (i.newSize > i.maxSize) return false;
            after.set(i.id, i.newSize);
          }
          for (const i of out)
            for (const g of gs)
              if ((after.get(g.id) ?? 0) < g.maxSize && i.newSize > (after.get(g.id) ?? 0) + 1) return false;
          return true;
        },
      ),
    );
  });

  it("IsCloudProviderNodeInfoSimilar: same cores, memory within 1.5 %, allocatable within 5 %, same labels", () => {
    const base = {
      vcpu: 2,
      memoryMiBCapacity: 8192,
      cpuMilli: 1930,
      memoryMiB: 7000,
      pods: 29,
      labels: { "node.kubernetes.io/instance-type": "m6i.large" },
    };
    expect(similarTemplates(base, { ...base, memoryMiBCapacity: 8192 * 0.99 })).toBe(true);
    expect(similarTemplates(base, { ...base, memoryMiBCapacity: 8192 * 0.98 })).toBe(false);
    expect(similarTemplates(base, { ...base, vcpu: 4 })).toBe(false);
    expect(similarTemplates(base, { ...base, memoryMiB: 7000 * 0.96 })).toBe(true);
    expect(similarTemplates(base, { ...base, memoryMiB: 7000 * 0.94 })).toBe(false);
    expect(
      similarTemplates(base, { ...base, labels: { "node.kubernetes.io/instance-type": "m7i.large" } }),
    ).toBe(false);
  });
});

describe("balanceSimilarNodeGroups in a scenario", () => {
  it("two identical managed node groups grow in turn under a load step", async () => {
    const text = `
name: ca-balance
region: us-east-1
seed: 3
duration: 1h
traffic:
  synthetic: { shape: step, base: 50, to: 600, at: 10m }
workload:
  cpuPerRequest: 25ms
  serviceTime: { distribution: lognormal, mean: 60ms, cv: 1.0 }
  concurrency: 64
  timeout: 10s
slo: { latency: 250ms, percentile: 99 }
platforms:
  eks:
    kind: eks
    deployment: { replicas: 2, resources: { requests: { cpu: "1", memory: 2Gi } } }
    hpa:
      minReplicas: 2
      maxReplicas: 100
      metrics: [ { type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 60 } } } ]
    nodes:
      managedNodeGroups:
        - { name: ng-a, instanceTypes: [m6i.large], minSize: 1, maxSize: 30 }
        - { name: ng-b, instanceTypes: [m6i.large], minSize: 1, maxSize: 30 }
      clusterAutoscaler: { balanceSimilarNodeGroups: true }
`;
    const p = (await simulate(parseScenario(text, "ca.yaml"))).platforms[0];
    for (const c of p.checks) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
    const ups = p.decisions
      .filter((x) => x.controller === "cluster-autoscaler")
      .filter((x) => x.action === "scale-up");
    expect(ups.length).toBeGreaterThan(2);
    // Every scan's scale-up leaves the two groups' target sizes at most one apart.
    const size: Record<string, number> = { "ng-a": 1, "ng-b": 1 };
    const times = [...new Set(ups.map((u) => u.t))];
    for (const t of times) {
      for (const u of ups) if (u.t === t) size[u.group ?? ""] = u.to;
      expect(Math.abs(size["ng-a"] - size["ng-b"]), `after the scan at ${t} s`).toBeLessThanOrEqual(1);
    }
    expect(ups.some((u) => u.group === "ng-a") && ups.some((u) => u.group === "ng-b")).toBe(true);
  });
});

describe("the scale-up asks the Estimator it is given (estimator.go's interface, `--estimator`)", () => {
  it("a stub estimator's node count is the option the orchestrator takes, with the group's template and room", () => {
    const calls: { cpuMilli: number; maxNodes?: number; pods: number }[] = [];
    const stub: Estimator = {
      estimate: (groups, template, context) => {
        calls.push({ cpuMilli: template.cpuMilli, maxNodes: context?.maxNodes, pods: groups[0].count });
        return { nodeCount: 4, podCount: 1, scheduledPerGroup: [1] };
      },
    };
    // TestScaleUpOK's cluster: binpacking would add one ng2 node for the 500m pod; the stub says four.
    const r = run({
      nodes: [
        { name: "n1", cpu: 100, mem: 100, group: "ng1", usedCpu: 80 },
        { name: "n2", cpu: 1000, mem: 1000, group: "ng2", usedCpu: 800 },
      ],
      pending: { cpu: 500, mem: 0, count: 1 },
      choose: "ng2",
      opts: { estimator: stub },
    });
    // Both groups are asked (max 10, one node each: room 9); the expander picks ng2 and its four nodes.
    expect(calls).toEqual([
      { cpuMilli: 100, maxNodes: 9, pods: 1 },
      { cpuMilli: 1000, maxNodes: 9, pods: 1 },
    ]);
    expect(r.sizes).toEqual({ ng1: 1, ng2: 5 });
  });
});
