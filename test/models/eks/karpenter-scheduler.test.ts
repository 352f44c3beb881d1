// Karpenter's provisioning scheduler for pods of different sizes (src/models/k8s/karpenter-scheduler.ts), after
// kubernetes-sigs/karpenter pkg/controllers/provisioning/scheduling (scheduler.go add: in-flight NodeClaims by
// ascending pod count, then a new NodeClaim; nodeclaim.go Add narrows the instance types).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TYPES } from "./catalogue-candidates.js";
import {
  allowedOfferings,
  type Offering,
  planNodeClaims,
  type Requirement,
} from "../../../src/models/k8s/karpenter.js";
import { scheduleNodeClaims } from "../../../src/models/k8s/karpenter-scheduler.js";

const FAMILIES: Requirement = {
  key: "karpenter.k8s.aws/instance-family",
  operator: "In",
  values: ["m6i", "m7i", "c6i"],
};
const onDemand = allowedOfferings(TYPES, ["us-east-1a"], [FAMILIES], 0.4);
const spotToo = allowedOfferings(
  TYPES,
  ["us-east-1a", "us-east-1b"],
  [FAMILIES, { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand", "spot"] }],
  0.4,
);

/** Spot first, then price: the order in which Karpenter prefers offerings (cheapestFit). */
const preferred = (a: Offering, b: Offering) =>
  a.capacityType !== b.capacityType ? a.capacityType === "spot" : a.pricePerHour < b.pricePerHour;

describe("Karpenter scheduling of mixed pods", () => {
  it("a pod joins an in-flight NodeClaim while some allowed type still holds all its pods", () => {
    // 3000m first (largest first) -> c6i.xlarge (3920m) would do; a 500m pod still fits it; the second 500m
    // needs 4000m, so the NodeClaim narrows to types of ≥ 4000m allocatable and launches c6i.2xlarge.
    const pods = [
      { cpuMilli: 500, memoryMiB: 512 },
      { cpuMilli: 3000, memoryMiB: 1024 },
      { cpuMilli: 500, memoryMiB: 512 },
    ];
    const r = scheduleNodeClaims(onDemand, pods);
    expect(r.unschedulable).toEqual([]);
    expect(r.nodeClaims.map((c) => [c.offering.type.name, [...c.pods]])).toEqual([
      ["c6i.2xlarge", [1, 0, 2]],
    ]);
  });

  it("identical pods give the same NodeClaims as the uniform planner (planNodeClaims)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 100, max: 3000 }),
        fc.integer({ min: 128, max: 6000 }),
        (count, cpu, mem) => {
          const pod = { cpuMilli: cpu, memoryMiB: mem };
          const plan = planNodeClaims(onDemand, pod, count);
          const r = scheduleNodeClaims(
            onDemand,
            Array.from({ length: count }, () => pod),
          );
          const got = r.nodeClaims.map((c) => [c.offering.type.name, c.pods.length]);
          expect(got.sort()).toEqual(plan.map((p) => [p.offering.type.name, p.pods]).sort());
        },
      ),
    );
  });

  it("property: every pod placed once; each NodeClaim's type holds its pods; no preferred type was left out", () => {
    const podArb = fc.record({
      cpuMilli: fc.integer({ min: 50, max: 8000 }),
      memoryMiB: fc.integer({ min: 64, max: 30_000 }),
    });
    fc.assert(
      fc.property(fc.array(podArb, { minLength: 1, maxLength: 80 }), (pods) => {
        const r = scheduleNodeClaims(spotToo, pods);
        const seen = new Set<number>(r.unschedulable);
        for (const u of r.unschedulable)
          expect(
            spotToo.some(
              (o) => o.type.alloc.cpuMilli >= pods[u].cpuMilli && o.type.alloc.memoryMiB >= pods[u].memoryMiB,
            ),
          ).toBe(false);
        for (const c of r.nodeClaims) {
          let cpu = 0;
          let mem = 0;
          for (const p of c.pods) {
            expect(seen.has(p)).toBe(false);
            seen.add(p);
            cpu += pods[p].cpuMilli;
            mem += pods[p].memoryMiB;
          }
          const a = c.offering.type.alloc;
          expect(a.cpuMilli >= cpu && a.memoryMiB >= mem && a.pods >= c.pods.length).toBe(true);
          for (const o of spotToo) {
            const fitsAll =
              o.type.alloc.cpuMilli >= cpu &&
              o.type.alloc.memoryMiB >= mem &&
              o.type.alloc.pods >= c.pods.length;
            if (fitsAll) expect(preferred(o, c.offering)).toBe(false);
          }
        }
        expect(seen.size).toBe(pods.length);
      }),
    );
  });
});
