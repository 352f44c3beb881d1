import type { FargateRates } from "../../data/fargate.js";
import type { Rng } from "../../engine/rng.js";
import type { Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import { constantFactor, type PriceFactorSeries } from "../billing/ec2.js";
import { fargateCharge } from "../billing/fargate-capacity.js";
import { billEphemeralStorage, type FargateTaskSize } from "../billing/fargate.js";
import { type CostLedger, FARGATE_USAGE } from "../billing/ledger.js";
import { drawInterruptionDelayMs, SPOT_NOTICE_MS } from "../ec2/instance-launch.js";
import { nextProvider, providerToScaleIn, type StrategyItem } from "../ec2/strategy.js";
import type { EcsService, TaskLauncher } from "../ecs/service.js";
import type { Task } from "../ecs/task.js";
import type { LauncherReport } from "../platform/result.js";
import type { FargateStartup } from "./launcher.js";

/**
 * The two predefined Fargate capacity providers. A strategy may name only these (never an Auto Scaling
 * group provider beside them). https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
 */
export const FARGATE_PROVIDERS = ["FARGATE", "FARGATE_SPOT"] as const;
export type FargateProvider = (typeof FARGATE_PROVIDERS)[number];

/** The stoppedReason of the documented Fargate Spot termination-notice event. */
export const SPOT_STOPPED_REASON = "Your Spot Task was interrupted.";

export interface FargateSpotModel {
  /** Spot price = On-Demand × factor(t): (1 − discount), or a series of them. */
  readonly factor: PriceFactorSeries;
  /** Share of Spot tasks interrupted per month of task time (a constant hazard). */
  readonly interruptionFrequency: number;
  /** The `<platform>.fargateSpot.interruptions` stream. */
  readonly rng: Rng;
}

export interface FargateCapacityOptions {
  size: FargateTaskSize;
  rates: FargateRates;
  startup: FargateStartup;
  ledger: CostLedger;
  /** Items name FARGATE or FARGATE_SPOT, each at most once (validated by the scenario schema). */
  strategy: readonly StrategyItem[];
  spot: FargateSpotModel;
  /** Order among equally placed tasks on scale-in (assumption `ecs.scaleInSelection`). */
  scaleInSelection: "newest" | "oldest";
}

interface ProviderTally {
  placed: number;
  interruptions: number;
  billedSeconds: number;
  usd: number;
}

/**
 * Fargate capacity behind a capacity provider strategy: the strategy's base and weights choose FARGATE or
 * FARGATE_SPOT for each new task and the provider that gives one up on scale-in
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html).
 * FARGATE_SPOT tasks are billed at the Spot factor and interrupted at a constant hazard: the notice
 * (task state change with stopCode TerminationNotice, SIGTERM) comes two minutes before the task stops, and
 * the service scheduler launches the replacement on Fargate Spot at once — it never falls back to FARGATE.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
 */
export class FargateCapacityLauncher implements TaskLauncher {
  billedTaskSeconds = 0;
  private service: EcsService | undefined;
  private readonly providerOf = new Map<number, number>();
  private readonly factors: PriceFactorSeries[];
  private readonly spotIndex: number;
  private readonly tally: ProviderTally[];
  /** Launches owed to FARGATE_SPOT by interruptions, consumed while the scheduler reconciles. */
  private spotReplacements = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly opts: FargateCapacityOptions,
  ) {
    this.spotIndex = opts.strategy.findIndex((s) => s.capacityProvider === "FARGATE_SPOT");
    this.factors = opts.strategy.map((s) =>
      s.capacityProvider === "FARGATE_SPOT" ? opts.spot.factor : constantFactor(1),
    );
    this.tally = opts.strategy.map(() => ({ placed: 0, interruptions: 0, billedSeconds: 0, usd: 0 }));
  }

  /** The provider, chosen by the strategy for every task (those running before the run began too). */
  prepare(task: Task, now: TimeMs): void {
    this.assign(task, now);
  }

  launch(task: Task, service: EcsService): void {
    this.service = service;
    this.opts.startup.launch(task, service);
  }

  adopt(_task: Task, service: EcsService): void {
    this.service = service;
  }

  stopped(task: Task): void {
    const p = this.providerOf.get(task.id);
    this.providerOf.delete(task.id);
    if (p !== undefined && task.pullStartedAt !== undefined && task.stoppedAt !== undefined)
      this.bill(p, task.pullStartedAt, task.stoppedAt);
  }

  /** Bill tasks still alive at the end of the run up to `endMs` (the one-minute minimum still applies). */
  finish(tasks: readonly Task[], endMs: TimeMs): void {
    for (const t of tasks) {
      const p = this.providerOf.get(t.id);
      if (p !== undefined && t.pullStartedAt !== undefined && t.status !== "STOPPED")
        this.bill(p, t.pullStartedAt, endMs);
    }
  }

  /**
   * Scale-in: the provider the strategy gives up a task from (outside its weights first, then the most
   * over-represented, a provider at its base last), then the newest (or oldest) task on it.
   */
  selectForStop(candidates: readonly Task[]): Task | undefined {
    const counts = this.opts.strategy.map(() => 0);
    for (const t of candidates) {
      const p = this.providerOf.get(t.id);
      if (p !== undefined) counts[p]++;
    }
    const p = providerToScaleIn(this.opts.strategy, counts);
    if (p < 0) return undefined;
    const newest = this.opts.scaleInSelection === "newest";
    let best: Task | undefined;
    for (const t of candidates) {
      if (this.providerOf.get(t.id) !== p) continue;
      if (!best || (newest ? t.id > best.id : t.id < best.id)) best = t;
    }
    return best;
  }

  report(): LauncherReport {
    return { details: this.details() };
  }

  /** Per-provider figures for the summary's `details.capacityProviders`. */
  details(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.opts.strategy.forEach((s, i) => {
      const t = this.tally[i];
      out[s.capacityProvider] = {
        tasksPlaced: t.placed,
        billedTaskHours: t.billedSeconds / 3600,
        usd: t.usd,
        ...(s.capacityProvider === "FARGATE_SPOT" ? { interruptions: t.interruptions } : {}),
      };
    });
    return { capacityProviders: out };
  }

  private assign(task: Task, now: TimeMs): void {
    let p: number;
    if (this.spotReplacements > 0 && this.spotIndex >= 0) {
      this.spotReplacements--;
      p = this.spotIndex;
    } else {
      p = nextProvider(this.opts.strategy, this.activeCounts());
    }
    this.providerOf.set(task.id, p);
    this.tally[p].placed++;
    task.capacityProviderName = this.opts.strategy[p].capacityProvider;
    if (p === this.spotIndex) this.armInterruption(task, now);
  }

  /** One exponential draw per Spot task, in launch order: the hazard runs over the task's life. */
  private armInterruption(task: Task, now: TimeMs): void {
    const delay = drawInterruptionDelayMs(this.opts.spot.interruptionFrequency, this.opts.spot.rng);
    if (!Number.isFinite(delay)) return;
    this.sim.at(now + delay, (t) => this.interrupt(task, t));
  }

  private interrupt(task: Task, now: TimeMs): void {
    const svc = this.service;
    if (!svc) return;
    // A task still draining after a scale-in: the notice cuts its deregistration delay short.
    if (task.status === "DEACTIVATING") {
      svc.stopTask(task, now, "TerminationNotice", SPOT_STOPPED_REASON, now + SPOT_NOTICE_MS);
      return;
    }
    if (task.desiredStatus !== "RUNNING") return;
    this.tally[this.spotIndex].interruptions++;
    svc.stopTask(task, now, "TerminationNotice", SPOT_STOPPED_REASON, now + SPOT_NOTICE_MS);
    // "the service scheduler … attempts to launch additional tasks on Fargate Spot"; a replacement the
    // launch rate defers is placed by the strategy when it comes.
    this.spotReplacements = 1;
    svc.reconcile();
    this.spotReplacements = 0;
  }

  private bill(p: number, startMs: TimeMs, endMs: TimeMs): void {
    const c = fargateCharge(this.opts.size, this.opts.rates, this.factors[p], startMs, endMs);
    const f = this.factors[p];
    const perMs =
      (this.opts.size.vcpu * this.opts.rates.vcpuHour + this.opts.size.memoryGb * this.opts.rates.gbHour) /
      3_600_000;
    // Spread the run over the minutes it covers, one price segment at a time; the minimum lands at the end.
    const end = endMs;
    const spot = this.opts.strategy[p].capacityProvider === "FARGATE_SPOT";
    // Savings Plans cover FARGATE usage, not FARGATE_SPOT. https://aws.amazon.com/savingsplans/compute-pricing/
    const usage = spot ? undefined : FARGATE_USAGE;
    for (let i = 0; i < f.at.length; i++) {
      const a = Math.max(startMs, i === 0 ? startMs : f.at[i]);
      const b = Math.min(end, i + 1 < f.at.length ? f.at[i + 1] : end);
      if (b > a) this.opts.ledger.addInterval(a, b, perMs * f.factor[i], 0, usage);
    }
    this.opts.ledger.addInterval(end, end, 0, c.vcpuUsd + c.memoryUsd - c.usedUsd, usage);
    const prefix = spot ? "fargateSpot" : "fargate";
    this.opts.ledger.addToMeter(
      `${prefix}.vcpu`,
      "vCPU-hours",
      (this.opts.size.vcpu * c.seconds) / 3600,
      c.vcpuUsd,
    );
    this.opts.ledger.addToMeter(
      `${prefix}.memory`,
      "GB-hours",
      (this.opts.size.memoryGb * c.seconds) / 3600,
      c.memoryUsd,
    );
    billEphemeralStorage(
      this.opts.ledger,
      this.opts.size,
      this.opts.rates.ephemeralStorageGbHour ?? 0,
      startMs,
      endMs,
    );
    const t = this.tally[p];
    t.billedSeconds += c.seconds;
    t.usd += c.vcpuUsd + c.memoryUsd;
    this.billedTaskSeconds += c.seconds;
  }

  private activeCounts(): number[] {
    const counts = this.opts.strategy.map(() => 0);
    if (!this.service) return counts;
    for (const t of this.service.tasks) {
      if (t.desiredStatus !== "RUNNING") continue;
      const p = this.providerOf.get(t.id);
      if (p !== undefined) counts[p]++;
    }
    return counts;
  }
}
