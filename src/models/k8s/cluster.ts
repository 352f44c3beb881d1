import type { Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import type { Deployment, Pod, PodHost } from "./deployment.js";
import { type PodRequest, type SchedNode, type ScoringStrategy, selectNode } from "./scheduler.js";

/** A Ready node of the cluster (an EC2 instance that joined), with the requests bound to it. */
export interface KNode extends SchedNode {
  readonly id: number;
  readonly name: string;
  /** Node group or NodePool. */
  readonly group: string;
  readonly type: string;
  readonly capacityType: "on-demand" | "spot";
  readonly zone: string;
  readonly allocCpuMilli: number;
  readonly allocMemoryMiB: number;
  readonly allocPods: number;
  usedCpuMilli: number;
  usedMemoryMiB: number;
  podCount: number;
  /** The image is on the node from this time (kubelet pulls once; concurrent pulls wait for it). */
  imageReadyAt?: TimeMs;
  /** Unschedulable (cordoned or tainted for disruption). */
  cordoned: boolean;
  readonly launchedAt: TimeMs;
  readonly readyAt: TimeMs;
  /** Last time a pod was bound to or removed from the node (Karpenter's consolidateAfter clock). */
  lastPodEventAt: TimeMs;
  /** USD per hour the node costs (On-Demand or Spot), for the autoscalers' price comparisons. */
  readonly pricePerHour: number;
}

export interface ClusterOptions {
  request: PodRequest;
  strategy: ScoringStrategy;
  /** Image pull on a node without the image, ms (a draw per pull). */
  imagePullMs: () => TimeMs;
  /** Container start after the image is present, ms (a draw per pod). */
  containerStartMs: () => TimeMs;
}

/**
 * The nodes of an EKS cluster and the scheduler binding the Deployment's pods to them. Node providers
 * (node groups, Karpenter) add Ready nodes and drain and remove them; autoscalers read the pending pods.
 */
export class Cluster implements PodHost {
  readonly nodes: KNode[] = [];
  /** Pods not yet bound, in creation order. */
  readonly pending: Pod[] = [];
  private readonly byId = new Map<number, KNode>();
  private deployment?: Deployment;
  private nextNodeId = 1;
  private scheduled = false;
  /** Called after each scheduling pass (autoscalers react to pods left Pending). */
  readonly afterSchedule: ((now: TimeMs) => void)[] = [];

  constructor(
    private readonly sim: Simulation,
    readonly opts: ClusterOptions,
  ) {}

  attach(d: Deployment): void {
    this.deployment = d;
  }

  newNodeId(): number {
    return this.nextNodeId++;
  }

  addNode(node: KNode): void {
    this.nodes.push(node);
    this.byId.set(node.id, node);
    this.scheduleSoon();
  }

  node(id: number | undefined): KNode | undefined {
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** The node is gone (instance terminated); pods still on it are evicted. */
  removeNode(node: KNode, now: TimeMs): void {
    this.drain(node, now);
    const i = this.nodes.indexOf(node);
    if (i >= 0) this.nodes.splice(i, 1);
    this.byId.delete(node.id);
  }

  podsOn(node: KNode): Pod[] {
    return this.deployment
      ? this.deployment.pods.filter((p) => p.nodeId === node.id && p.deletingAt === undefined)
      : [];
  }

  /** Cordon the node and evict its pods (the ReplicaSet recreates them elsewhere). */
  drain(node: KNode, now: TimeMs): void {
    node.cordoned = true;
    const d = this.deployment;
    if (!d) return;
    for (const p of this.podsOn(node)) d.evict(p, now);
  }

  place(pod: Pod): void {
    this.pending.push(pod);
    this.scheduleSoon();
  }

  warmPlace(pod: Pod, now: TimeMs): void {
    const i = selectNode(this.nodes, this.opts.request, this.opts.strategy, (k) => !this.nodes[k].cordoned);
    if (i < 0) throw new Error(`no warm node has room for ${pod.name}; start more nodes`);
    const n = this.nodes[i];
    this.occupy(n, pod, now);
    n.imageReadyAt = now;
    pod.boundAt = now;
  }

  colocated(pod: Pod): number {
    return this.node(pod.nodeId)?.podCount ?? 0;
  }

  release(pod: Pod, now: TimeMs): void {
    const n = this.node(pod.nodeId);
    if (n) {
      n.usedCpuMilli -= this.opts.request.cpuMilli;
      n.usedMemoryMiB -= this.opts.request.memoryMiB;
      n.podCount--;
      n.lastPodEventAt = now;
      this.scheduleSoon();
    } else {
      const i = this.pending.indexOf(pod);
      if (i >= 0) this.pending.splice(i, 1);
    }
  }

  /** Coalesce scheduling passes to one per instant. */
  scheduleSoon(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.sim.after(0, (t) => {
      this.scheduled = false;
      this.schedulePending(t);
    });
  }

  private occupy(n: KNode, pod: Pod, now: TimeMs): void {
    n.usedCpuMilli += this.opts.request.cpuMilli;
    n.usedMemoryMiB += this.opts.request.memoryMiB;
    n.podCount++;
    n.lastPodEventAt = now;
    pod.nodeId = n.id;
  }

  /** One scheduling pass over the pending queue, oldest first. */
  schedulePending(now: TimeMs): void {
    const d = this.deployment;
    const nodes = this.nodes;
    let k = 0;
    while (k < this.pending.length) {
      const pod = this.pending[k];
      if (pod.deletingAt !== undefined) {
        this.pending.splice(k, 1);
        continue;
      }
      const i = selectNode(nodes, this.opts.request, this.opts.strategy, (j) => !nodes[j].cordoned);
      if (i < 0) {
        k++;
        continue;
      }
      this.pending.splice(k, 1);
      const n = nodes[i];
      this.occupy(n, pod, now);
      d?.podBound(pod, now);
      // The kubelet pulls the image unless the node has it (imagePullPolicy IfNotPresent), then starts the
      // containers; the startup SLO (≤ 5 s at p99, excluding image pull) bounds the second part.
      // https://github.com/kubernetes/community/blob/master/sig-scalability/slos/pod_startup_latency.md
      if (n.imageReadyAt === undefined) n.imageReadyAt = now + this.opts.imagePullMs();
      const wait = Math.max(0, n.imageReadyAt - now) + this.opts.containerStartMs();
      this.sim.after(wait, (t) => {
        if (pod.deletingAt === undefined) d?.podStarted(pod, t);
      });
    }
    for (const f of this.afterSchedule) f(now);
  }

  /** Pending pods that are not being deleted. */
  unschedulable(): Pod[] {
    return this.pending.filter((p) => p.deletingAt === undefined);
  }
}
