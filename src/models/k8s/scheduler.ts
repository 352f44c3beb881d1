/**
 * kube-scheduler, reduced to what decides where this simulator's pods go: the NodeResourcesFit filter
 * (cpu, memory, pod count against allocatable) and one scoring plugin, NodeResourcesFit with its
 * `LeastAllocated` (default) or `MostAllocated` strategy, equal weights for cpu and memory.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/resource-bin-packing/
 * https://kubernetes.io/docs/reference/scheduling/config/#scheduling-plugins
 * Simplification (docs/eks.md): BalancedAllocation, ImageLocality, TaintToleration, inter-pod affinity and
 * topology spreading are not scored; ties go to the oldest node rather than a random one.
 */

export interface SchedNode {
  readonly allocCpuMilli: number;
  readonly allocMemoryMiB: number;
  readonly allocPods: number;
  readonly usedCpuMilli: number;
  readonly usedMemoryMiB: number;
  readonly podCount: number;
}

export interface PodRequest {
  readonly cpuMilli: number;
  readonly memoryMiB: number;
}

export type ScoringStrategy = "LeastAllocated" | "MostAllocated";

/** NodeResourcesFit filter. */
export function fits(n: SchedNode, pod: PodRequest): boolean {
  return (
    n.podCount + 1 <= n.allocPods &&
    n.usedCpuMilli + pod.cpuMilli <= n.allocCpuMilli &&
    n.usedMemoryMiB + pod.memoryMiB <= n.allocMemoryMiB
  );
}

/**
 * NodeResourcesFit score in [0, 100] after placing the pod: LeastAllocated = mean of free fractions,
 * MostAllocated = mean of used fractions (both × 100, integer as upstream's int64 arithmetic).
 */
export function score(n: SchedNode, pod: PodRequest, strategy: ScoringStrategy): number {
  const cpu = (n.usedCpuMilli + pod.cpuMilli) / n.allocCpuMilli;
  const mem = (n.usedMemoryMiB + pod.memoryMiB) / n.allocMemoryMiB;
  const used = strategy === "MostAllocated" ? (cpu + mem) / 2 : (2 - cpu - mem) / 2;
  return Math.floor(100 * used);
}

/** Index of the node the pod goes to, or -1 (the pod stays Pending: Unschedulable). */
export function selectNode(
  nodes: readonly SchedNode[],
  pod: PodRequest,
  strategy: ScoringStrategy,
  eligible: (i: number) => boolean = () => true,
): number {
  let best = -1;
  let bestScore = -1;
  for (let i = 0; i < nodes.length; i++) {
    if (!eligible(i) || !fits(nodes[i], pod)) continue;
    const s = score(nodes[i], pod, strategy);
    if (s > bestScore) {
      best = i;
      bestScore = s;
    }
  }
  return best;
}

/** How many more copies of `pod` a node with this allocatable holds when empty. */
export function podsPerNode(
  alloc: { cpuMilli: number; memoryMiB: number; pods: number },
  pod: PodRequest,
): number {
  const byCpu = pod.cpuMilli > 0 ? Math.floor(alloc.cpuMilli / pod.cpuMilli) : Number.POSITIVE_INFINITY;
  const byMem = pod.memoryMiB > 0 ? Math.floor(alloc.memoryMiB / pod.memoryMiB) : Number.POSITIVE_INFINITY;
  return Math.max(0, Math.min(byCpu, byMem, alloc.pods));
}

/** How many more identical pods the free room of the given nodes holds (each node taken on its own). */
export function freePodRoom(
  nodes: readonly SchedNode[],
  pod: PodRequest,
  atMost = Number.POSITIVE_INFINITY,
): number {
  let room = 0;
  for (const n of nodes) {
    if (room >= atMost) break;
    const left = atMost - room;
    const r = Math.min(
      pod.cpuMilli > 0 ? Math.floor((n.allocCpuMilli - n.usedCpuMilli) / pod.cpuMilli) : left,
      pod.memoryMiB > 0 ? Math.floor((n.allocMemoryMiB - n.usedMemoryMiB) / pod.memoryMiB) : left,
      n.allocPods - n.podCount,
    );
    if (r > 0) room += r;
  }
  return Math.min(room, atMost);
}

/**
 * Whether `count` identical pods fit into the free room of the given nodes, first fit (the scheduling
 * simulation the autoscalers run before removing a node).
 */
export function fitsElsewhere(nodes: readonly SchedNode[], pod: PodRequest, count: number): boolean {
  return freePodRoom(nodes, pod, count) >= count;
}
