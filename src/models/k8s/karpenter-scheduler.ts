/**
 * Karpenter's provisioning scheduler for pods of different sizes: pods are taken largest first (CPU, then
 * memory); each goes to the in-flight NodeClaim with the fewest pods whose remaining instance types can still
 * hold it with the pods already there, else to a new NodeClaim offered every type that fits it alone. A
 * NodeClaim's instance-type options shrink as pods join; at launch it takes the cheapest offering left (Spot
 * first when allowed, as `cheapestFit`).
 * Port of kubernetes-sigs/karpenter pkg/controllers/provisioning/scheduling/scheduler.go (Solve, add),
 * nodeclaim.go (Add: filter instance types by the summed requests) and queue.go (byCPUAndMemoryDescending):
 * https://github.com/kubernetes-sigs/karpenter/tree/main/pkg/controllers/provisioning/scheduling
 * Not modelled: existing nodes, topology spread, affinities, daemon overhead, NodePool limits, the 60-type cap.
 * NodeClaim state lives in typed arrays; a scheduling pass allocates only per NodeClaim.
 */
import type { Offering } from "./karpenter.js";
import type { PodRequest } from "./scheduler.js";

export interface ScheduledNodeClaim {
  readonly offering: Offering;
  /** Indices of the pods (into the input array) bound to this NodeClaim. */
  readonly pods: readonly number[];
  readonly cpuMilli: number;
  readonly memoryMiB: number;
}

export interface ScheduleResult {
  readonly nodeClaims: ScheduledNodeClaim[];
  /** Pods no allowed instance type can hold. */
  readonly unschedulable: readonly number[];
}

/** One instance type with the offering a NodeClaim of that type would launch. */
interface TypeChoice {
  cpu: number;
  mem: number;
  pods: number;
  offering: Offering;
}

/** Per type, the offering `cheapestFit` would pick: Spot when allowed, then the lowest price. */
function typeChoices(offerings: readonly Offering[]): TypeChoice[] {
  const byType = new Map<string, Offering>();
  for (const o of offerings) {
    const b = byType.get(o.type.name);
    if (
      b === undefined ||
      (o.capacityType === "spot" && b.capacityType !== "spot") ||
      (o.capacityType === b.capacityType && o.pricePerHour < b.pricePerHour)
    )
      byType.set(o.type.name, o);
  }
  // `offerings` is sorted cheapest first; keep that order (Map preserves first insertion of each type).
  return [...byType.values()].map((o) => ({
    cpu: o.type.alloc.cpuMilli,
    mem: o.type.alloc.memoryMiB,
    pods: o.type.alloc.pods,
    offering: o,
  }));
}

function better(a: Offering, b: Offering): boolean {
  if (a.capacityType !== b.capacityType) return a.capacityType === "spot";
  return a.pricePerHour < b.pricePerHour;
}

export function scheduleNodeClaims(
  offerings: readonly Offering[],
  pods: readonly PodRequest[],
): ScheduleResult {
  const types = typeChoices(offerings);
  const nT = types.length;
  const tCpu = new Float64Array(nT);
  const tMem = new Float64Array(nT);
  const tPods = new Int32Array(nT);
  for (let i = 0; i < nT; i++) {
    tCpu[i] = types[i].cpu;
    tMem[i] = types[i].mem;
    tPods[i] = types[i].pods;
  }
  // queue.go byCPUAndMemoryDescending; equal pods keep input order.
  const order = pods.map((_, i) => i);
  order.sort((a, b) => pods[b].cpuMilli - pods[a].cpuMilli || pods[b].memoryMiB - pods[a].memoryMiB || a - b);

  // NodeClaims: summed requests, pod count, and the remaining type options (indices, compacted in place).
  const claimCpu: number[] = [];
  const claimMem: number[] = [];
  const claimN: number[] = [];
  const claimTypes: Int32Array[] = [];
  const claimTypeLen: number[] = [];
  const claimPods: number[][] = [];
  /** Claims ordered by pod count, ascending (scheduler.go sorts newNodeClaims by len(Pods) before each pod). */
  const byCount: number[] = [];
  const unschedulable: number[] = [];

  for (const p of order) {
    const pc = pods[p].cpuMilli;
    const pm = pods[p].memoryMiB;
    let placed = -1;
    for (let k = 0; k < byCount.length && placed < 0; k++) {
      const c = byCount[k];
      const cpu = claimCpu[c] + pc;
      const mem = claimMem[c] + pm;
      const n = claimN[c] + 1;
      const ts = claimTypes[c];
      const len = claimTypeLen[c];
      let kept = 0;
      for (let j = 0; j < len; j++) {
        const t = ts[j];
        if (tCpu[t] >= cpu && tMem[t] >= mem && tPods[t] >= n) ts[kept++] = t;
      }
      if (kept === 0) continue;
      claimTypeLen[c] = kept;
      claimCpu[c] = cpu;
      claimMem[c] = mem;
      claimN[c] = n;
      claimPods[c].push(p);
      // Keep byCount sorted: the claim moved up by one pod.
      let i = k;
      while (i + 1 < byCount.length && claimN[byCount[i + 1]] < n) {
        byCount[i] = byCount[i + 1];
        i++;
      }
      byCount[i] = c;
      placed = c;
    }
    if (placed >= 0) continue;
    const ts = new Int32Array(nT);
    let len = 0;
    for (let t = 0; t < nT; t++) if (tCpu[t] >= pc && tMem[t] >= pm && tPods[t] >= 1) ts[len++] = t;
    if (len === 0) {
      unschedulable.push(p);
      continue;
    }
    const c = claimCpu.length;
    claimCpu.push(pc);
    claimMem.push(pm);
    claimN.push(1);
    claimTypes.push(ts);
    claimTypeLen.push(len);
    claimPods.push([p]);
    // One pod: ahead of every claim with more, after those with one (sort.Slice order among equals is unspecified).
    let i = byCount.length;
    byCount.push(c);
    while (i > 0 && claimN[byCount[i - 1]] > 1) {
      byCount[i] = byCount[i - 1];
      i--;
    }
    byCount[i] = c;
  }

  const nodeClaims: ScheduledNodeClaim[] = [];
  for (let c = 0; c < claimCpu.length; c++) {
    let best = types[claimTypes[c][0]].offering;
    for (let j = 1; j < claimTypeLen[c]; j++) {
      const o = types[claimTypes[c][j]].offering;
      if (better(o, best)) best = o;
    }
    nodeClaims.push({ offering: best, pods: claimPods[c], cpuMilli: claimCpu[c], memoryMiB: claimMem[c] });
  }
  return { nodeClaims, unschedulable };
}
