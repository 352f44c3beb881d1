/**
 * Pure parts of the Cluster Autoscaler scale-up orchestrator beyond the estimator and expanders: cluster-wide
 * resource limits (--max-nodes-total, --cores-total, --memory-total), node-group similarity and balancing
 * (--balance-similar-node-groups), and atomic (ZeroOrMaxNodeScaling) node groups.
 * Ports of kubernetes/autoscaler cluster-autoscaler/core/scaleup/orchestrator/orchestrator.go
 * (filterValidScaleUpNodeGroups, ComputeExpansionOption, GetCappedNewNodeCount, applyLimits),
 * core/scaleup/resource/manager.go (resources left, ApplyLimits) and processors/nodegroupset
 * (compare_nodegroups.go IsCloudProviderNodeInfoSimilar, aws_nodegroups.go, balancing_processor.go):
 * https://github.com/kubernetes/autoscaler/tree/master/cluster-autoscaler/core/scaleup
 */

/** A node group's template node as the limits and the similarity check read it. */
export interface ScaleUpTemplate {
  /** Capacity: whole cores (upstream reads `cpu.Value()`, rounded up) and memory in MiB. */
  readonly vcpu: number;
  readonly memoryMiBCapacity: number;
  /** Allocatable. */
  readonly cpuMilli: number;
  readonly memoryMiB: number;
  readonly pods: number;
  /** Node labels that are not ignored by the comparator (instance type, capacity type, ...). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Cluster totals by node-group target sizes (calculateScaleUpCoresMemoryTotal). */
export interface ClusterTotals {
  readonly nodes: number;
  readonly cores: number;
  readonly memoryMiB: number;
}

/** Cluster-wide limits; `maxNodes` 0 = no limit. */
export interface ClusterLimits {
  readonly maxNodes: number;
  readonly maxCores: number;
  readonly maxMemoryMiB: number;
}

/**
 * How many of `wanted` template nodes the cores and memory limits still allow (resource manager ApplyLimits:
 * for each resource, left / per-node, integer division), and which limits bound it.
 */
export function applyResourceLimits(
  wanted: number,
  t: ScaleUpTemplate,
  totals: ClusterTotals,
  limits: ClusterLimits,
): { allowed: number; exceeded: ("cpu" | "memory")[] } {
  let allowed = wanted;
  const exceeded: ("cpu" | "memory")[] = [];
  const byCores = t.vcpu > 0 ? Math.max(0, Math.trunc((limits.maxCores - totals.cores) / t.vcpu)) : wanted;
  if (byCores < allowed) {
    allowed = byCores;
    exceeded.push("cpu");
  }
  const byMemory =
    t.memoryMiBCapacity > 0
      ? Math.max(0, Math.trunc((limits.maxMemoryMiB - totals.memoryMiB) / t.memoryMiBCapacity))
      : wanted;
  if (byMemory < allowed) {
    allowed = byMemory;
    exceeded.push("memory");
  }
  return { allowed, exceeded };
}

export interface ScaleUpCandidate {
  readonly id: string;
  readonly targetSize: number;
  readonly maxSize: number;
  readonly template: ScaleUpTemplate;
  readonly zeroOrMaxNodeScaling?: boolean;
}

/**
 * filterValidScaleUpNodeGroups: a group is skipped at its maximum size, or when the nodes a scale-up must add
 * at least (1, or up to MaxSize for an atomic group) would cross a cluster-wide limit. Returns the reason,
 * or undefined for a valid group. Reasons use the upstream wording.
 */
export function skipReason(
  g: ScaleUpCandidate,
  totals: ClusterTotals,
  limits: ClusterLimits,
): string | undefined {
  if (g.targetSize >= g.maxSize) return "max node group size reached";
  let numNodes = 1;
  if (g.zeroOrMaxNodeScaling) {
    numNodes = g.maxSize - g.targetSize;
    if (limits.maxNodes !== 0 && totals.nodes + numNodes > limits.maxNodes)
      return "atomic scale-up exceeds cluster node count limit";
  }
  const { exceeded } = applyResourceLimits(numNodes, g.template, totals, limits);
  if (exceeded.length > 0) return `max cluster ${exceeded.join(", ")} limit reached`;
  return undefined;
}

/**
 * ComputeExpansionOption for a ZeroOrMaxNodeScaling group: any non-zero estimate becomes the whole group
 * (upstream sets NodeCount = MaxSize; such a group sits at 0 or at its maximum, so that is MaxSize - target).
 */
export function atomicNodeCount(g: ScaleUpCandidate, estimated: number): number {
  if (!g.zeroOrMaxNodeScaling || estimated <= 0) return estimated;
  return g.maxSize - g.targetSize;
}

/** GetCappedNewNodeCount: --max-nodes-total against the current node count (0 = no limit). */
export function capToMaxNodesTotal(newNodes: number, currentNodes: number, maxNodesTotal: number): number {
  if (maxNodesTotal > 0 && newNodes + currentNodes > maxNodesTotal) return maxNodesTotal - currentNodes;
  return newNodes;
}

/** Upstream defaults of --memory-difference-ratio, --max-allocatable-difference-ratio, --max-free-difference-ratio. */
export const NODE_GROUP_DIFFERENCE_RATIOS = {
  maxCapacityMemory: 0.015,
  maxAllocatable: 0.05,
  maxFree: 0.05,
} as const;

function within(a: number, b: number, ratio: number): boolean {
  const larger = Math.max(a, b);
  return larger - Math.min(a, b) <= larger * ratio;
}

/**
 * IsCloudProviderNodeInfoSimilar with the AWS comparator: equal CPU capacity, memory capacity within 1.5 %,
 * allocatable within 5 %, free resources within 5 % (a template node has no pods here, no DaemonSets are
 * modelled, so free equals allocatable), and equal labels once hostname, zone, region and the AWS node-group
 * labels (eks.amazonaws.com/nodegroup, alpha.eksctl.io/*, lifecycle, ...) are ignored; callers pass only the
 * labels that count.
 */
export function similarTemplates(
  a: ScaleUpTemplate,
  b: ScaleUpTemplate,
  ratios: typeof NODE_GROUP_DIFFERENCE_RATIOS = NODE_GROUP_DIFFERENCE_RATIOS,
): boolean {
  if (a.vcpu !== b.vcpu) return false;
  if (!within(a.memoryMiBCapacity, b.memoryMiBCapacity, ratios.maxCapacityMemory)) return false;
  for (const r of [ratios.maxAllocatable, ratios.maxFree])
    if (
      !within(a.cpuMilli, b.cpuMilli, r) ||
      !within(a.memoryMiB, b.memoryMiB, r) ||
      !within(a.pods, b.pods, r)
    )
      return false;
  const la = a.labels ?? {};
  const lb = b.labels ?? {};
  const keys = new Set([...Object.keys(la), ...Object.keys(lb)]);
  for (const k of keys) if (la[k] === undefined || la[k] !== lb[k]) return false;
  return true;
}

export interface ScaleUpInfo {
  readonly id: string;
  readonly currentSize: number;
  newSize: number;
  readonly maxSize: number;
}

/**
 * BalanceScaleUpBetweenGroups: add the nodes one at a time to the smallest group, skipping groups at their
 * maximum; capped to the set's free capacity. Returns the groups that grow. Upstream sorts with sort.Slice
 * (not stable); equal sizes keep the given order here (the chosen group first).
 */
export function balanceScaleUp(
  groups: readonly { id: string; currentSize: number; maxSize: number }[],
  newNodes: number,
): ScaleUpInfo[] {
  const infos: ScaleUpInfo[] = [];
  let capacity = 0;
  for (const g of groups) {
    if (g.currentSize >= g.maxSize) continue;
    infos.push({ id: g.id, currentSize: g.currentSize, newSize: g.currentSize, maxSize: g.maxSize });
    capacity += g.maxSize - g.currentSize;
  }
  let left = Math.min(newNodes, capacity);
  const order = infos.map((_, i) => i).sort((i, j) => infos[i].currentSize - infos[j].currentSize || i - j);
  const s = order.map((i) => infos[i]);
  let start = 0;
  let cur = 0;
  while (left > 0) {
    const info = s[cur];
    if (info.newSize < info.maxSize) {
      info.newSize++;
      left--;
    } else {
      [s[start], s[cur]] = [s[cur], s[start]];
      start++;
    }
    if (cur < s.length - 1 && s[cur].newSize > s[cur + 1].newSize) cur++;
    else cur = start;
  }
  return infos.filter((i) => i.newSize !== i.currentSize);
}
