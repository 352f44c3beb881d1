import type { Simulation } from "../../engine/sim.js";
import { MINUTE, type TimeMs } from "../../engine/time.js";
import { deregistrationTime, inServiceAt, type TargetGroupConfig } from "../alb/target-group.js";
import {
  DEPLOYMENT_DEFAULTS,
  type DeploymentConfiguration,
  NO_HEALTH_CHECK_HEALTHY_MS,
  replacedTasksToStop,
  replacementLaunches,
} from "./deployment.js";
import type { ServingObserver, ServingTarget } from "../serving-unit.js";
import type { Task } from "./task.js";

/** How tasks get compute: Fargate now; EC2 capacity providers plug in here. */
export interface TaskLauncher {
  /** Move `task` from PROVISIONING towards RUNNING by calling `service.taskPending` / `service.taskRunning`. */
  launch(task: Task, service: EcsService): void;
  /** The task has stopped: release its compute and bill it. */
  stopped(task: Task): void;
  /**
   * Choose what the task's first event already names (its capacity provider), before that event is sent:
   * every task state change event carries `capacityProviderName`, PROVISIONING included.
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
   */
  prepare?(task: Task, now: TimeMs): void;
  /** A task that was already running when the run began (warmStart): give it compute without a launch. */
  adopt?(task: Task, service: EcsService, now: TimeMs): void;
  /**
   * Scale-in choice among equally ranked running tasks, when the launch type has its own rules (placement
   * strategies on EC2, capacity-provider strategies). Returns undefined to fall back to the default.
   */
  selectForStop?(candidates: readonly Task[]): Task | undefined;
}

export interface ServiceObserver {
  taskChanged?(task: Task, now: TimeMs): void;
}

export interface EcsServiceOptions {
  name: string;
  desiredCount: number;
  targetGroup: TargetGroupConfig;
  stopDuration: TimeMs;
  scaleInSelection: "newest" | "oldest";
  /**
   * Tasks the scheduler may launch per minute: 500 on Fargate, 250 on EC2.
   * https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/task.html
   */
  launchesPerMinute: number;
  /** False for services without a load balancer (queue workers): tasks never register with a target group. */
  loadBalanced?: boolean;
  /** Time from SIGTERM to exit of this task, when it depends on the task's work (default `stopDuration`). */
  stopDelay?: (task: Task) => TimeMs;
  /** minimumHealthyPercent / maximumPercent applied when tasks are replaced (default 100 / 200). src/models/ecs/deployment.ts */
  deployment?: DeploymentConfiguration;
}

/** Why a task is being replaced, used when the scheduler finally stops it. */
interface Replacement {
  readonly code: Task["stopCode"];
  readonly reason: string;
  readonly deadline?: TimeMs;
}

/**
 * The ECS service scheduler for one service: keeps the number of tasks that should run equal to the
 * desired count, launching through a TaskLauncher and stopping tasks through the target group's
 * deregistration. Counters are maintained on every transition so the traffic model reads them in O(1).
 */
export class EcsService implements ServingTarget {
  desiredCount: number;
  readonly tasks: Task[] = [];
  /** RUNNING tasks (healthy or not): the basis of target tracking and of the service CPU metric. */
  runningCount = 0;
  /** Tasks passing health checks and receiving requests. */
  inServiceCount = 0;
  /** Tasks whose desired status is RUNNING (what the scheduler counts against desiredCount). */
  activeCount = 0;
  private nextId = 1;
  private launchWindowStart = 0;
  private launchesInWindow = 0;
  private reconcilePending = false;
  /** Tasks on DRAINING container instances, still desired RUNNING until their replacements allow a stop. */
  private readonly replacing = new Map<Task, Replacement>();
  readonly observers: ServiceObserver[] = [];
  /** The traffic model: told of each task change before `observers`. */
  readonly servingObservers: ServingObserver[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly launcher: TaskLauncher,
    readonly opts: EcsServiceOptions,
  ) {
    this.desiredCount = opts.desiredCount;
  }

  /**
   * Begin with the desired number of tasks already running and healthy, as a service that existed before
   * the trace starts; their billing starts at `now`.
   */
  warmStart(now: TimeMs): void {
    while (this.activeCount < this.desiredCount) {
      const task: Task = {
        id: this.nextId++,
        status: "RUNNING",
        desiredStatus: "RUNNING",
        createdAt: now,
        pullStartedAt: now,
        startedAt: now,
        inService: true,
        healthyAt: now,
      };
      this.tasks.push(task);
      this.activeCount++;
      this.runningCount++;
      this.inServiceCount++;
      // Provider chosen and (on EC2) bound first, so the task's first event names its container instance
      // and capacity provider.
      this.launcher.prepare?.(task, now);
      this.launcher.adopt?.(task, this, now);
      this.notify(task, now);
    }
  }

  setDesiredCount(n: number): void {
    this.desiredCount = n;
    this.reconcile();
  }

  /**
   * Launch or stop tasks until the tasks not being replaced match the desired count; tasks being replaced
   * (on DRAINING instances) stop as the deployment configuration allows.
   */
  reconcile(): void {
    const now = this.sim.now;
    while (this.activeCount - this.replacing.size > this.desiredCount) this.stopOne(now);
    this.stopReplaced(now);
    while (this.launchesWanted() > 0) {
      if (now - this.launchWindowStart >= MINUTE) {
        this.launchWindowStart = now;
        this.launchesInWindow = 0;
      }
      if (this.launchesInWindow >= this.opts.launchesPerMinute) {
        if (!this.reconcilePending) {
          this.reconcilePending = true;
          this.sim.at(this.launchWindowStart + MINUTE, () => {
            this.reconcilePending = false;
            this.reconcile();
          });
        }
        return;
      }
      this.launchesInWindow++;
      this.launchOne(now);
    }
  }

  private get deployment(): DeploymentConfiguration {
    return this.opts.deployment ?? DEPLOYMENT_DEFAULTS;
  }

  private launchesWanted(): number {
    const replaced = this.replacing.size;
    return replacementLaunches(this.activeCount - replaced, replaced, this.desiredCount, this.deployment);
  }

  /**
   * The container instance of `tasks` is DRAINING: PENDING tasks stop at once, RUNNING ones are replaced
   * under the deployment configuration (src/models/ecs/deployment.ts). With a `deadline` (a Spot notice) a
   * task the scheduler stops drains so as to be gone by then; one still running at the deadline dies with
   * the instance.
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-draining.html
   */
  replace(
    tasks: readonly Task[],
    now: TimeMs,
    code: Task["stopCode"],
    reason: string,
    deadline?: TimeMs,
  ): void {
    for (const t of tasks) {
      if (t.desiredStatus !== "RUNNING" || this.replacing.has(t)) continue;
      if (t.status === "RUNNING") this.replacing.set(t, { code, reason, deadline });
      else this.stopTask(t, now, code, reason, deadline);
    }
    this.reconcile();
  }

  /** Tasks being replaced (for checks and tests). */
  get replacingCount(): number {
    return this.replacing.size;
  }

  /**
   * Healthy for minimumHealthyPercent: behind a load balancer, RUNNING and reported healthy by the target
   * group; without one, RUNNING for 40 seconds (no container health check is modelled).
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
   */
  private healthy(t: Task, now: TimeMs): boolean {
    if (t.desiredStatus !== "RUNNING" || t.status !== "RUNNING") return false;
    if (this.opts.loadBalanced !== false) return t.inService;
    return t.startedAt !== undefined && now - t.startedAt >= NO_HEALTH_CHECK_HEALTHY_MS;
  }

  private stopReplaced(now: TimeMs): void {
    if (this.replacing.size === 0) return;
    let healthy = 0;
    for (const t of this.tasks) if (this.healthy(t, now)) healthy++;
    const replaced = [...this.replacing.keys()];
    const stop = replacedTasksToStop(
      replaced.map((t) => ({ healthy: this.healthy(t, now) })),
      healthy,
      this.desiredCount,
      this.deployment,
    );
    for (const k of stop) {
      const t = replaced[k];
      const r = this.replacing.get(t);
      if (r) this.stopTask(t, now, r.code, r.reason, r.deadline);
    }
  }

  /** A task became healthy: replacements waiting on the minimum may now let a replaced task go. */
  private healthChanged(): void {
    if (this.replacing.size > 0) this.reconcile();
  }

  private launchOne(now: TimeMs): void {
    const task: Task = {
      id: this.nextId++,
      status: "PROVISIONING",
      desiredStatus: "RUNNING",
      createdAt: now,
      inService: false,
    };
    this.tasks.push(task);
    this.activeCount++;
    this.launcher.prepare?.(task, now);
    this.notify(task, now);
    this.launcher.launch(task, this);
  }

  /** Called by the launcher when the image download starts. */
  taskPending(task: Task, now: TimeMs): void {
    if (task.desiredStatus !== "RUNNING") return;
    task.status = "PENDING";
    task.pullStartedAt = now;
    this.notify(task, now);
  }

  /** Called by the launcher when the containers are running: register with the target group. */
  taskRunning(task: Task, now: TimeMs): void {
    if (task.desiredStatus !== "RUNNING") return;
    task.status = "RUNNING";
    task.startedAt = now;
    this.runningCount++;
    this.notify(task, now);
    if (this.opts.loadBalanced === false) {
      this.sim.after(NO_HEALTH_CHECK_HEALTHY_MS, () => this.healthChanged());
      return;
    }
    this.sim.at(inServiceAt(this.opts.targetGroup, now), (t) => {
      if (task.status !== "RUNNING" || task.desiredStatus !== "RUNNING") return;
      task.inService = true;
      task.healthyAt = t;
      this.inServiceCount++;
      this.notify(task, t);
      this.healthChanged();
    });
  }

  /**
   * Scale-in choice: tasks not yet running go first (they serve nothing), then by the
   * `ecs.scaleInSelection` assumption. AWS documents AZ balance only:
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html
   */
  private pickForStop(): Task | undefined {
    let best: Task | undefined;
    let bestRank = -1;
    const newest = this.opts.scaleInSelection === "newest";
    const rankOf = (t: Task) =>
      t.status === "PROVISIONING" ? 3 : t.status === "PENDING" ? 2 : t.inService ? 0 : 1;
    for (const t of this.tasks) {
      if (t.desiredStatus !== "RUNNING" || this.replacing.has(t)) continue;
      const rank = rankOf(t);
      if (rank > bestRank || (rank === bestRank && best && (newest ? t.id > best.id : t.id < best.id))) {
        best = t;
        bestRank = rank;
      }
    }
    // Launch types with their own scale-in rules (EC2 placement, capacity-provider strategies) choose among running tasks.
    if (best && bestRank <= 1 && this.launcher.selectForStop) {
      const tier = this.tasks.filter(
        (t) => t.desiredStatus === "RUNNING" && !this.replacing.has(t) && rankOf(t) === bestRank,
      );
      return this.launcher.selectForStop(tier) ?? best;
    }
    return best;
  }

  private stopOne(
    now: TimeMs,
    code: Task["stopCode"] = "ServiceSchedulerInitiated",
    reason = "Scaling activity initiated by deployment",
  ): void {
    const task = this.pickForStop();
    if (!task) return;
    this.stopTask(task, now, code, reason);
  }

  /**
   * Stop a specific task (scale-in, Spot interruption): DEACTIVATING (deregistering, no new requests, still
   * running and billed) for the deregistration delay, then SIGTERM. With a
   * `deadline` (the end of a Spot notice, an instance going away) draining and stopping are cut short so the
   * task has stopped by then.
   */
  stopTask(task: Task, now: TimeMs, code: Task["stopCode"], reason: string, deadline?: TimeMs): void {
    if (task.desiredStatus === "STOPPED") {
      if (deadline !== undefined) this.cutShort(task, now, deadline);
      return;
    }
    this.replacing.delete(task);
    task.desiredStatus = "STOPPED";
    task.stopCode = code;
    task.stoppedReason = reason;
    this.activeCount--;
    if (task.status === "RUNNING") this.runningCount--;
    if (task.inService) {
      task.inService = false;
      this.inServiceCount--;
      task.status = "DEACTIVATING";
      this.notify(task, now);
      // The target is draining for the whole deregistration delay even when its requests finish early.
      let drain = deregistrationTime(this.opts.targetGroup);
      if (deadline !== undefined)
        drain = Math.min(drain, Math.max(0, deadline - now - this.opts.stopDuration));
      this.sim.after(drain, (t) => {
        if (task.status === "DEACTIVATING") this.beginStopping(task, t, deadline);
      });
    } else {
      this.beginStopping(task, now, deadline);
    }
  }

  /**
   * A task already draining gets a deadline (a Spot notice during the deregistration delay): SIGTERM early
   * enough for it to have stopped by then.
   */
  private cutShort(task: Task, now: TimeMs, deadline: TimeMs): void {
    if (task.status !== "DEACTIVATING") return;
    const at = Math.max(now, deadline - this.opts.stopDuration);
    this.sim.at(at, (t) => {
      if (task.status === "DEACTIVATING") this.beginStopping(task, t, deadline);
    });
  }

  private beginStopping(task: Task, now: TimeMs, deadline?: TimeMs): void {
    task.status = "STOPPING";
    task.stoppingAt = now;
    this.notify(task, now);
    // A task that never started its containers stops at once; a running one gets SIGTERM.
    let delay =
      task.pullStartedAt === undefined ? 0 : (this.opts.stopDelay?.(task) ?? this.opts.stopDuration);
    if (deadline !== undefined) delay = Math.min(delay, Math.max(0, deadline - now));
    this.sim.after(delay, (t) => {
      task.status = "STOPPED";
      task.stoppedAt = t;
      this.notify(task, t);
      this.launcher.stopped(task);
      const i = this.tasks.indexOf(task);
      if (i >= 0) this.tasks.splice(i, 1);
    });
  }

  private notify(task: Task, now: TimeMs): void {
    for (const o of this.servingObservers) o.unitChanged(task, now);
    for (const o of this.observers) o.taskChanged?.(task, now);
  }
}
