// Table tests ported from kubernetes/autoscaler cluster-autoscaler/estimator/binpacking_estimator_test.go
// (https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/estimator/binpacking_estimator_test.go).
// As upstream, the snapshot holds one pre-existing node "oldnode" (100m, 100 MiB, 10 pods, zone-jupiter),
// the template is in zone-mars with 10 pods/node, template memory is in MiB and pod memory in bytes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type EstimatorPod,
  estimateNodes,
  type ExistingNode,
  LABEL_HOSTNAME,
  LABEL_ZONE,
  type NodeTemplate,
  type PodEquivalenceGroup,
} from "../../../src/models/k8s/binpacking-estimator.js";

const MiB = 1024 * 1024;
const OLDNODE: ExistingNode = {
  name: "oldnode",
  cpuMilli: 100,
  memoryBytes: 100 * MiB,
  maxPods: 10,
  zone: "zone-jupiter",
};
const template = (cpuMilli: number, memMiB: number, maxPods = 10): NodeTemplate => ({
  cpuMilli,
  memoryBytes: memMiB * MiB,
  maxPods,
  zone: "zone-mars",
});
const pod = (cpuMilli: number, memoryBytes: number, extra: Partial<EstimatorPod> = {}): EstimatorPod => ({
  cpuMilli,
  memoryBytes,
  labels: "app=estimatee",
  ...extra,
});

interface Case {
  name: string;
  template: NodeTemplate;
  groups: PodEquivalenceGroup[];
  maxNodes?: number;
  fastpath?: boolean;
  nodes: number;
  pods: number;
  perGroup?: number[];
}

const highResource: PodEquivalenceGroup = { pod: pod(500, 1000), count: 10 };

const cases: Case[] = [
  {
    name: "simple resource-based binpacking",
    template: template(350 * 3 - 50, 2 * 1000),
    groups: [{ pod: pod(350, 1000), count: 10 }],
    nodes: 5,
    pods: 10,
  },
  {
    name: "pods-per-node bound binpacking",
    template: template(10000, 20000),
    groups: [{ pod: pod(10, 100), count: 20 }],
    nodes: 2,
    pods: 20,
  },
  {
    name: "hostport conflict forces pod-per-node",
    template: template(1000, 5000),
    groups: [{ pod: pod(200, 1000, { hostPorts: [5555] }), count: 8 }],
    nodes: 8,
    pods: 8,
  },
  {
    name: "limiter cuts binpacking",
    template: template(1000, 5000),
    groups: [{ pod: pod(500, 1000), count: 20 }],
    maxNodes: 5,
    nodes: 5,
    pods: 10,
  },
  {
    name: "decreasing ordered pods are processed first",
    template: template(1000, 5000),
    groups: [{ pod: pod(50, 1000), count: 10 }, highResource],
    maxNodes: 5,
    nodes: 5,
    pods: 10,
    perGroup: [0, 10],
  },
  {
    name: "hostname topology spreading with maxSkew=2 forces 2 pods/node",
    template: template(1000, 5000),
    groups: [
      {
        pod: pod(200, 200, { topologySpread: [{ maxSkew: 2, topologyKey: LABEL_HOSTNAME, minDomains: 1 }] }),
        count: 8,
      },
    ],
    nodes: 4,
    pods: 8,
  },
  {
    name: "zonal topology spreading with maxSkew=2 only allows 2 pods to schedule",
    template: template(1000, 5000),
    groups: [
      {
        pod: pod(20, 100, { topologySpread: [{ maxSkew: 2, topologyKey: LABEL_ZONE, minDomains: 1 }] }),
        count: 8,
      },
    ],
    nodes: 1,
    pods: 2,
  },
  {
    name: "hostname topology spreading with maxSkew=1 with a large scaleup handles scheduling pods retroactively",
    template: template(1000, 5000),
    groups: [
      {
        pod: pod(20, 100, { topologySpread: [{ maxSkew: 1, topologyKey: LABEL_HOSTNAME, minDomains: 3 }] }),
        count: 12,
      },
    ],
    nodes: 3,
    pods: 12,
  },
  {
    name: "fastpath - simple resource-based binpacking",
    template: template(350 * 3 - 50, 2 * 1000),
    groups: [{ pod: pod(350, 1000), count: 10 }],
    fastpath: true,
    nodes: 5,
    pods: 10,
  },
];

describe("TestBinpackingEstimate", () => {
  it.each(cases)("$name", (c) => {
    const r = estimateNodes(c.groups, c.template, {
      maxNodes: c.maxNodes,
      existingNodes: [OLDNODE],
      fastpath: c.fastpath,
    });
    expect(r.nodeCount).toBe(c.nodes);
    expect(r.podCount).toBe(c.pods);
    if (c.perGroup) expect(r.scheduledPerGroup).toEqual(c.perGroup);
  });
});

describe("BenchmarkBinpackingEstimate", () => {
  const groups: PodEquivalenceGroup[] = [
    { pod: pod(50, 100), count: 50_000 },
    { pod: pod(95, 190), count: 1_000 },
  ];
  it("50,000 x 50m + 1,000 x 95m on 1000m/5000MiB/100-pod nodes, maxNodes 3000 -> 2,595 nodes, 51,000 pods", () => {
    const r = estimateNodes(groups, template(1000, 5000, 100), { maxNodes: 3000, existingNodes: [OLDNODE] });
    expect(r).toEqual({ nodeCount: 2595, podCount: 51_000, scheduledPerGroup: [50_000, 1_000] });
  });
  it("fast path gives the same answer", () => {
    const r = estimateNodes(groups, template(1000, 5000, 100), {
      maxNodes: 3000,
      existingNodes: [OLDNODE],
      fastpath: true,
    });
    expect(r.podCount).toBe(51_000);
    expect(r.nodeCount).toBe(2595);
  });
});

describe("estimator invariants", () => {
  const groupArb = fc.record({
    cpu: fc.integer({ min: 1, max: 1000 }),
    mem: fc.integer({ min: 0, max: 4000 }),
    count: fc.integer({ min: 0, max: 60 }),
  });
  it("places every pod that fits the template when unlimited, using at least the resource lower bound of nodes", () => {
    fc.assert(
      fc.property(
        fc.array(groupArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 30 }),
        (gs, maxPods) => {
          const t: NodeTemplate = { cpuMilli: 1000, memoryBytes: 4000, maxPods };
          const groups = gs.map((g) => ({ pod: { cpuMilli: g.cpu, memoryBytes: g.mem }, count: g.count }));
          const r = estimateNodes(groups, t);
          const total = gs.reduce((s, g) => s + g.count, 0);
          const cpu = gs.reduce((s, g) => s + g.count * g.cpu, 0);
          const mem = gs.reduce((s, g) => s + g.count * g.mem, 0);
          expect(r.podCount).toBe(total);
          expect(r.scheduledPerGroup).toEqual(gs.map((g) => g.count));
          expect(r.nodeCount).toBeGreaterThanOrEqual(
            Math.max(Math.ceil(cpu / 1000), Math.ceil(mem / 4000), Math.ceil(total / maxPods)),
          );
          expect(r.nodeCount).toBeLessThanOrEqual(total);
        },
      ),
    );
  });
  it("never adds more nodes than the limiter allows", () => {
    fc.assert(
      fc.property(
        fc.array(groupArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 10 }),
        (gs, maxNodes) => {
          const groups = gs.map((g) => ({ pod: { cpuMilli: g.cpu, memoryBytes: g.mem }, count: g.count }));
          const r = estimateNodes(groups, { cpuMilli: 1000, memoryBytes: 4000, maxPods: 10 }, { maxNodes });
          expect(r.nodeCount).toBeLessThanOrEqual(maxNodes);
        },
      ),
    );
  });
});
