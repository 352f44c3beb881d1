import { instanceType } from "./ec2.js";

/**
 * EKS facts that sit beside the shared EC2 catalogue (src/data/ec2.ts): the control-plane fee and what a
 * node of each catalogue type offers Kubernetes (allocatable CPU, memory and pods).
 */

/**
 * Control plane: $0.10 per cluster-hour in standard support, $0.60 in extended support (us-east-1).
 * https://aws.amazon.com/eks/pricing/ (as transcribed in aws-semantics.md §9.1 [S72][S73])
 */
export const EKS_CONTROL_PLANE_PER_HOUR = { standard: 0.1, extended: 0.6 } as const;

/**
 * Pods per node with the VPC CNI (no prefix delegation): ENIs × (IPv4 per ENI − 1) + 2, as pinned in
 * https://github.com/awslabs/amazon-eks-ami/blob/02343f9bc5f996278d8e20a7f9d889d1a491a79e/files/eni-max-pods.txt
 * m7i and m7g post-date that file; they have the ENI and per-ENI address limits of m6i/m6g (same sizes),
 * so the same formula gives the same values.
 */
export const EKS_MAX_PODS: Readonly<Record<string, number>> = {
  "m5.large": 29,
  "m5.xlarge": 58,
  "m5.2xlarge": 58,
  "m5.4xlarge": 234,
  "m6i.large": 29,
  "m6i.xlarge": 58,
  "m6i.2xlarge": 58,
  "m6i.4xlarge": 234,
  "m7i.large": 29,
  "m7i.xlarge": 58,
  "m7i.2xlarge": 58,
  "m7i.4xlarge": 234,
  "m6g.large": 29,
  "m6g.xlarge": 58,
  "m6g.2xlarge": 58,
  "m6g.4xlarge": 234,
  "m7g.large": 29,
  "m7g.xlarge": 58,
  "m7g.2xlarge": 58,
  "m7g.4xlarge": 234,
  "c5.large": 29,
  "c5.xlarge": 58,
  "c5.2xlarge": 58,
  "c5.4xlarge": 234,
  "c6i.large": 29,
  "c6i.xlarge": 58,
  "c6i.2xlarge": 58,
  "c6i.4xlarge": 234,
  "c7g.large": 29,
  "c7g.xlarge": 58,
  "c7g.2xlarge": 58,
  "c7g.4xlarge": 234,
  "r5.large": 29,
  "r5.xlarge": 58,
  "r5.2xlarge": 58,
  "r5.4xlarge": 234,
  "r6i.large": 29,
  "r6i.xlarge": 58,
  "r6i.2xlarge": 58,
  "r6i.4xlarge": 234,
  "t3.medium": 17,
  "t3.large": 35,
  "t3.xlarge": 58,
  "t3.2xlarge": 58,
  "t4g.medium": 17,
  "t4g.large": 35,
  "t4g.xlarge": 58,
  "t4g.2xlarge": 58,
};

/**
 * Share of the instance's memory hidden by the hypervisor and OS, Karpenter's `vmMemoryOverheadPercent`
 * default 0.075. https://karpenter.sh/docs/reference/settings/
 */
export const VM_MEMORY_OVERHEAD = 0.075;

/** Hard eviction threshold `memory.available<100Mi` (kubelet default, kept by the EKS AMIs). */
export const EVICTION_THRESHOLD_MIB = 100;

/**
 * kube-reserved CPU of the EKS AMIs (and Karpenter): 6 % of the first core, 1 % of the second, 0.5 % of
 * cores 3–4, 0.25 % of every core above 4.
 * https://github.com/awslabs/amazon-eks-ami/blob/main/templates/al2/runtime/bootstrap.sh (get_cpu_millicores_to_reserve)
 */
export function kubeReservedCpuMilli(vcpu: number): number {
  const cores = [0.06, 0.01, 0.005, 0.005];
  let milli = 0;
  for (let c = 0; c < vcpu; c++) milli += 1000 * (c < 4 ? cores[c] : 0.0025);
  return Math.round(milli);
}

/** kube-reserved memory of the EKS AMIs: 11 MiB per pod the node can hold, plus 255 MiB (same source). */
export function kubeReservedMemoryMiB(maxPods: number): number {
  return 11 * maxPods + 255;
}

export interface NodeAllocatable {
  readonly cpuMilli: number;
  readonly memoryMiB: number;
  readonly pods: number;
}

/**
 * What the kubelet offers pods on a node of `type`: capacity less the VM overhead, kube-reserved and the
 * eviction threshold. Reproduces Karpenter's table (m6i.large 1930m / 6903Mi / 29; m5.xlarge 3920m /
 * 14162Mi / 58; t3.medium 1930m / 3246Mi / 17), https://karpenter.sh/docs/reference/instance-types/.
 */
export function nodeAllocatable(type: string): NodeAllocatable {
  const t = instanceType(type);
  const pods = EKS_MAX_PODS[type] ?? 110;
  const memory = Math.floor(
    t.memoryMiB * (1 - VM_MEMORY_OVERHEAD) - kubeReservedMemoryMiB(pods) - EVICTION_THRESHOLD_MIB,
  );
  return { cpuMilli: t.vcpu * 1000 - kubeReservedCpuMilli(t.vcpu), memoryMiB: memory, pods };
}

/** The instance family and size of a type name ("m6i.large" → m6i, large). */
export function familyAndSize(type: string): { family: string; size: string } {
  const dot = type.indexOf(".");
  return { family: type.slice(0, dot), size: type.slice(dot + 1) };
}
