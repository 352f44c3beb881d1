import type { FargateRates } from "../../data/fargate.js";
import type { Rng } from "../../engine/rng.js";
import type { Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import { billEphemeralStorage, fargateTaskCost, type FargateTaskSize } from "../billing/fargate.js";
import { type CostLedger, FARGATE_USAGE } from "../billing/ledger.js";
import type { EcsService, TaskLauncher } from "../ecs/service.js";
import type { Task } from "../ecs/task.js";
import { Lognormal } from "../latency/distributions.js";

export interface FargateLauncherOptions {
  size: FargateTaskSize;
  rates: FargateRates;
  /** Mean PROVISIONING time (assumption `fargate.provisioningTime`). */
  provisioningMs: TimeMs;
  /** Mean image-pull-to-RUNNING time (assumption `fargate.pendingTime`). */
  pendingMs: TimeMs;
  ledger: CostLedger;
  rng: Rng;
  /**
   * When the workload names an image: the mean pull time (src/models/image/pull.ts; Fargate pulls on every
   * start) and the container start after it. Replaces `pendingMs`.
   */
  image?: { pullMs: TimeMs; startMs: TimeMs };
}

/** Spread of the start-up phases around their means: a modelling choice stated with the assumptions. */
export const STARTUP_CV = 0.3;

/**
 * Fargate start-up: PROVISIONING (capacity and ENI, not billed) then PENDING (image pull and container
 * start, billed). Every task gets its own micro-VM, so launching never waits for instances.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle.html
 */
export class FargateStartup {
  private readonly provisioning: Lognormal | undefined;
  private readonly pending: Lognormal | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly opts: Pick<FargateLauncherOptions, "provisioningMs" | "pendingMs" | "rng" | "image">,
  ) {
    this.provisioning = opts.provisioningMs > 0 ? new Lognormal(opts.provisioningMs, STARTUP_CV) : undefined;
    const pendingMean = opts.image ? opts.image.pullMs : opts.pendingMs;
    this.pending = pendingMean > 0 ? new Lognormal(pendingMean, STARTUP_CV) : undefined;
  }

  launch(task: Task, service: EcsService): void {
    const p = this.provisioning ? Math.round(this.provisioning.sample(this.opts.rng)) : 0;
    const q = this.pending ? Math.round(this.pending.sample(this.opts.rng)) : 0;
    const image = this.opts.image;
    this.sim.after(p, (t) => {
      service.taskPending(task, t);
      if (image) task.pullStoppedAt = t + q;
      this.sim.after(q + (image ? image.startMs : 0), (t2) => service.taskRunning(task, t2));
    });
  }
}

/**
 * Fargate capacity billed at the on-demand rates, per second from the image pull.
 * https://aws.amazon.com/fargate/pricing/
 */
export class FargateLauncher implements TaskLauncher {
  private readonly startup: FargateStartup;
  billedTaskSeconds = 0;

  constructor(
    sim: Simulation,
    private readonly opts: FargateLauncherOptions,
  ) {
    this.startup = new FargateStartup(sim, opts);
  }

  launch(task: Task, service: EcsService): void {
    this.startup.launch(task, service);
  }

  stopped(task: Task): void {
    if (task.pullStartedAt !== undefined && task.stoppedAt !== undefined)
      this.bill(task.pullStartedAt, task.stoppedAt);
  }

  /** Bill tasks still alive at the end of the run up to `endMs` (the one-minute minimum still applies). */
  finish(tasks: readonly Task[], endMs: TimeMs): void {
    for (const t of tasks)
      if (t.pullStartedAt !== undefined && t.status !== "STOPPED") this.bill(t.pullStartedAt, endMs);
  }

  private bill(startMs: TimeMs, endMs: TimeMs): void {
    const { vcpuUsd, memoryUsd, seconds } = fargateTaskCost(this.opts.size, this.opts.rates, startMs, endMs);
    const usd = vcpuUsd + memoryUsd;
    const span = Math.max(1, endMs - startMs);
    const exact = (usd * span) / (seconds * 1000);
    this.opts.ledger.addInterval(
      startMs,
      Math.max(endMs, startMs + 1),
      exact / span,
      usd - exact,
      FARGATE_USAGE,
    );
    this.opts.ledger.addToMeter(
      "fargate.vcpu",
      "vCPU-hours",
      (this.opts.size.vcpu * seconds) / 3600,
      vcpuUsd,
    );
    this.opts.ledger.addToMeter(
      "fargate.memory",
      "GB-hours",
      (this.opts.size.memoryGb * seconds) / 3600,
      memoryUsd,
    );
    billEphemeralStorage(
      this.opts.ledger,
      this.opts.size,
      this.opts.rates.ephemeralStorageGbHour ?? 0,
      startMs,
      endMs,
    );
    this.billedTaskSeconds += seconds;
  }
}
