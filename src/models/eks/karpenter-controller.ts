import type { Rng } from "../../engine/rng.js";
import { Phase, type Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import { constantFactor, ebsVolumeUsd, instanceCharge } from "../billing/ec2.js";
import { type CostLedger, ec2Usage } from "../billing/ledger.js";
import { forInstanceType, type PerInstanceType } from "../billing/spot.js";
import type { DecisionSink } from "../decisions.js";
import { drawInterruptionDelayMs, type InstanceLaunchModel, SPOT_NOTICE_MS } from "../ec2/instance-launch.js";
import type { Cluster, KNode } from "../k8s/cluster.js";
import {
  allowedDisruptions,
  type Budget,
  budgetNodeCounts,
  consolidationAction,
  type Offering,
  planNodeClaims,
} from "../k8s/karpenter.js";
import { freePodRoom, podsPerNode } from "../k8s/scheduler.js";

export interface KarpenterOptions {
  nodePool: string;
  offerings: readonly Offering[];
  consolidationPolicy: "WhenEmpty" | "WhenEmptyOrUnderutilized";
  /** null = Never. */
  consolidateAfterMs: TimeMs | null;
  budgets: readonly Budget[];
  /** null = Never. */
  expireAfterMs: TimeMs | null;
  batchIdleMs: TimeMs;
  batchMaxMs: TimeMs;
  /** NodePool limits (millicores, MiB); Infinity when unset. */
  limitCpuMilli: number;
  limitMemoryMiB: number;
  /** Spot price over On-Demand, per instance type (the dated Spot snapshot) or one figure for every type. */
  spotPriceFactor: PerInstanceType;
  spotInterruptionFrequency: number;
  rootVolumeGb: number;
  ebsPerGbMonth: number;
  /** Time a drained node waits for its pods to stop before the instance is terminated. */
  drainMs: TimeMs;
  /** Disruption controller polling period. */
  disruptionPollMs: TimeMs;
}

/** A NodeClaim: one EC2 instance Karpenter launched (CreateFleet), from launch to termination. */
interface NodeClaim {
  readonly id: number;
  readonly offering: Offering;
  readonly launchedAt: TimeMs;
  /** Pods the provisioner packed onto it (nominated until it is Ready). */
  readonly pods: number;
  runningAt?: TimeMs;
  node?: KNode;
  deleting: boolean;
  terminatedAt?: TimeMs;
  /** A consolidation replacement: the node it replaces is drained when this one is Ready. */
  replaces?: NodeClaim;
  interruptionArmed?: boolean;
}

/**
 * Karpenter for one NodePool: batches pending pods (idle 1 s, max 10 s), launches the cheapest offerings that
 * fit them, and disrupts nodes: expiry, emptiness and (WhenEmptyOrUnderutilized) single-node consolidation by
 * deletion or a cheaper replacement, within the disruption budgets. Spot instances get the two-minute notice
 * and are drained at once. Instances bill through the shared EC2 billing (src/models/billing/ec2.ts).
 */
export class KarpenterController {
  private readonly claims: NodeClaim[] = [];
  private nextClaim = 1;
  private batchStart: TimeMs | undefined;
  private lastPending = 0;
  private batchTimer = false;
  private lastIncrease = 0;
  launches = 0;
  consolidations = 0;
  expirations = 0;
  interruptions = 0;
  billedInstanceSeconds = 0;
  billedVcpuSeconds = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: Cluster,
    private readonly opts: KarpenterOptions,
    private readonly launch: InstanceLaunchModel,
    private readonly ledger: CostLedger,
    private readonly rng: { interruptions: Rng },
    private readonly log: DecisionSink,
  ) {}

  start(): void {
    this.cluster.afterSchedule.push((t) => this.onSchedule(t));
    this.sim.every(this.opts.disruptionPollMs, (t) => this.disrupt(t), Phase.control);
  }

  /** Nodes that existed before the run: the plan for `pods` pods, already Ready at `now`. */
  warmStart(now: TimeMs, pods: number): void {
    for (const plan of planNodeClaims(this.opts.offerings, this.cluster.opts.request, pods)) {
      const c = this.newClaim(plan.offering, plan.pods, now);
      c.runningAt = now;
      this.join(c, now);
    }
  }

  private get alive(): NodeClaim[] {
    return this.claims.filter((c) => c.terminatedAt === undefined);
  }

  // ---- Provisioning ----

  /**
   * Batching: the window opens at the first unschedulable pod and closes after batchIdleDuration without a new
   * one, or batchMaxDuration after it opened. https://karpenter.sh/docs/reference/settings/
   */
  private onSchedule(now: TimeMs): void {
    const pending = this.cluster.unschedulable().length;
    if (pending === 0) {
      this.lastPending = 0;
      return;
    }
    if (this.batchStart === undefined) this.batchStart = now;
    if (pending > this.lastPending) this.lastIncrease = now;
    this.lastPending = pending;
    this.armBatch();
  }

  private armBatch(): void {
    if (this.batchTimer || this.batchStart === undefined) return;
    const at = Math.min(this.lastIncrease + this.opts.batchIdleMs, this.batchStart + this.opts.batchMaxMs);
    this.batchTimer = true;
    this.sim.at(
      Math.max(at, this.sim.now),
      (t) => {
        this.batchTimer = false;
        const close = Math.min(
          this.lastIncrease + this.opts.batchIdleMs,
          (this.batchStart ?? t) + this.opts.batchMaxMs,
        );
        if (t < close) {
          this.armBatch();
          return;
        }
        this.batchStart = undefined;
        this.provision(t);
      },
      Phase.control,
    );
  }

  /** Room left for pending pods on NodeClaims that have not joined yet. */
  private inFlightRoom(): number {
    let room = 0;
    for (const c of this.alive)
      if (c.node === undefined && !c.deleting)
        room += podsPerNode(c.offering.type.alloc, this.cluster.opts.request);
    return room;
  }

  provision(now: TimeMs): void {
    const pending = this.cluster.unschedulable().length - this.inFlightRoom();
    if (pending <= 0) return;
    const req = this.cluster.opts.request;
    let cpu = 0;
    let mem = 0;
    for (const c of this.alive) {
      cpu += c.offering.type.vcpu * 1000;
      mem += c.offering.type.memoryMiB;
    }
    for (const plan of planNodeClaims(this.opts.offerings, req, pending)) {
      const t = plan.offering.type;
      if (cpu + t.vcpu * 1000 > this.opts.limitCpuMilli || mem + t.memoryMiB > this.opts.limitMemoryMiB) {
        this.log({
          t: now / 1000,
          controller: "karpenter",
          action: "limit",
          from: this.alive.length,
          to: this.alive.length,
          reason: `NodePool ${this.opts.nodePool} limits reached`,
        });
        break;
      }
      cpu += t.vcpu * 1000;
      mem += t.memoryMiB;
      const from = this.alive.length;
      this.boot(this.newClaim(plan.offering, plan.pods, now));
      this.launches++;
      this.log({
        t: now / 1000,
        controller: "karpenter",
        action: "launch",
        from,
        to: from + 1,
        reason: `${plan.pods} pending pods → ${plan.offering.type.name} ${plan.offering.capacityType} in ${plan.offering.zone} at $${plan.offering.pricePerHour.toFixed(4)}/h (cheapest fit)`,
        instanceType: plan.offering.type.name,
        capacityType: plan.offering.capacityType,
      });
    }
  }

  private newClaim(offering: Offering, pods: number, now: TimeMs, replaces?: NodeClaim): NodeClaim {
    const c: NodeClaim = { id: this.nextClaim++, offering, pods, launchedAt: now, deleting: false, replaces };
    this.claims.push(c);
    return c;
  }

  private boot(c: NodeClaim): void {
    const { pendingMs, registerMs } = this.launch.draw();
    this.sim.after(pendingMs, (t) => {
      if (c.terminatedAt !== undefined) return;
      c.runningAt = t;
      this.scheduleInterruption(c, t);
      this.sim.after(registerMs, (t2) => {
        if (c.terminatedAt === undefined && !c.deleting) this.join(c, t2);
      });
    });
  }

  private join(c: NodeClaim, now: TimeMs): void {
    const a = c.offering.type.alloc;
    c.node = {
      id: this.cluster.newNodeId(),
      name: `${this.opts.nodePool}-${c.id}`,
      group: this.opts.nodePool,
      type: c.offering.type.name,
      capacityType: c.offering.capacityType,
      zone: c.offering.zone,
      allocCpuMilli: a.cpuMilli,
      allocMemoryMiB: a.memoryMiB,
      allocPods: a.pods,
      usedCpuMilli: 0,
      usedMemoryMiB: 0,
      podCount: 0,
      cordoned: false,
      launchedAt: c.launchedAt,
      readyAt: now,
      lastPodEventAt: now,
      pricePerHour: c.offering.pricePerHour,
    };
    this.cluster.addNode(c.node);
    // A consolidation replacement is Ready: now the replaced node is drained and deleted.
    if (c.replaces && c.replaces.terminatedAt === undefined) this.deleteClaim(c.replaces, now);
    this.scheduleInterruption(c, now);
  }

  private scheduleInterruption(c: NodeClaim, from: TimeMs): void {
    if (c.offering.capacityType !== "spot" || c.interruptionArmed) return;
    c.interruptionArmed = true;
    const delay = drawInterruptionDelayMs(this.opts.spotInterruptionFrequency, this.rng.interruptions);
    if (!Number.isFinite(delay) || from + delay > Number.MAX_SAFE_INTEGER / 2) return;
    this.sim.after(delay, (t) => {
      if (c.terminatedAt !== undefined) return;
      this.interruptions++;
      // Karpenter taints and drains the node on the interruption notice and replaces capacity in parallel.
      if (c.node) this.cluster.drain(c.node, t);
      c.deleting = true;
      this.log({
        t: t / 1000,
        controller: "karpenter",
        action: "spot-interruption",
        from: this.alive.length,
        to: this.alive.length - 1,
        reason: `${c.offering.type.name} reclaimed in 2 minutes`,
      });
      this.sim.after(SPOT_NOTICE_MS, (t2) => this.terminate(c, t2));
    });
  }

  // ---- Disruption ----

  private deleteClaim(c: NodeClaim, now: TimeMs): void {
    if (c.deleting) return;
    c.deleting = true;
    const busy = c.node !== undefined && c.node.podCount > 0;
    if (c.node) this.cluster.drain(c.node, now);
    this.sim.after(busy ? this.opts.drainMs : 0, (t) => this.terminate(c, t));
  }

  private terminate(c: NodeClaim, now: TimeMs): void {
    if (c.terminatedAt !== undefined) return;
    c.terminatedAt = now;
    if (c.node) this.cluster.removeNode(c.node, now);
    this.bill(c, now);
  }

  /**
   * The disruption controller pass: expiry (forceful), then emptiness, then single-node consolidation of an
   * underutilised node (delete when its pods fit elsewhere, else replace with a cheaper offering; Spot nodes
   * are only deleted, as spot-to-spot replacement is behind a feature gate), within the budgets.
   */
  disrupt(now: TimeMs): void {
    const o = this.opts;
    const alive = this.alive;
    const ready = alive.filter((c) => c.node !== undefined && !c.deleting);
    if (o.expireAfterMs !== null) {
      for (const c of ready) {
        if (now - c.launchedAt < o.expireAfterMs) continue;
        this.expirations++;
        this.log({
          t: now / 1000,
          controller: "karpenter",
          action: "expire",
          from: alive.length,
          to: alive.length - 1,
          reason: `${c.node!.name} reached expireAfter`,
        });
        this.deleteClaim(c, now);
      }
    }
    if (o.consolidateAfterMs === null) return;
    const notReady = alive.filter((c) => c.node === undefined && !c.deleting).length;
    let allowed = this.allowed("Empty");
    const settled = (c: NodeClaim) =>
      !c.deleting && c.node !== undefined && now - c.node.lastPodEventAt >= (o.consolidateAfterMs ?? 0);
    for (const c of ready) {
      if (allowed <= 0) break;
      if (!settled(c) || c.node!.podCount > 0) continue;
      allowed--;
      this.consolidations++;
      this.log({
        t: now / 1000,
        controller: "karpenter",
        action: "consolidate-empty",
        from: this.alive.length,
        to: this.alive.length - 1,
        reason: `${c.node!.name} (${c.offering.type.name}) is empty`,
      });
      this.deleteClaim(c, now);
    }
    if (o.consolidationPolicy !== "WhenEmptyOrUnderutilized") return;
    // Consolidation waits for provisioning to settle: no pending pods and nothing launching.
    if (
      this.cluster.unschedulable().length > 0 ||
      notReady > 0 ||
      alive.some((c) => c.replaces && c.node === undefined)
    )
      return;
    if (Math.min(allowed, this.allowed("Underutilized")) <= 0) return;
    const req = this.cluster.opts.request;
    const candidates = this.alive
      .filter((c) => settled(c) && c.node!.podCount > 0)
      .sort(
        (a, b) =>
          a.node!.podCount - b.node!.podCount ||
          b.offering.pricePerHour - a.offering.pricePerHour ||
          a.id - b.id,
      );
    for (const c of candidates) {
      const node = c.node!;
      const others = this.cluster.nodes.filter((n) => n !== node && !n.cordoned);
      const act = consolidationAction(
        node.podCount,
        freePodRoom(others, req, node.podCount),
        c.offering,
        o.offerings,
        req,
      );
      if (act === undefined) continue;
      this.consolidations++;
      if (act.kind === "delete") {
        this.log({
          t: now / 1000,
          controller: "karpenter",
          action: "consolidate-delete",
          from: this.alive.length,
          to: this.alive.length - 1,
          reason: `${node.name}'s ${node.podCount} pods fit on other nodes`,
        });
        this.deleteClaim(c, now);
        return;
      }
      const to = act.offering;
      this.log({
        t: now / 1000,
        controller: "karpenter",
        action: "consolidate-replace",
        from: this.alive.length,
        to: this.alive.length,
        reason: `${node.name} (${c.offering.type.name} ${c.offering.capacityType} $${c.offering.pricePerHour.toFixed(4)}/h) → ${to.type.name} ${to.capacityType} $${to.pricePerHour.toFixed(4)}/h${act.elsewhere > 0 ? ` for ${act.pods} of its ${node.podCount} pods (${act.elsewhere} fit on other nodes)` : ""}`,
      });
      node.cordoned = true;
      this.boot(this.newClaim(to, act.pods, now, c));
      return;
    }
  }

  /**
   * Disruptions the NodePool's budgets allow now for `reason`, counted over initialised nodes only
   * (budgetNodeCounts): a NodeClaim still launching is neither in the total nor disrupting.
   */
  private allowed(reason: string): number {
    const { total, disrupting } = budgetNodeCounts(
      this.alive.map((c) => ({
        initialized: c.node !== undefined,
        ready: true,
        markedForDeletion: c.deleting,
      })),
    );
    return allowedDisruptions(this.opts.budgets, total, disrupting, 0, reason);
  }

  // ---- Billing ----

  private bill(c: NodeClaim, endMs: TimeMs): void {
    const factor = constantFactor(
      c.offering.capacityType === "spot"
        ? forInstanceType(this.opts.spotPriceFactor, c.offering.type.name)
        : 1,
    );
    if (c.runningAt !== undefined) {
      const ch = instanceCharge(c.offering.type.onDemandPerHour, factor, c.runningAt, endMs);
      const span = Math.max(1, endMs - c.runningAt);
      this.ledger.addInterval(
        c.runningAt,
        Math.max(endMs, c.runningAt + 1),
        ch.usedUsd / span,
        ch.minimumUsd,
        c.offering.capacityType === "spot" ? undefined : ec2Usage(c.offering.type.name),
      );
      this.ledger.addToMeter(
        `ec2.${c.offering.capacityType}.${c.offering.type.name}`,
        "instance-hours",
        ch.seconds / 3600,
        ch.usedUsd + ch.minimumUsd,
      );
      this.billedInstanceSeconds += ch.seconds;
      this.billedVcpuSeconds += ch.seconds * c.offering.type.vcpu;
    }
    const ebs = ebsVolumeUsd(this.opts.rootVolumeGb, this.opts.ebsPerGbMonth, c.launchedAt, endMs);
    if (ebs > 0) {
      const span = Math.max(1, endMs - c.launchedAt);
      this.ledger.addInterval(c.launchedAt, Math.max(endMs, c.launchedAt + 1), ebs / span, 0);
      this.ledger.addToMeter(
        "ebs.gp3",
        "GB-months",
        (this.opts.rootVolumeGb * (endMs - c.launchedAt)) / 3_600_000 / 730,
        ebs,
      );
    }
  }

  /** Bill every instance still alive at the end of the run. */
  finish(endMs: TimeMs): void {
    for (const c of this.alive) {
      c.terminatedAt = endMs;
      this.bill(c, endMs);
    }
  }

  /** Nodes alive now (launching or joined). */
  get nodeCount(): number {
    return this.alive.length;
  }
}
