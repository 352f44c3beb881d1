import { familyAndSize, nodeAllocatable } from "../../../src/data/eks.js";
import { instanceType, listInstanceTypes } from "../../../src/data/ec2.js";
import type { InstanceCandidate } from "../../../src/models/k8s/karpenter.js";

/** Every catalogue instance type as a Karpenter candidate, at its us-east-1 On-Demand price. */
export const TYPES: InstanceCandidate[] = listInstanceTypes().map((t) => {
  const i = instanceType(t);
  const { family, size } = familyAndSize(t);
  return {
    name: t,
    family,
    size,
    arch: i.arch === "arm64" ? "arm64" : "amd64",
    vcpu: i.vcpu,
    memoryMiB: i.memoryMiB,
    alloc: nodeAllocatable(t),
    onDemandPerHour: i.pricePerHour["us-east-1"],
  };
});
