// Karpenter's pure decisions: requirements, cheapest fit, NodeClaim packing, disruption budgets.
// https://karpenter.sh/docs/concepts/nodepools/ ; https://karpenter.sh/docs/concepts/disruption/
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { familyAndSize, nodeAllocatable } from "../../../src/data/eks.js";
import { TYPES } from "./catalogue-candidates.js";
import {
  allowedDisruptions,
  allowedOfferings,
  budgetNodeCounts,
  cheapestFit,
  consolidationAction,
  planNodeClaims,
  type Requirement,
} from "../../../src/models/k8s/karpenter.js";
import { podsPerNode } from "../../../src/models/k8s/scheduler.js";

const ZONES = ["us-east-1a"];
const ISSUE_POOL: Requirement[] = [
  { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["m6i", "m7i", "c6i"] },
  { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand", "spot"] },
];
const POD = { cpuMilli: 500, memoryMiB: 1024 };

describe("NodePool requirements", () => {
  it("keeps only the listed families and capacity types", () => {
    const offs = allowedOfferings(TYPES, ZONES, ISSUE_POOL, 0.4);
    expect(new Set(offs.map((o) => familyAndSize(o.type.name).family))).toEqual(
      new Set(["m6i", "m7i", "c6i"]),
    );
    expect(new Set(offs.map((o) => o.capacityType))).toEqual(new Set(["on-demand", "spot"]));
  });

  it("defaults to on-demand and amd64 when the NodePool does not say (Karpenter's webhook defaults)", () => {
    const offs = allowedOfferings(TYPES, ZONES, [], 0.4);
    expect(offs.every((o) => o.capacityType === "on-demand" && o.type.arch === "amd64")).toBe(true);
    const arm = allowedOfferings(
      TYPES,
      ZONES,
      [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }],
      0.4,
    );
    expect(arm.length).toBeGreaterThan(0);
    expect(arm.every((o) => o.type.arch === "arm64")).toBe(true);
  });

  it("applies NotIn, Gt and zone requirements", () => {
    const offs = allowedOfferings(
      TYPES,
      ["us-east-1a", "us-east-1b"],
      [
        { key: "karpenter.k8s.aws/instance-family", operator: "NotIn", values: ["t3", "t4g", "r5", "r6i"] },
        { key: "karpenter.k8s.aws/instance-cpu", operator: "Gt", values: ["4"] },
        { key: "topology.kubernetes.io/zone", operator: "In", values: ["us-east-1b"] },
      ],
      0.4,
    );
    expect(offs.length).toBeGreaterThan(0);
    for (const o of offs) {
      expect(o.type.vcpu).toBeGreaterThan(4);
      expect(o.zone).toBe("us-east-1b");
      expect(["t3", "t4g", "r5", "r6i"]).not.toContain(o.type.family);
    }
  });
});

describe("Karpenter chooses the cheapest fit", () => {
  const onDemand = allowedOfferings(TYPES, ZONES, [ISSUE_POOL[0]], 0.4);

  it("10 pods of 500m/1Gi go on one c6i.2xlarge ($0.34/h): the cheapest m6i/m7i/c6i type holding all 10", () => {
    // c6i.2xlarge allocatable 7910m / 14162Mi → 13 such pods; c6i.xlarge (3920m / 6584Mi) holds only 6.
    expect(podsPerNode(nodeAllocatable("c6i.2xlarge"), POD)).toBe(13);
    expect(podsPerNode(nodeAllocatable("c6i.xlarge"), POD)).toBe(6);
    const plan = planNodeClaims(onDemand, POD, 10);
    expect(plan.map((p) => [p.offering.type.name, p.pods])).toEqual([["c6i.2xlarge", 10]]);
  });

  it("40 pods fill the largest type first (31 on m6i.4xlarge), the rest go on the cheapest fit", () => {
    const plan = planNodeClaims(onDemand, POD, 40);
    expect(plan.map((p) => [p.offering.type.name, p.pods])).toEqual([
      ["m6i.4xlarge", 31],
      ["c6i.2xlarge", 9],
    ]);
  });

  it("prefers Spot when the NodePool allows it", () => {
    const offs = allowedOfferings(TYPES, ZONES, ISSUE_POOL, 0.4);
    const o = cheapestFit(offs, POD, 3);
    expect(o?.capacityType).toBe("spot");
    expect(o?.type.name).toBe("c6i.large");
    expect(o?.pricePerHour).toBeCloseTo(0.085 * 0.4, 10);
  });

  it("no allowed type can hold a pod bigger than every node: no plan", () => {
    expect(planNodeClaims(onDemand, { cpuMilli: 64_000, memoryMiB: 1024 }, 3)).toEqual([]);
  });

  it("property: every NodeClaim's pods fit its type, and no cheaper allowed type fits them", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 100, max: 3000 }),
        fc.integer({ min: 128, max: 6000 }),
        (count, cpu, mem) => {
          const pod = { cpuMilli: cpu, memoryMiB: mem };
          const plan = planNodeClaims(onDemand, pod, count);
          if (plan.length === 0) return;
          expect(plan.reduce((s, p) => s + p.pods, 0)).toBe(count);
          for (const p of plan) {
            expect(podsPerNode(p.offering.type.alloc, pod)).toBeGreaterThanOrEqual(p.pods);
            for (const o of onDemand)
              if (podsPerNode(o.type.alloc, pod) >= p.pods)
                expect(o.pricePerHour).toBeGreaterThanOrEqual(p.offering.pricePerHour);
          }
        },
      ),
    );
  });
});

describe("disruption budgets (https://karpenter.sh/docs/concepts/disruption/#nodes)", () => {
  it("W14: 20% of 19 nodes allows roundup(3.8) = 4", () => {
    expect(allowedDisruptions([{ nodes: "20%" }], 19, 0, 0)).toBe(4);
  });
  it("the default 10% budget less nodes deleting and not ready", () => {
    expect(allowedDisruptions([{ nodes: "10%" }], 30, 1, 1)).toBe(1);
    expect(allowedDisruptions([{ nodes: "10%" }], 30, 3, 0)).toBe(0);
  });
  it("several budgets: the most restrictive that applies to the reason", () => {
    const b = [{ nodes: "50%" }, { nodes: "2", reasons: ["Underutilized"] }];
    expect(allowedDisruptions(b, 10, 0, 0, "Underutilized")).toBe(2);
    expect(allowedDisruptions(b, 10, 0, 0, "Empty")).toBe(5);
    expect(allowedDisruptions([{ nodes: "0" }], 10, 0, 0)).toBe(0);
  });
});

describe("budgets count initialised nodes only (BuildDisruptionBudgetMapping, disruption/helpers.go)", () => {
  // https://github.com/kubernetes-sigs/karpenter/blob/main/pkg/controllers/disruption/helpers.go: "We only
  // consider nodes that we own and are initialized towards the total" and subtract those NotReady or marked
  // for deletion.
  const node = (initialized: boolean, markedForDeletion = false) => ({
    initialized,
    ready: true,
    markedForDeletion,
  });

  it("19 initialised nodes and 5 NodeClaims still launching: 20 % allows roundup(3.8) = 4, as with 19 alone", () => {
    const nodes = [
      ...Array.from({ length: 19 }, () => node(true)),
      ...Array.from({ length: 5 }, () => node(false)),
    ];
    const c = budgetNodeCounts(nodes);
    expect(c).toEqual({ total: 19, disrupting: 0 });
    expect(allowedDisruptions([{ nodes: "20%" }], c.total, c.disrupting, 0)).toBe(4);
    // Counting the launching ones in the total and as not ready would give roundup(4.8) - 5 = 0.
    expect(allowedDisruptions([{ nodes: "20%" }], 24, 0, 5)).toBe(0);
  });

  it("draining nodes stay in the total and consume the budget; a terminating instance leaves both", () => {
    const nodes = [
      ...Array.from({ length: 8 }, () => node(true)),
      node(true, true),
      node(true, true),
      { initialized: true, ready: true, markedForDeletion: true, instanceTerminating: true },
    ];
    expect(budgetNodeCounts(nodes)).toEqual({ total: 10, disrupting: 2 });
    // The default 10 % of 10 = 1, already used twice over: nothing more.
    expect(allowedDisruptions([{ nodes: "10%" }], 10, 2, 0)).toBe(0);
  });
});

describe("single-node consolidation: free capacity elsewhere plus one cheaper node (disruption docs)", () => {
  // https://karpenter.sh/docs/concepts/disruption/#consolidation: delete when the pods "can run on free
  // capacity of other nodes"; replace when they "can run on a combination of the other nodes in the cluster
  // and a single lower price replacement node".
  const onDemand = allowedOfferings(TYPES, ZONES, [ISSUE_POOL[0]], 0.4);
  const xlarge = onDemand.find((o) => o.type.name === "c6i.xlarge")!;

  it("a c6i.xlarge with 6 pods, room for 4 elsewhere: replaced by a c6i.large for the other 2", () => {
    // c6i.large (1930m allocatable) holds 3 pods of 500m/1Gi at $0.085/h < c6i.xlarge's $0.17/h.
    expect(podsPerNode(nodeAllocatable("c6i.large"), POD)).toBe(3);
    const a = consolidationAction(6, 4, xlarge, onDemand, POD);
    expect(a?.kind).toBe("replace");
    if (a?.kind !== "replace") return;
    expect([a.offering.type.name, a.pods, a.elsewhere]).toEqual(["c6i.large", 2, 4]);
    // Replacing all 6 pods on one new node finds nothing cheaper than the c6i.xlarge itself.
    expect(cheapestFit(onDemand, POD, 6)?.type.name).toBe("c6i.xlarge");
    expect(consolidationAction(6, 0, xlarge, onDemand, POD)).toBeUndefined();
  });

  it("room for all of them elsewhere: delete; a Spot node with pods left over: kept", () => {
    expect(consolidationAction(6, 6, xlarge, onDemand, POD)).toEqual({ kind: "delete" });
    expect(consolidationAction(6, 4, { ...xlarge, capacityType: "spot" }, onDemand, POD)).toBeUndefined();
  });
});
