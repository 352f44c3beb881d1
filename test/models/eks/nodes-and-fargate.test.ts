// Node allocatable (Karpenter's instance-type table), EKS Fargate sizing (W8) and the scheduler's scoring.
import { describe, expect, it } from "vitest";
import { kubeReservedCpuMilli, nodeAllocatable } from "../../../src/data/eks.js";
import { eksFargateSize } from "../../../src/models/eks/fargate-profile.js";
import { fits, score, selectNode, type SchedNode } from "../../../src/models/k8s/scheduler.js";

describe("node allocatable = capacity − VM overhead − kube-reserved − eviction threshold", () => {
  // https://karpenter.sh/docs/reference/instance-types/ (aws-semantics.md §8.1)
  it.each([
    ["m6i.large", 1930, 6903, 29],
    ["m5.large", 1930, 6903, 29],
    ["m5.xlarge", 3920, 14162, 58],
    ["c5.large", 1930, 3114, 29],
    ["t3.medium", 1930, 3246, 17],
  ])("%s → %dm / %dMi / %d pods", (type, cpu, mem, pods) => {
    expect(nodeAllocatable(type)).toEqual({ cpuMilli: cpu, memoryMiB: mem, pods });
  });
  it("kube-reserved CPU of 8 and 16 cores", () => {
    expect(kubeReservedCpuMilli(8)).toBe(90);
    expect(kubeReservedCpuMilli(16)).toBe(110);
  });
});

describe("EKS Fargate pod size (https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html)", () => {
  it("W8: 1 vCPU / 8 GB + 256 MB → 2 vCPU / 9 GB", () => {
    expect(eksFargateSize(1000, 8192)).toEqual({ cpu: 2048, memoryMiB: 9216 });
  });
  it("500m / 1Gi + 256 MB → 0.5 vCPU / 2 GB; no requests → 0.25 vCPU / 0.5 GB", () => {
    expect(eksFargateSize(500, 1024)).toEqual({ cpu: 512, memoryMiB: 2048 });
    expect(eksFargateSize(0, 0)).toEqual({ cpu: 256, memoryMiB: 512 });
  });
  it("the 256 MB can push a pod a memory step up: 0.25 vCPU / 2 GB request → 0.5 vCPU / 3 GB", () => {
    expect(eksFargateSize(250, 2048)).toEqual({ cpu: 512, memoryMiB: 3072 });
  });
  it("beyond 16 vCPU / 120 GB there is no size", () => {
    expect(eksFargateSize(16_000, 120 * 1024)).toBeUndefined();
  });
});

describe("scheduler: NodeResourcesFit filter and score", () => {
  const node = (usedCpu: number, usedMem: number, pods = 0): SchedNode => ({
    allocCpuMilli: 2000,
    allocMemoryMiB: 4000,
    allocPods: 10,
    usedCpuMilli: usedCpu,
    usedMemoryMiB: usedMem,
    podCount: pods,
  });
  const pod = { cpuMilli: 500, memoryMiB: 1000 };

  it("filters on cpu, memory and pod count", () => {
    expect(fits(node(1500, 0), pod)).toBe(true);
    expect(fits(node(1501, 0), pod)).toBe(false);
    expect(fits(node(0, 3001), pod)).toBe(false);
    expect(fits(node(0, 0, 10), pod)).toBe(false);
  });

  it("LeastAllocated spreads, MostAllocated packs (resource-bin-packing docs)", () => {
    const nodes = [node(1000, 2000, 2), node(0, 0)];
    // After placing: node0 cpu 75% mem 75%; node1 cpu 25% mem 25%.
    expect(score(nodes[0], pod, "LeastAllocated")).toBe(25);
    expect(score(nodes[1], pod, "LeastAllocated")).toBe(75);
    expect(score(nodes[0], pod, "MostAllocated")).toBe(75);
    expect(selectNode(nodes, pod, "LeastAllocated")).toBe(1);
    expect(selectNode(nodes, pod, "MostAllocated")).toBe(0);
  });

  it("Pending when nothing fits; ties go to the first node", () => {
    expect(selectNode([node(2000, 0), node(1800, 0)], pod, "LeastAllocated")).toBe(-1);
    expect(selectNode([node(0, 0), node(0, 0)], pod, "LeastAllocated")).toBe(0);
  });
});
