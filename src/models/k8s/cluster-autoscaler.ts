import type { Rng } from "../../engine/rng.js";
import { Phase, type Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import type { DecisionSink } from "../decisions.js";
import { BinpackingNodeEstimator, type Estimator } from "./estimator.js";
import {
  type BackoffConfig,
  type BackoffInfo,
  backoffAfterFailure,
  DEFAULT_BACKOFF,
  isBackedOff,
  isStale,
} from "./ca-backoff.js";
import type { Cluster, KNode } from "./cluster.js";
import {
  chooseOption,
  type ExpanderFilter,
  type ExpansionOption,
  leastWasteFilter,
  mostPodsFilter,
  priceBestOption,
  priorityFilter,
} from "./expander.js";
import {
  applyResourceLimits,
  atomicNodeCount,
  balanceScaleUp,
  type ClusterLimits,
  capToMaxNodesTotal,
  type ScaleUpCandidate,
  similarTemplates,
  skipReason,
} from "./ca-scale-up.js";
import { fitsElsewhere, podsPerNode } from "./scheduler.js";

/** A node group as the Cluster Autoscaler's cloud provider sees it (an EC2 Auto Scaling group). */
export interface CaNodeGroup {
  readonly id: string;
  readonly minSize: number;
  readonly maxSize: number;
  /** Allocatable of a new node, its vCPU / GiB capacity and price. */
  readonly template: {
    cpuMilli: number;
    memoryMiB: number;
    pods: number;
    vcpu: number;
    memoryGiB: number;
    pricePerHour: number;
    /** Labels the similarity check compares (instance type, capacity type); node-group and zone labels excluded. */
    labels?: Readonly<Record<string, string>>;
  };
  /** ZeroOrMaxNodeScaling: the group only grows from zero to its maximum in one step (atomic scale-up). */
  readonly zeroOrMaxNodeScaling?: boolean;
  /** The group's target size (ASG desired capacity). */
  targetSize(): number;
  /** Ready nodes of the group. */
  nodes(): KNode[];
  /** Launch times of instances asked for that have not joined yet. */
  upcoming(): TimeMs[];
  increaseSize(delta: number): void;
  /** Drain the node, then terminate its instance and decrement the target size. */
  deleteNode(node: KNode): void;
  /** Give up on the oldest instance that has not joined (max node provision time). */
  deleteUpcoming(): void;
}

export type ExpanderName = "random" | "most-pods" | "least-waste" | "price" | "priority";

/** Flags, defaults from https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md#what-are-the-parameters-to-ca */
export interface CaOptions {
  expanders: readonly ExpanderName[];
  priorities?: Readonly<Record<string, readonly string[]>>;
  scanIntervalMs: TimeMs;
  scaleDownEnabled: boolean;
  scaleDownUtilizationThreshold: number;
  scaleDownUnneededTimeMs: TimeMs;
  scaleDownDelayAfterAddMs: TimeMs;
  scaleDownDelayAfterDeleteMs: TimeMs;
  maxEmptyBulkDelete: number;
  maxNodeProvisionTimeMs: TimeMs;
  maxNodesTotal: number;
  maxCoresTotal: number;
  maxMemoryGiBTotal: number;
  maxNodesPerScaleUp: number;
  /** --balance-similar-node-groups (default false): split a scale-up evenly over similar groups. */
  balanceSimilarNodeGroups?: boolean;
  /** Node-group back-off after a failed scale-up (ca-backoff.ts; default the upstream flags' defaults). */
  backoff?: BackoffConfig;
  /** `--estimator` (estimator.ts): how many nodes a group needs for the pending pods; default binpacking. */
  estimator?: Estimator;
}

/** What the last scale-up attempt considered and did (the CA's ScaleUpStatus, for tests and reports). */
export interface ScaleUpStatus {
  readonly options: readonly { group: string; nodes: number; pods: number }[];
  readonly skipped: readonly { group: string; reason: string }[];
  readonly increases: readonly { group: string; from: number; to: number }[];
  readonly noScaleUpReason?: string;
}

/** Price per hour of a pod's share (mean of cpu and memory fractions) of the cheapest group's node. */
export function cheapestShare(groups: readonly CaNodeGroup[], cpuMilli: number, memoryMiB: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (const g of groups) {
    const t = g.template;
    best = Math.min(best, (t.pricePerHour * (cpuMilli / t.cpuMilli + memoryMiB / t.memoryMiB)) / 2);
  }
  return best;
}

/**
 * Utilisation the scale-down check compares with the threshold: the larger of the CPU and memory requests'
 * shares of allocatable. https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md#how-does-scale-down-work
 */
export function nodeUtilization(n: KNode): number {
  return Math.max(n.usedCpuMilli / n.allocCpuMilli, n.usedMemoryMiB / n.allocMemoryMiB);
}

/**
 * The Cluster Autoscaler main loop (static_autoscaler.go RunOnce), every scan interval:
 * 1. instances that have not joined within max-node-provision-time are given up and their group is backed
 *    off (clusterstate.go updateScaleRequests); a group whose scale-up completed has its back-off removed;
 * 2. scale-up: pending pods that will not fit on nodes still joining are packed by the bin-packing estimator
 *    onto each group's template (groups backed off are skipped); the expander chain picks a group;
 *    cluster-wide limits cap the count;
 * 3. scale-down (not within scale-down-delay-after-add of a scale-up, nor delay-after-delete of a removal):
 *    nodes below the utilisation threshold whose pods fit elsewhere become unneeded; after
 *    scale-down-unneeded-time they are removed, empty ones in bulk (≤ max-empty-bulk-delete), others one at a time.
 */
export class ClusterAutoscaler {
  private readonly unneededSince = new Map<number, TimeMs>();
  private lastScaleUpAt = Number.NEGATIVE_INFINITY;
  private lastScaleDownAt = Number.NEGATIVE_INFINITY;
  scaleUps = 0;
  scaleDowns = 0;
  lastScaleUp?: ScaleUpStatus;
  /** Back-off per node group (exponentialBackoff.backoffInfo). */
  readonly backoff = new Map<string, BackoffInfo>();
  /** Groups with a scale-up in progress (ClusterStateRegistry.scaleUpRequests). */
  private readonly scaleUpRequests = new Set<string>();
  private readonly estimator: Estimator;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: Cluster,
    readonly groups: readonly CaNodeGroup[],
    private readonly opts: CaOptions,
    private readonly rng: Rng,
    private readonly log: DecisionSink,
  ) {
    this.estimator = opts.estimator ?? new BinpackingNodeEstimator();
  }

  start(): void {
    this.sim.every(this.opts.scanIntervalMs, (t) => this.runOnce(t), Phase.control);
  }

  /** Totals by target size: nodes running plus upcoming (calculateScaleUpCoresMemoryTotal). */
  private totals(): { nodes: number; cores: number; memoryMiB: number } {
    let nodes = 0;
    let cores = 0;
    let memoryMiB = 0;
    for (const g of this.groups) {
      const k = g.targetSize();
      nodes += k;
      cores += k * g.template.vcpu;
      memoryMiB += k * g.template.memoryGiB * 1024;
    }
    return { nodes, cores, memoryMiB };
  }

  private candidate(g: CaNodeGroup): ScaleUpCandidate {
    const t = g.template;
    return {
      id: g.id,
      targetSize: g.targetSize(),
      maxSize: g.maxSize,
      zeroOrMaxNodeScaling: g.zeroOrMaxNodeScaling,
      template: {
        vcpu: t.vcpu,
        memoryMiBCapacity: t.memoryGiB * 1024,
        cpuMilli: t.cpuMilli,
        memoryMiB: t.memoryMiB,
        pods: t.pods,
        labels: t.labels,
      },
    };
  }

  runOnce(now: TimeMs): void {
    this.updateScaleRequests(now);
    const scaledUp = this.scaleUp(now);
    if (!scaledUp && this.opts.scaleDownEnabled) this.scaleDown(now);
  }

  private get backoffConfig(): BackoffConfig {
    return this.opts.backoff ?? DEFAULT_BACKOFF;
  }

  /**
   * clusterstate.go updateScaleRequests: stale back-off data is dropped; a group whose scale-up has no
   * instance left to join finished successfully (its back-off is removed); instances that have not joined
   * within max-node-provision-time are given up and the group is backed off (registerFailedScaleUpNoLock).
   * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/clusterstate/clusterstate.go
   */
  private updateScaleRequests(now: TimeMs): void {
    const cfg = this.backoffConfig;
    for (const [id, info] of this.backoff) if (isStale(info, now, cfg)) this.backoff.delete(id);
    for (const g of this.groups) {
      if (this.scaleUpRequests.has(g.id) && g.upcoming().length === 0) {
        this.scaleUpRequests.delete(g.id);
        this.backoff.delete(g.id);
      }
      for (const since of g.upcoming()) {
        if (now - since < this.opts.maxNodeProvisionTimeMs) continue;
        g.deleteUpcoming();
        this.scaleUpRequests.delete(g.id);
        const b = backoffAfterFailure(this.backoff.get(g.id), now, cfg);
        this.backoff.set(g.id, b);
        this.log({
          t: now / 1000,
          controller: "cluster-autoscaler",
          action: "provision-timeout",
          from: g.targetSize() + 1,
          to: g.targetSize(),
          reason: `an instance of ${g.id} did not join within max-node-provision-time; scale-up of ${g.id} backed off for ${b.durationMs / 1000}s (until ${b.untilMs / 1000}s)`,
          group: g.id,
          backoffUntil: b.untilMs / 1000,
        });
      }
    }
  }

  private scaleUp(now: TimeMs): boolean {
    const pending = this.cluster.unschedulable().length;
    if (pending === 0) return false;
    const req = this.cluster.opts.request;
    // Pods that nodes still joining will take are not pending for the estimator (upcoming nodes are
    // simulated as empty template nodes in the cluster snapshot).
    let upcomingRoom = 0;
    for (const g of this.groups) upcomingRoom += g.upcoming().length * podsPerNode(g.template, req);
    const remaining = pending - upcomingRoom;
    if (remaining <= 0) return false;

    const tot = this.totals();
    const limits: ClusterLimits = {
      maxNodes: this.opts.maxNodesTotal,
      maxCores: this.opts.maxCoresTotal,
      maxMemoryMiB: this.opts.maxMemoryGiBTotal * 1024,
    };
    const options: ExpansionOption[] = [];
    const infos: Record<string, { cpuMilli: number; memoryBytes: number }> = {};
    const skipped: { group: string; reason: string }[] = [];
    const MiB = 1048576;
    for (const g of this.groups) {
      const cand = this.candidate(g);
      // filterValidScaleUpNodeGroups: at max size, or one node (an atomic group: all of it) over a limit.
      const skip = isBackedOff(this.backoff.get(g.id), now)
        ? `backed off until ${(this.backoff.get(g.id) as BackoffInfo).untilMs / 1000}s after a failed scale-up`
        : skipReason(cand, tot, limits);
      if (skip) {
        skipped.push({ group: g.id, reason: skip });
        continue;
      }
      const room = g.maxSize - g.targetSize();
      const est = this.estimator.estimate(
        [{ pod: { cpuMilli: req.cpuMilli, memoryBytes: req.memoryMiB * MiB }, count: remaining }],
        { cpuMilli: g.template.cpuMilli, memoryBytes: g.template.memoryMiB * MiB, maxPods: g.template.pods },
        { maxNodes: Math.min(room, this.opts.maxNodesPerScaleUp || room) },
      );
      if (est.nodeCount === 0) continue;
      const pods = Array.from({ length: est.podCount }, () => ({
        cpuMilli: req.cpuMilli,
        memoryBytes: req.memoryMiB * MiB,
      }));
      options.push({ nodeGroupId: g.id, nodeCount: atomicNodeCount(cand, est.nodeCount), pods });
      infos[g.id] = { cpuMilli: g.template.cpuMilli, memoryBytes: g.template.memoryMiB * MiB };
    }
    const considered = options.map((o) => ({
      group: o.nodeGroupId,
      nodes: o.nodeCount,
      pods: o.pods.length,
    }));
    const refuse = (reason: string, size: number): false => {
      this.lastScaleUp = { options: considered, skipped, increases: [], noScaleUpReason: reason };
      this.noScaleUp(now, size, reason);
      return false;
    };
    if (options.length === 0)
      return refuse(
        skipped.length > 0
          ? `pending pods; no node group can take them (${skipped.map((k) => `${k.group}: ${k.reason}`).join("; ")})`
          : "pending pods; every node group is at its maximum size or too small",
        0,
      );
    const byId = new Map(this.groups.map((g) => [g.id, g]));
    const filters: ExpanderFilter[] = this.opts.expanders.flatMap((e): ExpanderFilter[] => {
      switch (e) {
        case "least-waste":
          return [(o) => leastWasteFilter(o, infos)];
        case "most-pods":
          return [mostPodsFilter];
        case "priority":
          return [(o) => priorityFilter(o, this.opts.priorities ?? {})];
        case "price":
          return [
            (o) => {
              const best = priceBestOption(o, infos, {
                nodePrice: (_n, id) => byId.get(id)?.template.pricePerHour,
                // The AWS provider has no PricingModel upstream (the FAQ lists price for GCE/GKE only); a pod is
                // priced here at its share of the cheapest template's allocatable (mean of cpu and memory shares).
                podPrice: (p) => cheapestShare(this.groups, p.cpuMilli, p.memoryBytes / MiB),
              });
              return best ? [best.option] : [];
            },
          ];
        default:
          return [];
      }
    });
    const chosen = chooseOption(options, filters, () => this.rng.next());
    if (!chosen) return false;
    const g = byId.get(chosen.nodeGroupId)!;
    // --max-nodes-total (GetCappedNewNodeCount), then --cores-total / --memory-total (applyLimits).
    const capped: string[] = [];
    let count = capToMaxNodesTotal(chosen.nodeCount, tot.nodes, this.opts.maxNodesTotal);
    if (count < chosen.nodeCount) capped.push("max-nodes-total");
    if (count < 1) return refuse("max node total count already reached", g.targetSize());
    const lim = applyResourceLimits(count, this.candidate(g).template, tot, limits);
    count = lim.allowed;
    for (const r of lim.exceeded) capped.push(`max cluster ${r}`);
    if (count <= 0) return refuse(`${capped.join(", ")} limit reached`, g.targetSize());
    // --balance-similar-node-groups: spread over the valid groups whose template matches and that take the
    // same pods (ComputeSimilarNodeGroups); atomic groups are never balanced.
    const targets = [g];
    if (this.opts.balanceSimilarNodeGroups && !g.zeroOrMaxNodeScaling) {
      const t = this.candidate(g).template;
      for (const o of options) {
        const h = byId.get(o.nodeGroupId)!;
        if (h === g || h.zeroOrMaxNodeScaling) continue;
        if (similarTemplates(t, this.candidate(h).template)) targets.push(h);
      }
    }
    const plan = balanceScaleUp(
      targets.map((x) => ({ id: x.id, currentSize: x.targetSize(), maxSize: x.maxSize })),
      count,
    );
    this.lastRefusal = "";
    this.lastScaleUpAt = now;
    this.lastScaleUp = {
      options: considered,
      skipped,
      increases: plan.map((p) => ({ group: p.id, from: p.currentSize, to: p.newSize })),
    };
    for (const p of plan) {
      byId.get(p.id)!.increaseSize(p.newSize - p.currentSize);
      this.scaleUpRequests.add(p.id);
      this.scaleUps++;
      this.log({
        t: now / 1000,
        controller: "cluster-autoscaler",
        action: "scale-up",
        from: p.currentSize,
        to: p.newSize,
        reason: `${remaining} pending pods need ${chosen.nodeCount} × ${g.id} (expander ${this.opts.expanders.join(",")}${options.length > 1 ? ` among ${options.map((o) => `${o.nodeGroupId}+${o.nodeCount}`).join(", ")}` : ""})${capped.length ? `; capped by ${capped.join(", ")}` : ""}${plan.length > 1 ? `; balanced over ${plan.map((q) => q.id).join(", ")}` : ""}`,
        group: p.id,
      });
    }
    return true;
  }

  private lastRefusal = "";

  /** Log a refused scale-up once, not on every scan while the reason holds. */
  private noScaleUp(now: TimeMs, size: number, reason: string): void {
    if (reason === this.lastRefusal) return;
    this.lastRefusal = reason;
    this.log({
      t: now / 1000,
      controller: "cluster-autoscaler",
      action: "no-scale-up",
      from: size,
      to: size,
      reason,
    });
  }

  private scaleDown(now: TimeMs): void {
    const o = this.opts;
    const req = this.cluster.opts.request;
    const ready = this.cluster.nodes.filter((n) => !n.cordoned);
    const removing = new Set<number>();
    const candidates: { node: KNode; group: CaNodeGroup }[] = [];
    for (const g of this.groups) {
      for (const n of g.nodes()) {
        if (n.cordoned) continue;
        const others = ready.filter((m) => m !== n && !removing.has(m.id));
        const unneeded =
          nodeUtilization(n) < o.scaleDownUtilizationThreshold && fitsElsewhere(others, req, n.podCount);
        if (!unneeded) {
          this.unneededSince.delete(n.id);
          continue;
        }
        if (!this.unneededSince.has(n.id)) this.unneededSince.set(n.id, now);
        candidates.push({ node: n, group: g });
      }
    }
    if (
      now - this.lastScaleUpAt < o.scaleDownDelayAfterAddMs ||
      now - this.lastScaleDownAt < o.scaleDownDelayAfterDeleteMs
    )
      return;
    const sizes = new Map(this.groups.map((g) => [g.id, g.targetSize()]));
    let empties = 0;
    let nonEmpty = 0;
    for (const { node, group } of candidates) {
      const since = this.unneededSince.get(node.id) ?? now;
      if (now - since < o.scaleDownUnneededTimeMs) continue;
      const size = sizes.get(group.id) ?? 0;
      if (size <= group.minSize) continue;
      const empty = node.podCount === 0;
      if (empty ? empties >= o.maxEmptyBulkDelete : nonEmpty >= 1 || empties > 0) continue;
      // Re-check against the nodes that stay.
      const stay = ready.filter((m) => m !== node && !removing.has(m.id));
      if (!empty && !fitsElsewhere(stay, req, node.podCount)) continue;
      removing.add(node.id);
      if (empty) empties++;
      else nonEmpty++;
      sizes.set(group.id, size - 1);
      this.unneededSince.delete(node.id);
      group.deleteNode(node);
      this.scaleDowns++;
      this.log({
        t: now / 1000,
        controller: "cluster-autoscaler",
        action: "scale-down",
        from: size,
        to: size - 1,
        reason: `${node.name} ${empty ? "empty" : `utilisation ${(100 * nodeUtilization(node)).toFixed(0)}% < ${100 * o.scaleDownUtilizationThreshold}%`}, unneeded for ${((now - since) / 1000).toFixed(0)}s`,
        group: group.id,
      });
    }
    if (removing.size > 0) this.lastScaleDownAt = now;
  }
}
