/**
 * Cluster Autoscaler expanders: which node group to grow when several can take the pending pods.
 * Ports of kubernetes/autoscaler cluster-autoscaler/expander/{random,mostpods,waste,price,priority} and the
 * filter chain of expander/factory/chain.go
 * (https://github.com/kubernetes/autoscaler/tree/master/cluster-autoscaler/expander; semantics documented in
 * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md#what-are-expanders).
 */
import type { Uniform } from "../../engine/rng.js";

export interface ExpanderPod {
  readonly name?: string;
  readonly cpuMilli: number;
  readonly memoryBytes: number;
}

/** A node group's template node: capacity and whether it carries a GPU. */
export interface ExpanderNode {
  readonly name?: string;
  readonly cpuMilli: number;
  readonly memoryBytes: number;
  readonly hasGpu?: boolean;
}

/** expander.Option: grow `nodeGroupId` by `nodeCount` nodes to schedule `pods`. */
export interface ExpansionOption {
  readonly nodeGroupId: string;
  readonly nodeCount: number;
  readonly pods: readonly ExpanderPod[];
  /** false for a node group that node auto-provisioning would still have to create. */
  readonly exists?: boolean;
  readonly debug?: string;
}

export type NodeInfos = ReadonlyMap<string, ExpanderNode> | Readonly<Record<string, ExpanderNode>>;

function nodeFor(infos: NodeInfos, id: string): ExpanderNode | undefined {
  return infos instanceof Map ? infos.get(id) : (infos as Readonly<Record<string, ExpanderNode>>)[id];
}

/** random: uniform pick (rand.Int31n(len)); undefined for no options. */
export function randomOption(options: readonly ExpansionOption[], u: Uniform): ExpansionOption | undefined {
  if (options.length === 0) return undefined;
  return options[Math.min(options.length - 1, Math.floor(u() * options.length))];
}

/** most-pods: the options that schedule the most pods. */
export function mostPodsFilter(options: readonly ExpansionOption[]): ExpansionOption[] {
  let maxPods = 0;
  let best: ExpansionOption[] = [];
  for (const o of options) {
    if (o.pods.length === maxPods) best.push(o);
    if (o.pods.length > maxPods) {
      maxPods = o.pods.length;
      best = [o];
    }
  }
  return best;
}

/**
 * least-waste: lowest (unused cpu fraction + unused memory fraction) of the new nodes after placing the
 * option's pods; options without node info are skipped.
 */
export function leastWasteFilter(
  options: readonly ExpansionOption[],
  nodeInfos: NodeInfos,
): ExpansionOption[] {
  let leastScore = 0;
  let best: ExpansionOption[] | null = null;
  for (const o of options) {
    const node = nodeFor(nodeInfos, o.nodeGroupId);
    if (node === undefined) continue;
    let cpu = 0;
    let mem = 0;
    for (const p of o.pods) {
      cpu += p.cpuMilli;
      mem += p.memoryBytes;
    }
    const availCpu = node.cpuMilli * o.nodeCount;
    const availMem = node.memoryBytes * o.nodeCount;
    const score = (availCpu - cpu) / availCpu + (availMem - mem) / availMem;
    // Upstream compares against the running score before the list exists (0), then resets on improvement.
    if (score === leastScore) (best ??= []).push(o);
    if (best === null || score < leastScore) {
      leastScore = score;
      best = [o];
    }
  }
  return best ?? [];
}

/**
 * priority: options whose node-group id matches (unanchored regexp search) the highest priority; when no
 * option matches any priority, all options pass. As upstream, the running maximum starts at -1, so
 * priorities below -1 never win.
 */
export function priorityFilter(
  options: readonly ExpansionOption[],
  priorities:
    | ReadonlyMap<number, readonly (string | RegExp)[]>
    | Readonly<Record<number, readonly (string | RegExp)[]>>,
): ExpansionOption[] {
  const raw: [number, readonly (string | RegExp)[]][] =
    priorities instanceof Map
      ? [...priorities.entries()]
      : Object.entries(priorities).map(([k, v]): [number, readonly (string | RegExp)[]] => [Number(k), v]);
  const entries = raw.map(([p, list]): [number, RegExp[]] => [
    p,
    list.map((r) => (typeof r === "string" ? new RegExp(r) : r)),
  ]);
  let maxPrio = -1;
  let best: ExpansionOption[] = [];
  for (const o of options) {
    let top: number | undefined;
    for (const [prio, res] of entries) {
      if (res.some((re) => re.test(o.nodeGroupId)) && (top === undefined || prio > top)) top = prio;
    }
    if (top === undefined || top < maxPrio) continue;
    if (top > maxPrio) {
      maxPrio = top;
      best = [];
    }
    best.push(o);
  }
  return best.length > 0 ? best : options.slice();
}

/** Pricing input of the price expander (cloudprovider.PricingModel over one hour). */
export interface PricingModel {
  /** Price of one node of the group for the next hour; undefined when unknown. */
  nodePrice(node: ExpanderNode, nodeGroupId: string): number | undefined;
  /** Price of a pod's requests for the next hour; undefined when unknown. */
  podPrice(pod: ExpanderPod): number | undefined;
}

/** price.go constants. */
export const PRICE_STABILIZATION_POD: ExpanderPod = {
  name: "stabilize",
  cpuMilli: 500,
  memoryBytes: 500 * 1024 * 1024,
};
/** Penalty for node groups that do not exist yet (price.go `notExistCoeficient`). */
export const NOT_EXIST_COEFFICIENT = 2.0;
/** Unfitness forced on GPU node groups (price.go `gpuUnfitnessOverride`). */
export const GPU_UNFITNESS_OVERRIDE = 1000.0;
/** Preferred node when the provider fails: 4 cpu, 16 GiB (price.go `defaultPreferredNode`). */
export const DEFAULT_PREFERRED_NODE: ExpanderNode = { cpuMilli: 4000, memoryBytes: 16 * 1024 ** 3 };

/** SimplePreferredNodeProvider: node size doubles each time the cluster grows ~3x (preferred.go). */
export function simplePreferredNode(clusterNodes: number): ExpanderNode {
  const mb = 1024 * 1024;
  if (clusterNodes <= 2) return { cpuMilli: 1000, memoryBytes: 3750 * mb };
  if (clusterNodes <= 6) return { cpuMilli: 2000, memoryBytes: 7500 * mb };
  if (clusterNodes <= 20) return { cpuMilli: 4000, memoryBytes: 15000 * mb };
  if (clusterNodes <= 60) return { cpuMilli: 8000, memoryBytes: 30000 * mb };
  if (clusterNodes <= 200) return { cpuMilli: 16000, memoryBytes: 60000 * mb };
  return { cpuMilli: 32000, memoryBytes: 120000 * mb };
}

/** SimpleNodeUnfitness: cpu ratio to the preferred node, >= 1. */
export function simpleNodeUnfitness(preferred: ExpanderNode, evaluated: ExpanderNode): number {
  return Math.max(preferred.cpuMilli / evaluated.cpuMilli, evaluated.cpuMilli / preferred.cpuMilli);
}

export interface PriceOptions {
  readonly preferredNode?: ExpanderNode;
  readonly nodeUnfitness?: (preferred: ExpanderNode, evaluated: ExpanderNode) => number;
}

/**
 * price: lowest score = suppressedUnfitness x (nodes price + stab) / (pods price + stab), doubled for
 * groups that do not exist yet; the first option wins ties. Options whose node or pod price is unknown are
 * skipped. Proposal: https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/proposals/pricing.md
 */
export function priceBestOption(
  options: readonly ExpansionOption[],
  nodeInfos: NodeInfos,
  pricing: PricingModel,
  opts: PriceOptions = {},
): { option: ExpansionOption; score: number } | undefined {
  const preferred = opts.preferredNode ?? DEFAULT_PREFERRED_NODE;
  const unfitnessFn = opts.nodeUnfitness ?? simpleNodeUnfitness;
  // Continue without stabilisation when its price is unknown.
  const stab = pricing.podPrice(PRICE_STABILIZATION_POD) ?? 0;
  let best: { option: ExpansionOption; score: number } | undefined;
  next: for (const o of options) {
    const node = nodeFor(nodeInfos, o.nodeGroupId);
    if (node === undefined) continue;
    const nodePrice = pricing.nodePrice(node, o.nodeGroupId);
    if (nodePrice === undefined) continue;
    const totalNodePrice = nodePrice * o.nodeCount;
    let totalPodPrice = 0;
    for (const p of o.pods) {
      const pp = pricing.podPrice(p);
      if (pp === undefined) continue next;
      totalPodPrice += pp;
    }
    const priceSubScore = (totalNodePrice + stab) / (totalPodPrice + stab);
    const unfitness = unfitnessFn(preferred, node);
    // The preferred-shape penalty fades as the scale-up gets larger.
    let suppressed = (unfitness - 1.0) * (1.0 - Math.tanh((o.nodeCount - 1) / 15.0)) + 1.0;
    if (node.hasGpu === true) suppressed = GPU_UNFITNESS_OVERRIDE;
    let score = suppressed * priceSubScore;
    if (o.exists === false) score *= NOT_EXIST_COEFFICIENT;
    if (best === undefined || best.score > score) best = { option: o, score };
  }
  return best;
}

/** A filter stage of the expander chain. */
export type ExpanderFilter = (options: readonly ExpansionOption[]) => ExpansionOption[];

/**
 * chainStrategy.BestOption (`--expander=a,b,...`, default `random`): apply filters in order, stop as soon as
 * one option remains, else pick uniformly among the survivors.
 */
export function chooseOption(
  options: readonly ExpansionOption[],
  filters: readonly ExpanderFilter[],
  u: Uniform,
): ExpansionOption | undefined {
  let filtered: readonly ExpansionOption[] = options;
  for (const f of filters) {
    filtered = f(filtered);
    if (filtered.length === 1) return filtered[0];
  }
  return randomOption(filtered, u);
}
