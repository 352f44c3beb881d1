/**
 * An EC2 Auto Scaling group: keeps as many instances as its desired capacity, launches them across
 * Availability Zones and purchase options, reclaims Spot instances with the two-minute notice, and bills
 * them. Orchestrator-neutral: ECS capacity providers and EKS node groups attach through `AsgHooks`.
 *
 * Sources:
 * - https://docs.aws.amazon.com/autoscaling/ec2/userguide/auto-scaling-benefits.html (even distribution across AZs)
 * - https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html
 * - https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html
 * - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html
 */

import type { Rng } from "../../engine/rng.js";
import type { Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import {
  ebsVolumeUsd,
  instanceCharge,
  interruptedSpotCharged,
  type PriceFactorSeries,
} from "../billing/ec2.js";
import { type CostLedger, ec2Usage } from "../billing/ledger.js";
import { drawInterruptionDelayMs, type InstanceLaunchModel, SPOT_NOTICE_MS } from "./instance-launch.js";

export type Market = "on-demand" | "spot";
export type InstanceState = "pending" | "running" | "registered" | "terminating" | "terminated";
export type TerminationCause = "scale-in" | "spot-interruption" | "end";

export interface AsgInstance {
  readonly id: string;
  readonly seq: number;
  readonly type: string;
  readonly az: string;
  readonly market: Market;
  state: InstanceState;
  readonly launchedAt: TimeMs;
  runningAt?: TimeMs;
  registeredAt?: TimeMs;
  terminatedAt?: TimeMs;
  /** Time of the Spot interruption notice, once received. */
  noticeAt?: TimeMs;
  /** Existed before the run started (past any warm-up). */
  readonly warm: boolean;
}

/**
 * On-Demand / Spot split and allocation, as `InstancesDistribution` (defaults: base 0, 100 % On-Demand
 * above base, On-Demand `prioritized` i.e. the first listed type, Spot `lowest-price` across 2 pools).
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html
 */
export interface InstancesDistribution {
  readonly onDemandBaseCapacity: number;
  readonly onDemandPercentageAboveBaseCapacity: number;
  readonly onDemandAllocationStrategy: "prioritized" | "lowest-price";
  readonly spotAllocationStrategy: "price-capacity-optimized" | "capacity-optimized" | "lowest-price";
  /** SpotInstancePools: how many of the cheapest pools `lowest-price` spreads over (default 2). */
  readonly spotInstancePools?: number;
}

export const INSTANCES_DISTRIBUTION_DEFAULTS: InstancesDistribution = {
  onDemandBaseCapacity: 0,
  onDemandPercentageAboveBaseCapacity: 100,
  onDemandAllocationStrategy: "prioritized",
  spotAllocationStrategy: "lowest-price",
  spotInstancePools: 2,
};

export interface AsgConfig {
  readonly name: string;
  /** Launch-template overrides in priority order. */
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly availabilityZones: readonly string[];
  readonly distribution: InstancesDistribution;
  readonly launch: InstanceLaunchModel;
  /** On-Demand USD per hour of each listed type (after any negotiated discount). */
  readonly onDemandPerHour: Readonly<Record<string, number>>;
  /** Price multiplier of On-Demand instances over time (1, or 1 − a Savings Plan discount). */
  readonly onDemandFactor: PriceFactorSeries;
  /** Price multiplier of Spot instances over the On-Demand price (1 − Spot discount), possibly a series. */
  readonly spotFactor: PriceFactorSeries;
  /** Per-type Spot price multipliers (a dated per-type, per-region snapshot); `spotFactor` for types absent. */
  readonly spotFactorByType?: Readonly<Record<string, PriceFactorSeries>>;
  /** Share of Spot instances interrupted per month. */
  readonly spotInterruptionFrequency: number;
  readonly rootVolumeGb: number;
  readonly ebsPerGbMonth: number;
  readonly ledger: CostLedger;
  /** Draws for Spot interruptions and for the random last step of the termination policy. */
  readonly rng: { interruptions: Rng; termination: Rng };
}

export interface InstanceBill {
  readonly instance: AsgInstance;
  readonly computeUsd: number;
  readonly minimumUsd: number;
  readonly ebsUsd: number;
  readonly billedSeconds: number;
}

export interface AsgHooks {
  /** EC2 `running`: billing starts. */
  running?(i: AsgInstance, now: TimeMs): void;
  /** The instance joined the orchestrator and can take work. */
  registered?(i: AsgInstance, now: TimeMs): void;
  /** Instance scale-in protection: the ASG terminates only instances for which this holds (default: all). */
  canTerminate?(i: AsgInstance): boolean;
  /**
   * A lifecycle hook on termination (ECS managed draining): return true to hold the instance in
   * Terminating:Wait until `done` is called; false to terminate at once.
   */
  terminating?(i: AsgInstance, now: TimeMs, cause: TerminationCause, done: () => void): boolean;
  /** Two-minute Spot interruption notice; the instance terminates at `terminateAt`. */
  spotNotice?(i: AsgInstance, now: TimeMs, terminateAt: TimeMs): void;
  terminated?(i: AsgInstance, now: TimeMs, cause: TerminationCause): void;
  billed?(bill: InstanceBill): void;
}

/** On-Demand instances a group of `total` instances should hold: the base first, then the percentage above it. */
export function onDemandTarget(d: InstancesDistribution, total: number): number {
  if (total <= d.onDemandBaseCapacity) return total;
  // A fractional On-Demand share rounds in favour of On-Demand.
  return (
    d.onDemandBaseCapacity +
    Math.ceil(((total - d.onDemandBaseCapacity) * d.onDemandPercentageAboveBaseCapacity) / 100)
  );
}

/** Which purchase option the next instance takes, given those alive: On-Demand base first, then the percentage. */
export function nextMarket(d: InstancesDistribution, onDemand: number, spot: number): Market {
  return onDemand < onDemandTarget(d, onDemand + spot + 1) ? "on-demand" : "spot";
}

/**
 * Which purchase option a scale-in takes an instance from, so that the group one instance smaller is as close
 * to its distribution as it can be; undefined when both options are at their share. "When Amazon EC2 Auto
 * Scaling needs to terminate an instance, it first identifies which purchase option (Spot or On-Demand) should
 * be terminated based on the settings of the group. This makes sure that the group trends toward the specified
 * ratio of Spot and On-Demand instances over time."
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html
 */
export function marketToTerminate(
  d: InstancesDistribution,
  onDemand: number,
  spot: number,
): Market | undefined {
  const after = onDemand + spot - 1;
  if (after < 0) return undefined;
  const od = onDemandTarget(d, after);
  if (onDemand > od) return "on-demand";
  if (spot > after - od) return "spot";
  return undefined;
}

/**
 * Instance type of the next launch. On-Demand `prioritized` takes the first listed type, `lowest-price` the
 * cheapest. Spot `lowest-price` "launches instances using the Spot pools with the lowest price, and evenly
 * allocates your instances across the number of Spot pools that you specify" (SpotInstancePools; a pool is
 * a type in an AZ, and AZs are balanced by `nextAz`): the one with fewest running Spot instances among the
 * SpotInstancePools cheapest types, ties to the cheaper. The capacity-optimized strategies follow pool
 * capacity, which the simulator does not know, so they diversify over every listed type.
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html
 */
export function nextInstanceType(
  d: InstancesDistribution,
  market: Market,
  types: readonly string[],
  perHour: Readonly<Record<string, number>>,
  spotCounts: Readonly<Record<string, number>>,
): string {
  // Listed order breaks price ties (Array.prototype.sort is stable).
  const byPrice = [...types].sort((a, b) => (perHour[a] ?? Infinity) - (perHour[b] ?? Infinity));
  if (market === "on-demand") return d.onDemandAllocationStrategy === "lowest-price" ? byPrice[0] : types[0];
  const pools =
    d.spotAllocationStrategy === "lowest-price" ? byPrice.slice(0, d.spotInstancePools ?? 2) : types;
  let best = pools[0];
  for (const t of pools) if ((spotCounts[t] ?? 0) < (spotCounts[best] ?? 0)) best = t;
  return best;
}

/** AZ for the next launch: the one with the fewest instances, ties to the listed order. */
export function nextAz(azs: readonly string[], counts: Readonly<Record<string, number>>): string {
  let best = azs[0];
  for (const a of azs) if ((counts[a] ?? 0) < (counts[best] ?? 0)) best = a;
  return best;
}

/**
 * Scale-in victim under the default termination policy: the purchase option the distribution says (when it
 * has an unprotected instance), then the Availability Zone with the most instances of that option ("It then
 * applies the termination policy independently within each Availability Zone … to keep the Availability Zones
 * balanced"), then — every remaining criterion being equal for one launch template and per-second billing —
 * at random. Returns an index into `candidates`, or -1.
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html
 */
export function chooseTermination(
  candidates: readonly AsgInstance[],
  azCounts: (market: Market | undefined) => Readonly<Record<string, number>>,
  uniform: () => number,
  market?: Market,
): number {
  if (candidates.length === 0) return -1;
  const inMarket = market !== undefined && candidates.some((c) => c.market === market) ? market : undefined;
  const counts = azCounts(inMarket);
  let most = -1;
  for (const c of candidates)
    if (inMarket === undefined || c.market === inMarket) most = Math.max(most, counts[c.az] ?? 0);
  const inAz: number[] = [];
  candidates.forEach((c, i) => {
    if ((inMarket === undefined || c.market === inMarket) && (counts[c.az] ?? 0) === most) inAz.push(i);
  });
  return inAz[Math.min(inAz.length - 1, Math.floor(uniform() * inAz.length))];
}

export class AutoScalingGroup {
  desired: number;
  /** Instances not yet terminated, in launch order. */
  readonly instances: AsgInstance[] = [];
  private seq = 0;
  launches = 0;
  terminations = 0;
  interruptions = 0;
  totalUsd = 0;
  /** Instance-seconds billed and the vCPU-seconds they bought. */
  billedInstanceSeconds = 0;
  billedVcpuSeconds = 0;

  constructor(
    private readonly sim: Simulation,
    readonly cfg: AsgConfig,
    private readonly hooks: AsgHooks,
    private readonly vcpuOf: (type: string) => number,
  ) {
    this.desired = Math.min(cfg.maxSize, Math.max(cfg.minSize, cfg.desiredCapacity));
  }

  /** Instances counted toward desired capacity (neither terminating nor terminated). */
  get inService(): number {
    let n = 0;
    for (const i of this.instances) if (i.state !== "terminating") n++;
    return n;
  }

  /** Begin with `desired` instances registered at `now`, as a group that existed before the run. */
  warmStart(now: TimeMs): void {
    while (this.inService < this.desired) this.addWarm(now);
  }

  /** One more registered instance at `now` (the group existed before the run); raises desired if needed. */
  addWarm(now: TimeMs): AsgInstance | undefined {
    if (this.inService >= this.cfg.maxSize) return undefined;
    const i = this.create(now, true);
    i.state = "registered";
    i.runningAt = now;
    i.registeredAt = now;
    this.desired = Math.max(this.desired, this.inService);
    this.hooks.running?.(i, now);
    this.hooks.registered?.(i, now);
    this.scheduleInterruption(i, now);
    return i;
  }

  setDesired(n: number): void {
    this.desired = Math.min(this.cfg.maxSize, Math.max(this.cfg.minSize, n));
    this.reconcile();
  }

  /** Launch or terminate until the instances in service match desired capacity (protected ones stay). */
  reconcile(): void {
    const now = this.sim.now;
    while (this.inService < this.desired) this.launch(now);
    while (this.inService > this.desired) {
      const cands = this.instances.filter(
        (i) => i.state !== "terminating" && (this.hooks.canTerminate?.(i) ?? true),
      );
      const { od, spot } = this.marketCounts();
      const k = chooseTermination(
        cands,
        (m) => this.countBy((i) => i.az, m === undefined ? undefined : (i) => i.market === m),
        () => this.cfg.rng.termination.next(),
        marketToTerminate(this.cfg.distribution, od, spot),
      );
      if (k < 0) return;
      this.terminate(cands[k], now, "scale-in");
    }
  }

  private countBy(
    key: (i: AsgInstance) => string,
    filter?: (i: AsgInstance) => boolean,
  ): Record<string, number> {
    const out: Record<string, number> = {};
    for (const i of this.instances) {
      if (i.state === "terminating" || (filter && !filter(i))) continue;
      const k = key(i);
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  /** Instances in service by purchase option. */
  private marketCounts(): { od: number; spot: number } {
    let od = 0;
    let spot = 0;
    for (const i of this.instances) {
      if (i.state === "terminating") continue;
      if (i.market === "spot") spot++;
      else od++;
    }
    return { od, spot };
  }

  private create(now: TimeMs, warm = false): AsgInstance {
    const d = this.cfg.distribution;
    const { od, spot } = this.marketCounts();
    const market = nextMarket(d, od, spot);
    const spotCounts = this.countBy(
      (i) => i.type,
      (i) => i.market === "spot",
    );
    const type = nextInstanceType(d, market, this.cfg.instanceTypes, this.cfg.onDemandPerHour, spotCounts);
    const az = nextAz(
      this.cfg.availabilityZones,
      this.countBy((i) => i.az),
    );
    const seq = ++this.seq;
    const inst: AsgInstance = {
      id: `${this.cfg.name}-i${seq}`,
      seq,
      type,
      az,
      market,
      state: "pending",
      launchedAt: now,
      warm,
    };
    this.instances.push(inst);
    this.launches++;
    return inst;
  }

  private launch(now: TimeMs): void {
    const inst = this.create(now);
    const { pendingMs, registerMs } = this.cfg.launch.draw();
    this.sim.after(pendingMs, (t) => {
      if (inst.state !== "pending") return;
      inst.state = "running";
      inst.runningAt = t;
      this.hooks.running?.(inst, t);
      this.scheduleInterruption(inst, t);
      this.sim.after(registerMs, (t2) => {
        if (inst.state !== "running") return;
        inst.state = "registered";
        inst.registeredAt = t2;
        this.hooks.registered?.(inst, t2);
      });
    });
  }

  private scheduleInterruption(inst: AsgInstance, from: TimeMs): void {
    if (inst.market !== "spot") return;
    const delay = drawInterruptionDelayMs(this.cfg.spotInterruptionFrequency, this.cfg.rng.interruptions);
    if (!Number.isFinite(delay) || from + delay > Number.MAX_SAFE_INTEGER / 2) return;
    this.sim.after(delay, (t) => {
      if (inst.state === "terminated" || inst.noticeAt !== undefined) return;
      inst.noticeAt = t;
      this.interruptions++;
      const at = t + SPOT_NOTICE_MS;
      this.hooks.spotNotice?.(inst, t, at);
      this.sim.after(SPOT_NOTICE_MS, (t2) => {
        if (inst.state !== "terminated") this.finalize(inst, t2, "spot-interruption");
      });
    });
  }

  private terminate(inst: AsgInstance, now: TimeMs, cause: TerminationCause): void {
    inst.state = "terminating";
    let done = false;
    const complete = () => {
      if (done) return;
      done = true;
      // The hook may complete synchronously; finalize at the current instant either way.
      if (inst.state !== "terminated") this.finalize(inst, this.sim.now, cause);
    };
    const wait = this.hooks.terminating?.(inst, now, cause, complete) ?? false;
    if (!wait) complete();
  }

  private finalize(inst: AsgInstance, now: TimeMs, cause: TerminationCause): void {
    inst.state = "terminated";
    inst.terminatedAt = now;
    this.terminations++;
    const k = this.instances.indexOf(inst);
    if (k >= 0) this.instances.splice(k, 1);
    this.bill(inst, now, cause);
    this.hooks.terminated?.(inst, now, cause);
    // The group replaces what it lost (Spot interruptions, terminations below desired).
    this.reconcile();
  }

  /** Bill every instance still alive up to `endMs`. */
  finish(endMs: TimeMs): void {
    for (const i of [...this.instances]) this.bill(i, endMs);
  }

  private bill(inst: AsgInstance, endMs: TimeMs, cause: TerminationCause = "end"): void {
    const ledger = this.cfg.ledger;
    let computeUsd = 0;
    let minimumUsd = 0;
    let seconds = 0;
    if (inst.runningAt !== undefined) {
      const factor =
        inst.market === "spot"
          ? (this.cfg.spotFactorByType?.[inst.type] ?? this.cfg.spotFactor)
          : this.cfg.onDemandFactor;
      const c = instanceCharge(this.cfg.onDemandPerHour[inst.type], factor, inst.runningAt, endMs);
      // A Spot instance EC2 interrupts in its first hour is free (its volume is not).
      const free = cause === "spot-interruption" && !interruptedSpotCharged(endMs - inst.runningAt);
      computeUsd = free ? 0 : c.usedUsd;
      minimumUsd = free ? 0 : c.minimumUsd;
      seconds = c.seconds;
      const span = Math.max(1, endMs - inst.runningAt);
      const usage = inst.market === "spot" ? undefined : ec2Usage(inst.type);
      ledger.addInterval(
        inst.runningAt,
        Math.max(endMs, inst.runningAt + 1),
        computeUsd / span,
        minimumUsd,
        usage,
      );
      const meter = inst.market === "spot" ? "ec2.spot" : "ec2.on-demand";
      ledger.addToMeter(`${meter}.${inst.type}`, "instance-hours", seconds / 3600, computeUsd + minimumUsd);
      this.billedInstanceSeconds += seconds;
      if (!free) this.billedVcpuSeconds += seconds * this.vcpuOf(inst.type);
    }
    const ebsUsd = ebsVolumeUsd(this.cfg.rootVolumeGb, this.cfg.ebsPerGbMonth, inst.launchedAt, endMs);
    if (ebsUsd > 0) {
      const span = Math.max(1, endMs - inst.launchedAt);
      ledger.addInterval(inst.launchedAt, Math.max(endMs, inst.launchedAt + 1), ebsUsd / span, 0);
      ledger.addToMeter(
        "ebs.gp3",
        "GB-months",
        (this.cfg.rootVolumeGb * (endMs - inst.launchedAt)) / 3_600_000 / 730,
        ebsUsd,
      );
    }
    this.totalUsd += computeUsd + minimumUsd + ebsUsd;
    this.hooks.billed?.({ instance: inst, computeUsd, minimumUsd, ebsUsd, billedSeconds: seconds });
  }
}
