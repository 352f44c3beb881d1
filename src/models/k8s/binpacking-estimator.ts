/**
 * Cluster Autoscaler BinpackingNodeEstimator: how many nodes of a node group's template the pending pods
 * need. Port of kubernetes/autoscaler cluster-autoscaler/estimator/binpacking_estimator.go,
 * decreasing_pod_orderer.go and threshold_based_limiter.go
 * (https://github.com/kubernetes/autoscaler/tree/master/cluster-autoscaler/estimator).
 *
 * The scheduler framework is reduced to the filters that bind in the estimator: NodeResourcesFit (cpu,
 * memory, pod count), NodePorts (host ports) and PodTopologySpread (DoNotSchedule, hostname or zone key).
 * Node state lives in typed arrays so that tens of thousands of pods pack in milliseconds.
 */

export const LABEL_HOSTNAME = "kubernetes.io/hostname";
export const LABEL_ZONE = "topology.kubernetes.io/zone";

/** A `whenUnsatisfiable: DoNotSchedule` topology spread constraint whose selector matches the pod's own labels. */
export interface TopologySpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: typeof LABEL_HOSTNAME | typeof LABEL_ZONE;
  readonly minDomains?: number;
}

/** One pod of an equivalence group (all pods of a group are identical). */
export interface EstimatorPod {
  readonly cpuMilli: number;
  readonly memoryBytes: number;
  readonly hostPorts?: readonly number[];
  /** Label set identity (e.g. "app=web"); spread constraints count pods with the same value. */
  readonly labels?: string;
  readonly topologySpread?: readonly TopologySpreadConstraint[];
}

export interface PodEquivalenceGroup {
  readonly pod: EstimatorPod;
  readonly count: number;
}

/** Allocatable resources of the node group's template node. */
export interface NodeTemplate {
  readonly cpuMilli: number;
  readonly memoryBytes: number;
  readonly maxPods: number;
  readonly zone?: string;
}

/** A node already in the cluster snapshot (only reachable through the hostname-spread retry, as upstream). */
export interface ExistingNode extends NodeTemplate {
  readonly name: string;
  readonly usedCpuMilli?: number;
  readonly usedMemoryBytes?: number;
  readonly podCount?: number;
  readonly usedHostPorts?: readonly number[];
  /** Pods already on the node, by label set (for spread counting). */
  readonly podsByLabels?: Readonly<Record<string, number>>;
}

export interface EstimateOptions {
  /** ThresholdBasedEstimationLimiter node cap; 0 or undefined = unlimited (`--max-nodes-per-scaleup` default 1000). */
  readonly maxNodes?: number;
  readonly existingNodes?: readonly ExistingNode[];
  /** `--fastpath-binpacking`: simulate one node for the best group and extrapolate. */
  readonly fastpath?: boolean;
}

export interface EstimateResult {
  /** Nodes that received at least one pod (upstream `len(newNodesWithPods)`). */
  readonly nodeCount: number;
  /** Total pods placed. */
  readonly podCount: number;
  /** Pods placed per input group (input order). */
  readonly scheduledPerGroup: readonly number[];
}

/**
 * DecreasingPodOrderer score: cpu/allocatable cpu + memory/allocatable memory of one pod.
 */
export function podScore(pod: EstimatorPod, template: NodeTemplate): number {
  let score = 0;
  if (template.cpuMilli > 0) score += pod.cpuMilli / template.cpuMilli;
  if (template.memoryBytes > 0) score += pod.memoryBytes / template.memoryBytes;
  return score;
}

/**
 * Order groups by decreasing score. Upstream uses sort.Slice (unstable); equal scores keep input order here.
 */
export function orderGroups(groups: readonly PodEquivalenceGroup[], template: NodeTemplate): number[] {
  const idx = groups.map((_, i) => i);
  const scores = groups.map((g) => podScore(g.pod, template));
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  return idx;
}

const NEW_ONLY = 0;
const ALL_BUT = 1;
const FIT = 0;
const FAIL_OTHER = 1;
const FAIL_SPREAD = 2;

/** Growable typed-array node table: the cluster snapshot of the simulation. */
class NodeTable {
  n = 0;
  freeCpu: Float64Array;
  freeMem: Float64Array;
  freePods: Int32Array;
  zone: Int32Array;
  isNew: Uint8Array;
  hasPods: Uint8Array;
  ports: (Set<number> | undefined)[] = [];
  readonly zoneIds = new Map<string, number>();
  /** Matching-pod counts per node, by label set; only built for label sets that spread. */
  readonly match = new Map<string, Int32Array>();

  constructor(capacity: number) {
    const c = Math.max(16, capacity);
    this.freeCpu = new Float64Array(c);
    this.freeMem = new Float64Array(c);
    this.freePods = new Int32Array(c);
    this.zone = new Int32Array(c);
    this.isNew = new Uint8Array(c);
    this.hasPods = new Uint8Array(c);
  }

  private grow(): void {
    const c = this.freeCpu.length * 2;
    const g = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(c);
      b.set(a);
      return b;
    };
    this.freeCpu = g(this.freeCpu, (k) => new Float64Array(k));
    this.freeMem = g(this.freeMem, (k) => new Float64Array(k));
    this.freePods = g(this.freePods, (k) => new Int32Array(k));
    this.zone = g(this.zone, (k) => new Int32Array(k));
    this.isNew = g(this.isNew, (k) => new Uint8Array(k));
    this.hasPods = g(this.hasPods, (k) => new Uint8Array(k));
    for (const [k, a] of this.match)
      this.match.set(
        k,
        g(a, (m) => new Int32Array(m)),
      );
  }

  zoneId(zone: string | undefined): number {
    if (zone === undefined) return -1;
    let id = this.zoneIds.get(zone);
    if (id === undefined) {
      id = this.zoneIds.size;
      this.zoneIds.set(zone, id);
    }
    return id;
  }

  add(node: NodeTemplate, isNew: boolean): number {
    if (this.n === this.freeCpu.length) this.grow();
    const i = this.n++;
    this.freeCpu[i] = node.cpuMilli;
    this.freeMem[i] = node.memoryBytes;
    this.freePods[i] = node.maxPods;
    this.zone[i] = this.zoneId(node.zone);
    this.isNew[i] = isNew ? 1 : 0;
    this.hasPods[i] = 0;
    this.ports[i] = undefined;
    for (const a of this.match.values()) a[i] = 0;
    return i;
  }

  matchCounts(labels: string): Int32Array {
    let a = this.match.get(labels);
    if (a === undefined) {
      a = new Int32Array(this.freeCpu.length);
      this.match.set(labels, a);
    }
    return a;
  }

  /**
   * Filters in scheduler plugin order, stopping at the first failure as RunFilterPlugins does:
   * NodePorts, NodeResourcesFit, then PodTopologySpread. Returns FIT, FAIL_OTHER or FAIL_SPREAD.
   */
  check(pod: EstimatorPod, i: number): number {
    const hp = pod.hostPorts;
    if (hp !== undefined && hp.length > 0) {
      const used = this.ports[i];
      if (used !== undefined) for (const p of hp) if (used.has(p)) return FAIL_OTHER;
    }
    if (pod.cpuMilli > 0 && pod.cpuMilli > this.freeCpu[i]) return FAIL_OTHER;
    if (pod.memoryBytes > 0 && pod.memoryBytes > this.freeMem[i]) return FAIL_OTHER;
    if (this.freePods[i] < 1) return FAIL_OTHER;
    const spread = pod.topologySpread;
    if (spread !== undefined && spread.length > 0) {
      for (const c of spread) if (!this.spreadAllows(pod, c, i)) return FAIL_SPREAD;
    }
    return FIT;
  }

  /**
   * PodTopologySpread (https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/):
   * skew = matching pods in the node's domain + 1 - global minimum over eligible domains; with fewer domains
   * than minDomains the global minimum is 0.
   */
  private spreadAllows(pod: EstimatorPod, c: TopologySpreadConstraint, i: number): boolean {
    const counts = this.matchCounts(pod.labels ?? "");
    const self = 1;
    if (c.topologyKey === LABEL_HOSTNAME) {
      let min = Number.POSITIVE_INFINITY;
      for (let k = 0; k < this.n; k++) if (counts[k] < min) min = counts[k];
      if (this.n < (c.minDomains ?? 1)) min = 0;
      return counts[i] + self - min <= c.maxSkew;
    }
    const z = this.zone[i];
    if (z < 0) return false; // node lacks the topology label
    const perZone = new Int32Array(this.zoneIds.size);
    const present = new Uint8Array(this.zoneIds.size);
    for (let k = 0; k < this.n; k++) {
      const zk = this.zone[k];
      if (zk < 0) continue;
      present[zk] = 1;
      perZone[zk] += counts[k];
    }
    let min = Number.POSITIVE_INFINITY;
    let domains = 0;
    for (let d = 0; d < perZone.length; d++) {
      if (present[d] === 0) continue;
      domains++;
      if (perZone[d] < min) min = perZone[d];
    }
    if (domains < (c.minDomains ?? 1)) min = 0;
    return perZone[z] + self - min <= c.maxSkew;
  }

  place(pod: EstimatorPod, i: number): void {
    this.freeCpu[i] -= pod.cpuMilli;
    this.freeMem[i] -= pod.memoryBytes;
    this.freePods[i] -= 1;
    this.hasPods[i] = 1;
    const hp = pod.hostPorts;
    if (hp !== undefined && hp.length > 0) {
      let used = this.ports[i];
      if (used === undefined) this.ports[i] = used = new Set();
      for (const p of hp) used.add(p);
    }
    if (pod.topologySpread !== undefined && pod.topologySpread.length > 0)
      this.matchCounts(pod.labels ?? "")[i]++;
  }
}

/** Estimation run state (upstream estimationState + limiter + scheduler round-robin index). */
class Estimation {
  readonly table: NodeTable;
  lastNode = -1;
  /** Round-robin start of SchedulePodOnAnyNodeMatching (SchedulerPluginRunner.lastIndex). */
  lastIndex = 0;
  addedNodes = 0;
  fakeNodesWithPods = 0;
  placed = 0;

  constructor(
    readonly template: NodeTemplate,
    readonly maxNodes: number,
    existing: readonly ExistingNode[],
    capacity: number,
  ) {
    this.table = new NodeTable(capacity + existing.length);
    for (const e of existing) {
      const i = this.table.add(
        {
          cpuMilli: e.cpuMilli - (e.usedCpuMilli ?? 0),
          memoryBytes: e.memoryBytes - (e.usedMemoryBytes ?? 0),
          maxPods: e.maxPods - (e.podCount ?? 0),
          zone: e.zone,
        },
        false,
      );
      if (e.usedHostPorts !== undefined) this.table.ports[i] = new Set(e.usedHostPorts);
      if (e.podsByLabels !== undefined) {
        for (const [labels, count] of Object.entries(e.podsByLabels))
          this.table.matchCounts(labels)[i] = count;
      }
    }
  }

  /** ThresholdBasedEstimationLimiter.PermissionToAddNode: each grant is one node added. */
  permissionToAddNode(): boolean {
    if (this.maxNodes > 0 && this.addedNodes >= this.maxNodes) return false;
    this.addedNodes++;
    return true;
  }

  addNewNode(): void {
    this.lastNode = this.table.add(this.template, true);
  }

  /** SchedulePodOnAnyNodeMatching: first node passing the filters, scanning round-robin from lastIndex. */
  scheduleOnAny(pod: EstimatorPod, mode: number, exclude: number): number {
    const t = this.table;
    const n = t.n;
    for (let k = 0; k < n; k++) {
      const i = (this.lastIndex + k) % n;
      if (mode === NEW_ONLY ? t.isNew[i] === 0 : i === exclude) continue;
      if (t.check(pod, i) === FIT) {
        this.lastIndex = (this.lastIndex + k + 1) % n;
        t.place(pod, i);
        this.placed++;
        return i;
      }
    }
    return -1;
  }

  /** SchedulePod on one node; returns the filter verdict. */
  scheduleOn(pod: EstimatorPod, i: number): number {
    const verdict = this.table.check(pod, i);
    if (verdict === FIT) {
      this.table.place(pod, i);
      this.placed++;
    }
    return verdict;
  }

  /** tryToScheduleOnExistingNodes: stop at the first pod that fits no simulated new node; returns pods placed. */
  onExistingNodes(pod: EstimatorPod, count: number): number {
    let k = 0;
    for (; k < count; k++) if (this.scheduleOnAny(pod, NEW_ONLY, -1) < 0) break;
    return k;
  }

  /** tryToScheduleOnNewNodes: last node, else a fresh node from the template; returns [placed, newNodesAvailable]. */
  onNewNodes(pod: EstimatorPod, count: number): [number, boolean] {
    const t = this.table;
    const hostnameSpread = pod.topologySpread?.some((c) => c.topologyKey === LABEL_HOSTNAME) ?? false;
    let placed = 0;
    for (let k = 0; k < count; k++) {
      let found = false;
      if (this.lastNode >= 0) {
        const verdict = this.scheduleOn(pod, this.lastNode);
        if (verdict === FIT) {
          found = true;
        } else if (hostnameSpread && verdict === FAIL_SPREAD) {
          // Hostname spread blocked the last node: any other node (existing ones included) may still take it.
          if (this.scheduleOnAny(pod, ALL_BUT, this.lastNode) >= 0) found = true;
        }
      }
      if (!found) {
        // An empty last node that rejected the pod means a fresh node would too.
        if (this.lastNode >= 0 && t.hasPods[this.lastNode] === 0) return [placed, true];
        if (!this.permissionToAddNode()) return [placed, false];
        this.addNewNode();
        // May still fail (e.g. zonal spread); the empty node stays in the snapshot.
        if (this.scheduleOn(pod, this.lastNode) !== FIT) break;
        found = true;
      }
      placed++;
    }
    return [placed, true];
  }

  /** tryFastPath: fill one simulated node, then count the rest arithmetically. */
  fastPath(pod: EstimatorPod, count: number): [number, boolean] {
    if (count === 0) return [0, true];
    if (!this.permissionToAddNode()) return [0, false];
    this.addNewNode();
    let i = 0;
    while (i < count && this.scheduleOn(pod, this.lastNode) === FIT) i++;
    const podsPerNode = i;
    if (podsPerNode === 0) return [0, true];
    const scaleUpSize = Math.ceil(count / podsPerNode);
    for (let j = 1; j < scaleUpSize; j++) {
      if (!this.permissionToAddNode()) return [i, false];
      const k = Math.min(podsPerNode, count - i);
      i += k;
      this.placed += k;
      this.fakeNodesWithPods++;
    }
    return [i, true];
  }
}

/**
 * determineBestPEGToFastpath: the group saving most simulations (pods - pods/nodes); ties go to the later
 * group; groups with topology spread are not eligible.
 */
export function bestGroupForFastpath(
  groups: readonly PodEquivalenceGroup[],
  order: readonly number[],
  template: NodeTemplate,
): number {
  let best = -1;
  let maxSaved = 0;
  order.forEach((gi, pos) => {
    const g = groups[gi];
    const byCpu = Math.ceil((g.count * g.pod.cpuMilli) / template.cpuMilli);
    const byMem = Math.ceil((g.count * g.pod.memoryBytes) / template.memoryBytes);
    const nodes = Math.max(byCpu, byMem);
    const saved = nodes > 0 ? g.count - Math.trunc(g.count / nodes) : 0;
    const eligible = g.pod.topologySpread === undefined || g.pod.topologySpread.length === 0;
    if (saved >= maxSaved && eligible) {
      best = pos;
      maxSaved = saved;
    }
  });
  return best;
}

/**
 * BinpackingNodeEstimator.Estimate: groups in decreasing score order; each group first fills the nodes
 * already added in this simulation, then the last added node, then fresh template nodes, until the
 * limiter stops it.
 */
export function estimateNodes(
  groups: readonly PodEquivalenceGroup[],
  template: NodeTemplate,
  options: EstimateOptions = {},
): EstimateResult {
  const order = orderGroups(groups, template);
  let useFastpathOnLast = false;
  if (options.fastpath === true) {
    // The group that benefits most moves last, since only the last group may use the fast path.
    const pos = bestGroupForFastpath(groups, order, template);
    if (pos >= 0) {
      order.push(order.splice(pos, 1)[0]);
      useFastpathOnLast = true;
    }
  }
  let total = 0;
  for (const g of groups) total += g.count;
  const est = new Estimation(
    template,
    options.maxNodes ?? 0,
    options.existingNodes ?? [],
    Math.min(total, 1 << 16),
  );
  const perGroup = groups.map(() => 0);
  let newNodesAvailable = true;
  order.forEach((gi, pos) => {
    const g = groups[gi];
    const onExisting = est.onExistingNodes(g.pod, g.count);
    perGroup[gi] += onExisting;
    if (!newNodesAvailable) return;
    const rest = g.count - onExisting;
    const [placed, avail] =
      useFastpathOnLast && pos === order.length - 1 ? est.fastPath(g.pod, rest) : est.onNewNodes(g.pod, rest);
    perGroup[gi] += placed;
    newNodesAvailable = avail;
  });
  let nodeCount = est.fakeNodesWithPods;
  for (let i = 0; i < est.table.n; i++) nodeCount += est.table.hasPods[i];
  return { nodeCount, podCount: est.placed, scheduledPerGroup: perGroup };
}
