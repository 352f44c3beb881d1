/**
 * Karpenter's decisions as pure functions: which offerings (instance type × capacity type × zone) a
 * NodePool's requirements allow, how pending pods are packed onto new NodeClaims and which offering each
 * launches, how many disruptions the budgets allow, and whether a node can be consolidated.
 * https://karpenter.sh/docs/concepts/nodepools/ ; https://karpenter.sh/docs/concepts/scheduling/ ;
 * https://karpenter.sh/docs/concepts/disruption/
 */
import { forInstanceType, type PerInstanceType } from "../billing/spot.js";
import { podsPerNode, type PodRequest } from "./scheduler.js";

export type CapacityType = "on-demand" | "spot";
export type Operator = "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

export interface InstanceCandidate {
  readonly name: string;
  readonly family: string;
  readonly size: string;
  /** Kubernetes arch label: amd64 or arm64. */
  readonly arch: "amd64" | "arm64";
  readonly vcpu: number;
  readonly memoryMiB: number;
  readonly alloc: { cpuMilli: number; memoryMiB: number; pods: number };
  readonly onDemandPerHour: number;
}

export interface Offering {
  readonly type: InstanceCandidate;
  readonly capacityType: CapacityType;
  readonly zone: string;
  readonly pricePerHour: number;
}

/** The label value an offering carries for a well-known requirement key. */
function labelOf(o: Offering, key: string): string | undefined {
  switch (key) {
    case "karpenter.k8s.aws/instance-family":
      return o.type.family;
    case "karpenter.k8s.aws/instance-size":
      return o.type.size;
    case "node.kubernetes.io/instance-type":
      return o.type.name;
    case "karpenter.sh/capacity-type":
      return o.capacityType;
    case "kubernetes.io/arch":
      return o.type.arch;
    case "topology.kubernetes.io/zone":
      return o.zone;
    case "karpenter.k8s.aws/instance-cpu":
      return String(o.type.vcpu);
    default:
      return undefined;
  }
}

/** One node-selector requirement (https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#operators). */
export function satisfies(o: Offering, r: Requirement): boolean {
  const v = labelOf(o, r.key);
  switch (r.operator) {
    case "In":
      return v !== undefined && r.values.includes(v);
    case "NotIn":
      return v === undefined || !r.values.includes(v);
    case "Exists":
      return v !== undefined;
    case "DoesNotExist":
      return v === undefined;
    case "Gt":
      return v !== undefined && Number(v) > Number(r.values[0]);
    case "Lt":
      return v !== undefined && Number(v) < Number(r.values[0]);
  }
}

/**
 * NodePool requirements with Karpenter's defaults: without a capacity-type requirement only on-demand, without
 * an arch requirement only amd64. https://karpenter.sh/docs/concepts/nodepools/#spectemplatespecrequirements
 */
export function withDefaults(reqs: readonly Requirement[]): Requirement[] {
  const out = [...reqs];
  if (!reqs.some((r) => r.key === "karpenter.sh/capacity-type"))
    out.push({ key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] });
  if (!reqs.some((r) => r.key === "kubernetes.io/arch"))
    out.push({ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] });
  return out;
}

/** Every offering the requirements allow, cheapest first (ties by type name, then zone). */
export function allowedOfferings(
  types: readonly InstanceCandidate[],
  zones: readonly string[],
  reqs: readonly Requirement[],
  spotPriceFactor: PerInstanceType,
): Offering[] {
  const all = withDefaults(reqs);
  const out: Offering[] = [];
  for (const type of types)
    for (const capacityType of ["spot", "on-demand"] as const)
      for (const zone of zones) {
        const o: Offering = {
          type,
          capacityType,
          zone,
          pricePerHour:
            type.onDemandPerHour *
            (capacityType === "spot" ? forInstanceType(spotPriceFactor, type.name) : 1),
        };
        if (all.every((r) => satisfies(o, r))) out.push(o);
      }
  return out.sort(
    (a, b) =>
      a.pricePerHour - b.pricePerHour ||
      a.type.name.localeCompare(b.type.name) ||
      a.zone.localeCompare(b.zone),
  );
}

/**
 * The offering a NodeClaim holding `pods` copies of `req` launches: Spot when the NodePool allows it and a
 * Spot offering fits (Karpenter prioritises Spot), else On-Demand; the cheapest that fits
 * (lowest-price for On-Demand; price-capacity-optimized for Spot, whose capacity signal the simulator lacks).
 * https://karpenter.sh/docs/concepts/scheduling/#capacity-type
 */
export function cheapestFit(
  offerings: readonly Offering[],
  req: PodRequest,
  pods: number,
): Offering | undefined {
  let best: Offering | undefined;
  for (const o of offerings) {
    if (podsPerNode(o.type.alloc, req) < pods) continue;
    if (
      best === undefined ||
      (o.capacityType === "spot" && best.capacityType !== "spot") ||
      (o.capacityType === best.capacityType && o.pricePerHour < best.pricePerHour)
    )
      best = o;
  }
  return best;
}

export interface NodeClaimPlan {
  readonly offering: Offering;
  readonly pods: number;
}

/**
 * Pack `count` pending pods onto new NodeClaims as Karpenter's scheduler does: a NodeClaim takes pods while
 * some allowed instance type can still hold them all, then launches the cheapest offering that fits its pods.
 * Returns [] when no allowed type can hold one pod.
 */
export function planNodeClaims(
  offerings: readonly Offering[],
  req: PodRequest,
  count: number,
): NodeClaimPlan[] {
  let maxFit = 0;
  for (const o of offerings) maxFit = Math.max(maxFit, podsPerNode(o.type.alloc, req));
  if (maxFit === 0) return [];
  const out: NodeClaimPlan[] = [];
  let left = count;
  while (left > 0) {
    const k = Math.min(left, maxFit);
    const o = cheapestFit(offerings, req, k);
    if (!o) break;
    out.push({ offering: o, pods: k });
    left -= k;
  }
  return out;
}

/** A node as the disruption budget counts it (state.StateNode in BuildDisruptionBudgetMapping). */
export interface BudgetNode {
  /** Registered and initialised (a NodeClaim still launching is not). */
  readonly initialized: boolean;
  /** The instance is being terminated (after its drain): no longer counted. */
  readonly instanceTerminating?: boolean;
  readonly ready: boolean;
  /** Marked for deletion by a disruption (draining). */
  readonly markedForDeletion: boolean;
}

/**
 * The node counts a NodePool's budgets apply to (BuildDisruptionBudgetMapping, pkg/controllers/disruption/
 * helpers.go): only initialised nodes whose instance is not yet terminating count towards the total, "to
 * prevent odd roundup cases with percentages where replacement nodes that aren't initialized could be counted
 * towards the total"; of them, those NotReady or marked for deletion are already disrupting.
 * https://github.com/kubernetes-sigs/karpenter/blob/main/pkg/controllers/disruption/helpers.go
 */
export function budgetNodeCounts(nodes: readonly BudgetNode[]): { total: number; disrupting: number } {
  let total = 0;
  let disrupting = 0;
  for (const n of nodes) {
    if (!n.initialized || n.instanceTerminating) continue;
    total++;
    if (!n.ready || n.markedForDeletion) disrupting++;
  }
  return { total, disrupting };
}

/** What single-node consolidation can do with an underutilised node. */
export type ConsolidationAction =
  | { kind: "delete" }
  | { kind: "replace"; offering: Offering; pods: number; elsewhere: number };

/**
 * Single-node consolidation (https://karpenter.sh/docs/concepts/disruption/#consolidation): delete the node
 * when all its pods fit on the free capacity of other nodes; replace it when they fit on that free capacity
 * plus a single cheaper new node ("a combination of the other nodes in the cluster and a single lower price
 * replacement node"). `freeRoom` is how many of its pods the other nodes can take. Spot nodes are only
 * deleted (spot-to-spot replacement is behind the SpotToSpotConsolidation feature gate).
 * https://github.com/kubernetes-sigs/karpenter/blob/main/designs/consolidation.md
 */
export function consolidationAction(
  podCount: number,
  freeRoom: number,
  current: Offering,
  offerings: readonly Offering[],
  req: PodRequest,
): ConsolidationAction | undefined {
  const elsewhere = Math.min(podCount, freeRoom);
  if (elsewhere >= podCount) return { kind: "delete" };
  if (current.capacityType === "spot") return undefined;
  const pods = podCount - elsewhere;
  const cheaper = cheapestFit(offerings, req, pods);
  if (!cheaper || cheaper.pricePerHour >= current.pricePerHour) return undefined;
  return { kind: "replace", offering: cheaper, pods, elsewhere };
}

export interface Budget {
  /** "10%" or "5". */
  readonly nodes: string;
  readonly reasons?: readonly string[];
}

/**
 * Disruptions the budgets allow now: for each budget roundup(total × pct) (or the count), less nodes being
 * deleted and nodes not ready; the minimum over budgets that apply to `reason`, never below 0.
 * https://karpenter.sh/docs/concepts/disruption/#nodes (worked example: 20% of 19 nodes → 4).
 */
export function allowedDisruptions(
  budgets: readonly Budget[],
  totalNodes: number,
  deleting: number,
  notReady: number,
  reason?: string,
): number {
  let allowed = Number.POSITIVE_INFINITY;
  for (const b of budgets) {
    if (reason !== undefined && b.reasons !== undefined && !b.reasons.includes(reason)) continue;
    const n = b.nodes.endsWith("%")
      ? Math.ceil((totalNodes * Number(b.nodes.slice(0, -1))) / 100 - 1e-9)
      : Number(b.nodes);
    allowed = Math.min(allowed, n - deleting - notReady);
  }
  return Number.isFinite(allowed) ? Math.max(0, allowed) : totalNodes;
}
